"""The race of recertification that PostgreSQL has to settle: the daily job reopening an enrolment
(courses.recertification.enrolment_reopen) and a completion arriving at the same moment (lesson_complete finishing
the course). Both lock the enrolment row (select_for_update), so one goes first and the other sees its result:

* a completion of the current cycle and a reopening from the job's earlier (stale) list: the completion wins and
  valid_until is the new date; the job does not reopen the fresh completion;
* a reopening and the learner studying the (one-lesson) course at once: either the reopening comes first and the
  lesson completes the new cycle (new valid_until, the old completion archived), or the lesson comes first (it was
  studied already: nothing new) and the reopening follows (old valid_until kept, due date set);

never a reopened enrolment whose new completion is lost, never a completion archived twice, and the person's hours
never go down. Each round runs the two calls in threads of their own, released together by a barrier.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from courses import hours, recertification, services
from courses.models import CourseCompletion, Enrolment
from lms.dates import add_months
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROUNDS = 6
Status = Enrolment.Status


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _one_lesson_course():
    course = pages.course(pages.programme(), validity_months=36, recertification_window_days=90, academic_hours=24)
    return course, pages.lesson(course)


def test_a_stale_reopening_never_undoes_a_fresh_completion(wagtail_tree):
    assert connection.vendor == "postgresql"
    course, lesson = _one_lesson_course()
    new_until = add_months(timezone.localdate(), 36)
    for _round in range(ROUNDS):
        person = UserFactory()
        services.enrolment_self(user=person, course=course)
        enrolment = services.lesson_complete(user=person, lesson=lesson)
        # the job's list was made when this completion was in its window, and the person was reopened since
        old_until = timezone.localdate() + datetime.timedelta(days=30)
        Enrolment.objects.filter(pk=enrolment.pk).update(valid_until=old_until)
        assert recertification.enrolment_reopen(enrolment_id=enrolment.pk)
        hours_before = hours.hours_by_year(person)

        outcomes = run_at_once(2, lambda i: (
            recertification.enrolment_reopen(enrolment_id=enrolment.pk) if i == 0
            else services.lesson_complete(user=person, lesson=lesson)))

        assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
        enrolment.refresh_from_db()
        assert enrolment.status == Status.COMPLETED and enrolment.cycle == 2
        assert enrolment.valid_until == new_until  # the completion won: the new date
        assert outcomes[0] is False  # the job left it alone, whichever came first
        assert CourseCompletion.objects.filter(enrolment=enrolment).count() == 1
        assert sum(hours.hours_by_year(person).values()) == sum(hours_before.values()) + 24


def test_reopening_and_studying_at_once_lose_nothing(wagtail_tree):
    course, lesson = _one_lesson_course()
    orders = set()
    for _round in range(ROUNDS):
        person = UserFactory()
        services.enrolment_self(user=person, course=course)
        enrolment = services.lesson_complete(user=person, lesson=lesson)
        old_until = timezone.localdate() + datetime.timedelta(days=30)  # in the window
        Enrolment.objects.filter(pk=enrolment.pk).update(valid_until=old_until)
        hours_before = sum(hours.hours_by_year(person).values())

        outcomes = run_at_once(2, lambda i: (
            recertification.enrolment_reopen(enrolment_id=enrolment.pk) if i == 0
            else services.lesson_complete(user=person, lesson=lesson)))

        assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
        assert outcomes[0] is True  # the completed enrolment in its window is reopened once, in either order
        enrolment.refresh_from_db()
        past = CourseCompletion.objects.get(enrolment=enrolment)  # archived exactly once
        assert (past.cycle, past.valid_until) == (1, old_until)
        assert enrolment.cycle == 2
        if enrolment.status == Status.COMPLETED:  # the reopening first: the lesson completed the new cycle
            orders.add("reopen-first")
            assert enrolment.valid_until == add_months(timezone.localdate(), 36)
            assert sum(hours.hours_by_year(person).values()) == hours_before + 24
        else:  # the lesson first (already studied: nothing new), then the reopening
            orders.add("lesson-first")
            assert enrolment.status == Status.ACTIVE and enrolment.valid_until == old_until
            assert enrolment.due_date == old_until
            assert sum(hours.hours_by_year(person).values()) == hours_before
    assert orders  # at least one of the two orders was seen (both are correct)
