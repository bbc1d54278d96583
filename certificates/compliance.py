"""Compliance with every requirement: the mandatory courses (active assignment rules) and the internship, in one
picture by municipality and library.

For each person under at least one requirement, each requirement has a status and the person's overall status is
the worst of them:

- COMPLIANT (green): done and still valid (`valid_until` empty, or not within the recertification window);
- EXPIRING (amber, «истекает»): done and valid, but `valid_until` falls within the course's or topic's
  `recertification_window_days`, or the enrolment was reopened for recertification and `valid_until` has not passed;
- IN_PROGRESS: not done and not yet due (studying, booked, in the queue, not yet booked);
- OVERDUE (red): the due date has passed and it is not done, or `valid_until` has passed without a new completion.

An amber person still counts as compliant. The whole picture is a fixed number of queries whatever the number of
people, libraries and rules: the internship side is lms.internships.compliance's picture; the course side is the
active rules (one query), the people each rule covers (one query with one boolean annotation per rule, the rule's
conditions being courses.selectors.staff_matching_q) and their enrolments in those courses (one query).
A branch counts with its parent system, as everywhere in the directory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import AssignmentRule, Enrolment
from courses.selectors import staff_matching_q
from courses.services import rule_due_date
from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to
from lms.charts import AMBER, BLUE, GREEN, RED
from lms.internships import compliance as internship_compliance
from lms.libraries.models import Library
from lms.libraries.selectors import evbk_participation

COMPLIANT, EXPIRING, IN_PROGRESS, OVERDUE = "compliant", "expiring", "in_progress", "overdue"
STATUSES = (COMPLIANT, EXPIRING, IN_PROGRESS, OVERDUE)  # from best to worst
SEVERITY = {status: index for index, status in enumerate(STATUSES)}
STATUS_LABELS = {COMPLIANT: _("Compliant"), EXPIRING: _("Expiring"),
                 IN_PROGRESS: pgettext_lazy("compliance", "In progress"), OVERDUE: _("Overdue")}
STATUS_COLOURS = {COMPLIANT: GREEN, EXPIRING: AMBER, IN_PROGRESS: BLUE, OVERDUE: RED}
INTERNSHIP = "internship"
# Red/amber/green of a group: green when at least this share is compliant (amber people included) and red when at
# least this share is overdue; amber otherwise.
GREEN_SHARE = 0.9
RED_OVERDUE_SHARE = 0.1


def course_key(course_id: int) -> str:
    return f"course-{course_id}"


def worst(statuses) -> str:
    return max(statuses, key=SEVERITY.__getitem__)


def completion_status(valid_until: datetime.date | None, window_days: int, today: datetime.date) -> str:
    """A completion that counts until `valid_until` (None: for ever)."""
    if valid_until is None:
        return COMPLIANT
    if valid_until < today:
        return OVERDUE
    return EXPIRING if (valid_until - today).days <= window_days else COMPLIANT


def course_status(enrolment: dict | None, due: datetime.date | None, window_days: int,
                  today: datetime.date) -> tuple[str, datetime.date | None]:
    """The status of a mandatory course for a person, and the due date that applies."""
    if enrolment is not None:
        valid_until = enrolment["valid_until"]
        if enrolment["status"] == Enrolment.Status.COMPLETED:
            return completion_status(valid_until, window_days, today), enrolment["due_date"] or due
        if valid_until is not None:  # reopened for recertification: the last completion counts until it passes
            return (EXPIRING if valid_until >= today else OVERDUE), enrolment["due_date"] or valid_until
        due = enrolment["due_date"] or due
    if due is not None and due < today:
        return OVERDUE, due
    return IN_PROGRESS, due


@dataclass
class RequirementStatus:
    """One requirement of one person."""

    key: str
    title: str
    status: str
    due: datetime.date | None = None
    valid_until: datetime.date | None = None
    detail: str = ""  # the enrolment's or booking's state in words

    @property
    def label(self):
        return STATUS_LABELS[self.status]


@dataclass
class PersonCompliance:
    user: User
    items: list[RequirementStatus] = field(default_factory=list)

    @property
    def status(self) -> str:
        return worst(item.status for item in self.items)

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_compliant(self) -> bool:
        return self.status in (COMPLIANT, EXPIRING)


@dataclass
class Group:
    """A municipality or a library with how many of its people stand where (each person once, by overall status)."""

    key: int
    name: str
    municipality: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def compliant(self) -> int:
        return self.counts[COMPLIANT] + self.counts[EXPIRING]

    @property
    def share(self) -> float:
        return self.compliant / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def rag(self) -> str:
        if self.total and self.counts[OVERDUE] / self.total >= RED_OVERDUE_SHARE:
            return "red"
        return "green" if self.total and self.share >= GREEN_SHARE else "amber"


@dataclass
class Requirement:
    key: str
    title: str


@dataclass
class Picture:
    people: list[PersonCompliance]  # the shown ones (after the status filter)
    municipalities: list[Group]
    libraries: list[Group]
    requirements: list[Requirement]
    totals: Group


@dataclass
class LibraryCompliance:
    """A home library's numbers for the rating: staff under any requirement, and how they stand."""

    library_id: int
    people: int = 0
    compliant: int = 0  # compliant with every requirement that applies (amber included)
    expiring: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def share(self) -> float:
        return self.compliant / self.people if self.people else 0.0


def _internship_item(item: internship_compliance.PersonStatus, today: datetime.date) -> RequirementStatus:
    if item.status in (internship_compliance.DONE, internship_compliance.EXPIRING):
        status = completion_status(item.valid_until, item.window_days, today)
    elif item.status == internship_compliance.OVERDUE:
        status = OVERDUE
    else:
        status = IN_PROGRESS
    return RequirementStatus(INTERNSHIP, str(_("Internship at ОНБ")), status, due=item.due,
                             valid_until=item.valid_until,
                             detail=f"{item.requirement.title}: {internship_compliance.STATUS_LABELS[item.status]}")


def _people(viewer: User | None):
    if viewer is None:
        return User.objects.filter(is_active=True).select_related("library", "library__municipality")
    return staff_visible_to(viewer)


def people_compliance(*, viewer: User | None, today: datetime.date | None = None,
                      municipality_id: int | None = None, library_id: int | None = None,
                      requirement: str | None = None) -> tuple[list[PersonCompliance], list[Requirement]]:
    """Everyone `viewer` may see (everyone for None) under at least one requirement, with each requirement's status,
    in name order; and the requirements that exist (for a filter). With `requirement` (a key: "internship" or
    "course-<id>"), only that requirement counts."""
    today = today or timezone.localdate()
    rules = list(AssignmentRule.objects.filter(is_active=True).select_related("course").order_by("course__title",
                                                                                               "pk"))
    requirements = []
    seen_courses = set()
    for rule in rules:
        if rule.course_id not in seen_courses:
            seen_courses.add(rule.course_id)
            requirements.append(Requirement(course_key(rule.course_id), rule.course.title))
    if internship_compliance.active_requirements():
        requirements.append(Requirement(INTERNSHIP, str(_("Internship at ОНБ"))))

    wanted_course = None
    if requirement and requirement.startswith("course-") and requirement[7:].isdigit():
        wanted_course = int(requirement[7:])
        rules = [rule for rule in rules if rule.course_id == wanted_course]
    elif requirement == INTERNSHIP:
        rules = []

    people: dict[int, PersonCompliance] = {}
    if rules:
        covers = {rule.pk: staff_matching_q(evbk_only=rule.evbk_only, library_id=rule.library_id,
                                            municipality_id=rule.municipality_id,
                                            position_contains=rule.position_contains.strip()) for rule in rules}
        any_cover = Q()
        for q in covers.values():
            any_cover |= q
        covered = _people(viewer).filter(any_cover)
        if municipality_id:
            covered = covered.filter(library__municipality_id=municipality_id)
        if library_id:
            covered = covered.filter(Q(library_id=library_id) | Q(library__parent_id=library_id))
        covered = covered.annotate(**{f"rule_{pk}": ExpressionWrapper(q, output_field=BooleanField())
                                      for pk, q in covers.items()})
        enrolments = {(row["user_id"], row["course_id"]): row for row in Enrolment.objects.filter(
            user__in=covered.values("pk"), course_id__in={rule.course_id for rule in rules}
        ).values("user_id", "course_id", "status", "due_date", "valid_until")}
        for person in covered:
            # A course under several rules is one requirement, due by the earliest of their dates.
            dues: dict[int, list] = defaultdict(list)
            courses = {}
            for rule in rules:
                if getattr(person, f"rule_{rule.pk}"):
                    courses[rule.course_id] = rule.course
                    dues[rule.course_id].append(rule_due_date(rule, person))
            entry = people.setdefault(person.pk, PersonCompliance(person))
            for course_id, course in courses.items():
                due = min((d for d in dues[course_id] if d is not None), default=None)
                enrolment = enrolments.get((person.pk, course_id))
                status, due = course_status(enrolment, due, course.recertification_window_days, today)
                detail = str(Enrolment.Status(enrolment["status"]).label) if enrolment else str(_("Not enrolled"))
                entry.items.append(RequirementStatus(course_key(course_id), course.title, status, due=due,
                                                     valid_until=enrolment["valid_until"] if enrolment else None,
                                                     detail=detail))

    if wanted_course is None and (requirement in (None, "", INTERNSHIP)) and any(
            r.key == INTERNSHIP for r in requirements):
        internship = internship_compliance.compliance_picture(viewer=viewer, today=today,
                                                              municipality_id=municipality_id,
                                                              library_id=library_id)
        for item in internship.people:
            entry = people.setdefault(item.user.pk, PersonCompliance(item.user))
            entry.items.append(_internship_item(item, today))

    ordered = sorted(people.values(), key=lambda p: (p.user.last_name, p.user.first_name, p.user.pk))
    return ordered, requirements


def _groups(people: list[PersonCompliance]) -> tuple[list[Group], list[Group], Group]:
    """Counts by municipality and by home library (a branch counts with its system). One query at most: the names
    of systems none of whose own staff is in the picture."""
    municipalities: dict[int, Group] = {}
    libraries: dict[int, Group] = {}
    totals = Group(0, str(_("All")))
    for person in people:
        library = person.user.library
        status = person.status
        totals.counts[status] += 1
        home = library.parent_id or library.pk
        municipality = municipalities.setdefault(library.municipality_id,
                                                 Group(library.municipality_id, library.municipality.name))
        municipality.counts[status] += 1
        group = libraries.setdefault(home, Group(home, "", library.municipality.name))
        if library.pk == home:
            group.name = library.short_name
        group.counts[status] += 1
    missing = [key for key, group in libraries.items() if not group.name]
    if missing:
        names = dict(Library.objects.filter(pk__in=missing).values_list("pk", "short_name"))
        for key in missing:
            libraries[key].name = names.get(key, "")
    return (sorted(municipalities.values(), key=lambda g: g.name), sorted(libraries.values(), key=lambda g: g.name),
            totals)


def compliance_picture(*, viewer: User | None, today: datetime.date | None = None,
                       municipality_id: int | None = None, library_id: int | None = None,
                       requirement: str | None = None, status: str | None = None) -> Picture:
    """The picture for the report and the landing: people with each requirement's status, the groups by
    municipality and library, the totals. The groups count everyone the filters keep; `status` (the overall one,
    or that of the chosen requirement) narrows the people shown."""
    people, requirements = people_compliance(viewer=viewer, today=today, municipality_id=municipality_id,
                                             library_id=library_id, requirement=requirement)
    municipalities, libraries, totals = _groups(people)
    if status in STATUSES:
        people = [p for p in people if p.status == status]
    return Picture(people, municipalities, libraries, requirements, totals)


def compliance_by_library(*, today: date | None = None, municipality_id: int | None = None,
                          evbk_only: bool = False) -> dict[int, LibraryCompliance]:
    """Per home library (a branch counts with its parent system): staff under any requirement and how many are
    compliant with every requirement that applies to them (amber counts as compliant), expiring, in progress and
    overdue. For the library rating; a fixed number of queries."""
    people, _requirements = people_compliance(viewer=None, today=today, municipality_id=municipality_id)
    if evbk_only:
        participants = set(Library.objects.filter(evbk_participation()).values_list("pk", flat=True))
        people = [p for p in people if p.user.library_id in participants]
    result: dict[int, LibraryCompliance] = {}
    for person in people:
        library = person.user.library
        home = library.parent_id or library.pk
        entry = result.setdefault(home, LibraryCompliance(home))
        entry.people += 1
        status = person.status
        entry.compliant += status in (COMPLIANT, EXPIRING)
        entry.expiring += status == EXPIRING
        entry.in_progress += status == IN_PROGRESS
        entry.overdue += status == OVERDUE
    return result

