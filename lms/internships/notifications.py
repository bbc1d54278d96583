"""E-mails about internships. Each has a key and goes out once, however often its task runs; an e-mail about a
booking carries the calendar invitation (or its cancellation) as text/calendar."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import ics
from .models import Attendance, Booking, Notice, Session

KINDS = ("requested", "approved", "queued", "offered", "rejected", "cancelled", "session_cancelled", "changed",
         "reminder_7", "reminder_1", "completed")
WITH_INVITATION = {"approved": "REQUEST", "changed": "REQUEST", "reminder_7": "REQUEST", "reminder_1": "REQUEST",
                   "cancelled": "CANCEL", "session_cancelled": "CANCEL", "rejected": "CANCEL"}


def _claim(key: str, kind: str, booking: Booking | None) -> Notice | None:
    """The notice row for this key, locked; None when it was already sent."""
    try:
        with transaction.atomic():
            notice, _created = Notice.objects.select_for_update().get_or_create(
                key=key, defaults={"kind": kind, "booking": booking})
    except IntegrityError:
        notice = Notice.objects.select_for_update().get(key=key)
    return None if notice.sent_at else notice


def _send(subject_template: str, body_template: str, context: dict, to: list[str],
          calendar: tuple[str, bytes] | None = None) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(subject_template, context).split())
        body = render_to_string(body_template, context)
    message = EmailMultiAlternatives(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, to)
    if calendar:
        method, data = calendar
        message.attach("invite.ics", data, f"text/calendar; charset=utf-8; method={method}")
    message.send()


def booking_notice_send(*, booking_id: int, kind: str, key: str) -> bool:
    """Send the notice `kind` about a booking unless one with this key was sent. Returns whether it was."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    with transaction.atomic():
        booking = (Booking.objects.select_related("user", "session__topic").filter(pk=booking_id).first())
        if booking is None:
            return False
        notice = _claim(key, kind, booking)
        if notice is None:
            return False
        # An invitation goes only with a seat that is (or was) confirmed; a queued person gets no calendar event.
        method = WITH_INVITATION.get(kind)
        if method == "REQUEST" and booking.status != Booking.Status.APPROVED:
            method = None
        if method == "CANCEL" and not booking.events.filter(to_status=Booking.Status.APPROVED).exists():
            method = None
        calendar = (method, ics.booking_invitation(booking, cancel=method == "CANCEL")) if method else None
        context = {
            "kind": kind, "booking": booking, "user": booking.user, "session": booking.session,
            "topic": booking.session.topic, "my_url": settings.SITE_URL + "/internships/my/",
            "session_url": f"{settings.SITE_URL}/internships/sessions/{booking.session_id}/",
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        _send("internships/email/notice_subject.txt", "internships/email/notice.txt", context,
              [booking.user.email], calendar)
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        return True


def reminders_due(*, today: datetime.date | None = None) -> list[tuple[int, str, str]]:
    """Reminders to send today, 7 days and 1 day before a session: (booking id, kind, key). The key carries the
    first day, so a moved session reminds again and an unchanged one only once."""
    today = today or timezone.localdate()
    plan = []
    for kind, days in (("reminder_7", 7), ("reminder_1", 1)):
        rows = (Booking.objects.filter(status=Booking.Status.APPROVED, session__start_date=today + datetime.timedelta(
            days=days)).exclude(session__status=Session.Status.CANCELLED)
            .values_list("pk", "session__start_date"))
        plan += [(pk, kind, f"{pk}:{kind}:{start.isoformat()}") for pk, start in rows]
    return plan


def attendance_missing(*, today: datetime.date | None = None) -> list[tuple[int, datetime.date]]:
    """(session id, day) for past days of sessions under way or just held where an approved intern has no mark."""
    today = today or timezone.localdate()
    result = []
    sessions = Session.objects.filter(start_date__lt=today, end_date__gte=today - datetime.timedelta(days=7)
                                      ).exclude(status=Session.Status.CANCELLED)
    marked = {}
    for booking_id, day in Attendance.objects.filter(booking__session__in=sessions).values_list("booking_id", "day"):
        marked.setdefault(booking_id, set()).add(day)
    bookings = {}
    for session_id, booking_id in Booking.objects.filter(session__in=sessions, status__in=(
            Booking.Status.APPROVED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)).values_list("session_id", "pk"):
        bookings.setdefault(session_id, []).append(booking_id)
    for session in sessions:
        for day in session.days:
            if day >= today:
                break
            if any(day not in marked.get(b, set()) for b in bookings.get(session.pk, [])):
                result.append((session.pk, day))
    return result


def attendance_reminder_send(*, session_id: int, day: datetime.date) -> int:
    """Tell the session's mentors (or, without mentors, nobody) that a day's attendance is not marked yet; once per
    mentor and day. Returns how many e-mails went out."""
    session = Session.objects.select_related("topic").filter(pk=session_id).first()
    if session is None:
        return 0
    mentors = list(session.mentors.all()) or list(session.topic.mentors.all())
    sent = 0
    for mentor in mentors:
        with transaction.atomic():
            notice = _claim(f"attendance:{session.pk}:{day.isoformat()}:{mentor.pk}", "attendance_missing", None)
            if notice is None:
                continue
            context = {"session": session, "topic": session.topic, "day": day, "mentor": mentor,
                       "roster_url": f"{settings.SITE_URL}/admin/internships/sessions/{session.pk}/roster/",
                       "site_name": settings.WAGTAIL_SITE_NAME}
            _send("internships/email/attendance_subject.txt", "internships/email/attendance.txt", context,
                  [mentor.email])
            notice.sent_at = timezone.now()
            notice.save(update_fields=["sent_at"])
            sent += 1
    return sent


def booking_awaiting_recipients(booking: Booking) -> tuple[str, list]:
    """Who must act on a booking now: (kind, people). The library heads of the person's library (or of its parent
    system) for a request under the head's review; the administrators of ОНБ for a request waiting for them."""
    from django.db.models import Q

    from lms.accounts.models import User
    from lms.accounts.roles import ROLE_GROUP_NAMES, Role
    from lms.accounts.selectors import users_with_permission

    if booking.status == Booking.Status.HEAD_REVIEW:
        library = booking.user.library
        if library is None:
            return "awaiting_head", []
        libraries = [library.pk] + ([library.parent_id] if library.parent_id else [])
        heads = (User.objects.filter(Q(library_id__in=libraries), is_active=True,
                                     groups__name=ROLE_GROUP_NAMES[Role.LIBRARY_HEAD])
                 .exclude(pk=booking.user_id).distinct().order_by("pk"))
        return "awaiting_head", list(heads)
    if booking.status == Booking.Status.REQUESTED:
        admins = users_with_permission("internships.change_booking").exclude(pk=booking.user_id).order_by("pk")
        return "awaiting_admin", list(admins)
    return "", []


def booking_awaiting_send(*, booking_id: int, event_id: int) -> int:
    """Tell the people who must decide that a booking waits for them (the event that put it there is the key, so a
    booking that comes back to them is told again). Nothing when the booking has moved on meanwhile, nor to a
    person who switched these letters off. Returns how many e-mails went out."""
    from lms.accounts.models import NotificationPreference
    from lms.accounts.selectors import users_wanting_notice

    booking = (Booking.objects.select_related("user", "user__library", "session__topic")
               .filter(pk=booking_id).first())
    if booking is None or not booking.events.filter(pk=event_id, to_status=booking.status).exists():
        return 0
    kind, recipients = booking_awaiting_recipients(booking)
    wanted = users_wanting_notice(NotificationPreference.Kind.BOOKING_REQUESTS, [r.pk for r in recipients])
    if kind == "awaiting_head":
        act_url = settings.SITE_URL + "/internships/staff/"
    else:
        from django.urls import reverse

        act_url = settings.SITE_URL + reverse("internships_admin_requests")
    sent = 0
    for recipient in recipients:
        if recipient.pk not in wanted:
            continue  # switched off: not sent, not recorded
        with transaction.atomic():
            notice = _claim(f"awaiting:{booking.pk}:{event_id}:{recipient.pk}", kind, booking)
            if notice is None:
                continue
            context = {"kind": kind, "booking": booking, "learner": booking.user, "session": booking.session,
                       "topic": booking.session.topic, "recipient": recipient, "act_url": act_url,
                       "site_name": settings.WAGTAIL_SITE_NAME}
            _send("internships/email/awaiting_subject.txt", "internships/email/awaiting.txt", context,
                  [recipient.email])
            notice.sent_at = timezone.now()
            notice.save(update_fields=["sent_at"])
            sent += 1
    return sent
