"""Seat arithmetic of a session: who holds a seat, which seats are kept for municipalities (quotas) and until when.
Pure reads; the services call them under the session's row lock."""

from __future__ import annotations

import datetime
from collections import Counter

from django.utils import timezone

from .models import Booking, Session


def seats_taken(session: Session) -> Counter:
    """Seat-holding bookings by municipality id (None for people without one). Call under the session's lock."""
    rows = (Booking.objects.filter(session=session, status__in=Booking.SEAT_HOLDING, over_capacity=False)
            .values_list("municipality_id", flat=True))
    return Counter(rows)


def quotas_released(session: Session, now: datetime.datetime | None = None) -> bool:
    """Whether the session's kept seats are kept no longer: handed to the queue already, or their time has come.
    From then on nobody is held back by a quota."""
    release = session.quota_release_time
    return session.quotas_released_at is not None or (release is not None and (now or timezone.now()) >= release)


def kept_quotas(session: Session, now: datetime.datetime | None = None) -> dict[int, int]:
    """Seats kept per municipality id while the quotas hold; nothing after the release time."""
    if quotas_released(session, now):
        return {}
    return dict(session.quotas.values_list("municipality_id", "seats"))


def kept_seats_unused(quotas: dict[int, int], taken: Counter) -> int:
    """The kept seats that no one of their municipality holds."""
    return sum(max(0, seats - taken.get(municipality, 0)) for municipality, seats in quotas.items())


def seat_free_for(session: Session, municipality_id: int | None, taken: Counter,
                  quotas: dict[int, int] | None = None) -> bool:
    """Whether a person of this municipality can have a seat now. Quota seats are kept for their municipality
    (until the release time); the others are shared by everyone, including people of a municipality whose quota is
    used up."""
    if quotas is None:
        quotas = kept_quotas(session)
    shared_capacity = session.capacity - sum(quotas.values())
    shared_taken = sum(max(0, count - quotas.get(m, 0)) for m, count in taken.items())
    if municipality_id in quotas and taken.get(municipality_id, 0) < quotas[municipality_id]:
        return True
    return shared_taken < shared_capacity
