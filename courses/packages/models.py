"""A SCORM package as stored: what the check found and where its files lie. A model of the ``courses`` app
(imported by ``courses.models``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from lms.content_cache import CachedViewRestrictionsMixin

from .manifest import VERSION_12, VERSION_2004_2ND, VERSION_2004_3RD, VERSION_2004_4TH


class ScormPackage(models.Model):
    class Version(models.TextChoices):
        SCORM_12 = VERSION_12, _("SCORM 1.2")
        SCORM_2004_2ND = VERSION_2004_2ND, _("SCORM 2004, 2nd edition")
        SCORM_2004_3RD = VERSION_2004_3RD, _("SCORM 2004, 3rd edition")
        SCORM_2004_4TH = VERSION_2004_4TH, _("SCORM 2004, 4th edition")

    title = models.CharField(_("title"), max_length=300)
    version = models.CharField(_("SCORM version"), max_length=16, choices=Version.choices)
    # SHA-256 of the uploaded zip: the same package is stored once.
    checksum = models.CharField(_("checksum"), max_length=64, unique=True, editable=False)
    # The SCOs in the order of the organization: [{"identifier", "title", "launch"}], as scorm_inspect prints them.
    scos = models.JSONField(_("learning objects"), default=list, editable=False)
    file_count = models.PositiveIntegerField(_("number of files"), default=0, editable=False)
    unpacked_bytes = models.PositiveBigIntegerField(_("size unpacked"), default=0, editable=False)
    # Where the files lie in the media storage, e.g. «scorm/12/»; a launch address is read under it.
    storage_prefix = models.CharField(_("storage folder"), max_length=100, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def sco_count(self) -> int:
        return len(self.scos)

    def launch_path(self, sco_index: int = 0) -> str:
        """The storage name of a SCO's launch file (with its query string, if any)."""
        return self.storage_prefix + self.scos[sco_index]["launch"]


class ScormLessonPage(CachedViewRestrictionsMixin, Page):
    """A lesson of a course played from a SCORM package. It counts toward the course's progress (a progress
    contribution, courses/packages/progress.py) once the learner's attempt meets the trainer's rule."""

    class CompletionMode(models.TextChoices):
        COMPLETED = "completed", _("The package reports it completed")
        PASSED = "passed", _("The package reports it passed")
        SCORE = "score", _("The score reaches the pass mark")

    package = models.ForeignKey(ScormPackage, verbose_name=_("SCORM package"), on_delete=models.PROTECT,
                                related_name="lessons")
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=20)
    is_required = models.BooleanField(_("required"), default=True,
                                      help_text=_("Required lessons count toward the course's completion."))
    completion_mode = models.CharField(_("the lesson is studied when"), max_length=16,
                                       choices=CompletionMode.choices, default=CompletionMode.COMPLETED)
    pass_score = models.PositiveSmallIntegerField(
        _("pass mark, %"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Only for «the score reaches the pass mark»: the lowest score, in per cent of the maximum."))

    content_panels = Page.content_panels + [
        FieldPanel("package"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("is_required")]),
        FieldRowPanel([FieldPanel("completion_mode"), FieldPanel("pass_score")]),
    ]
    parent_page_types = ["courses.CoursePage", "courses.CourseModulePage"]
    subpage_types: list[str] = []
    is_quiz = False  # the syllabus lists it with the lessons
    is_scorm = True

    class Meta:
        verbose_name = _("SCORM lesson")
        verbose_name_plural = _("SCORM lessons")

    def get_context(self, request, *args, **kwargs):
        from .page_context import scorm_context

        context = super().get_context(request, *args, **kwargs)
        context.update(scorm_context(request, self))
        return context

    def serve(self, request, *args, **kwargs):
        from courses.page_context import lesson_serve

        response = lesson_serve(request, self, super_serve=super().serve, args=args, kwargs=kwargs)
        # The player frames the package's content, served from this site (courses/packages/views.py): the site's
        # policy allows frames from its own origin on this page only.
        response._csp_update = {"frame-src": ["'self'"]}
        return response

    def clean(self):
        super().clean()
        if self.completion_mode == self.CompletionMode.SCORE and self.pass_score is None:
            raise ValidationError({"pass_score": _("Give the pass mark for a lesson completed by its score.")})


class ScormAttempt(models.Model):
    """A learner's attempt at a SCORM lesson: the roll-up of its SCOs' states. A new attempt starts when the learner
    begins again after finishing, and on recertification (attempts of earlier cycles stay as history)."""

    # Words of an attempt (попытка: feminine), apart from the same English words elsewhere in the catalogue.
    class Completion(models.TextChoices):
        NOT_ATTEMPTED = "not attempted", pgettext_lazy("scorm attempt", "not opened")
        INCOMPLETE = "incomplete", pgettext_lazy("scorm attempt", "not finished")
        COMPLETED = "completed", pgettext_lazy("scorm attempt", "finished")

    class Success(models.TextChoices):
        UNKNOWN = "unknown", pgettext_lazy("scorm attempt", "no result")
        PASSED = "passed", pgettext_lazy("scorm attempt", "passed")
        FAILED = "failed", pgettext_lazy("scorm attempt", "not passed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="scorm_attempts")
    lesson = models.ForeignKey(ScormLessonPage, verbose_name=_("SCORM lesson"), on_delete=models.CASCADE,
                               related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    completion_status = models.CharField(_("completion"), max_length=16, choices=Completion.choices,
                                         default=Completion.NOT_ATTEMPTED)
    success_status = models.CharField(_("result"), max_length=16, choices=Success.choices, default=Success.UNKNOWN)
    # The lesson's score in per cent (0-100) rolled up from its SCOs; empty until one reports a score.
    score_percent = models.DecimalField(_("score, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_seconds = models.DecimalField(_("time spent, seconds"), max_digits=12, decimal_places=2, default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    # When the attempt first met the lesson's rule (it then counts toward the course); empty until then.
    satisfied_at = models.DateTimeField(_("lesson studied"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        ordering = ["lesson", "user", "number"]
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "number"], name="scorm_attempt_number")]
        indexes = [models.Index(fields=["lesson", "user"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.lesson} ({self.number})"


class ScormScoState(models.Model):
    """The run-time data of one SCO in one attempt, as the SCO last committed it (after the server's check).
    ``data`` holds the committed data model elements by their dotted names, without the interactions, which have
    rows of their own; the columns repeat what reports and the roll-up read."""

    attempt = models.ForeignKey(ScormAttempt, on_delete=models.CASCADE, related_name="sco_states")
    sco = models.CharField(_("SCO identifier"), max_length=255)
    data = models.JSONField(default=dict)
    completion_status = models.CharField(max_length=16, default="not attempted")
    success_status = models.CharField(max_length=16, default="unknown")
    score_raw = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_min = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_max = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)  # -1..1 (2004)
    total_seconds = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    sessions = models.PositiveIntegerField(default=0)  # how many times the SCO was launched in this attempt
    # The session_time already counted into total_seconds, per session (launch number -> seconds as a string).
    # A SCO commits many times in one session, each time with the session's running time; only the growth is added,
    # and two tabs (two sessions) committing in turn each keep their own count. The last few sessions are kept.
    session_seconds = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)  # commits saved
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("SCO state")
        verbose_name_plural = _("SCO states")
        constraints = [models.UniqueConstraint(fields=["attempt", "sco"], name="scorm_sco_state_once")]


class ScormInteraction(models.Model):
    """One ``cmi.interactions.n`` of a SCO state, as last committed (n is ``index``)."""

    state = models.ForeignKey(ScormScoState, on_delete=models.CASCADE, related_name="interactions")
    index = models.PositiveIntegerField()
    identifier = models.CharField(max_length=4000, blank=True)
    type = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    learner_response = models.TextField(blank=True)
    correct_responses = models.JSONField(default=list)
    result = models.CharField(max_length=64, blank=True)
    weighting = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    latency_seconds = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    timestamp = models.CharField(max_length=64, blank=True)  # as the SCO gave it

    class Meta:
        verbose_name = _("SCORM interaction")
        verbose_name_plural = _("SCORM interactions")
        ordering = ["state", "index"]
        constraints = [models.UniqueConstraint(fields=["state", "index"], name="scorm_interaction_once")]
