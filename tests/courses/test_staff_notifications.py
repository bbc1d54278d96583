"""E-mails to the people who must act on learning: a request to enrol goes to the course's deciders, waiting essays
to its trainers (at most once a day per course), each once, never to others, and not to someone who switched the
kind off (nor recorded, so switching it on again works for what follows)."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from courses import services, staff_notifications
from courses.models import Attempt, CoursePage, StaffNotice
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.tasks import send_essays_waiting_reminders_task
from lms.accounts.models import NotificationPreference
from lms.accounts.roles import Role
from lms.accounts.services import notification_preferences_update
from tests.courses.quizzes.test_services import QUESTIONS, answer_all, setup  # noqa: F401 (a fixture)
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db
Kind = NotificationPreference.Kind


def at(day: datetime.date, hour: int = 10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@pytest.fixture
def approval_course():
    course = pages.course(title="Краеведение", slug="kraeved", enrolment_policy=CoursePage.Policy.APPROVAL)
    trainer = UserFactory(role=Role.TRAINER, email="trainer@example.org", first_name="Ольга")
    services.course_trainer_add(course=course, user=trainer)
    other_course = pages.course(title="Другой курс", slug="other")
    other_trainer = UserFactory(role=Role.TRAINER, email="other-trainer@example.org")
    services.course_trainer_add(course=other_course, user=other_trainer)
    return course, trainer


def request(course, learner, capture):
    with capture(execute=True):
        return services.enrolment_self(user=learner, course=course)


def test_a_request_to_enrol_tells_the_courses_trainer_once(approval_course, administrator,
                                                          django_capture_on_commit_callbacks):
    course, trainer = approval_course
    learner = UserFactory(last_name="Петрова", first_name="Анна", patronymic="Ивановна")
    enrolment = request(course, learner, django_capture_on_commit_callbacks)
    to_trainer = [m for m in mail.outbox if m.to == [trainer.email]]
    assert len(to_trainer) == 1
    message = to_trainer[0]
    assert "Заявка на курс ждёт вашего решения: «Краеведение»" in message.subject
    assert "Петрова Анна Ивановна" in message.body and "http://" in message.body
    assert "/admin/learning/requests/" in message.body and "Здравствуйте, Ольга!" in message.body
    # neither the other course's trainer nor the administrators (the course has a trainer) nor anyone else
    assert {tuple(m.to) for m in mail.outbox} == {(trainer.email,), (learner.email,)}
    # running the task again sends nothing more
    assert staff_notifications.enrolment_request_notify(enrolment_id=enrolment.pk) == 0
    assert len([m for m in mail.outbox if m.to == [trainer.email]]) == 1


def test_a_request_for_a_course_without_trainer_goes_to_the_administrators(administrator,
                                                                         django_capture_on_commit_callbacks):
    course = pages.course(title="Без преподавателя", slug="alone", enrolment_policy=CoursePage.Policy.APPROVAL)
    learner = UserFactory()
    request(course, learner, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox if "ждёт вашего решения" in m.subject] == [[administrator.email]]


def test_a_decided_request_is_not_announced_late(approval_course, django_capture_on_commit_callbacks):
    course, trainer = approval_course
    enrolment = services.enrolment_self(user=UserFactory(), course=course)  # its task has not run yet
    services.enrolment_decide(enrolment=enrolment, approve=True, actor=trainer)
    assert staff_notifications.enrolment_request_notify(enrolment_id=enrolment.pk) == 0
    assert not StaffNotice.objects.exists()


def test_a_switched_off_kind_is_not_sent_nor_recorded(approval_course, django_capture_on_commit_callbacks):
    course, trainer = approval_course
    notification_preferences_update(user=trainer, choices={Kind.COURSE_REQUESTS: False})
    first = request(course, UserFactory(), django_capture_on_commit_callbacks)
    assert not [m for m in mail.outbox if m.to == [trainer.email]]
    assert not StaffNotice.objects.exists()
    notification_preferences_update(user=trainer, choices={Kind.COURSE_REQUESTS: True})
    request(course, UserFactory(), django_capture_on_commit_callbacks)
    assert len([m for m in mail.outbox if m.to == [trainer.email]]) == 1  # the next request is told again
    assert staff_notifications.enrolment_request_notify(enrolment_id=first.pk) == 1  # re-run after switching on


# --- Essays waiting ------------------------------------------------------------------------------------------------

@pytest.fixture
def essay_quiz(setup):  # noqa: F811
    from courses.models import Question, QuizSlot

    course, _lesson, page, learner = setup
    question_bank.import_into_bank(course.slug, None, QUESTIONS[3:])
    QuizSlot.objects.create(quiz=page, question=Question.objects.get(qtype="essay"), sort_order=9)
    trainer = UserFactory(role=Role.TRAINER, email="essays@example.org")
    services.course_trainer_add(course=course, user=trainer)
    return course, page, learner, trainer


def submit(page, learner, capture) -> Attempt:
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=0)
    with capture(execute=True):
        attempt = quiz.attempt_submit(attempt=attempt, user=learner)
    assert attempt.status == Attempt.Status.NEEDS_GRADING
    return attempt


def test_essays_waiting_go_to_the_trainer_at_most_once_a_day(essay_quiz, django_capture_on_commit_callbacks):
    course, page, learner, trainer = essay_quiz
    other = UserFactory(last_name="Сидорова")
    services.enrolment_self(user=other, course=course)
    submit(page, learner, django_capture_on_commit_callbacks)
    submit(page, other, django_capture_on_commit_callbacks)  # the same day: no second letter
    letters = [m for m in mail.outbox if m.to == [trainer.email]]
    assert len(letters) == 1
    assert "1 попытка ждёт проверки эссе: «" in letters[0].subject
    assert "/admin/learning/essays/" in letters[0].body
    assert {tuple(m.to) for m in mail.outbox} == {(trainer.email,)}  # learners get no essay letters

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=at(tomorrow)):
        assert send_essays_waiting_reminders_task.delay().get() == 1
        send_essays_waiting_reminders_task.delay()  # beat firing twice changes nothing
    letters = [m for m in mail.outbox if m.to == [trainer.email]]
    assert len(letters) == 2
    assert "2 попытки ждут проверки эссе" in letters[1].subject
    assert "В курсе «" in letters[1].body and "2 завершённые попытки ждут проверки эссе:" in letters[1].body
    assert "Сидорова" in letters[1].body


def test_nothing_waits_nothing_is_sent(essay_quiz):
    course, _page, _learner, _trainer = essay_quiz
    assert staff_notifications.courses_with_essays_waiting() == []
    assert staff_notifications.essays_waiting_notify(course_id=course.pk) == 0
    assert mail.outbox == []


def test_switched_off_essay_letters_are_not_sent(essay_quiz, django_capture_on_commit_callbacks):
    _course, page, learner, trainer = essay_quiz
    notification_preferences_update(user=trainer, choices={Kind.ESSAYS_TO_GRADE: False})
    submit(page, learner, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not StaffNotice.objects.exists()
