"""Seats kept for municipalities (quotas): handing the unused ones to the common queue at the session's release
time, and proposing quotas from each municipality's share of the staff who still owe the internship.

The release rule itself (`services.quotas_release_if_due`) runs under the session's row lock, also when a request
arrives after the release time, so the queue is served before a newcomer; here are the entry points that lock."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from lms.accounts.models import User
from lms.libraries.models import Municipality

from . import compliance, services
from .models import Booking, Session

SessionStatus = Session.Status


def _lock(pk: int) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("topic").get(pk=pk)


@transaction.atomic
def session_quotas_release(*, session: Session, now: datetime.datetime | None = None) -> int:
    """Release one session's unused kept seats if their time has come; a second call releases nothing.
    Returns how many seats were offered to the queue."""
    return services.quotas_release_if_due(_lock(session.pk), now=now)


def quotas_release_due(*, now: datetime.datetime | None = None) -> int:
    """Every session whose kept seats are due to go to the queue, each in a transaction of its own (Celery beat).
    Returns how many sessions were released."""
    now = now or timezone.now()
    due = (Session.objects.filter(status__in=(SessionStatus.OPEN, SessionStatus.CLOSED), quotas_released_at=None,
                                  start_date__gt=timezone.localdate(now), quotas__isnull=False)
           .annotate(release=Coalesce("quota_release_at", "booking_deadline")).filter(release__lte=now)
           .values_list("pk", flat=True).distinct())
    released = 0
    for pk in list(due):
        with transaction.atomic():
            session = _lock(pk)
            services.quotas_release_if_due(session, now=now)
            released += session.quotas_released_at == now
    return released


# --- Proposal ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalLine:
    municipality: Municipality
    owing: int
    total: int
    seats: int

    @property
    def explanation(self) -> str:
        """«Юргинский округ: 14 из 120 должников — 2 места»."""
        share = ngettext("%(owing)d of %(total)d owing the internship", "%(owing)d of %(total)d owing the internship",
                         self.total) % {"owing": self.owing, "total": self.total}
        seats = ngettext("%(n)d seat", "%(n)d seats", self.seats) % {"n": self.seats}
        return _("%(municipality)s: %(share)s — %(seats)s") % {
            "municipality": self.municipality.name, "share": share, "seats": seats}


@dataclass(frozen=True)
class QuotaProposal:
    seats: int
    owing: int
    lines: list[ProposalLine]

    @property
    def quotas(self) -> dict[int, int]:
        """Municipality id → seats, for the municipalities that get any."""
        return {line.municipality.pk: line.seats for line in self.lines if line.seats}


def owing_by_municipality(*, viewer: User, session: Session) -> tuple[Counter, dict[int, Municipality]]:
    """The staff who still owe an internship this session's topic satisfies and hold no seat for it yet (not
    booked, queued or overdue), counted by municipality: the compliance picture, in its fixed number of queries."""
    counts: Counter = Counter()
    municipalities: dict[int, Municipality] = {}
    for item in compliance.compliance_picture(viewer=viewer).people:
        if item.status == compliance.DONE or item.booking_status in Booking.SEAT_HOLDING:
            continue
        topics = {topic.pk for topic in item.requirement.topics.all()}
        if topics and session.topic_id not in topics:
            continue
        municipality = item.user.library.municipality
        counts[municipality.pk] += 1
        municipalities[municipality.pk] = municipality
    return counts, municipalities


def quota_proposal(*, viewer: User, session: Session, seats) -> QuotaProposal:
    """Split `seats` between municipalities by their share of the staff who owe the internship, by the largest
    remainder: each gets the whole part of its share, and the seats left go to the largest fractions (ties: more
    people owing, then the name), so the sum is exactly `seats`. Nothing is saved."""
    if not services.user_is_internship_admin(viewer):
        raise PermissionDenied
    try:
        seats = int(str(seats).strip())
    except ValueError:
        seats = 0
    if not 1 <= seats <= session.capacity:
        raise services.BookingError(_("Say how many seats to keep for municipalities: a whole number from 1 to "
                                      "%(capacity)d (the session's seats).") % {"capacity": session.capacity})
    counts, municipalities = owing_by_municipality(viewer=viewer, session=session)
    total = sum(counts.values())
    if not total:
        raise services.BookingError(_("Nobody still owes an internship on this topic: there is nothing to propose "
                                      "quotas from."))
    if seats > total:
        raise services.BookingError(_("Keep no more seats than there are staff who still owe the internship: "
                                      "%(n)d.") % {"n": total})
    whole = {pk: seats * count // total for pk, count in counts.items()}
    left = seats - sum(whole.values())
    by_remainder = sorted(counts, key=lambda pk: (-(seats * counts[pk] % total), -counts[pk],
                                                  municipalities[pk].name))
    for pk in by_remainder[:left]:
        whole[pk] += 1
    lines = [ProposalLine(municipalities[pk], counts[pk], total, whole[pk])
             for pk in sorted(counts, key=lambda pk: (-whole[pk], -counts[pk], municipalities[pk].name))]
    return QuotaProposal(seats=seats, owing=total, lines=lines)
