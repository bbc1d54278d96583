"""Races of learning that PostgreSQL has to settle: one person pressing «Записаться» twenty times at once, twenty
people taking the last places of a small course, and one lesson marked studied ten times at once.

Each call runs in a thread of its own, with its own database connection (closed when the thread ends); the threads
are released together by a barrier. Tasks run eagerly (the root conftest), in the thread that committed.
"""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from courses import services
from courses.models import Enrolment, LessonCompletion
from courses.signals import course_completed
from tests.factories import UserFactory
from tests.helpers import run_at_once
from tests.factories import courses as pages

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]



@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Twenty people are created per test; the production hasher would spend seconds on their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def unexpected(outcomes, *expected_types) -> list:
    return [o for o in outcomes if not isinstance(o, expected_types)]


def test_one_person_enrolling_twenty_times_at_once_gets_one_enrolment(wagtail_tree):
    assert connection.vendor == "postgresql"
    course = pages.course(pages.programme())
    pages.lesson(course)
    learner = UserFactory()

    outcomes = run_at_once(20, lambda i: services.enrolment_self(user=learner, course=course))

    assert unexpected(outcomes, Enrolment) == [], f"calls that did not return an enrolment: {outcomes!r}"
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert {o.pk for o in outcomes} == {enrolment.pk}
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.source == Enrolment.Source.SELF
    # The learner is told once, not twenty times.
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_twenty_people_at_once_take_exactly_the_five_places_of_a_course(wagtail_tree):
    course = pages.course(pages.programme(), capacity=5)
    pages.lesson(course)
    people = [UserFactory() for _ in range(20)]
    seen_counts: list[int] = []

    outcomes = run_at_once(
        20,
        lambda i: services.enrolment_self(user=people[i], course=course),
        # Someone looking at the course while the race is on never sees more than five people enrolled.
        while_running=lambda: seen_counts.append(Enrolment.objects.filter(course=course).count()),
    )

    enrolled = [o for o in outcomes if isinstance(o, Enrolment)]
    refused = [o for o in outcomes if isinstance(o, services.EnrolmentError)]
    assert unexpected(outcomes, Enrolment, services.EnrolmentError) == [], outcomes
    assert len(enrolled) == 5
    assert len(refused) == 15
    assert len({str(error) for error in refused}) == 1, refused  # the same «no free places» for all
    assert seen_counts and max(seen_counts) <= 5, seen_counts

    rows = Enrolment.objects.filter(course=course)
    assert rows.count() == 5
    assert {e.pk for e in enrolled} == set(rows.values_list("pk", flat=True))
    assert len({e.user_id for e in enrolled}) == 5
    assert set(rows.values_list("status", flat=True)) == {Enrolment.Status.ACTIVE}
    # Those refused can see why and are not enrolled at all; only the five are told they are in.
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(e.user.email for e in enrolled)


def test_the_last_lesson_marked_studied_ten_times_at_once_completes_the_course_once(wagtail_tree):
    course = pages.course(pages.programme())
    module = pages.module(course)
    first = pages.lesson(module)
    last = pages.lesson(module)
    learner = UserFactory()
    enrolment = services.enrolment_self(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=first)

    received: list[tuple[int, str]] = []
    lock = threading.Lock()

    def on_completed(sender, enrolment_id, **kwargs):
        with lock:
            received.append((enrolment_id, threading.current_thread().name))

    course_completed.connect(on_completed, weak=False, dispatch_uid="test-course-completed-once")
    try:
        outcomes = run_at_once(10, lambda i: services.lesson_complete(user=learner, lesson=last))
    finally:
        course_completed.disconnect(dispatch_uid="test-course-completed-once")

    assert unexpected(outcomes, Enrolment) == [], f"calls that did not return the enrolment: {outcomes!r}"
    assert {o.pk for o in outcomes} == {enrolment.pk}
    assert {o.status for o in outcomes} == {Enrolment.Status.COMPLETED}
    assert LessonCompletion.objects.filter(enrolment=enrolment, lesson=last).count() == 1
    assert LessonCompletion.objects.filter(enrolment=enrolment).count() == 2

    # Signals fire on commit, in the thread that committed: exactly one, and not from the main thread.
    assert [enrolment_id for enrolment_id, _thread in received] == [enrolment.pk]
    assert received[0][1] != threading.main_thread().name

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert enrolment.progress_percent == 100
    assert enrolment.last_lesson_id == last.pk
    # One «course completed» e-mail (besides the one about enrolling).
    assert [m.to for m in mail.outbox] == [[learner.email], [learner.email]]
