"""The library rating: a documented composite score per library over its staff's training (a selector module).

The rule
--------
A library counts with its branches (a branch's staff are its system's staff, as in the compliance picture). Its
*staff* are the active people whose library is the library or one of its branches. Five components, each 0..1:

1. **compliance**: the share of its staff under a requirement who meet every one of them. Not applicable when no
   requirement applies to any of its staff. Mandatory courses (assignment rules) and internship requirements alike,
   from the compliance picture (``certificates.compliance.compliance_by_library``; an expiring completion counts).
2. **hours**: for each staff member, this calendar year's academic hours (courses/hours.py, the one rule) divided
   by the programme's yearly share of its quota (``expected_hours / period_years``), capped at 1 per person; the
   mean over the staff. Not applicable to anyone when there is no live programme or it expects no hours.
3. **internship**: the share of the staff of Э(В)БК participants (``lms.libraries.selectors.evbk_participation``)
   with a completed internship that is still valid (no ``valid_until``, or not passed). Not applicable to a library
   none of whose staff is in Э(В)БК.
4. **documents**: valid certificates issued this year (Kemerovo time) per staff member, divided by the best
   figure of all ranked libraries (the best gets 1). Not applicable to anyone when no library has a document.
5. **change**: this year's hours against last year's by the same date (1 January to today, and 1 January of last
   year to the same day of last year), both per staff member: ``0.5 + (this - last) / (2 * max(this, last))``,
   0.5 when both are 0. So 0.5 is no change, 1 growth from nothing, 0 a fall to nothing, 0.75 a doubling.

Score = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components that apply to the library (the weight of one that does not apply
is spread over the others in proportion to their weights); 0 when no weighted component applies. Weights are the
administrators' (``RatingSettings``; by default 30, 25, 20, 15, 10). Scores are rounded to one decimal; equal
scores are ordered by the library's short name. Libraries without staff are not ranked.

The filters (municipality, Э(В)БК participants) choose the rows shown; a library's score and its place in the
region are the same in every view (the documents' best figure is the region's).

Reads: a fixed number of queries whatever the number of libraries and staff (tests/certificates/test_rating.py
counts them at two sizes): the settings, the libraries, the staff, this year's hours, last year's hours to date,
the programme, the documents, the internships, and the compliance picture's few.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone

from courses.hours import current_programme, hours_between_for, hours_by_year_for, year_start
from lms.accounts.models import User
from lms.internships.models import Booking
from lms.libraries.models import Library
from lms.libraries.selectors import evbk_participation

from .compliance import LibraryCompliance, compliance_by_library
from .models import Certificate, RatingSettings
from .rating_formula import (
    CHANGE,
    COMPLIANCE,
    COMPONENT_LABELS,
    DEFAULT_WEIGHTS,
    DOCUMENTS,
    HOURS,
    INTERNSHIP,
    RATING_COMPONENT_KEYS,
)

# The public page reads the rating through this cache: it changes with training, not with every request.
CACHE_SECONDS = 600
CACHE_FORMAT = 1


Compliance = LibraryCompliance  # what the rating reads of the compliance picture, per home library


@dataclass
class LibraryRating:
    library_id: int
    name: str
    municipality_id: int
    municipality: str
    staff: int = 0
    evbk_staff: int = 0  # staff of Э(В)БК participants
    hours: int = 0  # this year
    hours_last_year: int = 0  # last year by the same date
    target_reached: int = 0  # staff with at least the yearly share of the quota this year
    documents: int = 0  # valid, issued this year
    with_documents: int = 0  # staff holding at least one of them
    internship_done: int = 0  # staff of Э(В)БК participants with a valid completed internship
    compliance: Compliance | None = None
    components: dict[str, float | None] = field(default_factory=dict)  # None: does not apply
    score: float = 0.0
    rank: int = 0

    @property
    def evbk(self) -> bool:
        return self.evbk_staff > 0

    @property
    def hours_per_staff(self) -> float:
        return self.hours / self.staff if self.staff else 0.0

    @property
    def hours_last_year_per_staff(self) -> float:
        return self.hours_last_year / self.staff if self.staff else 0.0

    @property
    def documents_per_staff(self) -> float:
        return self.documents / self.staff if self.staff else 0.0

    def component_rows(self, weights: dict[str, int]) -> list[dict]:
        """Each component: its name, value (0..1 or None), percent, weight, and the weight's effective share."""
        applicable = sum(weights[k] for k in RATING_COMPONENT_KEYS if self.components.get(k) is not None)
        rows = []
        for key in RATING_COMPONENT_KEYS:
            value = self.components.get(key)
            rows.append({
                "key": key, "label": COMPONENT_LABELS[key], "value": value, "weight": weights[key],
                "percent": None if value is None else round(value * 100),
                "effective": (round(100 * weights[key] / applicable) if value is not None and applicable else 0),
            })
        return rows


@dataclass
class Rating:
    rows: list[LibraryRating]  # ranked, filtered
    weights: dict[str, int]
    today: datetime.date
    yearly_target: float | None  # the programme's yearly share of its quota, in academic hours
    best_documents_per_staff: float
    ranked: int  # libraries ranked in the region

    def library(self, library_id: int) -> LibraryRating | None:
        return next((row for row in self.rows if row.library_id == library_id), None)


def rating_weights() -> dict[str, int]:
    """The administrators' weights (one query; the defaults when the setting was never saved)."""
    settings = RatingSettings.objects.first()
    return settings.weights() if settings else dict(DEFAULT_WEIGHTS)


def _compliance_shares(*, today: datetime.date) -> dict[int, Compliance]:
    """{home library id: its staff under a requirement (mandatory courses and internships) and how many meet every
    one}, from the compliance picture (certificates/compliance.py)."""
    return compliance_by_library(today=today)


def _same_day_last_year(today: datetime.date) -> datetime.date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _change(this: float, last: float) -> float:
    larger = max(this, last)
    return 0.5 if larger <= 0 else 0.5 + (this - last) / (2 * larger)


def library_rating(*, today: datetime.date | None = None, weights: dict[str, int] | None = None,
                   municipality_id: int | None = None, evbk_only: bool = False) -> Rating:
    """The ranked libraries with their components (see the module's docstring for the rule)."""
    today = today or timezone.localdate()
    weights = weights or rating_weights()
    zone = timezone.get_default_timezone()
    this_year = today.year

    libraries = {row["pk"]: row for row in Library.objects.values(
        "pk", "short_name", "parent_id", "municipality_id", "municipality__name")}
    people = (User.objects.filter(is_active=True, library__isnull=False)
              .annotate(evbk=ExpressionWrapper(evbk_participation("library__"), output_field=BooleanField()))
              .values_list("pk", "library_id", "evbk"))
    rows: dict[int, LibraryRating] = {}
    home_of: dict[int, int] = {}
    evbk_people: set[int] = set()
    for user_id, library_id, evbk in people:
        home = libraries[library_id]["parent_id"] or library_id
        row = rows.get(home)
        if row is None:
            lib = libraries[home]
            row = rows[home] = LibraryRating(home, lib["short_name"], lib["municipality_id"],
                                             lib["municipality__name"])
        row.staff += 1
        home_of[user_id] = home
        if evbk:
            row.evbk_staff += 1
            evbk_people.add(user_id)

    staff_ids = User.objects.filter(is_active=True, library__isnull=False).values("pk")
    programme = current_programme()
    target = (programme.expected_hours / max(programme.period_years, 1)
              if programme and programme.expected_hours else None)
    share_sum: dict[int, float] = defaultdict(float)
    for user_id, years in hours_by_year_for(staff_ids).items():
        home = home_of.get(user_id)
        hours = years.get(this_year, 0)
        if home is None or not hours:
            continue
        rows[home].hours += hours
        if target:
            share_sum[home] += min(hours / target, 1.0)
            rows[home].target_reached += hours >= target
    last_end = datetime.datetime.combine(_same_day_last_year(today) + datetime.timedelta(days=1),
                                         datetime.time(), tzinfo=zone)
    for user_id, hours in hours_between_for(staff_ids, year_start(this_year - 1), last_end).items():
        if user_id in home_of:
            rows[home_of[user_id]].hours_last_year += hours

    for user_id, count in (Certificate.objects.filter(status=Certificate.Status.VALID, user__in=staff_ids,
                                                      issued_at__gte=year_start(this_year),
                                                      issued_at__lt=year_start(this_year + 1))
                           .order_by().values("user_id").annotate(n=Count("pk")).values_list("user_id", "n")):
        if user_id in home_of:
            rows[home_of[user_id]].documents += count
            rows[home_of[user_id]].with_documents += 1
    done = (Booking.objects.filter(status=Booking.Status.COMPLETED, user__in=staff_ids)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
            .order_by().values_list("user_id", flat=True).distinct())
    for user_id in done:
        if user_id in evbk_people:
            rows[home_of[user_id]].internship_done += 1

    compliance = _compliance_shares(today=today)
    best_documents = max((row.documents_per_staff for row in rows.values()), default=0.0)
    for home, row in rows.items():
        row.compliance = compliance.get(home)
        row.components = {
            COMPLIANCE: row.compliance.share if row.compliance and row.compliance.people else None,
            HOURS: share_sum[home] / row.staff if target else None,
            INTERNSHIP: row.internship_done / row.evbk_staff if row.evbk_staff else None,
            DOCUMENTS: row.documents_per_staff / best_documents if best_documents else None,
            CHANGE: _change(row.hours_per_staff, row.hours_last_year_per_staff),
        }
        applicable = [(weights[k], v) for k, v in row.components.items() if v is not None and weights[k]]
        total = sum(w for w, _v in applicable)
        row.score = round(100 * sum(w * v for w, v in applicable) / total, 1) if total else 0.0

    ranked = sorted(rows.values(), key=lambda r: (-r.score, r.name.casefold(), r.library_id))
    for place, row in enumerate(ranked, start=1):
        row.rank = place
    shown = [row for row in ranked
             if (not municipality_id or row.municipality_id == municipality_id) and (not evbk_only or row.evbk)]
    return Rating(rows=shown, weights=weights, today=today, yearly_target=target,
                  best_documents_per_staff=best_documents, ranked=len(ranked))


def cached_library_rating(*, municipality_id: int | None = None, evbk_only: bool = False) -> Rating:
    """The rating for the public page: the region's, computed at most every CACHE_SECONDS (per day and weights;
    saving new weights shows them at once), filtered here."""
    today = timezone.localdate()
    weights = rating_weights()
    key = f"rating:{CACHE_FORMAT}:{today.isoformat()}:" + ",".join(str(weights[k]) for k in RATING_COMPONENT_KEYS)
    rating = cache.get(key)
    if rating is None:
        rating = library_rating(today=today, weights=weights)
        cache.set(key, rating, CACHE_SECONDS)
    rating.rows = [row for row in rating.rows if (not municipality_id or row.municipality_id == municipality_id)
                   and (not evbk_only or row.evbk)]
    return rating
