"""Course content pages (programme, course, module, lesson) and the learning records (enrolment, progress)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.content_cache import CachedViewRestrictionsMixin
from lms.libraries.models import Library, Municipality

from .blocks import LessonBodyBlock


class ProgrammePage(CachedViewRestrictionsMixin, Page):
    """The continuous-education programme: a catalogue of its courses."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    aims = RichTextField(_("aims"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    expected_hours = models.PositiveSmallIntegerField(
        _("expected academic hours per period"), default=72,
        help_text=_("How many academic hours a librarian is expected to gain in one period."),
    )
    period_years = models.PositiveSmallIntegerField(_("period, years"), default=3)

    content_panels = Page.content_panels + [
        FieldPanel("intro"), FieldPanel("aims"), FieldPanel("audience"),
        FieldRowPanel([FieldPanel("expected_hours"), FieldPanel("period_years")]),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def get_context(self, request, *args, **kwargs):
        from .page_context import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self))
        return context


class CoursePage(CachedViewRestrictionsMixin, Page):
    class Format(models.TextChoices):
        DISTANCE = "distance", _("Distance")
        BLENDED = "blended", _("Blended")

    class Policy(models.TextChoices):
        OPEN = "open", _("Open: anyone enrols")
        APPROVAL = "approval", _("By approval")
        ASSIGNED = "assigned", _("Assigned only")

    class CompletionRule(models.TextChoices):
        REQUIRED_LESSONS = "required_lessons", _("All required lessons studied")
        ALL_LESSONS = "all_lessons", _("All lessons studied")

    class CertificateKind(models.TextChoices):
        NONE = "none", _("No document")
        CERTIFICATE = "certificate", _("Certificate (сертификат)")
        QUALIFICATION = "qualification", _("Qualification certificate (удостоверение)")

    summary = models.TextField(_("summary"), max_length=500, help_text=_("One or two sentences for the catalogue."))
    description = RichTextField(_("description"), blank=True, features=["h3", "bold", "italic", "link", "ul", "ol"])
    academic_hours = models.PositiveSmallIntegerField(_("academic hours"), default=16)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices, default=Format.DISTANCE)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("cover image"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    enrolment_policy = models.CharField(_("enrolment"), max_length=16, choices=Policy.choices, default=Policy.OPEN)
    enrolment_opens = models.DateField(_("enrolment opens"), null=True, blank=True)
    enrolment_closes = models.DateField(_("enrolment closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Leave empty for no limit."))
    prerequisites = ParentalManyToManyField("self", verbose_name=_("prerequisite courses"), blank=True,
                                            symmetrical=False, related_name="+")
    completion_rule = models.CharField(_("completion rule"), max_length=32, choices=CompletionRule.choices,
                                       default=CompletionRule.REQUIRED_LESSONS)
    certificate_kind = models.CharField(_("document on completion"), max_length=16, choices=CertificateKind.choices,
                                        default=CertificateKind.CERTIFICATE)
    # Recertification: a completion may expire. The end of its validity is frozen on the completion (and on its
    # document) when it happens; changing these later affects only later completions.
    validity_months = models.PositiveSmallIntegerField(
        _("valid for, months"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty when a completion never expires (no recertification)."))
    recertification_window_days = models.PositiveSmallIntegerField(
        _("recertification opens, days before expiry"), default=90, validators=[MinValueValidator(1)],
        help_text=_("From this many days before the expiry the person is assigned again."))

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("cover_image"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("academic_hours"), FieldPanel("format")]),
            FieldPanel("audience"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        ], heading=_("Course facts")),
        MultiFieldPanel([
            FieldPanel("enrolment_policy"),
            FieldRowPanel([FieldPanel("enrolment_opens"), FieldPanel("enrolment_closes")]),
            FieldPanel("capacity"),
            FieldPanel("prerequisites"),
            FieldPanel("completion_rule"),
            FieldPanel("certificate_kind"),
            FieldRowPanel([FieldPanel("validity_months"), FieldPanel("recertification_window_days")]),
        ], heading=_("Enrolment and completion")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("description"), index.SearchField("audience"),
        index.FilterField("format"), index.FilterField("enrolment_policy"),
    ]

    # The admin lists a course's modules and lessons in the order learners meet them, not by last edit.
    admin_default_ordering = "ord"
    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = ["courses.CourseModulePage", "courses.LessonPage", "courses.QuizPage", "courses.ScormLessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The course cannot end before it starts.")})
        if self.enrolment_opens and self.enrolment_closes and self.enrolment_closes < self.enrolment_opens:
            raise ValidationError({"enrolment_closes": _("Enrolment cannot close before it opens.")})

    def enrolment_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.enrolment_opens and today < self.enrolment_opens:
            return False
        return not (self.enrolment_closes and today > self.enrolment_closes)

    def get_context(self, request, *args, **kwargs):
        from .page_context import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, self))
        return context


class CourseModulePage(CachedViewRestrictionsMixin, Page):
    """A section of a course grouping its lessons; it has no page of its own."""

    # The admin lists a course's modules and lessons in the order learners meet them, not by last edit.
    admin_default_ordering = "ord"

    summary = models.TextField(_("summary"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "courses.QuizPage", "courses.ScormLessonPage"]

    class Meta:
        verbose_name = _("course module")
        verbose_name_plural = _("course modules")

    def serve(self, request, *args, **kwargs):
        course = self.get_parent()
        if course is None:
            raise Http404
        return redirect(course.url + f"#module-{self.pk}")


class LessonPage(CachedViewRestrictionsMixin, Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    is_required = models.BooleanField(_("required"), default=True,
                                      help_text=_("Required lessons count toward the course's completion."))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("is_required")]),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]

    parent_page_types = ["courses.CoursePage", "courses.CourseModulePage"]
    subpage_types: list[str] = []
    is_quiz = False  # the syllabus lists lessons and quizzes together

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        from .page_context import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request, self))
        return context

    def serve(self, request, *args, **kwargs):
        from .page_context import lesson_serve

        return lesson_serve(request, self, super_serve=super().serve, args=args, kwargs=kwargs)


class CourseTrainer(models.Model):
    """A trainer of a course: may edit the course's pages in the admin and see its learners."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="trainer_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainer"), on_delete=models.CASCADE,
                             related_name="course_links")

    class Meta:
        verbose_name = _("course trainer")
        verbose_name_plural = _("course trainers")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="course_trainer_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolment")
        ADMIN = "admin", _("Administrator")
        COHORT = "cohort", _("Group enrolment")
        MANDATORY = "mandatory", _("Mandatory rule")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        ACTIVE = "active", _("Studying")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REJECTED = "rejected", _("Rejected")

    # Statuses that hold a seat of a course with limited capacity.
    SEAT_STATUSES = (Status.REQUESTED, Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="enrolments")
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="enrolments")
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    # The lesson or SCORM lesson opened last («Продолжить»): any page of the course a learner studies on.
    last_lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    progress_percent = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    # Until when the person's last completion of the course counts (frozen when it happens, from the course's
    # validity_months); empty when it never expires or there was none. It stays while the enrolment is reopened
    # for recertification, so the person remains compliant until this date.
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Recertification: the cycle counts completions of this enrolment (1 for the first); reopening starts the next
    # one at cycle_started_at (empty for the first). Attempt limits and quiz grades read the current cycle only.
    cycle = models.PositiveSmallIntegerField(_("recertification cycle"), default=1)
    cycle_started_at = models.DateTimeField(_("current cycle opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_one_per_user_course"),
            models.CheckConstraint(condition=models.Q(progress_percent__lte=100), name="enrolment_progress_le_100"),
        ]
        indexes = [models.Index(fields=["course", "status"]), models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"

    @property
    def is_overdue(self) -> bool:
        return (self.status == self.Status.ACTIVE and self.due_date is not None
                and self.due_date < timezone.localdate())


class CourseCompletion(models.Model):
    """A past completion of a course, archived when its enrolment is reopened for recertification: the hours it
    gave stay in their year and the training record lists it (its certificate stays with its own cycle)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="course_completions")
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="past_completions")
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="past_completions")
    cycle = models.PositiveSmallIntegerField(_("recertification cycle"))
    completed_at = models.DateTimeField(_("completed"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("academic hours"))  # the course's hours at the time
    archived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("past course completion")
        verbose_name_plural = _("past course completions")
        ordering = ["completed_at"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "cycle"], name="course_completion_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.user} — {self.course} ({self.cycle})"


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("studied lesson")
        verbose_name_plural = _("studied lessons")
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_completion_once")]


class AssignmentRule(models.Model):
    """«All staff matching these conditions complete this course by a date» — also people who join later."""

    course = models.ForeignKey(CoursePage, verbose_name=_("course"), on_delete=models.CASCADE,
                               related_name="assignment_rules")
    title = models.CharField(_("title"), max_length=200)
    evbk_only = models.BooleanField(_("only staff of Э(В)БК participants"), default=False)
    library = models.ForeignKey(Library, verbose_name=_("library"), null=True, blank=True, on_delete=models.CASCADE)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.CASCADE)
    position_contains = models.CharField(_("position contains"), max_length=100, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_in_days = models.PositiveSmallIntegerField(_("due within days of joining"), null=True, blank=True,
                                                   validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mandatory assignment")
        verbose_name_plural = _("mandatory assignments")
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(due_date__isnull=False) & models.Q(due_in_days__isnull=False)),
                name="assignment_one_kind_of_due_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.due_date is not None and self.due_in_days is not None:
            raise ValidationError(_("Give either a fixed due date or a number of days, not both."))


class EnrolmentNotice(models.Model):
    """One e-mail about an enrolment; the key makes each notice go out once."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment notice")
        verbose_name_plural = _("enrolment notices")


class StaffNotice(models.Model):
    """One e-mail that calls a person to act (a request to decide, essays to grade, the weekly digest); the key
    makes each go out once, however often its task runs and however many workers run it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice to act")
        verbose_name_plural = _("notices to act")


# The quiz models live with the rest of the quizzes (courses/quizzes/); they are models of this app.
from .quizzes.models import (  # noqa: E402 - after the course models they refer to
    Attempt,
    Question,
    QuestionCategory,
    QuizOverride,
    QuizPage,
    QuizRandomDraw,
    QuizSlot,
)

from .external_models import ExternalTraining, ManualCompletion  # noqa: E402

__all__ = [
    "AssignmentRule", "CourseCompletion", "ExternalTraining", "ManualCompletion", "Attempt", "CourseModulePage", "CoursePage", "CourseTrainer", "Enrolment", "EnrolmentNotice",
    "LessonCompletion", "LessonPage", "ProgrammePage", "Question", "QuestionCategory", "QuizOverride", "QuizPage",
    "QuizRandomDraw", "QuizSlot", "StaffNotice",
]

from .packages.models import (  # noqa: E402
    ScormAttempt,
    ScormInteraction,
    ScormLessonPage,
    ScormPackage,
    ScormScoState,
)

__all__ += ["ScormAttempt", "ScormInteraction", "ScormLessonPage", "ScormPackage", "ScormScoState"]

from .packages.h5p.models import H5PContent, H5PResult, XAPIStatement  # noqa: E402

__all__ += ["H5PContent", "H5PResult", "XAPIStatement"]
