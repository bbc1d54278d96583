"""Russian grammar for documents: names in the dative (and genitive) case, dates, plural forms.

A certificate is a Russian document whatever language the reader's interface is in, so these functions are
deliberately not translated through gettext: they always produce Russian. They are pure (no database, no
settings) so that a certificate can freeze their output once, at issue.

Names are declined by the `petrovich` library (3.x, the maintained rules of github.com/petrovich/petrovich-rules)
when it is installed, which needs Python 3.12 or newer; on an older Python, and wherever petrovich is measurably
wrong, by this module's own rules. docs/declension.md gives the measurements on a corpus of 2,400 full names
(tests/certificates/test_declension_corpus.py) and the list of words our rules keep. What stays ours either way:
- the person's gender, from the patronymic, then the first name, then an unambiguous surname (below); petrovich is
  told it, and when it stays unknown our rules decline every part (petrovich would guess);
- particles of multi-word surnames (фон, де, ибн ...) stay as written; hyphenated parts decline on their own;
- the person's own capitalisation is kept: only the ending changes («ИВАНОВ» → «ИВАНОВУ»).

Our own rules follow Russian reference grammars (Rosenthal's «Справочник по правописанию и литературной
правке», §§ on surnames) for the cases that documents need; they are rule-based, not a dictionary:
- the person's gender comes from the patronymic (-вич/-ич, -вна/-чна; also Turkic «оглы»/«кызы»), else from the
  first name (a short list of exceptions, then its ending), else from an unambiguous surname form
  (Иванов/Иванова, Кольцов/Кольцова, Тверской/Тверская); when it stays unknown the surname is left as written;
- surnames of the -ов/-ин and adjective types decline in both genders; surnames ending in a consonant or «ь»
  decline for men only (Шевчуку, but «Шевчук» for a woman); -а/-я surnames decline for both (Кузьме, Глинке);
  surnames ending in -о, -е, -и, -у, -ю, -ы, -ых/-их, a vowel before a final -а (Гарсиа), and a few
  well-known foreign names with stressed final -а (Дюма) never change;
- each part of a hyphenated surname declines on its own (Римскому-Корсакову, Петровой-Водкиной);
- the person's own capitalisation is kept: only the ending changes («ИВАНОВ» → «ИВАНОВУ»).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from decimal import Decimal
from typing import Literal

Case = Literal["nominative", "genitive", "dative"]
Gender = Literal["male", "female"]

CASES: tuple[str, ...] = ("nominative", "genitive", "dative")

_VOWELS = set("аеёиоуыэюя")
_CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
# After these letters Russian spelling writes «и», never «ы» (Глинка → Глинки, Ольга → Ольги).
_VELARS_AND_SIBILANTS = set("гкхжшчщ")
_SIBILANTS = set("жшчщ")

# Particles inside multi-word surnames that never decline (фон Визин, де Сад, ибн Сина).
_SURNAME_PARTICLES = {"фон", "дер", "ван", "де", "да", "ди", "дю", "ла", "ле", "дель", "делла", "ибн", "бен", "оглы",
                      "кызы", "заде"}

# Foreign surnames with a stressed final «-а»/«-я», which do not decline (Дюма, Золя). Only well-known ones: a
# Russian surname in -а (Кузьма, Глинка, Сковорода) declines, and that is the rule.
_UNDECLINABLE_SURNAMES = {"дюма", "золя", "дега", "тома", "петипа", "труа"}

# First names whose ending misleads about the gender.
_MALE_NAMES_IN_A = {
    "илья", "никита", "кузьма", "фома", "лука", "савва", "фока", "данила", "гаврила", "иона", "мина", "сила",
    "ерема", "ерёма", "добрыня", "мустафа", "муса", "иса", "хамза", "миша", "гриша", "ваня", "петя",
    "вася", "коля", "дима", "лёша", "леша", "паша", "гоша", "федя", "толя", "витя", "костя", "вова", "стёпа", "степа",
    "юра", "абдулла", "лёва", "лева", "сеня", "боря", "гена", "жора", "рома", "сева", "тима",
}
_FEMALE_NAMES_IN_CONSONANT = {
    "любовь", "нинель", "рахиль", "юдифь", "эсфирь", "руфь", "ассоль", "айгуль", "гузель", "адель", "жизель",
    "изабель", "габриэль", "мишель", "элен", "ирэн", "кармен", "гульназ", "гульшат", "дильбар", "гульнур", "айнур",
    "аиткуль", "шолпан", "чулпан", "наргиз", "нигяр", "дильназ", "айсулу", "мэри", "нелли", "элли", "натали",
    "софи", "мари", "жанетт", "рут", "эстер", "ингрид", "маргарет", "элизабет", "бетти", "долорес", "агарь",
    "суламифь", "айгерим", "асель", "гульсум", "зульфия",
}
_MALE_NAMES_IN_OTHER_VOWEL = {"марко", "отто", "данко", "хосе", "рене", "гёте", "анри", "луи", "жан-поль"}
# Diminutives used for both men and women: they tell nothing about the gender.
_UNISEX_NAMES = {"саша", "женя", "валя", "шура", "сима", "слава"}

# Male first names whose stem changes in the other cases: a fleeting vowel (Лев → Льву, Павел → Павлу) or «ё»
# losing its stress (Пётр → Петру).
_STEM_CHANGING_NAMES = {"лев": "льв", "павел": "павл", "пётр": "петр"}


# --- small helpers ------------------------------------------------------------------------------------------------

def _normalize(value: str | None) -> str:
    """Trims and collapses inner whitespace; a missing part becomes an empty string."""
    return " ".join((value or "").split())


def _is_cyrillic_word(word: str) -> bool:
    return bool(word) and word[-1].lower() in _CYRILLIC


def _replace_ending(word: str, cut: int, ending: str) -> str:
    """Replaces the last `cut` letters with `ending`, keeping the person's capitalisation of the word.

    The stem is kept character for character; the new ending is written in capitals when the whole word is
    (a name typed in capitals stays in capitals), otherwise in lower case.
    """
    stem = word[: len(word) - cut] if cut else word
    letters = [c for c in word if c.isalpha()]
    shouting = len(letters) > 1 and all(c.isupper() for c in letters)
    return stem + (ending.upper() if shouting else ending)


def _adjective_endings(word: str, gender: Gender) -> tuple[str, str]:
    """Endings of a surname of the -ий/-ая/-яя type (the whole word, lower case): (dative, genitive)."""
    # Soft stems, which show in the ending -ний/-няя (Крайний/Крайняя), and hushing stems (Рыжий/Рыжая) take
    # -ему/-его/-ей; the rest -ому/-ого/-ой, «н» before a hard ending too (Заболотная → Заболотной).
    soft = word.endswith(("ний", "яя")) or word[-3] in _SIBILANTS
    if gender == "male":
        return ("ему", "его") if soft else ("ому", "ого")
    return ("ей", "ей") if soft else ("ой", "ой")


def _a_noun_endings(stem_last: str) -> tuple[str, str]:
    """A noun in -а (Кузьма, Глинка, Анна): (dative, genitive) replacing the final «а»."""
    return "е", ("и" if stem_last in _VELARS_AND_SIBILANTS else "ы")


# --- gender -------------------------------------------------------------------------------------------------------

def gender_from_patronymic(patronymic: str | None) -> Gender | None:
    word = _normalize(patronymic).lower()
    if not word:
        return None
    last_word = word.replace("-", " ").split()[-1]
    if last_word in {"оглы", "улы", "уулу"}:
        return "male"
    if last_word in {"кызы", "гызы", "кизи"}:
        return "female"
    if last_word.endswith(("вич", "ич")):
        return "male"
    if last_word.endswith(("вна", "чна", "ична")):
        return "female"
    return None


def gender_from_first_name(first_name: str | None) -> Gender | None:
    name = _normalize(first_name).lower()
    if not name or not _is_cyrillic_word(name):
        return None
    if name in _UNISEX_NAMES:
        return None
    if name in _MALE_NAMES_IN_A or name in _MALE_NAMES_IN_OTHER_VOWEL:
        return "male"
    if name in _FEMALE_NAMES_IN_CONSONANT:
        return "female"
    last = name[-1]
    if last in "ая":
        return "female"
    if last == "ь" or last == "й" or last not in _VOWELS:
        return "male"
    return None  # -о, -е, -и, -у, -ю, -э: foreign names, no safe guess


def gender_from_last_name(last_name: str | None) -> Gender | None:
    """Only the surname forms that leave no doubt (Иванов/Иванова, Тверской/Тверская)."""
    word = _normalize(last_name).lower()
    if not word or not _is_cyrillic_word(word):
        return None
    word = word.replace(" ", "-").split("-")[-1]
    if word.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая", "яя")):
        return "female"
    if word.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый")):
        return "male"
    return None


def detect_gender(first_name: str | None = "", patronymic: str | None = "",
                  last_name: str | None = "") -> Gender | None:
    """The patronymic decides, then the first name, then an unambiguous surname; None when nothing tells."""
    return gender_from_patronymic(patronymic) or gender_from_first_name(first_name) or gender_from_last_name(last_name)


# --- one word of each kind ---------------------------------------------------------------------------------------

def _decline_surname_word(word: str, gender: Gender | None, case: str) -> str:
    if case == "nominative" or len(word) < 2 or not _is_cyrillic_word(word):
        return word
    low = word.lower()
    dative = case == "dative"
    last, before = low[-1], low[-2]
    if low in _UNDECLINABLE_SURNAMES or low.endswith(("ых", "их")) or last in "оеёиуюыэ":
        return word  # Дюма, Черных, Шевченко, Живаго, Гёте, Руставели, Шоу: never change

    if gender == "male":
        if low.endswith(("ов", "ев", "ёв", "ин", "ын")):  # Иванов → Иванову
            return _replace_ending(word, 0, "у" if dative else "а")
        if low.endswith(("ой", "ый")):  # Толстой → Толстому, Белый → Белому (stressed or not, always hard)
            return _replace_ending(word, 2, "ому" if dative else "ого")
        if low.endswith(("кий", "гий", "хий", "ний", "жий", "ший", "чий", "щий")):  # Горький, Крайний, Рыжий
            dat, gen = _adjective_endings(low, "male")
            return _replace_ending(word, 2, dat if dative else gen)
        if last in "йь":  # a noun: Гордий → Гордию, Бугай → Бугаю, Гоголь → Гоголю
            return _replace_ending(word, 1, "ю" if dative else "я")
        if last not in _VOWELS:  # Шевчук → Шевчуку, Ким → Киму, Кравец → Кравецу (surnames keep the vowel)
            return _replace_ending(word, 0, "у" if dative else "а")
    elif gender == "female":
        if low.endswith(("ова", "ева", "ёва", "ина", "ына")):  # Иванова → Ивановой
            return _replace_ending(word, 1, "ой")
        if low.endswith(("ая", "яя")) and len(low) > 3:  # Толстая → Толстой, Крайняя → Крайней
            dat, gen = _adjective_endings(low, "female")
            return _replace_ending(word, 2, dat if dative else gen)
        if last not in _VOWELS:
            return word  # a woman's surname in a consonant or «ь» never changes: Шевчук, Гоголь
    elif last not in "ая":
        return word  # unknown gender: only the -а/-я nouns below decline the same way for both

    # Both genders: nouns in -а/-я (Кузьма → Кузьме, Глинка → Глинке, Зозуля → Зозуле, Гарсия → Гарсии).
    if last == "а":
        if before in _VOWELS:
            return word  # Гарсиа, Делакруа, Моравиа
        dat, gen = _a_noun_endings(before)
        return _replace_ending(word, 1, dat if dative else gen)
    if last == "я":
        if before == "и":
            return _replace_ending(word, 1, "и")
        return _replace_ending(word, 1, "е" if dative else "и")
    return word


def _decline_first_name_word(word: str, gender: Gender | None, case: str) -> str:
    if case == "nominative" or not _is_cyrillic_word(word):
        return word
    low = word.lower()
    dative = case == "dative"
    last = low[-1]
    if len(low) < 2:
        return word
    before = low[-2]

    if low in _STEM_CHANGING_NAMES:  # Лев → Льву, Павел → Павлу, Пётр → Петру
        stem = _STEM_CHANGING_NAMES[low]
        keep = len(os.path.commonprefix([low, stem]))  # letters kept as the person wrote them («Л», «Пав»)
        return _replace_ending(word, len(low) - keep, stem[keep:] + ("у" if dative else "а"))
    if low == "любовь":  # the name keeps its «о»: Любови, not «Любви»
        return _replace_ending(word, 1, "и")

    if last == "а":
        if before in _VOWELS:
            return word  # foreign names with a vowel before the final «а» (Моана, Ноа) stay
        dat, gen = _a_noun_endings(before)
        return _replace_ending(word, 1, dat if dative else gen)
    if last == "я":
        if before == "и":  # Мария → Марии, Виктория → Виктории
            return _replace_ending(word, 1, "и")
        return _replace_ending(word, 1, "е" if dative else "и")  # Наталья → Наталье, Илья → Илье, Зоя → Зое
    if low.endswith("ий"):  # Василий → Василию
        return _replace_ending(word, 1, "ю" if dative else "я")
    if last == "й":  # Николай → Николаю, Сергей → Сергею
        return _replace_ending(word, 1, "ю" if dative else "я")
    if gender is None:
        gender = gender_from_first_name(word)
    if last == "ь":
        if gender == "female":  # Нинель → Нинели, Рахиль → Рахили
            return _replace_ending(word, 1, "и")
        if gender == "male":  # Игорь → Игорю
            return _replace_ending(word, 1, "ю" if dative else "я")
        return word
    if last not in _VOWELS and gender == "male":  # Иван → Ивану
        return _replace_ending(word, 0, "у" if dative else "а")
    return word  # women's names in a consonant (Гульназ), names in -о, -е, -и, -у, -ю


def _decline_patronymic_word(word: str, gender: Gender | None, case: str) -> str:
    if case == "nominative" or not _is_cyrillic_word(word):
        return word
    low = word.lower()
    dative = case == "dative"
    if low.endswith("ич"):  # Петрович → Петровичу, Ильич → Ильичу
        return _replace_ending(word, 0, "у" if dative else "а")
    if low.endswith(("вна", "чна")):  # Петровна → Петровне, Ильинична → Ильиничне
        return _replace_ending(word, 1, "е" if dative else "ы")
    return word


# --- whole parts and the full name -------------------------------------------------------------------------------

def _decline_compound(value: str, decline_word, gender: Gender | None, case: str, *, particles=frozenset()) -> str:
    """Declines each word and each hyphenated part of a name field on its own (Римский-Корсаков, Анна-Мария)."""
    words = []
    for word in value.split(" "):
        if word.lower() in particles:
            words.append(word)
            continue
        words.append("-".join(decline_word(part, gender, case) if part else part for part in word.split("-")))
    return " ".join(words)


def _check_case(case: str) -> None:
    if case not in CASES:
        raise ValueError(f"Unsupported case {case!r}; expected one of {', '.join(CASES)}")


# --- petrovich, and the words where our rules are kept ------------------------------------------------------------

@functools.cache
def _petrovich():
    """(engine, cases, genders) of petrovich 3.x, or None where it is not installed (it needs Python >= 3.12)."""
    try:
        from petrovich import Case as PetrovichCase, Gender as PetrovichGender, Petrovich
    except ImportError:
        # Not installed; or petrovich 2.0.1, which the test extra installs on Python < 3.12 for the comparison in
        # tests/certificates/test_declension_corpus.py only: its package exports nothing, so it is never used.
        return None
    cases = {"genitive": PetrovichCase.GENITIVE, "dative": PetrovichCase.DATIVE}
    genders = {"male": PetrovichGender.MALE, "female": PetrovichGender.FEMALE}
    return Petrovich(), cases, genders


def petrovich_in_use() -> bool:
    """True where names are declined by petrovich, False where only by our rules (petrovich not installed)."""
    return _petrovich() is not None


# Where the corpus shows petrovich wrong and our rules right (docs/declension.md): these words keep our rules.
def _surname_keeps_our_rules(word: str, gender: Gender) -> bool:
    return (
        word in _UNDECLINABLE_SURNAMES  # Золя: petrovich declines it (Золи)
        or (gender == "male" and word.endswith(("эй", "ёй", "юй", "яй")))  # Рэй, Хемингуэй: petrovich leaves them
        or (gender == "female" and word.endswith("ена"))  # Кучерена: petrovich declines it like Иванова (-ой)
    )


def _first_name_keeps_our_rules(word: str, gender: Gender) -> bool:
    return gender == "male" and word.endswith(("ек", "ёк"))  # Дерек, Яцек: petrovich drops the vowel (Дерька)


def _decline_with_petrovich(value: str, method: str, decline_word, keeps_our_rules, gender: Gender, case: str,
                            *, particles=frozenset()) -> str:
    """Declines each word of a name field with petrovich, but particles stay and `keeps_our_rules` words are ours.

    A hyphenated word goes to petrovich whole, as its rules for a first part (Бонч-Бруевич) need; its parts come
    back in the same places, so each can be replaced by our rule's form on its own.
    """
    engine, cases, genders = _petrovich()
    words = []
    for word in value.split(" "):
        if not word or word.lower() in particles:
            words.append(word)
            continue
        parts = word.split("-")
        declined = getattr(engine, method)(word, cases[case], genders[gender]).split("-")
        if len(declined) != len(parts):  # not expected; our rules then decline the word
            declined = [decline_word(part, gender, case) if part else part for part in parts]
        words.append("-".join(
            part if not _is_cyrillic_word(part)
            else decline_word(part, gender, case) if keeps_our_rules(part.lower(), gender)
            else petrovich_form
            for part, petrovich_form in zip(parts, declined)
        ))
    return " ".join(words)


# --- our rules for a whole part (where petrovich is not installed, or the gender is unknown) ----------------------

def _rules_last_name(value: str, gender: Gender | None, case: str) -> str:
    return _decline_compound(value, _decline_surname_word, gender, case, particles=_SURNAME_PARTICLES)


def _rules_first_name(value: str, gender: Gender | None, case: str) -> str:
    return _decline_compound(value, _decline_first_name_word, gender, case)


def _rules_patronymic(value: str, gender: Gender | None, case: str) -> str:
    # Only Russian patronymics (-ич, -вна, -чна) change; «Гасан кызы», «Мамед оглы» stay as written.
    return _decline_compound(value, _decline_patronymic_word, gender, case)


def _use_petrovich(value: str, gender: Gender | None, case: str) -> bool:
    return bool(value) and case != "nominative" and gender is not None and petrovich_in_use()


# --- the public functions ----------------------------------------------------------------------------------------

def decline_last_name(last_name: str | None, gender: Gender | None, case: Case = "dative") -> str:
    _check_case(case)
    value = _normalize(last_name)
    if gender is None:
        gender = gender_from_last_name(value)
    if _use_petrovich(value, gender, case):
        return _decline_with_petrovich(value, "lastname", _decline_surname_word, _surname_keeps_our_rules, gender,
                                       case, particles=_SURNAME_PARTICLES)
    return _rules_last_name(value, gender, case)


def decline_first_name(first_name: str | None, gender: Gender | None, case: Case = "dative") -> str:
    _check_case(case)
    value = _normalize(first_name)
    if _use_petrovich(value, gender, case):
        return _decline_with_petrovich(value, "firstname", _decline_first_name_word, _first_name_keeps_our_rules,
                                       gender, case)
    return _rules_first_name(value, gender, case)


def decline_patronymic(patronymic: str | None, gender: Gender | None, case: Case = "dative") -> str:
    _check_case(case)
    value = _normalize(patronymic)
    if _use_petrovich(value, gender, case):
        return _decline_with_petrovich(value, "middlename", _decline_patronymic_word, lambda word, gender: False,
                                       gender, case)
    return _rules_patronymic(value, gender, case)


def decline_full_name(last_name: str | None, first_name: str | None, patronymic: str | None = "",
                      case: Case = "dative") -> str:
    """«Иванова», «Мария», «Петровна» → «Ивановой Марии Петровне» (surname, name, patronymic).

    Missing parts are left out; the person's capitalisation is kept. `case` is "dative" (for «выдано …»),
    "genitive" or "nominative".
    """
    _check_case(case)
    gender = detect_gender(first_name, patronymic, last_name)
    parts = [
        decline_last_name(last_name, gender, case),
        decline_first_name(first_name, gender, case),
        decline_patronymic(patronymic, gender, case),
    ]
    return " ".join(part for part in parts if part)


# --- numbers and dates --------------------------------------------------------------------------------------------

_MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                    "октября", "ноября", "декабря")


def format_date_ru(value: dt.date) -> str:
    """23 ноября 2026 г. A datetime is shown in its own time zone (make it local before calling)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {_MONTHS_GENITIVE[value.month - 1]} {value.year} г."


def format_period_ru(start: dt.date, end: dt.date) -> str:
    """«с 1 октября 2026 г. по 23 ноября 2026 г.», or one date when both are the same day."""
    if start == end:
        return format_date_ru(start)
    return f"с {format_date_ru(start)} по {format_date_ru(end)}"


def _is_whole(number: int | float | Decimal) -> bool:
    return isinstance(number, int) or number == int(number)


def plural_ru(number: int | float | Decimal, one: str, few: str, many: str) -> str:
    """The form of a noun after a number: 1 час, 2 часа, 5 часов, 11 часов, 21 час, 1,5 часа.

    A fractional number takes the genitive singular, which for nouns is the `few` form (1,5 часа).
    """
    if not _is_whole(number):
        return few
    n = abs(int(number))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_number_ru(number: int | float | Decimal) -> str:
    """16 → «16», Decimal("1.50") → «1,5»: a decimal comma and no trailing zeros."""
    if _is_whole(number):
        return str(int(number))
    text = format(Decimal(str(number)).normalize(), "f")
    return text.replace(".", ",")


def hours_phrase(number: int | float | Decimal) -> str:
    """«1 академический час», «2 академических часа», «5 академических часов», «1,5 академического часа»."""
    if not _is_whole(number):
        # After a fraction both words stand in the genitive singular.
        return f"{format_number_ru(number)} академического часа"
    words = plural_ru(number, "академический час", "академических часа", "академических часов")
    return f"{format_number_ru(number)} {words}"
