"""Kept seats released by several processes at once (the beat task on two workers, a request arriving at the
release time): PostgreSQL's row lock on the session lets one release happen, and each seat is offered once."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from lms.internships import quotas, services
from lms.internships.models import Booking, BookingEvent, Session, SessionQuota
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.internships import SessionFactory
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
S = Booking.Status


def _session_with_unused_kept_seats():
    """Six seats, four kept for a district nobody from which asked; two city people hold the shared seats and five
    wait. Returns the session and the queue in its order."""
    city, district = MunicipalityFactory(name="Кемерово"), MunicipalityFactory(name="Юргинский муниципальный округ")
    session = SessionFactory(capacity=6)
    SessionQuota.objects.create(session=session, municipality=district, seats=4)
    library = LibraryFactory(municipality=city)
    people = [UserFactory(library=library) for _ in range(7)]
    bookings = [services.booking_request(user=person, session=session) for person in people]
    assert [b.status for b in bookings] == [S.REQUESTED] * 2 + [S.WAITLISTED] * 5
    Session.objects.filter(pk=session.pk).update(quota_release_at=timezone.now() - datetime.timedelta(minutes=1))
    return session, bookings[2:]


def _offers(session) -> list[int]:
    return list(BookingEvent.objects.filter(booking__session=session, to_status=S.OFFERED)
                .order_by("booking_id").values_list("booking_id", flat=True))


def test_two_processes_releasing_one_session_at_once_offer_each_seat_once():
    assert connection.vendor == "postgresql"
    session, queue = _session_with_unused_kept_seats()

    outcomes = run_at_once(2, lambda i: quotas.quotas_release_due())

    assert sorted(outcomes) == [0, 1], outcomes  # one of them released the session, the other found it done
    assert _offers(session) == [b.pk for b in queue[:4]]  # four kept seats, the first four of the queue, once each
    session.refresh_from_db()
    assert session.quotas_released_at is not None and session.quotas_released_seats == 4
    assert Booking.objects.filter(session=session, status=S.WAITLISTED).get().pk == queue[4].pk


def test_many_releases_and_a_request_at_the_release_time_never_overbook():
    session, queue = _session_with_unused_kept_seats()
    newcomer = UserFactory(library=queue[0].user.library)

    def call(i):
        if i == 0:
            return services.booking_request(user=newcomer, session=session)
        if i % 2:
            return quotas.session_quotas_release(session=session)
        return quotas.quotas_release_due()

    outcomes = run_at_once(9, call)

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    offers = _offers(session)
    assert len(offers) == len(set(offers)) == 4
    assert offers == [b.pk for b in queue[:4]]  # the queue before the newcomer, whoever got the lock first
    holding = Booking.objects.filter(session=session, status__in=Booking.SEAT_HOLDING).count()
    assert holding == 6
    assert Booking.objects.get(user=newcomer).status == S.WAITLISTED
