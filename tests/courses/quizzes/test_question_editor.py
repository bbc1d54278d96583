"""The question editor of the Wagtail admin through HTTP: a form per type (valid, each validation error, rows
added without JavaScript), versioning, the learner-side preview, and who may open them."""

import pytest

from courses import services
from courses.models import Question
from courses.quizzes import question_bank
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

BANK = "/admin/learning/question-bank/"

TYPES = [
    {"type": "multichoice", "name": "Стандарт", "text": "Какой ГОСТ описывает запись?", "single": True,
     "answers": [{"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "Верно"},
                 {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": "Устаревший"}]},
    {"type": "multichoice", "name": "Фонды", "text": "Что входит в фонд?", "single": False,
     "answers": [{"text": "Книги", "fraction": 0.5, "feedback": ""}, {"text": "Журналы", "fraction": 0.5},
                 {"text": "Стулья", "fraction": -1.0}]},
    {"type": "truefalse", "name": "Э(В)БК", "text": "Э(В)БК — корпоративный проект.", "correct": True,
     "feedback_true": "Да", "feedback_false": "Нет"},
    {"type": "shortanswer", "name": "Город", "text": "Где находится ОНБ?",
     "answers": [{"text": "Кемерово", "fraction": 1.0, "feedback": ""}]},
    {"type": "numerical", "name": "Год", "text": "Год основания ОНБ?",
     "answers": [{"value": 1920.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]},
    {"type": "matching", "name": "Пары", "text": "Сопоставьте.",
     "pairs": [{"question": "ОНБ", "answer": "Кемерово"}, {"question": "ЦБС", "answer": "Топки"}]},
    {"type": "essay", "name": "Эссе", "text": "Опишите свою библиотеку."},
    {"type": "description", "name": "Пояснение", "text": "Далее вопросы о фондах."},
]


@pytest.fixture
def bank(db):
    course = pages.course(title="Краеведение", slug="local-history")
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=trainer)
    question_bank.import_into_bank(None, None, TYPES, course=course)
    return course, trainer


def question(name: str) -> Question:
    return Question.objects.get(name=name, is_current=True)


def url(q: Question, tail: str = "") -> str:
    return f"{BANK}questions/{q.pk}/{tail}"


def rows(prefix: str, items: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "60"}
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


def common(name: str, **extra) -> dict:
    return {"name": name, "text": "Текст", "text_format": "moodle", "general_feedback": "", **extra}


BLANK_CHOICE = {"text": "", "grade": "0", "feedback": ""}

VALID = {
    "Стандарт": (
        {**common("Стандарт", single="1"), **rows("answers", [
            {"text": "ГОСТ Р 7.0.100–2018", "grade": "100", "feedback": "Верно"},
            {"text": "ГОСТ 7.1–2003", "grade": "-50", "feedback": ""},
            {"text": "ГОСТ 7.1–84", "grade": "0", "feedback": ""}, BLANK_CHOICE])},
        {"single": True, "answers": [
            {"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "Верно"},
            {"text": "ГОСТ 7.1–2003", "fraction": -0.5, "feedback": ""},
            {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": ""}]},
    ),
    "Фонды": (
        {**common("Фонды", single="0"), **rows("answers", [
            {"text": "Книги", "grade": "33.33333", "feedback": ""}, {"text": "Журналы", "grade": "33.33333"},
            {"text": "Газеты", "grade": "33.33333"}, {"text": "Стулья", "grade": "-100"}])},
        {"single": False, "answers": [
            {"text": "Книги", "fraction": 0.3333333, "feedback": ""},
            {"text": "Журналы", "fraction": 0.3333333, "feedback": ""},
            {"text": "Газеты", "fraction": 0.3333333, "feedback": ""},
            {"text": "Стулья", "fraction": -1.0, "feedback": ""}]},
    ),
    "Э(В)БК": (
        common("Э(В)БК", correct="false", feedback_true="Это не так", feedback_false="Верно"),
        {"correct": False, "feedback_true": "Это не так", "feedback_false": "Верно"},
    ),
    "Город": (
        {**common("Город", usecase="on"), **rows("answers", [
            {"text": "Кемерово", "grade": "100", "feedback": ""}, {"text": "Кемерове", "grade": "50",
                                                                   "feedback": "Опечатка"}])},
        {"usecase": True, "answers": [{"text": "Кемерово", "fraction": 1.0, "feedback": ""},
                                      {"text": "Кемерове", "fraction": 0.5, "feedback": "Опечатка"}]},
    ),
    "Год": (
        {**common("Год"), **rows("answers", [
            {"value": "1920", "tolerance": "0", "grade": "100", "feedback": ""},
            {"value": "1 925,5", "tolerance": "5,5", "grade": "50", "feedback": "Близко"},
            {"value": "*", "tolerance": "", "grade": "0", "feedback": "Нет"}]),
         **rows("units", [{"unit": "год", "multiplier": "1"}, {"unit": "век", "multiplier": "0,01"}])},
        {"answers": [{"value": 1920.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""},
                     {"value": 1925.5, "tolerance": 5.5, "fraction": 0.5, "feedback": "Близко"},
                     {"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": "Нет"}],
         "units": [{"unit": "год", "multiplier": 1.0}, {"unit": "век", "multiplier": 0.01}]},
    ),
    "Пары": (
        {**common("Пары"), **rows("pairs", [
            {"question": "ОНБ", "answer": "Кемерово"}, {"question": "ЦБС", "answer": "Топки"},
            {"question": "", "answer": "Томск"}, {"question": "", "answer": ""}])},
        {"pairs": [{"question": "ОНБ", "answer": "Кемерово"}, {"question": "ЦБС", "answer": "Топки"},
                   {"question": "", "answer": "Томск"}]},
    ),
    "Эссе": (
        common("Эссе", grader_info="Названа библиотека и её читатели."),
        {"grader_info": "Названа библиотека и её читатели."},
    ),
    "Пояснение": (common("Пояснение"), {}),
}


@pytest.mark.parametrize("name", list(VALID))
def test_editor_opens_with_the_question_in_rows(client, bank, name):
    _course, trainer = bank
    client.force_login(trainer)
    response = client.get(url(question(name)))
    assert response.status_code == 200
    editor = response.context["editor"]
    assert editor.form.initial["name"] == name
    html = response.content.decode()
    assert 'name="data"' not in html  # no JSON for trainers
    for set_name, formset in editor.row_sets:
        assert formset.initial or set_name == "units"
        assert len(formset.forms) >= len(formset.initial) + 2  # blank rows to fill


def test_editor_rows_show_grades_and_numbers_in_russian(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    formset = dict(client.get(url(question("Фонды"))).context["editor"].row_sets)["answers"]
    assert [row["grade"] for row in formset.initial] == ["50", "50", "-100"]
    grades = dict(formset.forms[0].fields["grade"].choices)
    assert grades["33.33333"] == "33,33333 %" and grades["-100"] == "−100 %"


@pytest.mark.parametrize("name", list(VALID))
def test_valid_form_saves_a_new_version(client, bank, name):
    _course, trainer = bank
    client.force_login(trainer)
    first = question(name)
    posted, expected = VALID[name]
    response = client.post(url(first), posted)
    assert response.status_code == 302, response.context["editor"].errors if response.context else None
    second = question(name)
    first.refresh_from_db()
    assert (second.version, second.previous_id, second.created_by) == (2, first.pk, trainer)
    assert not first.is_current and first.data == {k: v for k, v in TYPES_BY_NAME[name].items()
                                                   if k not in question_bank.COMMON_KEYS}
    assert second.data == expected
    assert response["Location"].endswith(url(second))


TYPES_BY_NAME = {q["name"]: q for q in TYPES}

# (question, changes to its valid form, field or "" for a general error, a word of the Russian message)
INVALID = [
    ("Стандарт", rows("answers", [{"text": "Один", "grade": "100"}, BLANK_CHOICE]), "", "двух"),
    ("Стандарт", rows("answers", [{"text": "Один", "grade": "90"}, {"text": "Два", "grade": "0"}]), "", "100"),
    ("Стандарт", rows("answers", [{"text": "Один", "grade": "100"}, {"text": "", "grade": "50"}]),
     "answers-1-text", "текст"),
    ("Стандарт", rows("answers", [{"text": "Один", "grade": "100"}, {"text": "Один", "grade": "0"}]),
     "answers-1-text", "повторяет"),
    ("Стандарт", rows("answers", [{"text": "Один", "grade": "100"}, {"text": "Два", "grade": "12"}]),
     "answers-1-grade", "допустим"),
    ("Фонды", rows("answers", [{"text": "Книги", "grade": "50"}, {"text": "Журналы", "grade": "25"}]), "", "100"),
    ("Э(В)БК", {"correct": ""}, "correct", "заполнить"),
    ("Город", rows("answers", [BLANK_CHOICE, BLANK_CHOICE]), "", "хотя бы один"),
    ("Город", rows("answers", [{"text": "Кемерово", "grade": "50"}]), "", "100"),
    ("Город", {"usecase": "", **rows("answers", [{"text": "Кемерово", "grade": "100"},
                                                 {"text": "КЕМЕРОВО", "grade": "0"}])}, "answers-1-text", "повторяет"),
    ("Год", rows("answers", [{"value": "тысяча", "tolerance": "0", "grade": "100"}]), "answers-0-value", "число"),
    ("Год", rows("answers", [{"value": "1920", "tolerance": "-1", "grade": "100"}]), "answers-0-tolerance",
     "не меньше 0"),
    ("Год", rows("answers", [{"value": "1920", "tolerance": "0", "grade": "50"}]), "", "100"),
    ("Год", rows("units", [{"unit": "век", "multiplier": "0,01"}]), "units-0-multiplier", "базов"),
    ("Год", rows("units", [{"unit": "год", "multiplier": "1"}, {"unit": "век", "multiplier": "0"}]),
     "units-1-multiplier", "больше 0"),
    ("Год", rows("units", [{"unit": "год", "multiplier": "1"}, {"unit": "год", "multiplier": "2"}]),
     "units-1-unit", "повторяет"),
    ("Пары", rows("pairs", [{"question": "ОНБ", "answer": "Кемерово"}, {"question": "", "answer": "Томск"}]),
     "", "двух пар"),
    ("Пары", rows("pairs", [{"question": "ОНБ", "answer": "Кемерово"}, {"question": "онб", "answer": "Топки"}]),
     "pairs-1-question", "повторяет"),
    ("Пары", rows("pairs", [{"question": "ОНБ", "answer": "Кемерово"}, {"question": "ЦБС", "answer": ""}]),
     "pairs-1-answer", "ответ"),
    ("Эссе", {"name": "  "}, "name", ""),
]


def _errors(editor) -> dict[str, list[str]]:
    found = {"": list(editor.errors)}
    found.update({f"{name}": errors for name, errors in editor.form.errors.items()})
    for prefix, formset in editor.row_sets:
        for form in formset.forms:
            for field, errors in form.errors.items():
                found[f"{form.prefix}-{field}"] = errors
    return found


@pytest.mark.parametrize(("name", "changes", "where", "word"), INVALID,
                         ids=[f"{n}-{i}" for i, (n, *_rest) in enumerate(INVALID)])
def test_each_validation_error_is_russian_keeps_what_was_typed_and_saves_nothing(client, bank, name, changes,
                                                                                where, word):
    _course, trainer = bank
    client.force_login(trainer)
    first = question(name)
    posted = {**VALID[name][0], **changes}
    response = client.post(url(first), posted)
    assert response.status_code == 200
    errors = _errors(response.context["editor"])
    assert errors.get(where), errors
    assert word.casefold() in " ".join(errors[where]).casefold(), errors
    assert Question.objects.filter(name=name).count() == 1 and question(name).pk == first.pk
    html = response.content.decode()
    for key, value in changes.items():  # typed values are shown again
        if key.endswith(("-text", "-question", "-answer", "-value", "-unit")) and value:
            assert value in html


def test_add_more_rows_without_javascript_keeps_the_rows_and_saves_nothing(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    first = question("Стандарт")
    posted = {**common("Стандарт", single="1"), **rows("answers", [{"text": "Набранный вариант", "grade": "100"}]),
              "add_rows": "answers"}
    response = client.post(url(first), posted)
    assert response.status_code == 200
    formset = dict(response.context["editor"].row_sets)["answers"]
    assert len(formset.forms) == 4 and not response.context["editor"].errors
    html = response.content.decode()
    assert "Набранный вариант" in html and 'value="4" id="id_answers-TOTAL_FORMS"' in html.replace(
        'name="answers-TOTAL_FORMS" ', "")
    assert "error-message" not in html
    assert Question.objects.filter(name="Стандарт").count() == 1


def test_an_old_version_leads_to_the_latest_and_cannot_be_saved(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    first = question("Э(В)БК")
    posted = VALID["Э(В)БК"][0]
    assert client.post(url(first), posted).status_code == 302
    second = question("Э(В)БК")
    assert client.get(url(first))["Location"].endswith(url(second))
    refused = client.post(url(first), posted)
    assert refused.status_code == 200
    assert Question.objects.filter(name="Э(В)БК").count() == 2
    assert client.post(url(second), {**posted, "then": "preview"})["Location"].endswith(
        url(question("Э(В)БК"), "preview/"))


def test_unknown_keys_of_an_imported_question_are_kept(client, bank):
    _course, trainer = bank
    first = question("Город")
    Question.objects.filter(pk=first.pk).update(data={**first.data, "extra": "из файла"})
    client.force_login(trainer)
    assert client.post(url(first), VALID["Город"][0]).status_code == 302
    assert question("Город").data["extra"] == "из файла"


# --- Preview -----------------------------------------------------------------------------------------------------

def test_preview_shows_the_learner_markup_and_checks_an_answer(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    q = question("Стандарт")
    page = client.get(url(q, "preview/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="question"' in html and 'name="q-0"' in html and "ГОСТ 7.1–84" in html
    assert "Верно" not in html  # no feedback before an answer
    right = client.post(url(q, "preview/"), {"q-0": "a0"})
    assert right.context["result"].fraction == 1.0 and "Верно" in right.content.decode()
    wrong = client.post(url(q, "preview/"), {"q-0": "a1"})
    assert wrong.context["result"].fraction == 0.0 and "Устаревший" in wrong.content.decode()
    assert Question.objects.filter(name="Стандарт").count() == 1


@pytest.mark.parametrize(("name", "posted", "fraction"), [
    ("Пары", {"q-0-0": "c0", "q-0-1": "c1"}, None),
    ("Город", {"q-0": "кемерово"}, 1.0),
    ("Год", {"q-0": "1920"}, 1.0),
    ("Э(В)БК", {"q-0": "false"}, 0.0),
])
def test_preview_checks_every_type(client, bank, name, posted, fraction):
    _course, trainer = bank
    client.force_login(trainer)
    response = client.post(url(question(name), "preview/"), posted)
    assert response.status_code == 200
    result = response.context["result"]
    assert result.answered and not result.invalid
    if fraction is not None:
        assert result.fraction == fraction


def test_preview_of_an_essay_and_a_description(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    assert 'name="q-0"' in client.get(url(question("Эссе"), "preview/")).content.decode()
    assert client.post(url(question("Эссе"), "preview/"), {"q-0": "Текст"}).context["result"] is None
    assert client.get(url(question("Пояснение"), "preview/")).status_code == 200


# --- Who may open the editor and the preview ---------------------------------------------------------------------

@pytest.mark.parametrize("tail", ["", "preview/"])
def test_a_trainer_of_another_course_gets_404_and_a_learner_is_refused(client, bank, learner, tail):
    _course, _trainer = bank
    other = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=pages.course(title="Другой курс"), user=other)
    q = question("Стандарт")
    client.force_login(other)
    assert client.get(url(q, tail)).status_code == 404
    assert client.post(url(q, tail), VALID["Стандарт"][0]).status_code == 404
    client.force_login(learner)
    assert client.get(url(q, tail)).status_code in (302, 403)
    assert Question.objects.filter(name="Стандарт").count() == 1


def test_administrator_edits_any_course(client, bank, administrator):
    client.force_login(administrator)
    assert client.post(url(question("Эссе")), VALID["Эссе"][0]).status_code == 302
    assert question("Эссе").version == 2


def test_grader_information_is_shown_to_the_grader_only(client, bank):
    _course, trainer = bank
    client.force_login(trainer)
    client.post(url(question("Эссе")), VALID["Эссе"][0])
    assert question("Эссе").data["grader_info"] == "Названа библиотека и её читатели."
    preview = client.get(url(question("Эссе"), "preview/")).content.decode()
    assert "Названа библиотека" not in preview
