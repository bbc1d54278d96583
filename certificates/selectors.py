"""The training record (личная карта обучения) and who is behind the programme's hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Count, Exists, OuterRef, QuerySet, Value
from django.utils import timezone

from courses.hours import (
    COURSE,
    INTERNSHIP,
    HoursQuota,
    current_programme,
    hours_by_year,
    hours_entries,
    hours_quota,
    hours_since,
    period_first_year,
)
from courses.models import CoursePage, Enrolment, ProgrammePage
from lms.accounts.models import User
from lms.internships.models import Booking, Topic
from lms.libraries.models import Library, Municipality

from .models import Certificate


@dataclass
class RecordItem:
    """A completed course or internship in the record."""

    kind: str  # "course" or "internship"
    title: str
    hours: int
    completed_on: date
    certificate: Certificate | None
    valid_until: date | None = None  # recertification: until when the completion counts

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


@dataclass
class RecordYear:
    year: int
    hours: int = 0
    items: list[RecordItem] = field(default_factory=list)


@dataclass
class TrainingRecord:
    person: User
    years: list[RecordYear]
    in_progress: list[Enrolment]
    programme: ProgrammePage | None
    quota: HoursQuota | None

    @property
    def period_start(self) -> date | None:
        return self.quota.period_start if self.quota else None

    @property
    def period_hours(self) -> int:
        return self.quota.earned if self.quota else 0

    @property
    def expected_hours(self) -> int | None:
        return self.quota.expected if self.quota else None

    @property
    def remaining_hours(self) -> int | None:
        return self.quota.remaining if self.quota else None

    @property
    def total_hours(self) -> int:
        return sum(year.hours for year in self.years)


def period_start(programme: ProgrammePage | None, today: date) -> date | None:
    """The first day of the programme's period (whole calendar years up to the current one)."""
    return None if programme is None else date(period_first_year(programme, today), 1, 1)


def training_record(user: User, *, today: date | None = None) -> TrainingRecord:
    """The person's completed courses and internships by year, with the hours of each year and the programme's
    quota, as courses/hours.py counts them (the same figures as «Моё обучение» and the reports): 5 queries."""
    today = today or timezone.localdate()
    programme = current_programme()
    by_year = hours_by_year(user)
    valid = list(Certificate.objects.filter(user=user, status=Certificate.Status.VALID))
    # A course completed again (recertification) has a document per completion (its cycle).
    documents = {(COURSE, c.course_id, c.cycle): c for c in valid if c.course_id}
    documents.update({(INTERNSHIP, c.internship_id, 1): c for c in valid if c.internship_id})
    years: dict[int, RecordYear] = {year: RecordYear(year=year, hours=hours) for year, hours in by_year.items()}
    for entry in hours_entries(user):
        year = years.setdefault(entry.year, RecordYear(year=entry.year, hours=by_year.get(entry.year, 0)))
        document = documents.get((entry.kind, entry.reference, entry.cycle))
        year.items.append(RecordItem(entry.kind, entry.title, entry.hours, entry.completed_on, document,
                                     entry.valid_until))
    in_progress = list(Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE)
                       .select_related("course").order_by("created_at"))
    return TrainingRecord(
        person=user, years=sorted(years.values(), key=lambda y: y.year, reverse=True), in_progress=in_progress,
        programme=programme, quota=hours_quota(by_year, programme, today=today),
    )


def people_behind(*, today: date | None = None) -> QuerySet[User]:
    """Staff whose academic hours in the programme's current period (courses/hours.py: courses and internships
    together) are below what the programme expects, annotated with ``period_hours``."""
    today = today or timezone.localdate()
    programme = current_programme()
    people = User.objects.filter(is_active=True, library__isnull=False).select_related("library",
                                                                                        "library__municipality")
    if programme is None:
        return people.none()
    hours = hours_since(period_first_year(programme, today))
    return (people.annotate(period_hours=hours).filter(period_hours__lt=programme.expected_hours)
            .order_by("library__short_name", "last_name", "first_name"))


def behind_by_place(people: QuerySet[User]) -> tuple[str, list[tuple[str, int]]]:
    """How many of ``people`` (a filtered people_behind()) work in each municipality, most first, for the report's
    chart; by library when they all work in one municipality. Returns ("municipality" or "library", rows): one
    query to count the municipalities and one for the rows, whatever the size."""
    people = people.order_by()
    places = people.values("library__municipality").distinct().count()
    field_name = "library__municipality__name" if places > 1 else "library__short_name"
    rows = (people.values_list(field_name).annotate(number=Count("pk", distinct=True))
            .order_by("-number", field_name))
    return ("municipality" if places > 1 else "library"), [(name or "—", number) for name, number in rows]


def certificate_by_number_and_surname(number: str, surname: str) -> Certificate | None:
    """The public lookup: both the registry number and the holder's surname must match (case aside)."""
    certificate = (Certificate.objects.select_related("user")
                   .filter(number=" ".join(number.split()).upper()).first())
    if certificate is None or certificate.user.last_name.casefold() != " ".join(surname.split()).casefold():
        return None
    return certificate


# --- completed without a document: what an administrator issues by hand ---------------------------------------------

@dataclass
class PendingCompletion:
    """A completed course (by enrolment) or internship (by booking) whose person holds no valid document for it."""

    kind: str  # COURSE or INTERNSHIP
    record: Enrolment | Booking
    title: str
    hours: int
    completed_at: object  # datetime

    @property
    def person(self) -> User:
        return self.record.user

    @property
    def key(self) -> str:
        """The value of the row's checkbox: which record to issue for."""
        return f"{'enrolment' if self.kind == COURSE else 'booking'}:{self.record.pk}"


def completed_without_certificate(*, kind: str = "", course: CoursePage | None = None, topic: Topic | None = None,
                                  library: Library | None = None, municipality: Municipality | None = None,
                                  completed_from=None, completed_to=None) -> QuerySet:
    """Completed courses that give a document and completed internships, for which the person holds no valid
    document, newest completion first, as one list of {"kind", "id", "completed_at"} rows: one query to count and
    one for a page, whatever the size. pending_completions() then fetches a page's records.

    A course or a topic chosen narrows the list to that kind; `completed_from`/`completed_to` are datetimes."""
    valid = Certificate.objects.filter(status=Certificate.Status.VALID)
    enrolments = (Enrolment.objects.filter(status=Enrolment.Status.COMPLETED)
                  .exclude(course__certificate_kind=CoursePage.CertificateKind.NONE)
                  .exclude(Exists(valid.filter(user=OuterRef("user"), course=OuterRef("course"),
                                               cycle=OuterRef("cycle")))))  # a document per completion
    bookings = (Booking.objects.filter(status=Booking.Status.COMPLETED)
                .exclude(Exists(valid.filter(internship=OuterRef("pk")))))
    if kind == INTERNSHIP or topic is not None:
        enrolments = enrolments.none()
    if kind == COURSE or course is not None:
        bookings = bookings.none()
    if course is not None:
        enrolments = enrolments.filter(course=course)
    if topic is not None:
        bookings = bookings.filter(topic=topic)
    common = {}
    if library is not None:
        common["user__library"] = library
    if municipality is not None:
        common["user__library__municipality"] = municipality
    if completed_from is not None:
        common["completed_at__gte"] = completed_from
    if completed_to is not None:
        common["completed_at__lte"] = completed_to
    enrolments = (enrolments.filter(**common).order_by()
                  .annotate(kind=Value(COURSE, output_field=CharField())).values("id", "completed_at", "kind"))
    bookings = (bookings.filter(**common).order_by()
                .annotate(kind=Value(INTERNSHIP, output_field=CharField())).values("id", "completed_at", "kind"))
    return enrolments.union(bookings, all=True).order_by("-completed_at", "kind", "-id")


def pending_completions(rows) -> list[PendingCompletion]:
    """The records of a page of completed_without_certificate(), in its order: two queries, whatever the size."""
    rows = list(rows)
    enrolments = (Enrolment.objects.select_related("user__library__municipality", "course")
                  .in_bulk([row["id"] for row in rows if row["kind"] == COURSE]))
    bookings = (Booking.objects.select_related("user__library__municipality", "topic", "session")
                .in_bulk([row["id"] for row in rows if row["kind"] == INTERNSHIP]))
    pending = []
    for row in rows:
        if row["kind"] == COURSE and row["id"] in enrolments:
            enrolment = enrolments[row["id"]]
            pending.append(PendingCompletion(COURSE, enrolment, enrolment.course.title,
                                             enrolment.course.academic_hours, enrolment.completed_at))
        elif row["kind"] == INTERNSHIP and row["id"] in bookings:
            booking = bookings[row["id"]]
            pending.append(PendingCompletion(INTERNSHIP, booking, booking.topic.title, booking.topic.academic_hours,
                                             booking.completed_at))
    return pending
