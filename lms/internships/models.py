"""Internships at ОНБ: topics, dated sessions, bookings (one state machine), attendance and requirements."""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from lms.accounts.roles import ROLE_GROUP_NAMES, Role
from lms.libraries.models import Library, Municipality


def mentor_choices() -> Q:
    """Mentors are chosen among trainers and administrators."""
    return Q(is_active=True, groups__name__in=[ROLE_GROUP_NAMES[Role.TRAINER], ROLE_GROUP_NAMES[Role.ADMINISTRATOR]])


class Topic(ClusterableModel):
    """What an internship teaches: the plan day by day, the hours and the department of ОНБ that hosts it."""

    title = models.CharField(_("title"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    academic_hours = models.PositiveSmallIntegerField(_("academic hours"), validators=[MinValueValidator(1)])
    host_department = models.CharField(_("host department of ОНБ"), max_length=255)
    mentors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("mentors"), blank=True,
                                     related_name="mentored_topics", limit_choices_to=mentor_choices)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion, %"), default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A day marked «part of the day» counts as half a day."),
    )
    report_required = models.BooleanField(_("intern's report required"), default=True)
    head_approval_first = models.BooleanField(
        _("library head approves first"), default=False,
        help_text=_("A learner's own request waits for the head of their library before administrators see it."),
    )
    # Recertification: a completion may expire. The end of its validity is frozen on the completion (and on its
    # document) when it happens; changing these later affects only later completions.
    validity_months = models.PositiveSmallIntegerField(
        _("valid for, months"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty when a completion never expires (no recertification)."))
    recertification_window_days = models.PositiveSmallIntegerField(
        _("recertification opens, days before expiry"), default=90, validators=[MinValueValidator(1)],
        help_text=_("From this many days before the expiry the person is assigned again."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("internship topic")
        verbose_name_plural = _("internship topics")

    def __str__(self) -> str:
        return self.title


class TopicDay(models.Model):
    """One day of a topic's plan."""

    topic = ParentalKey(Topic, on_delete=models.CASCADE, related_name="plan_days")
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)
    title = models.CharField(_("day's theme"), max_length=255)
    content = models.TextField(_("what the intern does"), blank=True)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("day of the plan")
        verbose_name_plural = _("plan by days")

    def __str__(self) -> str:
        return self.title


class Session(ClusterableModel):
    """A dated run of a topic at ОНБ. Its seats are counted under a row lock (see services)."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("internship session", "Planned")
        OPEN = "open", _("Open for booking")
        CLOSED = "closed", _("Booking closed")
        HELD = "held", pgettext_lazy("internship session", "Held")
        CANCELLED = "cancelled", pgettext_lazy("internship session", "Cancelled")

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="sessions")
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    day_starts = models.TimeField(_("daily start"), default=datetime.time(9, 0))
    day_ends = models.TimeField(_("daily end"), default=datetime.time(17, 0))
    room = models.CharField(_("room"), max_length=255, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    booking_deadline = models.DateTimeField(
        _("booking deadline"), help_text=_("Requests and cancellations by learners are accepted until then."))
    confirm_hours = models.PositiveSmallIntegerField(
        _("hours to confirm an offered seat"), default=48, validators=[MinValueValidator(1)])
    quota_release_at = models.DateTimeField(
        _("quotas hold until"), null=True, blank=True,
        help_text=_("Seats kept for municipalities that nobody has taken by then are offered to the queue in its "
                    "order. Empty: at the booking deadline."))
    # When the kept seats nobody had taken were handed to the common queue, and how many they were (services).
    quotas_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    quotas_released_seats = models.PositiveSmallIntegerField(default=0, editable=False)
    mentors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("mentors of this session"),
                                     blank=True, related_name="mentored_sessions", limit_choices_to=mentor_choices,
                                     help_text=_("If empty, the topic's mentors."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    # Raised whenever the dates, times or room change, so that calendars replace the event they hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("internship session")
        verbose_name_plural = _("internship sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"),
            models.CheckConstraint(condition=Q(day_ends__gt=models.F("day_starts")), name="session_times_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.start_date:%d.%m.%Y}–{self.end_date:%d.%m.%Y})"

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=n) for n in range(count)]

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start_date, self.day_starts))

    @property
    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.end_date, self.day_ends))

    def booking_is_open(self, now: datetime.datetime | None = None) -> bool:
        return self.status == self.Status.OPEN and (now or timezone.now()) <= self.booking_deadline

    @property
    def quota_release_time(self) -> datetime.datetime | None:
        """When the seats kept for municipalities stop being kept: the time set, else the booking deadline."""
        return self.quota_release_at or self.booking_deadline

    def clean(self) -> None:
        super().clean()
        if self.quota_release_at and self.start_date and self.day_starts and self.quota_release_at > self.starts_at:
            starts = timezone.localtime(self.starts_at)
            raise ValidationError({"quota_release_at": _(
                "Kept seats must go to the common queue no later than the internship starts: %(date)s at "
                "%(time)s.") % {"date": formats.date_format(starts, "j E Y"), "time": formats.time_format(starts, "H:i")}})


class SessionQuota(models.Model):
    """Seats of a session kept for the staff of one municipality; the rest are shared by everyone."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="quotas")
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT,
                                     related_name="+")
    seats = models.PositiveSmallIntegerField(_("seats kept"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("seat quota")
        verbose_name_plural = _("seat quotas by municipality")
        constraints = [models.UniqueConstraint(fields=["session", "municipality"], name="quota_once_per_session")]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.seats}"


class Booking(models.Model):
    """A person's place on a session (заявка). Status changes only through services.booking_* (TRANSITIONS)."""

    class Status(models.TextChoices):
        HEAD_REVIEW = "head_review", _("Awaiting the library head")
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", pgettext_lazy("internship booking", "Approved")
        WAITLISTED = "waitlisted", _("In the queue")
        OFFERED = "offered", _("Seat offered")
        REJECTED = "rejected", pgettext_lazy("internship booking", "Rejected")
        CANCELLED = "cancelled", pgettext_lazy("internship booking", "Cancelled")
        ATTENDED = "attended", _("Attended")
        COMPLETED = "completed", pgettext_lazy("internship booking", "Completed")
        NO_SHOW = "no_show", _("Did not come")

    class Evaluation(models.TextChoices):
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("intern"), on_delete=models.PROTECT,
                             related_name="internship_bookings")
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.PROTECT,
                                related_name="bookings")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+", editable=False)
    # The municipality counted against quotas, frozen when the request is made.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # The queue order: when the request joined the queue (its arrival), then the id.
    queued_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    over_capacity = models.BooleanField(_("added beyond capacity"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    report = models.FileField(
        _("intern's report"), upload_to="internship_reports/%Y/", blank=True,
        validators=[FileExtensionValidator(["pdf", "doc", "docx", "odt", "rtf", "txt"])],
    )
    report_uploaded_at = models.DateTimeField(null=True, blank=True)
    evaluation = models.CharField(_("mentor's evaluation"), max_length=8, choices=Evaluation.choices, blank=True)
    evaluation_comment = models.TextField(_("mentor's comment"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Until when this completed internship counts (frozen at completion from the topic's validity_months); empty
    # when it never expires.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Raised when this booking's calendar event changes by itself (cancelled); added to the session's sequence.
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)

    # The statuses that hold a seat, and those that count as the person's one booking on a topic.
    SEAT_HOLDING = ("head_review", "requested", "approved", "offered", "attended", "completed")
    ACTIVE = SEAT_HOLDING + ("waitlisted",)
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        "head_review": ("requested", "rejected", "cancelled"),
        "requested": ("approved", "rejected", "cancelled"),
        "approved": ("attended", "no_show", "cancelled"),
        "waitlisted": ("offered", "rejected", "cancelled", "requested", "head_review"),
        "offered": ("requested", "head_review", "waitlisted", "cancelled", "rejected"),
        "attended": ("completed", "no_show"),
        "no_show": ("attended",),
        "rejected": (),
        "cancelled": (),
        "completed": (),
    }

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("internship booking")
        verbose_name_plural = _("internship bookings")
        constraints = [
            # A completed booking is not in it: once its validity nears its end (recertification) the person may
            # book the topic again; services._check_person_free holds that rule.
            models.UniqueConstraint(fields=["user", "topic"], condition=Q(status__in=(
                "head_review", "requested", "approved", "offered", "attended", "waitlisted")),
                name="booking_one_open_per_topic"),
        ]
        indexes = [models.Index(fields=["session", "status"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.session}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def holds_seat(self) -> bool:
        return self.status in self.SEAT_HOLDING

    @property
    def calendar_sequence(self) -> int:
        return self.session.sequence + self.ical_sequence


class BookingEvent(models.Model):
    """The audit trail: every change of a booking's status, with who made it and when."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return Booking.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Booking.Status(self.to_status).label


class Attendance(models.Model):
    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        PARTIAL = "partial", _("Part of the day")
        ABSENT = "absent", _("Absent")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    mark = models.CharField(_("attendance"), max_length=8, choices=Mark.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["booking", "day"], name="attendance_once_per_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.mark}"


class Interest(models.Model):
    """A person who wants a topic before it has dates; offered a seat in this order when a session opens."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="interests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["topic", "user"], condition=Q(booking__isnull=True),
                                               name="interest_once_while_waiting")]


class Requirement(models.Model):
    """Who must complete an internship and by when. Evaluated when asked, so people who join later are covered."""

    title = models.CharField(_("title"), max_length=255)
    evbk_only = models.BooleanField(_("staff of Э(В)БК participants"), default=True)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    library = models.ForeignKey(Library, verbose_name=_("library (with branches)"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+")
    position_contains = models.CharField(
        _("position contains"), max_length=200, blank=True,
        help_text=_("Part of the position, for example «библиограф»; empty for every position."))
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("named people"), blank=True,
                                    related_name="+",
                                    help_text=_("If anyone is named, the requirement covers only them."))
    topics = models.ManyToManyField(Topic, verbose_name=_("topics that satisfy it"), blank=True, related_name="+",
                                    help_text=_("Empty: an internship on any topic."))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_months = models.PositiveSmallIntegerField(
        _("months after joining"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("For people who join later: the months they have from joining (or from the requirement)."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("internship requirement")
        verbose_name_plural = _("internship requirements")
        constraints = [
            models.CheckConstraint(condition=Q(due_date__isnull=False) | Q(due_months__isnull=False),
                                   name="requirement_has_a_due_rule"),
        ]

    def __str__(self) -> str:
        return self.title


class Notice(models.Model):
    """An e-mail about internships, by key: each one goes out once, however often its task runs."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32)
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar of internship bookings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="internship_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
