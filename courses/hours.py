"""A person's academic hours: the one rule every page that shows hours reads (a selector module).

The rule
--------
A person gains the academic hours of

* a **course** whose enrolment is *completed* (``Enrolment.status == completed``), the course's hours, and each
  earlier completion archived when the enrolment was reopened for recertification (``CourseCompletion``, the hours
  frozen then), so reopening a course changes nobody's hours;
* an **internship** at ОНБ whose booking is *completed* (``Booking.status == completed``: attended and, where the
  topic asks for it, evaluated), the topic's hours;
* **external training** (``ExternalTraining``: a course or seminar elsewhere) once an administrator *confirms* it,
  its own hours, in the year of its end date (``completed_at`` is the start of that day in Kemerovo time);

each counted in the calendar year of its completion moment (``completed_at``) **in Kemerovo time**
(``settings.TIME_ZONE``, Asia/Novokuznetsk, UTC+7): a course finished at 01:30 on 1 January in Kemerovo counts for
the new year, although it is still 31 December in UTC. Nothing else counts: an enrolment requested, under way, withdrawn or rejected, an internship booked, attended but not yet
completed, cancelled or missed; a completion without its moment (``completed_at`` empty) cannot be placed in a year
and is left out. Documents do not decide hours: hours come from the completion, so a course without a certificate
counts, and revoking or reissuing a certificate (a wrong name, a wrong date) leaves the hours as they are.

The programme's quota compares the hours of the programme's period, the ``period_years`` calendar years up to and
including the current one (2024–2026 for three years in 2026), with ``ProgrammePage.expected_hours``.

Before this module «Моё обучение» counted completed courses only and the training record counted courses and
internships, so a person whose only training of the year was a 16-hour internship saw 0 hours on one page and 16 on
the other.

Each kind of training that earns hours is a :class:`HoursSource` in :func:`hours_sources`; external training (courses
taken elsewhere, confirmed by an administrator) is one of them, and every page follows.

The reads: :func:`hours_by_year` (one person), :func:`hours_by_year_for` (many people, one query whatever their
number), :func:`hours_entries` (what a person's hours are made of, for the training record), :func:`hours_since`
(a query expression for reports that filter and sort people by their hours) and :func:`hours_quota`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from lms import content_cache
from lms.fixed_queries import FixedQuery
from lms.internships.models import Booking

from .models import CourseCompletion, Enrolment, ExternalTraining, ProgrammePage

COURSE, INTERNSHIP, EXTERNAL = "course", "internship", "external"


@dataclass(frozen=True)
class HoursSource:
    """One kind of training that earns hours: which rows count, and where their hours and title are."""

    kind: str
    rows: QuerySet  # the counted rows, of any person (filtered by ``user`` later)
    hours: str  # the lookup of the row's academic hours
    title: str  # the lookup of what was done (course or topic title)
    reference: str  # the lookup of what a document names (the course for a course, the booking for an internship)
    valid_until: str = ""  # the lookup of until when the completion counts (recertification), "" when it never ends
    cycle: str = ""  # the lookup of the completion's recertification cycle (a course's document is per cycle)


def hours_sources() -> list[HoursSource]:
    return [
        HoursSource(COURSE, Enrolment.objects.filter(status=Enrolment.Status.COMPLETED, completed_at__isnull=False),
                    hours="course__academic_hours", title="course__title", reference="course_id",
                    valid_until="valid_until", cycle="cycle"),
        # Completions archived when a course was reopened for recertification keep their hours in their year.
        HoursSource(COURSE, CourseCompletion.objects.all(), hours="hours", title="course__title",
                    reference="course_id", valid_until="valid_until", cycle="cycle"),
        HoursSource(INTERNSHIP, Booking.objects.filter(status=Booking.Status.COMPLETED, completed_at__isnull=False),
                    hours="topic__academic_hours", title="topic__title", reference="pk", valid_until="valid_until"),
        # Training elsewhere counts once an administrator confirms it, in the year of its end date (completed_at).
        HoursSource(EXTERNAL, ExternalTraining.objects.filter(status=ExternalTraining.Status.CONFIRMED),
                    hours="academic_hours", title="title", reference="pk"),
    ]


def _zone():
    return timezone.get_default_timezone()  # Kemerovo: settings.TIME_ZONE, whatever zone a request activated


def year_start(year: int) -> datetime.datetime:
    """The first moment of a calendar year in Kemerovo time."""
    return datetime.datetime(year, 1, 1, tzinfo=_zone())


def completion_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment, _zone())


def hours_by_year_for(user_ids: Iterable[int] | QuerySet) -> dict[int, dict[int, int]]:
    """{person id: {year: academic hours}} for many people in one query (a union of one grouped query per
    source), whatever the number of people. ``user_ids`` may be a query (``people.values("pk")``), read inside
    the same query. People without hours are absent."""
    if not isinstance(user_ids, QuerySet):
        user_ids = list(user_ids)
        if not user_ids:
            return {}
    return _by_person_and_year(_hours_by_year_query(user_ids).values_list("user_id", "year", "total"))


def _hours_by_year_query(user_ids) -> QuerySet:
    parts = [
        source.rows.filter(user_id__in=user_ids).order_by()
        .annotate(year=ExtractYear("completed_at", tzinfo=_zone())).values("user_id", "year")
        .annotate(total=Sum(source.hours))
        for source in hours_sources()
    ]
    return parts[0].union(*parts[1:], all=True)


def _by_person_and_year(rows) -> dict[int, dict[int, int]]:
    result: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for user_id, year, total in rows:
        result[user_id][year] += total or 0
    return {user_id: dict(years) for user_id, years in result.items()}


# One person's hours, on every page of «Моё обучение»: a union of four grouped queries whose SQL is built once per
# process (lms/fixed_queries.py).
_HOURS_OF_ONE = FixedQuery(lambda user_id: _hours_by_year_query([user_id]), 1)


def hours_between_for(user_ids: Iterable[int] | QuerySet, start: datetime.datetime,
                      end: datetime.datetime) -> dict[int, int]:
    """{person id: academic hours completed from ``start`` (included) to ``end`` (excluded)} for many people in one
    query (the library rating compares this year with last year by the same date). People without hours are
    absent."""
    if not isinstance(user_ids, QuerySet):
        user_ids = list(user_ids)
        if not user_ids:
            return {}
    parts = [
        source.rows.filter(user_id__in=user_ids, completed_at__gte=start, completed_at__lt=end).order_by()
        .values("user_id").annotate(total=Sum(source.hours))
        for source in hours_sources()
    ]
    result: dict[int, int] = defaultdict(int)
    for row in parts[0].union(*parts[1:], all=True):
        result[row["user_id"]] += row["total"] or 0
    return dict(result)


def hours_by_year(user) -> dict[int, int]:
    """{year: academic hours} of one person (one query)."""
    return _by_person_and_year(_HOURS_OF_ONE.rows(user.pk)).get(user.pk, {})


@dataclass(frozen=True)
class HoursEntry:
    """One completed course or internship, with the hours it gave."""

    kind: str  # COURSE, INTERNSHIP or EXTERNAL
    reference: int  # the course's id for a course, the booking's id for an internship, the external training's id
    title: str
    hours: int
    completed_on: datetime.date  # in Kemerovo time
    valid_until: datetime.date | None = None  # recertification: until when it counts; None: no expiry
    cycle: int = 1  # a course's recertification cycle: which of its documents belongs to this completion

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.is_expired()

    @property
    def year(self) -> int:
        return self.completed_on.year


def hours_entries(user) -> list[HoursEntry]:
    """What a person's hours are made of, oldest first (one query)."""
    parts = [
        source.rows.filter(user_id=user.pk).order_by()
        .annotate(kind=Value(source.kind, output_field=CharField()), reference=F(source.reference),
                  label=F(source.title), amount=F(source.hours),
                  until=F(source.valid_until) if source.valid_until else Value(None, output_field=DateField()),
                  round=F(source.cycle) if source.cycle else Value(1, output_field=IntegerField()))
        .values("kind", "reference", "label", "amount", "completed_at", "until", "round")
        for source in hours_sources()
    ]
    rows = parts[0].union(*parts[1:], all=True)
    entries = [HoursEntry(row["kind"], row["reference"], row["label"], row["amount"],
                          completion_date(row["completed_at"]), row["until"], row["round"]) for row in rows]
    return sorted(entries, key=lambda entry: (entry.completed_on, entry.kind, entry.title))


def hours_since(first_year: int, *, person: str = "pk"):
    """A query expression: the academic hours a person (``OuterRef(person)``) gained from the start of
    ``first_year`` on, for annotating people in reports (0 without any)."""
    start = year_start(first_year)
    total = None
    for source in hours_sources():
        subquery = (source.rows.filter(user=OuterRef(person), completed_at__gte=start).order_by()
                    .values("user").annotate(total=Sum(source.hours)).values("total"))
        part = Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))
        total = part if total is None else total + part
    return total


# --- the programme's quota ----------------------------------------------------------------------------------------

def current_programme() -> ProgrammePage | None:
    """The programme whose quota pages show: the first live one (published content: kept in the content cache)."""
    return content_cache.cached("current-programme", lambda: ProgrammePage.objects.live().order_by("path").first())


@dataclass(frozen=True)
class HoursQuota:
    """The hours of the programme's period against what it expects."""

    earned: int
    expected: int
    first_year: int
    last_year: int

    @property
    def remaining(self) -> int:
        return max(self.expected - self.earned, 0)

    @property
    def period_start(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)


def period_first_year(programme: ProgrammePage, today: datetime.date) -> int:
    """The programme's period is counted in whole calendar years up to the current one."""
    return today.year - max(programme.period_years, 1) + 1


def hours_quota(by_year: dict[int, int], programme: ProgrammePage | None, *,
                today: datetime.date | None = None) -> HoursQuota | None:
    """The quota of a person whose hours per year are ``by_year`` (from :func:`hours_by_year`); None without a
    programme."""
    if programme is None:
        return None
    today = today or timezone.localdate()
    first = period_first_year(programme, today)
    earned = sum(hours for year, hours in by_year.items() if first <= year <= today.year)
    return HoursQuota(earned=earned, expected=programme.expected_hours, first_year=first, last_year=today.year)
