"""Recertification of internships: a completed internship whose topic has a validity counts until its
``valid_until``; from the topic's ``recertification_window_days`` before that date (or once it has passed) the person
may book the topic again. A completed booking is therefore not «the person's one booking on the topic» (the partial
unique index leaves completed bookings out); this module holds the rule that replaces it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.accounts.models import User

from .models import Booking, Topic

Status = Booking.Status


def topic_rebooking_opens(user: User, topic: Topic) -> datetime.date | None:
    """Recertification: when a person who completed a topic may book it again. None: now (no completion, or the
    last completion's window has opened, or it expired); datetime.date.max: never (a completion without expiry)."""
    last = list(Booking.objects.filter(user=user, topic=topic, status=Status.COMPLETED)
                .order_by("-completed_at", "-pk").values_list("valid_until", flat=True)[:1])
    if not last:
        return None
    if last[0] is None:
        return datetime.date.max
    opens = last[0] - datetime.timedelta(days=topic.recertification_window_days)
    return None if opens <= timezone.localdate() else opens


def rebooking_refusal(user: User, topic: Topic, *, about_other: bool) -> str | None:
    """The Russian refusal when a completed internship keeps the topic closed to the person, or None."""
    opens = topic_rebooking_opens(user, topic)
    if opens is None:
        return None
    if opens == datetime.date.max:
        if about_other:
            return _("%(name)s has already completed this internship.") % {"name": user.full_name}
        return _("You have already completed this internship.")
    when = date_format(opens, "DATE_FORMAT")
    if about_other:
        return _("%(name)s has completed this internship; it can be booked again for recertification from "
                 "%(date)s.") % {"name": user.full_name, "date": when}
    return _("You have completed this internship; you can book it again for recertification from %(date)s.") % {
        "date": when}
