"""iCalendar (RFC 5545, with the iTIP methods of RFC 5546) for internship sessions.

A booking's event keeps one UID for its whole life; its SEQUENCE is the session's sequence (raised when the dates,
times or room change) plus the booking's own (raised when the booking is cancelled), so a calendar that holds the
invitation replaces it on an update and removes it on a CANCEL. A session of several days is one event repeated
daily, from the first day's start to the first day's end."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, Session

PRODID = "-//ONB Kuzbass//Internships//RU"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def booking_uid(booking: Booking) -> str:
    return f"internship-{booking.session.uid}-{booking.pk}@{_host()}"


def session_uid(session: Session) -> str:
    return f"internship-{session.uid}@{_host()}"


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _session_event(session: Session, *, uid: str, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", _utc(timezone.now()))
    first_day_start = timezone.make_aware(datetime.datetime.combine(session.start_date, session.day_starts))
    first_day_end = timezone.make_aware(datetime.datetime.combine(session.start_date, session.day_ends))
    event.add("dtstart", _utc(first_day_start))
    event.add("dtend", _utc(first_day_end))
    days = len(session.days)
    if days > 1:
        event.add("rrule", {"freq": "daily", "count": days})
    event.add("summary", f"Стажировка в ОНБ: {session.topic.title}")
    description = session.topic.description.strip()
    if session.topic.host_department:
        description = f"{session.topic.host_department}\n\n{description}".strip()
    event.add("description", description)
    location = "ОНБ им. В.Д. Федорова" + (f", {session.room}" if session.room else "")
    event.add("location", location)
    event.add("url", f"{settings.SITE_URL}/internships/sessions/{session.pk}/")
    return event


def _organizer() -> vCalAddress:
    name, _sep, address = settings.DEFAULT_FROM_EMAIL.rpartition("<")
    organizer = vCalAddress(f"mailto:{(address.rstrip('>') or settings.DEFAULT_FROM_EMAIL).strip()}")
    organizer.params["cn"] = vText(name.strip() or "ОНБ им. В.Д. Федорова")
    return organizer


def _attendee(booking: Booking, partstat: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{booking.user.email}")
    attendee.params["cn"] = vText(booking.user.full_name or booking.user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(partstat)
    return attendee


def booking_invitation(booking: Booking, *, cancel: bool = False) -> bytes:
    """The invitation sent with a booking's e-mail: METHOD:REQUEST, or METHOD:CANCEL when it is withdrawn."""
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    event = _session_event(booking.session, uid=booking_uid(booking), sequence=booking.calendar_sequence)
    event.add("organizer", _organizer())
    event.add("attendee", _attendee(booking, "DECLINED" if cancel else "ACCEPTED"))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()


def personal_feed(bookings: Iterable[Booking]) -> bytes:
    """A person's subscribed calendar: every booking that holds or held a seat, cancelled ones marked so."""
    calendar = _calendar(None)
    calendar.add("x-wr-calname", "Мои стажировки в ОНБ")
    for booking in bookings:
        event = _session_event(booking.session, uid=booking_uid(booking), sequence=booking.calendar_sequence)
        cancelled = booking.status in (Booking.Status.CANCELLED, Booking.Status.REJECTED) or (
            booking.session.status == Session.Status.CANCELLED)
        tentative = booking.status in (Booking.Status.HEAD_REVIEW, Booking.Status.REQUESTED,
                                       Booking.Status.OFFERED, Booking.Status.WAITLISTED)
        event.add("status", "CANCELLED" if cancelled else "TENTATIVE" if tentative else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def public_feed(sessions: Iterable[Session]) -> bytes:
    """The sessions open for booking, for anyone's calendar."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Стажировки в ОНБ им. В.Д. Федорова")
    for session in sessions:
        event = _session_event(session, uid=session_uid(session), sequence=session.sequence)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
