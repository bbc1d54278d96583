"""Notices to act go out once when PostgreSQL settles a race: the weekly digest run by two workers at once (beat
firing twice, a retried task), and an internship request's letter to the head sent twice at once.

Each call runs in a thread of its own with its own connection, released together (tests.helpers.run_at_once)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from courses import digest, services
from courses.models import Enrolment, StaffNotice
from lms.accounts.roles import Role
from lms.internships import notifications
from lms.internships import services as internships
from lms.internships.models import Notice
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_digests_at_once_send_one_email(wagtail_tree):
    assert connection.vendor == "postgresql"
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library, email="head@example.org")
    course = pages.course(pages.programme())
    services.enrolment_create(user=UserFactory(library=library), course=course, source=Enrolment.Source.ADMIN,
                              due_date=timezone.localdate() - datetime.timedelta(days=3))
    mail.outbox.clear()
    week = digest.digest_week()

    outcomes = run_at_once(2, lambda i: digest.head_digest_send(head_id=head.pk, week=week))

    assert sorted(outcomes, key=str) == [False, True], outcomes
    assert [m.to for m in mail.outbox] == [[head.email]]
    assert StaffNotice.objects.filter(key=f"digest:{head.pk}:{week.isoformat()}", sent_at__isnull=False).count() == 1


def test_a_heads_letter_sent_twice_at_once_goes_once(wagtail_tree):
    library = LibraryFactory()
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library, email="head@example.org")
    session = SessionFactory()
    session.topic.head_approval_first = True
    session.topic.save()
    booking = internships.booking_request(user=UserFactory(library=library), session=session)
    event = booking.events.get()
    Notice.objects.filter(kind="awaiting_head").delete()  # its task ran on commit; the race is about a re-run
    mail.outbox.clear()

    outcomes = run_at_once(2, lambda i: notifications.booking_awaiting_send(booking_id=booking.pk,
                                                                           event_id=event.pk))

    assert sorted(outcomes, key=str) == [0, 1], outcomes
    assert [m.to for m in mail.outbox] == [[head.email]]
    assert Notice.objects.filter(kind="awaiting_head", sent_at__isnull=False).count() == 1
