"""The quiz screens of the Wagtail admin through HTTP: question bank, import with a preview, export, essay grading
and quiz overrides. Assertions are on data and status codes, not on (translated) labels."""

import time

import pytest

from courses import services
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.models import Attempt, Question, QuizOverride, QuizSlot
from courses.quizzes.admin.views import SESSION_IMPORTS
from lms.accounts.roles import Role
from tests.courses.quizzes.test_services import QUESTIONS, answer_all, setup  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.factories import courses as pages

BANK = "/admin/learning/question-bank/"
IMPORT = "/admin/learning/question-import/"
ESSAYS = "/admin/learning/essays/"
OVERRIDES = "/admin/quiz_overrides/"

GIFT = """// Два вопроса
$CATEGORY: top/Краеведение

::Столица:: Административный центр Кузбасса? {=Кемерово ~Новокузнецк ~Прокопьевск}

::Земля:: Земля вращается вокруг Солнца. {T}
"""
GIFT_WITH_ERROR = GIFT + "\n::Плохой:: Один вариант? {~Только один}\n"


@pytest.fixture
def trainer_course(db):
    course = pages.course(title="Краеведение", slug="local-history")
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=trainer)
    return course, trainer


@pytest.fixture
def other_course(db):
    course = pages.course(title="Чужой курс", slug="someone-else")
    other = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=other)
    question_bank.import_into_bank(course.slug, None, QUESTIONS[:2])
    return course, other


def upload(text: bytes | str, name: str = "questions.gift"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def preview(client, course, content, *, fmt="gift", category="", name="questions.gift"):
    return client.post(IMPORT, {"course": course.pk, "category": category, "format": fmt,
                                "file": upload(content, name)})


def bank_count(course) -> int:
    return Question.objects.filter(category__course=course, is_current=True).count()


# --- Who may open what -------------------------------------------------------------------------------------------

MANAGER_URLS = [BANK, IMPORT, ESSAYS]


@pytest.mark.parametrize("url", MANAGER_URLS + [OVERRIDES])
def test_learner_is_refused(client, learner, url):
    client.force_login(learner)
    assert client.get(url).status_code in (302, 403)


@pytest.mark.parametrize("url", MANAGER_URLS)
def test_trainer_without_a_course_is_refused(client, db, url):
    client.force_login(UserFactory(role=Role.TRAINER))
    assert client.get(url).status_code in (302, 403)


@pytest.mark.parametrize("url", MANAGER_URLS + [OVERRIDES])
def test_administrator_opens_every_screen(client, administrator, url):
    client.force_login(administrator)
    assert client.get(url).status_code == 200


def test_trainer_sees_only_own_courses_and_questions(client, trainer_course, other_course):
    course, trainer = trainer_course
    other, _other_trainer = other_course
    client.force_login(trainer)
    response = client.get(BANK)
    assert response.status_code == 200
    assert [c.pk for c in response.context["courses"]] == [course.pk]
    assert response.context["course"].pk == course.pk  # the only course is chosen at once
    assert client.get(BANK, {"course": other.pk}).status_code == 404
    assert client.get(f"{BANK}{other.pk}/export/gift/").status_code == 404
    foreign = Question.objects.filter(category__course=other).first()
    assert client.get(f"{BANK}questions/{foreign.pk}/").status_code == 404
    assert client.post(f"{BANK}questions/{foreign.pk}/", {"name": "Взлом", "text_format": "moodle"}).status_code == 404
    assert not Question.objects.filter(name="Взлом").exists()
    assert client.get(OVERRIDES).status_code in (302, 403)


def test_trainer_cannot_import_into_a_forged_course(client, trainer_course, other_course):
    _course, trainer = trainer_course
    other, _other_trainer = other_course
    client.force_login(trainer)
    before = bank_count(other)
    response = preview(client, other, GIFT)
    assert response.status_code == 200 and "course" in response.context["form"].errors
    assert response.context.get("key") is None and not client.session.get(SESSION_IMPORTS)
    assert bank_count(other) == before


def test_a_preview_key_of_a_course_no_longer_managed_is_refused(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    key = preview(client, course, GIFT).context["key"]
    services.course_trainer_remove(course=course, user=trainer)
    services.course_trainer_add(course=pages.course(), user=trainer)  # still a trainer, of another course
    assert client.post(IMPORT, {"confirm": "1", "key": key}).status_code == 404
    assert bank_count(course) == 0


# --- Import ------------------------------------------------------------------------------------------------------

def test_gift_preview_writes_nothing_and_confirm_imports(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    response = preview(client, course, GIFT, category="Раздел 1")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["name"] for row in rows] == ["Столица", "Земля"]
    assert all(len(row["text"]) <= 100 for row in rows)
    assert response.context["preview"]["errors"] == []
    key = response.context["key"]
    assert key and bank_count(course) == 0

    done = client.post(IMPORT, {"confirm": "1", "key": key})
    assert done.status_code == 302
    questions = Question.objects.filter(category__course=course).select_related("category")
    assert sorted(q.name for q in questions) == ["Земля", "Столица"]
    assert {question_bank.category_path(q.category) for q in questions} == {"Раздел 1/top/Краеведение"}
    assert all(q.created_by == trainer for q in questions)
    # The key is spent: confirming again imports nothing more.
    assert client.post(IMPORT, {"confirm": "1", "key": key}).status_code == 302
    assert bank_count(course) == 2


def test_a_forged_key_imports_nothing(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    preview(client, course, GIFT)
    assert client.post(IMPORT, {"confirm": "1", "key": "not-a-key"}).status_code == 302
    assert bank_count(course) == 0


def test_a_file_with_errors_cannot_be_confirmed(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    response = preview(client, course, GIFT_WITH_ERROR)
    assert response.status_code == 200
    errors = response.context["preview"]["errors"]
    assert len(errors) == 1 and errors[0]["line"] > 0
    assert len(response.context["rows"]) == 2 and response.context["key"] is None
    # Even a stored preview with errors is refused at confirmation.
    session = client.session
    session[SESSION_IMPORTS] = {"k": {"course": course.pk, "category": "", "format": "gift", "filename": "x.gift",
                                      "questions": [{"type": "truefalse", "name": "Q", "text": "Q", "correct": True}],
                                      "errors": errors, "warnings": [], "created": time.time()}}
    session.save()
    assert client.post(IMPORT, {"confirm": "1", "key": "k"}).status_code == 200
    assert bank_count(course) == 0


def test_a_cp1251_file_shows_the_utf8_message(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    response = preview(client, course, GIFT.encode("cp1251"))
    assert response.status_code == 200
    errors = response.context["preview"]["errors"]
    assert len(errors) == 1 and "UTF-8" in errors[0]["message"]
    assert response.context["rows"] == [] and response.context["key"] is None
    assert bank_count(course) == 0


def test_moodle_xml_import(client, trainer_course):
    course, trainer = trainer_course
    source = pages.course()
    question_bank.import_into_bank(source.slug, None, QUESTIONS)
    from courses.quizzes.formats import export_moodle_xml

    client.force_login(trainer)
    response = preview(client, course, export_moodle_xml(question_bank.bank_export(source)), fmt="moodle_xml",
                       name="bank.xml")
    assert len(response.context["rows"]) == len(QUESTIONS) and response.context["key"]
    assert client.post(IMPORT, {"confirm": "1", "key": response.context["key"]}).status_code == 302
    assert bank_count(course) == len(QUESTIONS)


# --- Bank: edit and export ---------------------------------------------------------------------------------------

def test_bank_list_filters_by_category(client, trainer_course):
    course, trainer = trainer_course
    question_bank.import_into_bank(course.slug, "Раздел 1", QUESTIONS[:2])
    question_bank.import_into_bank(course.slug, "Раздел 2", QUESTIONS[2:3])
    client.force_login(trainer)
    categories = client.get(BANK, {"course": course.pk}).context["categories"]
    section = next(pk for pk, path in categories.items() if path == "Раздел 1")
    response = client.get(BANK, {"course": course.pk, "category": section})
    assert sorted(q.name for q in response.context["page"]) == ["Стандарт", "Э(В)БК"]
    assert {q.category_path for q in response.context["page"]} == {"Раздел 1"}
    assert len(client.get(BANK, {"course": course.pk}).context["page"]) == 3


def test_export_gift_then_import_round_trips(client, trainer_course, administrator):
    course, trainer = trainer_course
    question_bank.import_into_bank(course.slug, None, QUESTIONS)
    client.force_login(trainer)
    response = client.get(f"{BANK}{course.pk}/export/gift/")
    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].endswith('.gift"')
    xml = client.get(f"{BANK}{course.pk}/export/xml/")
    assert xml.status_code == 200 and xml.content.startswith(b"<?xml")

    target = pages.course()
    client.force_login(administrator)
    previewed = preview(client, target, response.content)
    assert previewed.context["preview"]["errors"] == []
    assert client.post(IMPORT, {"confirm": "1", "key": previewed.context["key"]}).status_code == 302
    assert bank_count(target) == bank_count(course) == len(QUESTIONS)


# --- Essay grading -----------------------------------------------------------------------------------------------

@pytest.fixture
def essay_attempt(setup):  # noqa: F811
    course, _lesson, page, learner = setup
    question_bank.import_into_bank(course.slug, None, QUESTIONS[3:])
    QuizSlot.objects.create(quiz=page, question=Question.objects.get(qtype="essay"), sort_order=9)
    attempt = quiz.attempt_start(user=learner, quiz=page)
    responses = answer_all(attempt)
    essay = next(i for i, e in enumerate(attempt.questions) if e["question"]["type"] == "essay")
    responses[str(essay)] = "<script>alert(1)</script> Наша библиотека"
    quiz.attempt_save(attempt=attempt, user=learner, responses=responses, sequence=0)
    attempt = quiz.attempt_submit(attempt=attempt, user=learner)
    assert attempt.status == Attempt.Status.NEEDS_GRADING
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=trainer)
    return attempt, essay, trainer


def test_essay_grading_finishes_the_attempt(client, essay_attempt):
    attempt, essay, trainer = essay_attempt
    client.force_login(trainer)
    queue = client.get(ESSAYS)
    assert [a.pk for a in queue.context["page"]] == [attempt.pk]
    page = client.get(f"{ESSAYS}{attempt.pk}/")
    assert page.status_code == 200 and [e["index"] for e in page.context["essays"]] == [essay]
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html

    assert client.post(f"{ESSAYS}{attempt.pk}/", {"index": essay, "percent": "150"}).status_code == 200
    not_an_essay = client.post(f"{ESSAYS}{attempt.pk}/", {"index": 0 if essay else 1, "percent": "50"})
    assert not_an_essay.status_code == 200 and len(list(not_an_essay.context["messages"])) == 1  # AttemptError
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.NEEDS_GRADING

    assert client.post(f"{ESSAYS}{attempt.pk}/", {"index": essay, "percent": "50"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED and attempt.marks == 3.5 and attempt.passed
    assert attempt.grades[str(essay)] == 0.5
    assert list(client.get(ESSAYS).context["page"]) == []


def test_trainer_of_another_course_cannot_grade(client, essay_attempt, other_course):
    attempt, essay, _trainer = essay_attempt
    _course, other_trainer = other_course
    client.force_login(other_trainer)
    assert list(client.get(ESSAYS).context["page"]) == []
    assert client.get(f"{ESSAYS}{attempt.pk}/").status_code == 404
    assert client.post(f"{ESSAYS}{attempt.pk}/", {"index": essay, "percent": "100"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.NEEDS_GRADING


# --- Quiz overrides ----------------------------------------------------------------------------------------------

def test_administrator_adds_a_quiz_override(client, administrator, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(administrator)
    assert client.get(OVERRIDES + "new/").status_code == 200
    response = client.post(OVERRIDES + "new/", {"quiz": page.pk, "user": learner.pk, "extra_minutes": 15,
                                                "extra_attempts": 1})
    assert response.status_code == 302, response.content.decode()[:2000]
    override = QuizOverride.objects.get(quiz=page, user=learner)
    assert (override.extra_minutes, override.extra_attempts) == (15, 1)
    assert client.get(OVERRIDES).status_code == 200
    assert client.get(f"{OVERRIDES}edit/{override.pk}/").status_code == 200


def test_menu_shows_the_quiz_screens(client, administrator, trainer_course):
    _course, trainer = trainer_course
    client.force_login(administrator)
    page = client.get("/admin/").content.decode()
    assert all(url in page for url in (BANK, IMPORT, ESSAYS, OVERRIDES))
    client.force_login(trainer)
    page = client.get("/admin/").content.decode()
    assert all(url in page for url in (BANK, IMPORT, ESSAYS)) and OVERRIDES not in page


def test_an_oversized_question_file_is_refused_and_nothing_is_kept(client, trainer_course):
    course, trainer = trainer_course
    client.force_login(trainer)
    huge = "::Огромный:: " + "б" * 30_000 + " {T}\n"
    response = preview(client, course, huge)
    assert response.status_code == 200
    assert response.context.get("key") is None and not client.session.get(SESSION_IMPORTS)
    page = response.content.decode()
    assert "не принят" in page and "б" * 1000 not in page
    assert bank_count(course) == 0


def test_moodles_root_category_reads_as_the_bank(client, trainer_course):
    """Moodle's root category «top» stays in the stored paths (imports and exports exchange them) but a trainer
    reads «Банк вопросов / …», on the bank's list and its filter, and on the question editor."""
    course, trainer = trainer_course
    question_bank.import_into_bank(course.slug, "top/Раздел 1", QUESTIONS[:1])
    client.force_login(trainer)
    bank = client.get(BANK, {"course": course.pk})
    assert "top/Раздел 1" in bank.context["categories"].values()
    html = bank.content.decode()
    assert "Банк вопросов / Раздел 1" in html and "top/" not in html
    question = bank.context["page"][0]
    editor = client.get(f"/admin/learning/question-bank/questions/{question.pk}/").content.decode()
    assert "Банк вопросов / Раздел 1" in editor and "top/" not in editor
