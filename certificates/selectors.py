"""The training record (личная карта обучения) and who is behind the programme's hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import CharField, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

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
    period_start: date | None
    period_hours: int
    expected_hours: int | None

    @property
    def remaining_hours(self) -> int | None:
        return None if self.expected_hours is None else max(self.expected_hours - self.period_hours, 0)

    @property
    def total_hours(self) -> int:
        return sum(year.hours for year in self.years)


def current_programme() -> ProgrammePage | None:
    return ProgrammePage.objects.live().order_by("path").first()


def period_start(programme: ProgrammePage | None, today: date) -> date | None:
    """The programme's period is counted in whole calendar years up to the current one."""
    if programme is None:
        return None
    return date(today.year - max(programme.period_years, 1) + 1, 1, 1)


def training_record(user: User, *, today: date | None = None) -> TrainingRecord:
    today = today or timezone.localdate()
    programme = current_programme()
    start = period_start(programme, today)
    enrolments = list(Enrolment.objects.filter(user=user, status__in=(Enrolment.Status.COMPLETED,
                                                                      Enrolment.Status.ACTIVE))
                      .select_related("course").order_by("completed_at", "created_at"))
    valid = list(Certificate.objects.filter(user=user, status=Certificate.Status.VALID))
    by_course = {c.course_id: c for c in valid if c.course_id}
    by_internship = {c.internship_id: c for c in valid if c.internship_id}
    items = [RecordItem("course", e.course.title, e.course.academic_hours, timezone.localdate(e.completed_at),
                        by_course.get(e.course_id))
             for e in enrolments if e.status == Enrolment.Status.COMPLETED]
    items += [RecordItem("internship", b.topic.title, b.topic.academic_hours, timezone.localdate(b.completed_at),
                         by_internship.get(b.pk))
              for b in Booking.objects.filter(user=user, status=Booking.Status.COMPLETED).select_related("topic")]
    years: dict[int, RecordYear] = {}
    period_hours = 0
    for item in sorted(items, key=lambda i: i.completed_on):
        year = years.setdefault(item.completed_on.year, RecordYear(year=item.completed_on.year))
        year.hours += item.hours
        year.items.append(item)
        if start and item.completed_on >= start:
            period_hours += item.hours
    return TrainingRecord(
        person=user, years=sorted(years.values(), key=lambda y: y.year, reverse=True),
        in_progress=[e for e in enrolments if e.status == Enrolment.Status.ACTIVE], programme=programme,
        period_start=start, period_hours=period_hours,
        expected_hours=programme.expected_hours if programme else None,
    )


def people_behind(*, today: date | None = None) -> QuerySet[User]:
    """Staff whose academic hours in the programme's current period (courses and internships together) are below
    what the programme expects."""
    today = today or timezone.localdate()
    programme = current_programme()
    people = User.objects.filter(is_active=True, library__isnull=False).select_related("library",
                                                                                        "library__municipality")
    if programme is None:
        return people.none()
    start = period_start(programme, today)
    # Two sums over two relations would multiply each other's rows in one query: each is a subquery of its own.
    course_hours = (Enrolment.objects.filter(user=OuterRef("pk"), status=Enrolment.Status.COMPLETED,
                                             completed_at__date__gte=start)
                    .values("user").annotate(total=Sum("course__academic_hours")).values("total"))
    internship_hours = (Booking.objects.filter(user=OuterRef("pk"), status=Booking.Status.COMPLETED,
                                               completed_at__date__gte=start)
                        .values("user").annotate(total=Sum("topic__academic_hours")).values("total"))
    hours = (Coalesce(Subquery(course_hours, output_field=IntegerField()), Value(0))
             + Coalesce(Subquery(internship_hours, output_field=IntegerField()), Value(0)))
    return (people.annotate(period_hours=hours).filter(period_hours__lt=programme.expected_hours)
            .order_by("library__short_name", "last_name", "first_name"))


def certificate_by_number_and_surname(number: str, surname: str) -> Certificate | None:
    """The public lookup: both the registry number and the holder's surname must match (case aside)."""
    certificate = (Certificate.objects.select_related("user")
                   .filter(number=" ".join(number.split()).upper()).first())
    if certificate is None or certificate.user.last_name.casefold() != " ".join(surname.split()).casefold():
        return None
    return certificate


# --- completed without a document: what an administrator issues by hand ---------------------------------------------

COURSE, INTERNSHIP = "course", "internship"


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
                  .exclude(Exists(valid.filter(user=OuterRef("user"), course=OuterRef("course")))))
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
