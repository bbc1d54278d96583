"""The SCORM run-time service (courses/packages/runtime.py): launch, commit, resume, time, roll-up, the lesson's rule,
new attempts, recertification cycles, and the course's completion through the progress contribution."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import Enrolment, ScormAttempt, ScormInteraction, ScormLessonPage, ScormScoState
from courses.packages import runtime
from courses.packages.progress import scorm_progress
from courses.services import EnrolmentError
from courses.signals import course_completed
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

pytestmark = pytest.mark.django_db

THREE_SCOS = [{"identifier": f"SCO-{n}", "title": f"Часть {n}", "launch": f"sco{n}/index.html"} for n in (1, 2, 3)]


@pytest.fixture
def course():
    return pages.course()


@pytest.fixture
def lesson(course):
    return scorm.scorm_lesson(course)


@pytest.fixture
def student(course):
    person = UserFactory(last_name="Иванова", first_name="Мария")
    services.enrolment_self(user=person, course=course)
    return person


def commit(launch, user, lesson, elements, **overrides):
    return runtime.scorm_commit(user=user, lesson=lesson, attempt_id=overrides.get("attempt_id", launch.attempt.pk),
                                sco_index=launch.sco_index, session=overrides.get("session", launch.session),
                                elements=elements)


def test_launch_starts_an_attempt_and_a_state_and_gives_the_learner(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert launch.attempt.number == 1 and launch.session == 1 and launch.version == "1.2"
    assert launch.elements["cmi.core.student_name"] == "Иванова, Мария"
    assert launch.elements["cmi.core.student_id"] == str(student.pk)
    assert launch.elements["cmi.core.entry"] == "ab-initio"
    assert launch.elements["cmi.core.lesson_mode"] == "normal"
    again = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert again.attempt.pk == launch.attempt.pk and again.session == 2
    assert ScormScoState.objects.get().sessions == 2


def test_launch_refuses_a_person_not_enrolled(lesson):
    with pytest.raises(EnrolmentError, match="Запишитесь|Enrol"):
        runtime.scorm_launch(user=UserFactory(), lesson=lesson, sco_index=0)
    assert not ScormAttempt.objects.exists()


def test_launch_of_a_missing_sco_is_refused(student, lesson):
    with pytest.raises(runtime.ScormRuntimeError) as refusal:
        runtime.scorm_launch(user=student, lesson=lesson, sco_index=5)
    assert refusal.value.status == 404


def test_commit_merges_and_relaunch_resumes(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    commit(launch, student, lesson, {"cmi.core.lesson_location": "slide-3", "cmi.suspend_data": "a" * 4000,
                                     "cmi.core.lesson_status": "incomplete", "cmi.core.exit": "suspend"})
    commit(launch, student, lesson, {"cmi.core.score.raw": "40"})  # a later commit without the others keeps them
    state = ScormScoState.objects.get()
    assert state.location == "slide-3" and len(state.suspend_data) == 4000 and state.revision == 2
    assert state.completion_status == "incomplete" and state.score_raw == Decimal(40)
    again = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert again.elements["cmi.core.lesson_location"] == "slide-3"
    assert again.elements["cmi.suspend_data"] == "a" * 4000
    assert again.elements["cmi.core.entry"] == "resume"
    assert again.elements["cmi.core.score.raw"] == "40"


def test_session_time_is_counted_once_per_session(student, lesson):
    first = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    for running in ("0000:00:10.00", "0000:00:30.00", "0000:00:30.00"):  # one session, cumulative each time
        commit(first, student, lesson, {"cmi.core.session_time": running})
    state = ScormScoState.objects.get()
    assert state.total_seconds == Decimal(30)
    second = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    commit(second, student, lesson, {"cmi.core.session_time": "0000:01:00.00"})
    commit(first, student, lesson, {"cmi.core.session_time": "0000:00:45.00"})  # the first tab, still open
    state.refresh_from_db()
    assert state.total_seconds == Decimal(30 + 60 + 15)
    assert ScormAttempt.objects.get().total_seconds == Decimal(105)
    third = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert third.elements["cmi.core.total_time"] == "0000:01:45"


def test_a_commit_of_an_unknown_session_is_refused(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    with pytest.raises(runtime.ScormRuntimeError) as refusal:
        commit(launch, student, lesson, {}, session=7)
    assert refusal.value.status == 409


def test_foreign_and_stale_attempts_are_refused(student, lesson, course):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    other = UserFactory()
    services.enrolment_self(user=other, course=course)
    with pytest.raises(runtime.ScormRuntimeError) as foreign:
        commit(launch, other, lesson, {"cmi.core.lesson_status": "completed"})
    assert foreign.value.status == 403
    commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})
    runtime.scorm_attempt_restart(user=student, lesson=lesson)
    with pytest.raises(runtime.ScormRuntimeError) as stale:
        commit(launch, student, lesson, {"cmi.core.lesson_status": "incomplete"})
    assert stale.value.status == 409
    assert ScormAttempt.objects.get(number=1).completion_status == "completed"


def test_interactions_are_upserted_by_index(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    commit(launch, student, lesson, {
        "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.student_response": "a", "cmi.interactions.0.result": "wrong",
        "cmi.interactions.1.id": "q2", "cmi.interactions.1.type": "true-false",
        "cmi.interactions.1.student_response": "t", "cmi.interactions.1.result": "correct",
        "cmi.interactions.1.weighting": "2", "cmi.interactions.1.correct_responses.0.pattern": "t"})
    commit(launch, student, lesson, {
        "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.student_response": "b", "cmi.interactions.0.result": "correct"})
    rows = list(ScormInteraction.objects.order_by("index"))
    assert [(r.index, r.identifier, r.learner_response, r.result) for r in rows] == [
        (0, "q1", "b", "correct"), (1, "q2", "t", "correct")]
    assert rows[1].correct_responses == ["t"] and rows[1].weighting == Decimal(2)


def test_a_refused_element_comes_back_and_the_rest_is_saved(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    result = commit(launch, student, lesson, {"cmi.suspend_data": "x" * 4097, "cmi.core.lesson_location": "p2"})
    state = ScormScoState.objects.get()
    assert state.location == "p2" and state.suspend_data == ""  # never cut: refused whole, the rest kept
    assert len(result.errors) == 1 and "cmi.suspend_data" in result.errors[0] and "4096" in result.errors[0]


def test_the_manifests_mastery_score_decides_passed_or_failed(student, course):
    sco = {"identifier": "SCO-1", "title": "Тест", "launch": "index.html", "mastery_score": "80"}
    lesson = scorm.scorm_lesson(course, package_row=scorm.package(scos=[sco]), completion_mode="passed")
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert launch.elements["cmi.student_data.mastery_score"] == "80"
    commit(launch, student, lesson, {"cmi.core.score.raw": "70", "cmi.core.lesson_status": "passed"})
    assert ScormScoState.objects.get().success_status == "failed"  # the LMS's mastery score, not the SCO's word
    commit(launch, student, lesson, {"cmi.core.score.raw": "85"})
    attempt = ScormAttempt.objects.get()
    assert attempt.success_status == "passed" and attempt.satisfied_at is not None


def test_scorm_2004_session_time_adds_up(student, course):
    lesson = scorm.scorm_lesson(course, package_row=scorm.package(version="2004 4th"))
    first = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    commit(first, student, lesson, {"cmi.session_time": "PT1M30S", "cmi.exit": "suspend"})
    second = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert second.elements["cmi.entry"] == "resume"
    commit(second, student, lesson, {"cmi.session_time": "PT2M", "cmi.completion_status": "completed"})
    assert ScormAttempt.objects.get().total_seconds == Decimal(210)


def multi_lesson(course, **fields):
    return scorm.scorm_lesson(course, package_row=scorm.package(scos=THREE_SCOS), **fields)


def test_rollup_of_a_multi_sco_package(student, course):
    lesson = multi_lesson(course)
    launches = [runtime.scorm_launch(user=student, lesson=lesson, sco_index=i) for i in range(3)]
    commit(launches[0], student, lesson, {"cmi.core.lesson_status": "completed"})
    commit(launches[1], student, lesson, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "8",
                                          "cmi.core.score.max": "10"})
    attempt = ScormAttempt.objects.get()
    assert attempt.completion_status == "incomplete" and attempt.success_status == "passed"
    assert attempt.score_percent == Decimal(80) and attempt.satisfied_at is None
    commit(launches[2], student, lesson, {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "40"})
    attempt.refresh_from_db()
    assert attempt.completion_status == "completed" and attempt.success_status == "failed"
    assert attempt.score_percent == Decimal(60)  # the mean of 80 % and 40 %
    assert attempt.satisfied_at is not None  # the default rule: every SCO completed


def test_an_unopened_sco_keeps_the_lesson_incomplete(student, course):
    lesson = multi_lesson(course)
    for index in (0, 1):
        launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=index)
        commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})
    assert ScormAttempt.objects.get().completion_status == "incomplete"


@pytest.mark.parametrize(("mode", "pass_score", "elements", "studied"), [
    ("completed", None, {"cmi.core.lesson_status": "incomplete"}, False),
    ("completed", None, {"cmi.core.lesson_status": "completed"}, True),
    ("passed", None, {"cmi.core.lesson_status": "completed"}, False),
    ("passed", None, {"cmi.core.lesson_status": "failed"}, False),
    ("passed", None, {"cmi.core.lesson_status": "passed"}, True),
    ("score", 70, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "69"}, False),
    ("score", 70, {"cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "70"}, True),
])
def test_each_completion_mode(student, course, mode, pass_score, elements, studied):
    lesson = scorm.scorm_lesson(course, completion_mode=mode, pass_score=pass_score)
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    result = commit(launch, student, lesson, elements)
    assert result.satisfied_now is studied
    enrolment = Enrolment.objects.get(user=student, course=course)
    assert (("scorm", lesson.pk) in scorm_progress(enrolment).done) is studied


def test_studied_lesson_completes_the_course_and_sends_the_signal(student, course, lesson,
                                                                   django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, enrolment_id, **kwargs):
        received.append(enrolment_id)

    course_completed.connect(receiver)
    try:
        launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
        with django_capture_on_commit_callbacks(execute=True):
            commit(launch, student, lesson, {"cmi.core.lesson_status": "incomplete"})
        enrolment = Enrolment.objects.get(user=student, course=course)
        assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.progress_percent == 0
        with django_capture_on_commit_callbacks(execute=True):
            commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})
            commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})  # again: nothing more
    finally:
        course_completed.disconnect(receiver)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.progress_percent == 100
    assert received == [enrolment.pk]


def test_a_required_scorm_lesson_holds_the_course_back(student, course, lesson):
    page_lesson = pages.lesson(course)
    enrolment = services.lesson_complete(user=student, lesson=page_lesson)
    assert enrolment.status == Enrolment.Status.ACTIVE and enrolment.progress_percent == 50


def test_restart_starts_a_new_attempt_only_after_a_finished_one(student, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert runtime.scorm_attempt_restart(user=student, lesson=lesson).pk == launch.attempt.pk  # not finished
    commit(launch, student, lesson, {"cmi.core.lesson_status": "completed", "cmi.core.lesson_location": "end"})
    fresh = runtime.scorm_attempt_restart(user=student, lesson=lesson)
    assert fresh.number == 2
    relaunch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert relaunch.attempt.pk == fresh.pk and relaunch.elements["cmi.core.lesson_location"] == ""
    assert relaunch.elements["cmi.core.entry"] == "ab-initio"
    # The first attempt met the rule: the lesson stays studied while the new attempt runs.
    enrolment = Enrolment.objects.get(user=student)
    assert ("scorm", lesson.pk) in scorm_progress(enrolment).done


def test_recertification_starts_a_new_cycle(student, course, lesson):
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})
    enrolment = Enrolment.objects.get(user=student)
    assert ("scorm", lesson.pk) in scorm_progress(enrolment).done
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.ACTIVE, cycle=2,
                                                     cycle_started_at=timezone.now() + timedelta(seconds=1))
    enrolment.refresh_from_db()
    assert ("scorm", lesson.pk) not in scorm_progress(enrolment).done
    with pytest.raises(runtime.ScormRuntimeError) as stale:  # the old cycle's attempt takes no more commits
        commit(launch, student, lesson, {"cmi.core.lesson_status": "completed"})
    assert stale.value.status == 409
    ScormAttempt.objects.update(started_at=timezone.now() - timedelta(days=1))
    new = runtime.scorm_launch(user=student, lesson=lesson, sco_index=0)
    assert new.attempt.number == 2 and new.elements["cmi.core.lesson_status"] == "not attempted"


def commit_queries(student, lesson, sco_index: int, interactions: int, monkeypatch) -> int:
    answers = {}
    for n in range(interactions):
        answers.update({f"cmi.interactions.{n}.id": f"q{n}", f"cmi.interactions.{n}.type": "choice",
                        f"cmi.interactions.{n}.student_response": "a", f"cmi.interactions.{n}.result": "correct"})
    launch = runtime.scorm_launch(user=student, lesson=lesson, sco_index=sco_index)
    commit(launch, student, lesson, {"cmi.core.lesson_status": "incomplete"})  # warm: the content cache
    with CaptureQueriesContext(connection) as queries:
        commit(launch, student, lesson, {"cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "x",
                                         **answers})
    assert ScormInteraction.objects.filter(state__attempt=launch.attempt).count() == interactions
    return len(queries)


def test_a_commit_costs_a_fixed_number_of_queries(course, monkeypatch):
    def multi(n):
        return scorm.scorm_lesson(course, package_row=scorm.package(scos=[
            {"identifier": f"SCO-{i}", "title": f"Часть {i}", "launch": f"{i}.html"} for i in range(n)]))

    counts = []
    for lesson, scos, interactions in ((scorm.scorm_lesson(course), 1, 1), (scorm.scorm_lesson(course), 1, 30),
                                       (multi(2), 2, 1), (multi(5), 5, 30)):
        person = UserFactory()
        services.enrolment_self(user=person, course=course)
        for index in range(scos - 1):  # the other SCOs have states too
            runtime.scorm_launch(user=person, lesson=lesson, sco_index=index)
        lesson = ScormLessonPage.objects.select_related("package").get(pk=lesson.pk)
        counts.append(commit_queries(person, lesson, scos - 1, interactions, monkeypatch))
    # Whatever the number of interactions and SCOs; a package of one SCO has no other SCO to read for the roll-up.
    assert counts[0] == counts[1] == counts[2] - 1 == counts[3] - 1 <= 9, counts
