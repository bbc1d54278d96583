"""Regrade after a question is fixed: the dry run writes nothing, apply re-scores through the grading service and
lets completion and certificates follow as after a submission, twice changes nothing, and only the course's
trainers and administrators may do it; the regrade page does a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, CertificateTemplate
from courses import services
from courses.models import Attempt, Enrolment, Question, QuizPage, QuizSlot
from courses.quizzes import question_bank, regrade
from courses.quizzes import services as quiz
from courses.quizzes.models import AttemptRegrade
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

BANK = "/admin/learning/question-bank/"

QUESTIONS = [
    {"type": "multichoice", "name": "Стандарт", "text": "Какой ГОСТ описывает запись?", "single": True,
     "answers": [{"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "Верно"},
                 {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": "Устаревший"}]},
    {"type": "truefalse", "name": "Э(В)БК", "text": "Э(В)БК — корпоративный проект.", "correct": True},
    {"type": "shortanswer", "name": "Город", "text": "Где находится ОНБ?",
     "answers": [{"text": "Кемерово", "fraction": 1.0, "feedback": ""}]},
]


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True,
                                       signatory_1_name="С. В. Петрова", signatory_1_position="Директор")
    course = pages.course(title="Краеведение", slug="regrade-course")
    lesson = pages.lesson(course)
    question_bank.import_into_bank(None, None, QUESTIONS, course=course)
    page = QuizPage(title="Итоговый тест", slug="final-test", pass_percent=60, live=True, shuffle_answers=False)
    course.add_child(instance=page)
    for order, question in enumerate(Question.objects.order_by("pk")):
        QuizSlot.objects.create(quiz=page, question=question, sort_order=order)
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=course, user=trainer)
    return {"course": course, "lesson": lesson, "quiz": page, "trainer": trainer,
            "capture": django_capture_on_commit_callbacks}


def take(world, *, choice: str, truth: str, city: str, last_name: str = "Иванова") -> Attempt:
    """A learner who studied the lesson and answers the quiz once."""
    learner = UserFactory(last_name=last_name)
    services.enrolment_self(user=learner, course=world["course"])
    with world["capture"](execute=True):
        services.lesson_complete(user=learner, lesson=world["lesson"])
    attempt = quiz.attempt_start(user=learner, quiz=world["quiz"])
    responses = {}
    for index, entry in enumerate(attempt.questions):
        kind = entry["question"]["type"]
        if kind == "multichoice":
            responses[str(index)] = next(token for token, i in entry["tokens"].items()
                                         if entry["question"]["answers"][i]["text"] == choice)
        elif kind == "truefalse":
            responses[str(index)] = truth
        else:
            responses[str(index)] = city
    quiz.attempt_save(attempt=attempt, user=learner, responses=responses, sequence=0)
    with world["capture"](execute=True):
        return quiz.attempt_submit(attempt=attempt, user=learner)


def fix(name: str, trainer, **data_changes) -> Question:
    current = Question.objects.get(name=name, is_current=True)
    return question_bank.question_new_version(question=current, user=trainer, data={**current.data, **data_changes})


def snapshot():
    return (sorted(Attempt.objects.values_list("pk", "marks", "passed", "status", "questions", "grades")),
            AttemptRegrade.objects.count(), sorted(Enrolment.objects.values_list("pk", "status", "progress_percent")),
            Certificate.objects.count(), Question.objects.count())


@pytest.fixture
def fixed(world):
    """«г. Кемерово» was refused by version 1; version 2 accepts «*Кемерово». One learner passes only after the fix;
    another passed before (and holds a certificate) and is not affected; a third failed either way."""
    late = take(world, choice="ГОСТ Р 7.0.100–2018", truth="false", city="г. Кемерово", last_name="Петрова")
    holder = take(world, choice="ГОСТ Р 7.0.100–2018", truth="true", city="Томск", last_name="Сидорова")
    failed = take(world, choice="ГОСТ 7.1–84", truth="false", city="Томск", last_name="Кузнецова")
    assert (late.passed, holder.passed, failed.passed) == (False, True, False)
    assert Certificate.objects.filter(user=holder.user).count() == 1
    assert not Certificate.objects.filter(user=late.user).exists()
    version = fix("Город", world["trainer"], answers=[{"text": "*Кемерово", "fraction": 1.0, "feedback": ""}])
    return {**world, "late": late, "holder": holder, "failed": failed, "version": version}


def test_dry_run_lists_the_changes_and_writes_nothing(fixed, client):
    before = snapshot()
    plan = regrade.question_regrade_plan(question=fixed["version"], user=fixed["trainer"])
    rows = {row.attempt.pk: row for row in plan.rows}
    assert set(rows) == {fixed["late"].pk, fixed["holder"].pk, fixed["failed"].pk}
    late = rows[fixed["late"].pk]
    assert (late.old_marks, late.new_marks, late.old_passed, late.new_passed) == (1, 2, False, True)
    assert late.changed and late.passed_changed and not late.holds_document
    holder = rows[fixed["holder"].pk]
    assert not holder.changed and holder.holds_document and holder.course_completed
    assert [row.attempt.pk for row in plan.changed] == [fixed["late"].pk]
    client.force_login(fixed["trainer"])
    page = client.get(f"{BANK}questions/{fixed['version'].pk}/regrade/")
    assert page.status_code == 200 and len(page.context["plan"].regradable) == 3
    assert "Петрова" in page.content.decode()
    assert snapshot() == before


def test_apply_rescores_completes_the_course_and_issues_the_certificate(fixed):
    late = fixed["late"]
    served = list(Attempt.objects.get(pk=late.pk).questions)
    with fixed["capture"](execute=True):
        plan = regrade.question_regrade_apply(question=fixed["version"], user=fixed["trainer"])
    assert len(plan.regradable) == 3
    late.refresh_from_db()
    assert (late.marks, late.passed, late.status) == (2, True, Attempt.Status.FINISHED)
    assert Enrolment.objects.get(user=late.user).status == Enrolment.Status.COMPLETED
    assert Certificate.objects.filter(user=late.user, course=fixed["course"], status="valid").count() == 1
    # What was served stays; the key it is graded against now is version 2.
    city = next(i for i, e in enumerate(late.questions) if e["question"]["type"] == "shortanswer")
    assert late.questions[city]["question"] == served[city]["question"]
    assert late.questions[city]["regraded"]["version"] == 2
    assert late.questions[city]["question"]["answers"][0]["text"] == "Кемерово"
    audit = AttemptRegrade.objects.get(attempt=late)
    assert (audit.old_marks, audit.new_marks, audit.old_passed, audit.new_passed) == (1, 2, False, True)
    assert audit.regraded_by == fixed["trainer"] and audit.question_id == fixed["version"].pk
    assert AttemptRegrade.objects.count() == 3
    failed = Attempt.objects.get(pk=fixed["failed"].pk)
    assert (failed.marks, failed.passed) == (0, False)


def test_the_learners_review_shows_the_key_of_the_regrade(fixed, client):
    QuizPage.objects.filter(pk=fixed["quiz"].pk).update(review_answers_after_submit=True)
    with fixed["capture"](execute=True):
        regrade.question_regrade_apply(question=fixed["version"], user=fixed["trainer"])
    client.force_login(fixed["late"].user)
    html = client.get(reverse("courses:attempt_result", args=[fixed["late"].pk])).content.decode()
    assert "*Кемерово" in html


def test_apply_twice_changes_nothing_the_second_time(fixed):
    with fixed["capture"](execute=True):
        regrade.question_regrade_apply(question=fixed["version"], user=fixed["trainer"])
    after_first = snapshot()
    with fixed["capture"](execute=True):
        second = regrade.question_regrade_apply(question=fixed["version"], user=fixed["trainer"])
    assert second.rows == [] and snapshot() == after_first
    assert regrade.question_regrade_plan(question=fixed["version"], user=fixed["trainer"]).rows == []


def test_a_lower_result_keeps_the_certificate_and_names_its_holder(fixed, client):
    with fixed["capture"](execute=True):
        regrade.question_regrade_apply(question=fixed["version"], user=fixed["trainer"])
    # A second fix: the statement was false after all. The holder drops to 1 of 3 and fails.
    version = fix("Э(В)БК", fixed["trainer"], correct=False)
    plan = regrade.question_regrade_plan(question=version, user=fixed["trainer"])
    holder = next(row for row in plan.rows if row.attempt.pk == fixed["holder"].pk)
    assert (holder.old_passed, holder.new_passed, holder.holds_document, holder.lowered) == (True, False, True, True)
    assert holder in plan.lowered_with_document
    client.force_login(fixed["trainer"])
    url = f"{BANK}questions/{version.pk}/regrade/"
    assert "остаётся действительным" in client.get(url).content.decode()
    with fixed["capture"](execute=True):
        response = client.post(url, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("Сидорова" in text and "не отзывает" in text for text in texts), texts
    assert any(text.startswith("Переоценены 3 попытки") for text in texts), texts
    attempt = Attempt.objects.get(pk=fixed["holder"].pk)
    assert (attempt.marks, attempt.passed) == (1, False)
    assert Certificate.objects.get(user=attempt.user).status == "valid"
    assert Enrolment.objects.get(user=attempt.user).status == Enrolment.Status.COMPLETED
    assert len(client.get(url).context["log"]) == 3  # this question's regrade of the three attempts


def test_a_version_with_another_number_of_choices_is_not_regraded(fixed):
    current = Question.objects.get(name="Стандарт", is_current=True)
    version = fix("Стандарт", fixed["trainer"], answers=[*current.data["answers"],
                                                         {"text": "ГОСТ 7.0.5–2008", "fraction": 0.0}])
    before = snapshot()
    plan = regrade.question_regrade_apply(question=version, user=fixed["trainer"])
    assert len(plan.not_regradable) == 3 and plan.regradable == []
    assert snapshot() == before


def test_attempts_in_progress_are_left_alone(world):
    learner = UserFactory()
    services.enrolment_self(user=learner, course=world["course"])
    attempt = quiz.attempt_start(user=learner, quiz=world["quiz"])
    version = fix("Город", world["trainer"], answers=[{"text": "*Кемерово", "fraction": 1.0}])
    assert regrade.question_regrade_plan(question=version, user=world["trainer"]).rows == []
    attempt.refresh_from_db()
    assert all("regraded" not in entry for entry in attempt.questions)


# --- Who may regrade ---------------------------------------------------------------------------------------------

def test_a_trainer_of_another_course_gets_404_and_the_service_refuses(fixed, client, learner):
    other = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=pages.course(title="Другой курс"), user=other)
    url = f"{BANK}questions/{fixed['version'].pk}/regrade/"
    before = snapshot()
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    with pytest.raises(regrade.RegradeError):
        regrade.question_regrade_apply(question=fixed["version"], user=other)
    with pytest.raises(regrade.RegradeError):
        regrade.question_regrade_plan(question=fixed["version"], user=other)
    assert snapshot() == before


def test_an_administrator_regrades_and_an_old_version_leads_to_the_latest(fixed, client, administrator):
    client.force_login(administrator)
    old = Question.objects.get(name="Город", version=1)
    assert client.get(f"{BANK}questions/{old.pk}/regrade/")["Location"].endswith(
        f"/questions/{fixed['version'].pk}/regrade/")
    with pytest.raises(regrade.RegradeError):
        regrade.question_regrade_apply(question=old, user=administrator)
    with fixed["capture"](execute=True):
        assert client.post(f"{BANK}questions/{fixed['version'].pk}/regrade/").status_code == 302
    assert AttemptRegrade.objects.filter(regraded_by=administrator).count() == 3


# --- Fixed number of queries -------------------------------------------------------------------------------------

def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_regrade_page_does_a_fixed_number_of_queries(world, client):
    take(world, choice="ГОСТ 7.1–84", truth="false", city="г. Кемерово", last_name="Первая")
    version = fix("Город", world["trainer"], answers=[{"text": "*Кемерово", "fraction": 1.0}])
    url = f"{BANK}questions/{version.pk}/regrade/"
    client.force_login(world["trainer"])
    _count(client, url)  # warm the caches of the admin (menus, site)
    small = _count(client, url)
    for number in range(4):
        take(world, choice="ГОСТ Р 7.0.100–2018", truth="true", city="Томск", last_name=f"Слушатель {number}")
    with world["capture"](execute=True):
        regrade.question_regrade_apply(question=version, user=world["trainer"])
    version = fix("Город", world["trainer"], answers=[{"text": "*емерово", "fraction": 1.0}])
    url = f"{BANK}questions/{version.pk}/regrade/"
    _count(client, url)
    large = _count(client, url)
    assert small == large and large <= 40, (small, large)


def test_grader_information_reaches_the_essay_grading_page_only(world, client):
    question_bank.import_into_bank(None, None, [
        {"type": "essay", "name": "Эссе", "text": "Опишите свою библиотеку.",
         "grader_info": "Названы читатели и услуги."}], course=world["course"])
    QuizSlot.objects.create(quiz=world["quiz"], question=Question.objects.get(name="Эссе"), sort_order=9)
    attempt = take(world, choice="ГОСТ Р 7.0.100–2018", truth="true", city="Кемерово")
    assert attempt.status == Attempt.Status.NEEDS_GRADING
    client.force_login(world["trainer"])
    assert "Названы читатели и услуги." in client.get(f"/admin/learning/essays/{attempt.pk}/").content.decode()
    client.force_login(attempt.user)
    page = client.get(reverse("courses:attempt_result", args=[attempt.pk])).content.decode()
    assert "Названы читатели" not in page
