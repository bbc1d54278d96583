import pytest

from courses.quizzes import question_bank as bank
from courses.models import Question, QuestionCategory
from tests.factories import courses as pages

MULTICHOICE = {
    "type": "multichoice", "name": "ГОСТ", "text": "Какой стандарт описывает библиографическую запись?",
    "text_format": "moodle", "general_feedback": "", "category": None, "idnumber": "q-gost", "tags": ["гост"],
    "single": True,
    "answers": [{"text": "ГОСТ Р 7.0.100–2018", "format": "moodle", "fraction": 1.0, "feedback": "Верно",
                 "feedback_format": "moodle"},
                {"text": "ГОСТ 7.1–84", "format": "moodle", "fraction": 0.0, "feedback": "Устарел",
                 "feedback_format": "moodle"}],
}
TRUEFALSE = {"type": "truefalse", "name": "", "text": "Э(В)БК — корпоративный проект.", "category": "top/Основы",
             "correct": True, "feedback_true": "", "feedback_false": ""}


@pytest.fixture
def course(db):
    return pages.course(slug="bibliography")


def test_import_creates_questions_in_their_categories(course):
    assert bank.import_into_bank("bibliography", None, [MULTICHOICE, TRUEFALSE]) == 2
    gost = Question.objects.get(idnumber="q-gost")
    assert gost.category.name == "top" and gost.data["answers"][0]["fraction"] == 1.0 and gost.tags == ["гост"]
    statement = Question.objects.get(qtype="truefalse")
    assert bank.category_path(statement.category) == "top/Основы"
    assert statement.name.startswith("Э(В)БК")  # a question without a name is named by its text
    assert bank.bank_export(course)[0]["answers"] == MULTICHOICE["answers"]


def test_import_under_a_given_category(course):
    bank.import_into_bank("bibliography", "Итоговый тест", [TRUEFALSE])
    assert bank.category_path(Question.objects.get().category) == "Итоговый тест/top/Основы"


def test_import_is_all_or_nothing(course):
    broken = {"type": "cloze", "text": "?"}
    with pytest.raises(bank.QuestionBankError):
        bank.import_into_bank("bibliography", None, [MULTICHOICE, broken])
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()


def test_unknown_course_is_refused(db):
    with pytest.raises(bank.QuestionBankError, match="nope"):
        bank.import_into_bank("nope", None, [MULTICHOICE])


def test_reimport_by_id_number_makes_a_new_version(course):
    bank.import_into_bank("bibliography", None, [MULTICHOICE])
    changed = {**MULTICHOICE, "text": "Какой стандарт действует сейчас?"}
    bank.import_into_bank("bibliography", None, [changed])
    versions = Question.objects.filter(idnumber="q-gost").order_by("version")
    assert [(q.version, q.is_current) for q in versions] == [(1, False), (2, True)]
    assert versions[0].text == MULTICHOICE["text"] and versions[1].previous_id == versions[0].pk
    assert len(bank.bank_export(course)) == 1


def test_an_old_version_cannot_be_edited(course):
    bank.import_into_bank("bibliography", None, [MULTICHOICE])
    first = Question.objects.get()
    bank.question_new_version(question=first, user=None, text="Новая формулировка")
    with pytest.raises(bank.QuestionBankError):
        bank.question_new_version(question=first, user=None, text="Ещё одна")
