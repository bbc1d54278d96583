"""Who must do the internship, and where each person stands: done, booked, queued, not booked or overdue.

Requirements are evaluated when asked, so people who join a library later are covered without any job. The whole
picture costs a fixed number of queries: the requirements, the people (one query that marks for each person which
requirements apply), and their bookings."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms import content_cache
from lms.dates import add_months  # noqa: F401 - also read from here by older callers
from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to
from lms.libraries.models import Library
from lms.libraries.selectors import evbk_participation

from .models import Booking, Requirement

DONE, BOOKED, QUEUED, NOT_BOOKED, OVERDUE = "done", "booked", "queued", "not_booked", "overdue"
# Recertification: done, but the completion's validity ends within the topic's window (still compliant until then).
EXPIRING = "expiring"
STATUSES = (DONE, EXPIRING, BOOKED, QUEUED, NOT_BOOKED, OVERDUE)
STATUS_LABELS = {DONE: _("Done"), EXPIRING: _("Expiring"), BOOKED: _("Booked"), QUEUED: _("In the queue"),
                 NOT_BOOKED: _("Not booked"), OVERDUE: _("Overdue")}
# Red/amber/green: green when at least this share is done; red when at least this share is overdue.
GREEN_DONE_SHARE = 0.9
RED_OVERDUE_SHARE = 0.1


def requirement_covers(requirement: Requirement, named: list[int], subtree: list[int] | None) -> Q:
    """The people a requirement covers, as a filter on users."""
    q = Q(is_active=True, library__isnull=False)
    if named:
        return q & Q(pk__in=named)
    if requirement.evbk_only:
        q &= evbk_participation("library__")
    if requirement.municipality_id:
        q &= Q(library__municipality_id=requirement.municipality_id)
    if subtree is not None:
        q &= Q(library_id__in=subtree)
    if requirement.position_contains.strip():
        q &= Q(position__icontains=requirement.position_contains.strip())
    return q


def due_date_for(requirement: Requirement, joined: datetime.date) -> datetime.date:
    if requirement.due_date and not requirement.due_months:
        return requirement.due_date
    start = max(joined, timezone.localdate(requirement.created_at))
    by_months = add_months(start, requirement.due_months)
    return max(by_months, requirement.due_date) if requirement.due_date else by_months


@dataclass
class PersonStatus:
    user: User
    status: str
    due: datetime.date
    requirement: Requirement
    booking_status: str = ""
    session_start: datetime.date | None = None
    # For DONE and EXPIRING: until when the completion that counts is valid (None: it never expires) and the topic's
    # recertification window, so that a picture across requirements can show «истекает».
    valid_until: datetime.date | None = None
    window_days: int = 0

    @property
    def label(self):
        return STATUS_LABELS[self.status]


@dataclass
class Group:
    """A municipality or a library with its counts per status."""

    key: int
    name: str
    municipality: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done_share(self) -> float:
        # Expiring people are still compliant until their date (recertification).
        return (self.counts[DONE] + self.counts[EXPIRING]) / self.total if self.total else 0.0

    @property
    def rag(self) -> str:
        if self.total and self.counts[OVERDUE] / self.total >= RED_OVERDUE_SHARE:
            return "red"
        return "green" if self.done_share >= GREEN_DONE_SHARE else "amber"


@dataclass
class Picture:
    people: list[PersonStatus]
    municipalities: list[Group]
    libraries: list[Group]

    @property
    def totals(self) -> Group:
        group = Group(key=0, name=str(_("All")))
        for person in self.people:
            group.counts[person.status] += 1
        return group


def _completion_state(mine: list[dict], due: datetime.date,
                      today: datetime.date) -> tuple[str | None, datetime.date, dict | None]:
    """What the person's completed bookings (of a requirement's topics) make of it: DONE (a completion without
    expiry, or one whose recertification window has not opened), EXPIRING (valid, within the window; due is its
    valid_until) or None (still to do: due is the requirement's, or the last completion's valid_until once it has
    expired); and the completion that counts (None when still to do)."""
    completed = [b for b in mine if b["status"] == Booking.Status.COMPLETED]
    if not completed:
        return None, due, None
    forever = [b for b in completed if b["valid_until"] is None]
    if forever:
        return DONE, due, forever[0]
    last = max(completed, key=lambda b: b["valid_until"])
    if last["valid_until"] < today:
        return None, last["valid_until"], None
    opens = last["valid_until"] - datetime.timedelta(days=last["topic__recertification_window_days"])
    return (EXPIRING, last["valid_until"], last) if opens <= today else (DONE, due, last)


def active_requirements() -> list[Requirement]:
    """The active requirements with their topics and named people (ids only) and library, kept in the content
    cache: every page of «Моё обучение» asks where its person stands, and requirements change rarely (saving one,
    or changing its topics or people, starts a new content generation: lms/internships/apps.py)."""
    return content_cache.cached("internship-requirements", lambda: list(
        Requirement.objects.filter(is_active=True)
        .prefetch_related("topics", Prefetch("people", queryset=User.objects.only("pk")))
        .select_related("library").order_by("pk")))


def compliance_picture(*, viewer: User | None, today: datetime.date | None = None, municipality_id: int | None = None,
                       library_id: int | None = None, status: str | None = None, only_self: bool = False) -> Picture:
    """The staff under an active requirement that `viewer` may see, with their status; grouped by municipality and
    by library (a branch counts with its own library). With `only_self`, the viewer's own standing; `viewer=None`
    means all staff (for pictures that no person asks for, such as the library rating).

    A completed internship counts while its `valid_until` has not passed (EXPIRING inside the topic's window); an
    expired one is owed again from the day it expired (OVERDUE unless a new completion comes)."""
    today = today or timezone.localdate()
    requirements = active_requirements()
    if not requirements:
        return Picture([], [], [])
    subtrees = {}
    parents = defaultdict(list)
    if any(r.library_id for r in requirements):
        for pk, parent in Library.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
            parents[parent].append(pk)
    covers = {}
    for r in requirements:
        subtrees[r.pk] = [r.library_id, *parents[r.library_id]] if r.library_id else None
        covers[r.pk] = requirement_covers(r, [p.pk for p in r.people.all()], subtrees[r.pk])
    if only_self:
        people = User.objects.filter(pk=viewer.pk).select_related("library", "library__municipality")
    elif viewer is None:
        people = User.objects.filter(is_active=True).select_related("library", "library__municipality")
    else:
        people = staff_visible_to(viewer)
    any_cover = Q()
    for q in covers.values():
        any_cover |= q
    people = people.filter(any_cover).annotate(**{
        f"req_{pk}": ExpressionWrapper(q, output_field=BooleanField()) for pk, q in covers.items()
    })
    if municipality_id:
        people = people.filter(library__municipality_id=municipality_id)
    if library_id:
        people = people.filter(Q(library_id=library_id) | Q(library__parent_id=library_id))
    people = list(people.order_by("last_name", "first_name", "pk"))

    bookings = defaultdict(list)
    for row in (Booking.objects.filter(user__in=[p.pk for p in people], status__in=Booking.ACTIVE)
                .values("user_id", "topic_id", "status", "session__start_date", "valid_until",
                        "topic__recertification_window_days")):
        bookings[row["user_id"]].append(row)

    result = []
    for person in people:
        joined = timezone.localdate(person.date_joined)
        open_items = []
        for r in requirements:
            if not getattr(person, f"req_{r.pk}"):
                continue
            topic_ids = {t.pk for t in r.topics.all()}
            mine = [b for b in bookings[person.pk] if not topic_ids or b["topic_id"] in topic_ids]
            due = due_date_for(r, joined)
            state, due, counting = _completion_state(mine, due, today)
            open_items.append((state, due, r, [b for b in mine if b["status"] != Booking.Status.COMPLETED], counting))
        pending = sorted((item for item in open_items if item[0] is None), key=lambda item: item[1])
        if not pending:
            expiring = sorted((item for item in open_items if item[0] == EXPIRING), key=lambda item: item[1])
            done = expiring[0] if expiring else max(open_items, key=lambda item: item[1])
            counting = done[4]
            result.append(PersonStatus(person, EXPIRING if expiring else DONE, done[1], done[2],
                                       valid_until=counting["valid_until"],
                                       window_days=counting["topic__recertification_window_days"] or 0))
            continue
        _open, due, requirement, mine, _counting = pending[0]
        holding = [b for b in mine if b["status"] in Booking.SEAT_HOLDING]
        queued = [b for b in mine if b["status"] == Booking.Status.WAITLISTED]
        if due < today:
            state = OVERDUE
        elif holding:
            state = BOOKED
        elif queued:
            state = QUEUED
        else:
            state = NOT_BOOKED
        booking = (holding or queued or [None])[0]
        result.append(PersonStatus(person, state, due, requirement,
                                   booking_status=booking["status"] if booking else "",
                                   session_start=booking["session__start_date"] if booking else None))

    if only_self:
        return Picture(result, [], [])  # one person's standing: no groups to count

    municipalities: dict[int, Group] = {}
    libraries: dict[int, Group] = {}
    for item in result:
        library = item.user.library
        home = library.parent_id or library.pk
        m = municipalities.setdefault(library.municipality_id, Group(library.municipality_id,
                                                                     library.municipality.name))
        m.counts[item.status] += 1
        lib = libraries.setdefault(home, Group(home, "", library.municipality.name))
        if library.pk == home:
            lib.name = library.short_name
        lib.counts[item.status] += 1
    if any(not g.name for g in libraries.values()):
        names = dict(Library.objects.filter(pk__in=[k for k, g in libraries.items() if not g.name])
                     .values_list("pk", "short_name"))
        for key, group in libraries.items():
            group.name = group.name or names.get(key, "")
    shown = [p for p in result if not status or p.status == status]
    return Picture(shown, sorted(municipalities.values(), key=lambda g: g.name),
                   sorted(libraries.values(), key=lambda g: g.name))


def person_standing(user: User) -> PersonStatus | None:
    """Where a person stands against the internship requirements, or None when none applies."""
    if not user.is_authenticated:
        return None
    people = compliance_picture(viewer=user, only_self=True).people
    return people[0] if people else None
