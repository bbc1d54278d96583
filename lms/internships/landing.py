"""Reads for the landing panels of library heads and administrators (cms/dashboard.py) and for the home page's
«next internships»: each a fixed number of queries; a head reads only the bookings of own staff."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to

from .models import Booking, Session
from .selectors import sessions_with_seats

S = Booking.Status
COMING_WEEKS = 6  # a head sees the internships of own staff this far ahead


@dataclass(frozen=True)
class Slice:
    """The first rows of a list and how long the whole list is."""

    total: int
    rows: list


def _slice(bookings: QuerySet[Booking], limit: int, *order: str) -> Slice:
    rows = list(bookings.select_related("user", "user__library", "session__topic").order_by(*order)[:limit])
    return Slice(total=bookings.count(), rows=rows)


def head_requests(head: User, *, limit: int = 5) -> Slice:
    """Requests of the head's staff that wait for the head's decision, oldest first."""
    bookings = Booking.objects.filter(user__in=staff_visible_to(head).values("pk"), status=S.HEAD_REVIEW)
    return _slice(bookings, limit, "created_at", "pk")


def head_coming_internships(head: User, *, today: datetime.date, limit: int = 5) -> Slice:
    """Approved bookings of the head's staff on sessions that start within COMING_WEEKS, soonest first."""
    bookings = Booking.objects.filter(
        user__in=staff_visible_to(head).values("pk"), status=S.APPROVED,
        session__start_date__gte=today, session__start_date__lte=today + datetime.timedelta(weeks=COMING_WEEKS),
    )
    return _slice(bookings, limit, "session__start_date", "user__last_name", "pk")


def requests_to_approve(*, limit: int = 5) -> Slice:
    """Bookings waiting for an administrator's approval, oldest first (what «Заявки на рассмотрение» lists)."""
    return _slice(Booking.objects.filter(status=S.REQUESTED), limit, "created_at", "pk")


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def sessions_this_week(*, today: datetime.date, limit: int = 5) -> Slice:
    """Sessions that run on a day of the current week (Monday to Sunday), not cancelled, with their seat counts."""
    monday, sunday = week_bounds(today)
    sessions = Session.objects.filter(start_date__lte=sunday, end_date__gte=monday).exclude(
        status=Session.Status.CANCELLED)
    rows = list(sessions_with_seats(sessions.select_related("topic")).order_by("start_date", "pk")[:limit])
    return Slice(total=sessions.count(), rows=rows)


def next_sessions(*, today: datetime.date, limit: int = 4) -> list[Session]:
    """The next sessions to start (open for booking or planned), with their topic and free seats: one query."""
    sessions = Session.objects.filter(start_date__gt=today,
                                      status__in=(Session.Status.OPEN, Session.Status.PLANNED))
    return list(sessions_with_seats(sessions.select_related("topic")).order_by("start_date", "pk")[:limit])
