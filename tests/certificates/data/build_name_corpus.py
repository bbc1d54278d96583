"""Builds name_corpus.tsv: Russian full names in the nominative, genitive and dative, from OpenCorpora.

This is how the data file was made; the tests do not run it. It needs what the project does not:

    python3.12 -m venv /tmp/corpus && /tmp/corpus/bin/pip install pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142
    /tmp/corpus/bin/python tests/certificates/data/build_name_corpus.py POPULAR_NAMES_TSV > tests/certificates/data/name_corpus.tsv

pymorphy3-dicts-ru 2.4.417150.4580142 is the OpenCorpora dictionary (revision 417150, compiled 2022-01-08), data
under CC BY-SA 3.0. POPULAR_NAMES_TSV is `firstnames.popular.gender.tsv` of github.com/petrovich/petrovich-eval
(CC BY-SA 3.0, commit be817bc): only its list of 200 common first names is used, to choose names; every form in
the output comes from OpenCorpora. See README.md beside this file.
"""

from __future__ import annotations

import collections
import os
import random
import sys

import pymorphy3

SEED = 20261101
PER_GENDER = 1200
SMALL_KIND = 100  # surname kinds with at most this many lexemes of a gender are taken whole
BAD_FORMS = {"Erro", "Infr", "Dist"}  # OpenCorpora's misspelt, informal and distorted forms are not gold
CASES = ("nomn", "gent", "datv")
# First names and patronymics that reference grammars single out; each is put into the corpus at least twice.
HARD_FIRST_NAMES = {
    "masc": ["илья", "никита", "лев", "павел", "пётр", "кузьма", "фома", "лука", "игорь", "савва", "данила"],
    "femn": ["любовь", "нинель", "ия", "мария", "наталья", "софья", "юлия", "зоя"],
}
HARD_PATRONYMICS = {
    "masc": ["ильич", "кузьмич", "фомич", "лукич", "львович", "павлович", "петрович"],
    "femn": ["ильинична", "кузьминична", "фоминична", "лукинична", "львовна", "павловна", "петровна"],
}


def lexemes(morph):
    """{(part, lemma, paradigm id): {(case, gender or None): {word, ...}}} for surnames, first names, patronymics."""
    found = collections.defaultdict(lambda: collections.defaultdict(set))
    for word, tag, normal_form, para_id, _ in morph.dictionary.iter_known_words():
        grammemes = tag.grammemes
        part = next((p for p in ("Surn", "Name", "Patr") if p in grammemes), None)
        if part is None or "sing" not in grammemes or tag.case not in CASES or grammemes & BAD_FORMS:
            continue
        found[(part, normal_form, para_id)][(tag.case, tag.gender)].add(word)
    return found


def common_prefix(a: str, b: str) -> int:
    return len(os.path.commonprefix([a, b]))


def entries(found):
    """(part, gender, nominative, genitive, dative); a form of common gender (ms-f, Дюма, Черных) serves both.

    A lexeme with spelling variants (Абдрефиевич/Абдрефьевич) gives one entry a variant, each with the forms
    that share the most letters with it.
    """
    result = []
    for (part, _, _), forms in sorted(found.items()):
        for gender in ("masc", "femn"):
            by_case = {case: set() for case in CASES}
            for (case, form_gender), words in forms.items():
                if form_gender in (gender, None):
                    by_case[case] |= words
            if not all(by_case.values()):
                continue
            for nominative in sorted(by_case["nomn"]):
                picked = []
                for case in ("gent", "datv"):
                    best = max(common_prefix(nominative, w) for w in by_case[case])
                    picked.append("|".join(sorted(w for w in by_case[case] if common_prefix(nominative, w) == best)))
                result.append((part, gender, nominative, *picked))
    return result


def surname_kind(word: str) -> str:
    if "-" in word:
        return "hyphenated"
    kinds = [
        (("ых", "их"), "-ых/-их"), (("ко",), "-ко"), (("ов", "ев", "ёв", "ин", "ын"), "-ов/-ин"),
        (("ова", "ева", "ёва", "ина", "ына"), "-ова/-ина"), (("ский", "цкий", "ская", "цкая"), "-ский/-ская"),
        (("ой", "ый", "ий", "ая", "яя"), "adjective"), (("ец",), "-ец"), (("ок", "ёк", "ек"), "-ок/-ек"),
        (("ь",), "-ь"), (("й",), "-й"), (("а", "я"), "-а/-я"), (tuple("оеиуюыэё"), "other vowel"),
    ]
    return next((name for endings, name in kinds if word.endswith(endings)), "consonant")


def title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def choose_surnames(rng, surnames, gender):
    by_kind = collections.defaultdict(list)
    for entry in surnames:
        if entry[1] == gender:
            by_kind[surname_kind(entry[2])].append(entry)
    chosen = [entry for kind in sorted(by_kind) if len(by_kind[kind]) <= SMALL_KIND for entry in by_kind[kind]]
    large = [kind for kind in sorted(by_kind) if len(by_kind[kind]) > SMALL_KIND]
    pool = [entry for kind in large for entry in by_kind[kind]]
    chosen += rng.sample(pool, PER_GENDER - len(chosen))  # the rest in the dictionary's own proportions
    rng.shuffle(chosen)
    return chosen


def choose(rng, entries_of_gender, common_lemmas, hard, count, *, only_common=False):
    """The hard ones twice each, then half from the common list and half from the whole dictionary (or all from
    the common list)."""
    index = {entry[2]: entry for entry in entries_of_gender}
    common = [index[lemma] for lemma in common_lemmas if lemma in index]
    chosen = [index[lemma] for lemma in hard for _ in range(2)]
    while len(chosen) < count:
        chosen.append(rng.choice(common) if only_common or len(chosen) % 2 else rng.choice(entries_of_gender))
    rng.shuffle(chosen)
    return chosen


def patronymics_of(first_names):
    """The patronymics OpenCorpora would derive from these first names (Иван → Иванович, Сергей → Сергеевич)."""
    stems = set()
    for name in first_names:
        name = name.replace("ё", "е")
        if name.endswith("ий"):  # Дмитрий → Дмитриевич, Юрий → Юрьевич
            stems |= {name[:-2] + "иевич", name[:-2] + "ьевич"}
        elif name.endswith(("й", "ь")):  # Сергей → Сергеевич, Игорь → Игоревич
            stems.add(name[:-1] + "евич")
        elif name.endswith(("а", "я")):  # Никита → Никитич, Данила → Данилович
            stems |= {name[:-1] + "ич", name[:-1] + "ович"}
        else:  # Иван → Иванович
            stems.add(name + "ович")
    return stems


def main(popular_path: str) -> None:
    rng = random.Random(SEED)
    morph = pymorphy3.MorphAnalyzer()
    all_entries = entries(lexemes(morph))
    popular = {"masc": [], "femn": []}
    with open(popular_path, encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            lemma, gender = line.rstrip("\n").split("\t")
            popular["masc" if gender == "мр" else "femn"].append(lemma.lower())
    common_patronymics = patronymics_of(popular["masc"])

    print("gender\tlast\tfirst\tpatronymic\tlast_gen\tfirst_gen\tpatronymic_gen\tlast_dat\tfirst_dat\tpatronymic_dat"
          "\tsurname_kind")
    for gender in ("masc", "femn"):
        of_gender = [e for e in all_entries if e[1] == gender]
        surnames = choose_surnames(rng, [e for e in of_gender if e[0] == "Surn"], gender)
        first_names = choose(rng, [e for e in of_gender if e[0] == "Name"], popular[gender],
                             HARD_FIRST_NAMES[gender], PER_GENDER)
        patronymic_entries = [e for e in of_gender if e[0] == "Patr"]
        masculine = {e[2] for e in all_entries if e[0] == "Patr" and e[1] == "masc"} & common_patronymics
        if gender == "femn":  # the feminine of each common patronymic: Иванович → Ивановна
            masculine = {p[:-3] + "вна" if p.endswith("вич") else p for p in masculine}
        patronymics = choose(rng, patronymic_entries, sorted(masculine), HARD_PATRONYMICS[gender], PER_GENDER,
                             only_common=True)  # OpenCorpora derives a patronymic from every name, used or not
        for surname, first, patronymic in zip(surnames, first_names, patronymics):
            row = [gender]
            for case in (2, 3, 4):
                row += ["|".join(title(v) for v in part[case].split("|")) for part in (surname, first, patronymic)]
            row.append(surname_kind(surname[2]))
            print("\t".join(row))


if __name__ == "__main__":
    main(sys.argv[1])
