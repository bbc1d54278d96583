"""What «the admin reads as finished Russian» means, as checks on a page's visible text (used by
tests/cms/test_admin_russian.py).

- `visible_text`: what a person sees or hears: text outside scripts and styles and hidden elements, plus the
  aria-label, title, alt, placeholder and tooltip texts and the values of buttons.
- `english_leftovers`: words of Wagtail's and Django's that stayed English (the list grew from a walk through
  the admin; Python's True/False/None are among them).
- `plural_mistakes`: a number followed by a noun the admin counts in a form that does not agree with the number
  («16 библиотеки», «11 пользователи», «44 Страницы»).
"""

import re

from bs4 import BeautifulSoup

# Words that Wagtail and Django print in English when a string escapes translation, found in the admin: Python's
# values, the English names of model fields without a verbose name, Wagtail's fixed labels.
LEFTOVERS = [
    r"\bTrue\b", r"\bFalse\b", r"\bNone\b", r"\bSequence\b", r"\bIssued by\b", r"\bRevoked by\b",
    r"\bNotified at\b", r"\bReplaced by\b", r"\bRevoked at\b", r"\bIssued at\b", r"\bof\b", r"\bSearch\b",
    r"\bFind\b", r"\bEdit\b", r"\bDelete\b", r"\bPage\b", r"\bPages\b", r"\bresults?\b", r"\bActions\b",
    r"\bModerators\b", r"\bEditors\b", r"\bapproval\b", r"\bInspect\b", r"\bmatch(es)?\b", r"\bitems?\b",
    r"\bPagination\b", r"\bPrevious\b", r"\bNext\b", r"\bDashboard\b", r"\bSave\b", r"\bCancel\b", r"\bYes\b",
    r"\bNo\b", r"\bStatus\b", r"\bTitle\b", r"\bAdd\b", r"\bFilter\b", r"\bTotal\b", r"\buser\b", r"\bTemplate\b",
    r"\bProgramme\b", r"\bVolume\b", r"\bPeriod\b", r"\bOther\b", r"\bInsert\b", r"\bUndo\b", r"\bRedo\b",
]
# Any other word in Latin letters is English too, except these (formats, the e-mail field, product names).
LATIN_ALLOWED = {"E-mail", "e-mail", "TXT", "CSV", "XLSX", "PDF", "ID", "URL", "Wagtail", "JavaScript", "CMS", "QR",
                 "GIFT", "XML", "Moodle", "SCORM", "H5P", "iCalendar"}
LATIN_WORD = re.compile(r"(?<![\w@.\-/])[A-Za-z][A-Za-z\-]{2,}(?![\w@/])")
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\b\S*\d\S*\b|\b[\w\-]*_[\w\-]*\b")  # e-mails, addresses, codes

# The nouns the admin counts: the forms after 1, after 2-4 and after 5 (the first word of a phrase is enough).
NOUN_FORMS = [
    ("страница", "страницы", "страниц"),
    ("пользователь", "пользователя", "пользователей"),
    ("документ", "документа", "документов"),
    ("библиотека", "библиотеки", "библиотек"),
    ("запись", "записи", "записей"),
    ("курс", "курса", "курсов"),
    ("час", "часа", "часов"),
    ("человек", "человека", "человек"),
    ("заявка", "заявки", "заявок"),
    ("поток", "потока", "потоков"),
    ("тема", "темы", "тем"),
    ("шаблон", "шаблона", "шаблонов"),
    ("муниципальное", "муниципальных", "муниципальных"),
    ("обязательное", "обязательных", "обязательных"),
    ("требование", "требования", "требований"),
    ("назначение", "назначения", "назначений"),
    ("исключение", "исключения", "исключений"),
    ("вопрос", "вопроса", "вопросов"),
    ("категория", "категории", "категорий"),
    ("попытка", "попытки", "попыток"),
    ("урок", "урока", "уроков"),
    ("тест", "теста", "тестов"),
    ("слушатель", "слушателя", "слушателей"),
    ("сотрудник", "сотрудника", "сотрудников"),
    ("преподаватель", "преподавателя", "преподавателей"),
    ("тип", "типа", "типов"),
    ("рабочий", "рабочих", "рабочих"),
    ("задача", "задачи", "задач"),
    ("изображение", "изображения", "изображений"),
    ("группа", "группы", "групп"),
    ("день", "дня", "дней"),
    ("место", "места", "мест"),
    ("минута", "минуты", "минут"),
    ("раз", "раза", "раз"),
    ("балл", "балла", "баллов"),
    ("пакет", "пакета", "пакетов"),
]
# Forms that never follow a number directly (the nominative plural where it differs from the form after 2-4).
NEVER_AFTER_A_NUMBER = {"пользователи", "документы", "курсы", "шаблоны", "потоки", "муниципальные", "обязательные",
                        "вопросы", "уроки", "тесты", "слушатели", "сотрудники", "преподаватели", "типы", "рабочие",
                        "часы", "люди", "дни", "баллы", "места", "пакеты"}
# After these words a count takes the genitive («из 4 страниц»), which the table above does not describe.
GENITIVE_BEFORE = {"из", "от", "до", "с", "со", "для", "без", "около", "более", "менее", "свыше", "после"}

_FORMS_OF = {}
for _forms in NOUN_FORMS:
    for _form in _forms:
        _FORMS_OF.setdefault(_form, []).append(_forms)
COUNTED = re.compile(r"(?<![\w.,:/\-–])(\d+)[\s\u00a0]+([А-Яа-яЁё]+)")


def plural_index(number: int) -> int:
    """0 for «1 час», 1 for «2 часа», 2 for «5 часов» (Russian, as in the catalogue's Plural-Forms)."""
    if number % 10 == 1 and number % 100 != 11:
        return 0
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return 1
    return 2


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style", "template"]):
        element.decompose()
    for element in soup.find_all(attrs={"hidden": True}):
        element.decompose()
    said = []
    for element in soup.find_all(True):
        for attribute in ("aria-label", "title", "alt", "placeholder", "data-w-tooltip-content-value"):
            if element.get(attribute):
                said.append(element[attribute])
        if element.name == "input" and element.get("type") in {"submit", "button", "reset"} and element.get("value"):
            said.append(element["value"])
    return " ".join(" ".join([soup.get_text(" "), *said]).split())


def english_leftovers(text: str) -> list[str]:
    found = [match.group(0) for pattern in LEFTOVERS for match in re.finditer(pattern, text)]
    words = NOT_WORDS.sub(" ", text)
    found += [word for word in LATIN_WORD.findall(words) if word not in LATIN_ALLOWED]
    return sorted(set(found))


def plural_mistakes(text: str) -> list[str]:
    mistakes = []
    for match in COUNTED.finditer(text):
        number, word = int(match.group(1)), match.group(2)
        before = text[:match.start()].split()
        if before and before[-1].lower() in GENITIVE_BEFORE:
            continue
        if word in NEVER_AFTER_A_NUMBER:  # (a capital letter starts a heading: «3 Потоки в этом месяце»)
            mistakes.append(match.group(0))
        elif word.lower() in _FORMS_OF:
            expected = {forms[plural_index(number)] for forms in _FORMS_OF[word.lower()]}
            singular = {forms[0] for forms in _FORMS_OF[word.lower()]}
            if word[0].isupper() and word.lower() in singular:
                continue  # a title or a name that starts after a number («Урок 2 Курс 3»): not a count
            if word not in expected:
                mistakes.append(match.group(0))  # the wrong form, or a plural with a capital letter mid-sentence
    return mistakes
