"""Races for internship seats that PostgreSQL has to settle: fifty people asking for ten seats at once, one person
pressing «Записаться» many times on two overlapping sessions, and an administrator adding people by hand while
learners are asking.

Each call runs in a thread of its own, with its own database connection; the threads are released together.
"""

from __future__ import annotations

import pytest
from django.db import connection

from lms.accounts.roles import Role
from lms.internships import services
from lms.internships.models import Booking, BookingEvent
from tests.factories import UserFactory
from tests.factories.internships import SessionFactory
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = Booking.Status


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_fifty_requests_for_ten_seats_give_ten_seats_and_forty_in_arrival_order():
    assert connection.vendor == "postgresql"
    session = SessionFactory(capacity=10)
    people = [UserFactory() for _ in range(50)]
    seen: list[int] = []

    outcomes = run_at_once(
        50, lambda i: services.booking_request(user=people[i], session=session),
        while_running=lambda: seen.append(
            Booking.objects.filter(session=session, status__in=Booking.SEAT_HOLDING).count()),
    )

    assert [o for o in outcomes if not isinstance(o, Booking)] == []
    rows = Booking.objects.filter(session=session)
    assert rows.count() == 50
    assert rows.values("user").distinct().count() == 50
    assert rows.filter(status=S.REQUESTED).count() == 10
    assert rows.filter(status=S.WAITLISTED).count() == 40
    assert max(seen) <= 10
    # Arrival order is the order in which the requests took the session's lock: the ten seats went to the first
    # ten, and the queue follows, each queued after the one before.
    in_order = list(rows.order_by("created_at", "pk").values_list("status", "queued_at", "pk"))
    assert [status for status, _queued, _pk in in_order[:10]] == [S.REQUESTED] * 10
    queue = [(queued, pk) for status, queued, pk in in_order[10:]]
    assert [status for status, _q, _p in in_order[10:]] == [S.WAITLISTED] * 40
    assert queue == sorted(queue)
    assert len({pk for _q, pk in queue}) == 40
    # Every booking has exactly one audit row, its creation.
    assert BookingEvent.objects.filter(booking__session=session).count() == 50

    # The first in the queue is the first to be offered a freed seat.
    first_waiting = Booking.objects.filter(session=session, status=S.WAITLISTED).order_by("queued_at", "pk").first()
    holder = Booking.objects.filter(session=session, status=S.REQUESTED).first()
    services.booking_cancel(actor=holder.user, booking=holder)
    first_waiting.refresh_from_db()
    assert first_waiting.status == S.OFFERED


def test_one_person_many_times_on_one_topic_and_overlapping_sessions_gets_one_booking():
    session = SessionFactory(capacity=5)
    overlapping = SessionFactory(capacity=5, start_date=session.start_date)
    person = UserFactory()

    outcomes = run_at_once(
        12, lambda i: services.booking_request(user=person, session=session if i % 2 else overlapping))

    bookings = [o for o in outcomes if isinstance(o, Booking)]
    refused = [o for o in outcomes if isinstance(o, services.BookingError)]
    assert len(bookings) == 1 and len(refused) == 11, outcomes
    assert Booking.objects.filter(user=person).count() == 1


def test_administrator_adding_by_hand_while_learners_ask_never_overbooks():
    session = SessionFactory(capacity=5)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    learners = [UserFactory() for _ in range(10)]
    added = [UserFactory() for _ in range(10)]

    def call(i):
        if i % 2:
            return services.booking_request(user=learners[i // 2], session=session)
        return services.booking_add(admin=admin, user=added[i // 2], session=session)

    outcomes = run_at_once(20, call)

    refused = [o for o in outcomes if isinstance(o, services.BookingError)]
    assert [o for o in outcomes if not isinstance(o, (Booking, services.BookingError))] == []
    holding = Booking.objects.filter(session=session, status__in=Booking.SEAT_HOLDING)
    assert holding.count() == 5
    assert not holding.filter(over_capacity=True).exists()
    # Learners who found no seat wait in the queue; the administrator's additions are refused, not queued.
    waiting = Booking.objects.filter(session=session, status=S.WAITLISTED).count()
    assert waiting + len(refused) == 15
    assert all(str(e).startswith("Мест нет") for e in refused), refused

    # Beyond capacity only as an explicit, recorded override.
    extra = services.booking_add(admin=admin, user=UserFactory(), session=session, over_capacity=True,
                                 note="По письму министерства")
    assert extra.over_capacity and extra.events.get().actor == admin
