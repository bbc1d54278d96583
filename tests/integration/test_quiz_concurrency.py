"""Quiz attempts under simultaneous requests, on PostgreSQL."""

import pytest
from django.db import connection

from courses import services
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.models import Attempt, Question, QuizPage, QuizSlot
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz_setup(wagtail_tree, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    course = pages.course(slug="race-course")
    question_bank.import_into_bank("race-course", None, [
        {"type": "truefalse", "name": "Факт", "text": "ОНБ находится в Кемерове.", "correct": True},
    ])
    page = QuizPage(title="Тест", slug="race-quiz", live=True, attempts_allowed=2)
    course.add_child(instance=page)
    QuizSlot.objects.create(quiz=page, question=Question.objects.get(), sort_order=0)
    learner = UserFactory()
    services.enrolment_self(user=learner, course=course)
    return page, learner


def test_twenty_simultaneous_starts_give_one_attempt(quiz_setup):
    page, learner = quiz_setup
    assert connection.vendor == "postgresql"
    outcomes = run_at_once(20, lambda i: quiz.attempt_start(user=learner, quiz=page))
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert Attempt.objects.filter(quiz=page, user=learner).count() == 1


def test_simultaneous_submits_grade_once_and_the_limit_holds(quiz_setup):
    page, learner = quiz_setup
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses={"0": "true"}, sequence=0)
    outcomes = run_at_once(10, lambda i: quiz.attempt_submit(attempt=attempt, user=learner))
    assert len({o.submitted_at for o in outcomes}) == 1 and all(o.marks == 1 for o in outcomes)
    quiz.attempt_submit(attempt=quiz.attempt_start(user=learner, quiz=page), user=learner)
    outcomes = run_at_once(10, lambda i: quiz.attempt_start(user=learner, quiz=page))
    assert all(isinstance(o, quiz.AttemptError) for o in outcomes)
    assert Attempt.objects.filter(quiz=page, user=learner).count() == 2
