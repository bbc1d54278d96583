"""A person who leaves keeps no internship seat: coming bookings are cancelled and the queue moves up."""

import datetime

import pytest
from django.utils import timezone

from lms.accounts.models import User
from lms.accounts.signals import staff_deactivated
from lms.internships import leavers, services
from lms.internships.models import Booking
from tests.factories import UserFactory
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


def deactivate(user, capture):
    User.objects.filter(pk=user.pk).update(is_active=False)
    with capture(execute=True):
        staff_deactivated.send(sender=User, user_id=user.pk)


def test_a_deactivated_person_s_seat_goes_to_the_first_in_the_queue(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    leaver, waiting = UserFactory(), UserFactory()
    held = services.booking_request(user=leaver, session=session)
    queued = services.booking_request(user=waiting, session=session)
    assert (held.status, queued.status) == (S.REQUESTED, S.WAITLISTED)

    deactivate(leaver, django_capture_on_commit_callbacks)

    held.refresh_from_db()
    queued.refresh_from_db()
    assert held.status == S.CANCELLED and held.reason == "Человек больше не работает в библиотеке"
    assert held.events.last().actor is None
    assert queued.status == S.OFFERED  # the usual offer: the next person confirms within the session's hours


def test_history_and_sessions_under_way_stay(django_capture_on_commit_callbacks):
    leaver = UserFactory()
    today = timezone.localdate()
    under_way = SessionFactory(start_date=today, end_date=today + datetime.timedelta(days=2))
    done = SessionFactory(start_date=today - datetime.timedelta(days=30), end_date=today - datetime.timedelta(days=28))
    coming = SessionFactory()
    attending = Booking.objects.create(user=leaver, session=under_way, topic=under_way.topic, status=S.APPROVED)
    completed = Booking.objects.create(user=leaver, session=done, topic=done.topic, status=S.COMPLETED,
                                       completed_at=timezone.now())
    waitlisted = Booking.objects.create(user=leaver, session=coming, topic=coming.topic, status=S.WAITLISTED,
                                        queued_at=timezone.now())

    deactivate(leaver, django_capture_on_commit_callbacks)

    assert Booking.objects.get(pk=attending.pk).status == S.APPROVED  # the session has started: the mentor decides
    assert Booking.objects.get(pk=completed.pk).status == S.COMPLETED
    assert Booking.objects.get(pk=waitlisted.pk).status == S.CANCELLED


def test_an_active_person_keeps_the_booking_and_running_twice_changes_nothing():
    session = SessionFactory(capacity=3)
    person = UserFactory()
    booking = services.booking_request(user=person, session=session)
    assert leavers.bookings_cancel_for_deactivated(user=person) == 0
    assert Booking.objects.get(pk=booking.pk).status == S.REQUESTED
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.refresh_from_db()
    assert leavers.bookings_cancel_for_deactivated(user=person) == 1
    assert leavers.bookings_cancel_for_deactivated(user=person) == 0
    assert booking.events.count() == 2
