"""Recertification of courses (courses/recertification.py): the completion's validity, the reopening when the window
opens, history and hours kept, quizzes taken again, reminders 60/30/7 days before, the head's digest section."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from courses import hours, recertification, services
from courses.digest import head_digest
from courses.models import CourseCompletion, CoursePage, Enrolment, LessonCompletion, Question, QuizPage, QuizSlot
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from lms.accounts.models import NotificationPreference
from lms.accounts.roles import Role
from lms.dates import add_months, valid_until_for
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


@pytest.fixture
def course(db):
    course = pages.course(validity_months=36, recertification_window_days=90, academic_hours=24)
    lessons = [pages.lesson(course), pages.lesson(course)]
    return course, lessons


def finish(user, lessons):
    for lesson in lessons:
        enrolment = services.lesson_complete(user=user, lesson=lesson)
    return Enrolment.objects.get(pk=enrolment.pk)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 12, 3), 36) == datetime.date(2029, 12, 3)
    assert valid_until_for(datetime.date(2026, 12, 3), None) is None


def test_completion_sets_valid_until_in_kemerovo_time(learner, course):
    course, lessons = course
    services.enrolment_self(user=learner, course=course)
    enrolment = finish(learner, lessons)
    assert enrolment.status == Status.COMPLETED
    assert enrolment.valid_until == add_months(timezone.localdate(enrolment.completed_at), 36)


def test_a_course_without_validity_never_expires(learner):
    course = pages.course()
    lesson = pages.lesson(course)
    services.enrolment_self(user=learner, course=course)
    assert finish(learner, [lesson]).valid_until is None
    assert recertification.enrolments_to_reopen(today=datetime.date(2100, 1, 1)) == []


def test_completion_by_hand_sets_valid_until_too(learner, administrator, course):
    course, _lessons = course
    enrolment = services.enrolment_complete_by_hand(user=learner, course=course, actor=administrator,
                                                    reason="Обучение на бумаге")
    enrolment.refresh_from_db()
    assert enrolment.valid_until == add_months(timezone.localdate(), 36)


def test_reopening_keeps_history_hours_and_validity(learner, course, django_capture_on_commit_callbacks):
    course, lessons = course
    services.enrolment_self(user=learner, course=course)
    enrolment = finish(learner, lessons)
    until = enrolment.valid_until
    hours_before = hours.hours_by_year(learner)
    assert hours_before == {timezone.localdate().year: 24}

    too_early = until - datetime.timedelta(days=91)
    assert not recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=too_early)
    opens = until - datetime.timedelta(days=90)
    assert recertification.enrolments_to_reopen(today=opens) == [enrolment.pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert recertification.enrolments_reopen_due(today=opens) == 1
        assert recertification.enrolments_reopen_due(today=opens) == 0  # idempotent

    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE and enrolment.due_date == until and enrolment.valid_until == until
    assert enrolment.cycle == 2 and enrolment.cycle_started_at and enrolment.progress_percent == 0
    assert not LessonCompletion.objects.filter(enrolment=enrolment).exists()
    past = CourseCompletion.objects.get(enrolment=enrolment)
    assert (past.cycle, past.valid_until, past.hours, past.user_id) == (1, until, 24, learner.pk)
    # the person's hours do not change when the course is reopened
    assert hours.hours_by_year(learner) == hours_before
    assert [(e.kind, e.hours, e.valid_until) for e in hours.hours_entries(learner)] == [("course", 24, until)]
    assert len(mail.outbox) == 1 and "переаттестац" in mail.outbox[0].subject.lower()

    # the new completion: a new validity, both completions counted
    enrolment = finish(learner, lessons)
    assert enrolment.status == Status.COMPLETED and enrolment.cycle == 2
    assert enrolment.valid_until == add_months(timezone.localdate(), 36)
    assert hours.hours_by_year(learner) == {timezone.localdate().year: 48}
    assert len(hours.hours_entries(learner)) == 2


def test_inactive_people_are_not_reopened(course):
    course, lessons = course
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    enrolment = finish(person, lessons)
    person.is_active = False
    person.save()
    assert not recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)


def test_the_window_is_per_course(learner):
    course = pages.course(validity_months=12, recertification_window_days=30)
    lesson = pages.lesson(course)
    services.enrolment_self(user=learner, course=course)
    enrolment = finish(learner, [lesson])
    assert not recertification.enrolment_reopen(enrolment_id=enrolment.pk,
                                                today=enrolment.valid_until - datetime.timedelta(days=31))
    assert recertification.enrolment_reopen(enrolment_id=enrolment.pk,
                                            today=enrolment.valid_until - datetime.timedelta(days=30))


def test_quizzes_are_taken_again_with_attempts_of_the_new_cycle(learner):
    course = pages.course(slug="recert-quiz", validity_months=24)
    question_bank.import_into_bank("recert-quiz", None, [
        {"type": "truefalse", "name": "Э(В)БК", "text": "Э(В)БК — корпоративный проект.", "correct": True,
         "feedback_true": "", "feedback_false": ""}])
    page = QuizPage(title="Итоговый тест", slug="final", pass_percent=60, live=True, attempts_allowed=1)
    course.add_child(instance=page)
    QuizSlot.objects.create(quiz=page, question=Question.objects.get(), sort_order=0)
    services.enrolment_self(user=learner, course=course)
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses={"0": "true"}, sequence=attempt.sequence)
    quiz.attempt_submit(attempt=attempt, user=learner)
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Status.COMPLETED
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_start(user=learner, quiz=page)  # the one attempt is used

    assert recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    enrolment.refresh_from_db()
    services.enrolment_progress_refresh(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE  # the old pass does not complete the new cycle
    second = quiz.attempt_start(user=learner, quiz=page)  # a new cycle: a new attempt is allowed
    assert second.number == 2
    quiz.attempt_save(attempt=second, user=learner, responses={"0": "true"}, sequence=second.sequence)
    quiz.attempt_submit(attempt=second, user=learner)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.COMPLETED and enrolment.cycle == 2


def test_reminders_60_30_7_each_once_and_switched_off(learner, course, django_capture_on_commit_callbacks):
    course, lessons = course
    services.enrolment_self(user=learner, course=course)
    enrolment = finish(learner, lessons)
    until = enrolment.valid_until
    assert recertification.reminder_step(61) is None and recertification.reminder_step(60) == 60
    assert recertification.reminder_step(20) == 30 and recertification.reminder_step(0) == 7
    assert recertification.reminder_step(-1) is None

    def run(today):
        sent = 0
        for reminder in recertification.expiry_reminders_due(today=today):
            sent += recertification.expiry_reminder_send(user_id=reminder.user_id, kind=reminder.kind,
                                                         object_id=reminder.object_id, step=reminder.step,
                                                         today=today)
        return sent

    assert run(until - datetime.timedelta(days=61)) == 0
    mail.outbox.clear()
    assert run(until - datetime.timedelta(days=60)) == 1
    assert run(until - datetime.timedelta(days=59)) == 0  # the 60-day notice went once
    message = mail.outbox[-1]
    assert "Действует до" in message.subject and course.title in message.body
    assert f"{until.day} " in message.body and " г." in message.body  # «3 декабря 2029 г.»
    assert run(until - datetime.timedelta(days=30)) == 1
    NotificationPreference.objects.create(user=learner, expiring=False)
    assert run(until - datetime.timedelta(days=7)) == 0  # switched off: neither sent nor recorded
    assert len(mail.outbox) == 2


def test_head_digest_lists_staff_whose_training_expires(course):
    course, lessons = course
    head = UserFactory(role=Role.LIBRARY_HEAD)
    person = UserFactory(library=head.library)
    services.enrolment_self(user=person, course=course)
    enrolment = finish(person, lessons)
    digest = head_digest(head=head, today=enrolment.valid_until - datetime.timedelta(days=59))
    section = next(s for s in digest.sections if "переаттестац" in s.title)
    assert section.lines and person.last_name in section.lines[0] and course.title in section.lines[0]
    later = head_digest(head=head, today=enrolment.valid_until - datetime.timedelta(days=200))
    assert not any("переаттестац" in s.title for s in later.sections)


def test_the_daily_job_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["recertification"]
    assert entry["task"] == "courses.tasks.recertification_daily_task"


def test_course_page_fields_exist():
    assert CoursePage._meta.get_field("validity_months").null


def test_a_reopened_course_still_counts_as_a_prerequisite(learner, course):
    course, lessons = course
    services.enrolment_self(user=learner, course=course)
    enrolment = finish(learner, lessons)
    follow_up = pages.course()
    follow_up.prerequisites.add(course)
    follow_up.save()
    assert recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    assert services.enrolment_self(user=learner, course=follow_up).status == Status.ACTIVE
