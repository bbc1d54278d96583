"""People who left: a deactivated person's coming internship bookings free their seats for the queue."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.accounts.models import User

from .models import Booking
from .services import _locked_booking, _move, _promote

Status = Booking.Status

# A deactivated person's bookings of sessions not yet started; attended or completed ones are history and stay.
_LEFT_BEHIND = (Status.HEAD_REVIEW, Status.REQUESTED, Status.APPROVED, Status.OFFERED, Status.WAITLISTED)


def bookings_cancel_for_deactivated(*, user: User, today: datetime.date | None = None) -> int:
    """A person deactivated (left the library, or dropped from its staff list) will not come: their bookings of
    sessions that have not started are cancelled and each seat they held goes to the queue through the usual offer.
    Each session is handled under its own lock, in its own transaction. An active person's bookings are left
    alone (they may be active again by the time the task runs). Returns how many bookings were cancelled."""
    if user.is_active:
        return 0
    today = today or timezone.localdate()
    count = 0
    for booking in (Booking.objects.filter(user=user, status__in=_LEFT_BEHIND, session__start_date__gt=today)
                    .select_related("session").order_by("session__start_date", "pk")):
        with transaction.atomic():
            booking, session = _locked_booking(booking)
            if booking.status not in _LEFT_BEHIND:
                continue  # decided meanwhile
            held_seat = booking.holds_seat
            _move(booking, Status.CANCELLED, actor=None, note=_("The person is no longer on the staff"),
                  reason=_("The person is no longer on the staff"), offer_expires_at=None,
                  ical_sequence=booking.ical_sequence + 1)
            if held_seat:
                _promote(session, actor=None)
            count += 1
    return count
