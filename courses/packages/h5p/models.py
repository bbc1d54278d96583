"""H5P content as stored, the xAPI statements its player sent, and the learner's result per lesson block. Models
of the ``courses`` app (imported by ``courses.models``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class H5PContent(models.Model):
    title = models.CharField(_("title"), max_length=300)
    # The content type that plays it, as H5P names it: «H5P.MultiChoice 1.16».
    main_library = models.CharField(_("content type"), max_length=200, editable=False)
    # SHA-256 of the uploaded file: the same file is stored once.
    checksum = models.CharField(_("checksum"), max_length=64, unique=True, editable=False)
    file_count = models.PositiveIntegerField(_("number of files"), default=0, editable=False)
    unpacked_bytes = models.PositiveBigIntegerField(_("size unpacked"), default=0, editable=False)
    # Where the unpacked files lie in the media storage, e.g. «h5p/7/» (h5p.json, content/, library folders).
    storage_prefix = models.CharField(_("storage folder"), max_length=100, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("H5P material")
        verbose_name_plural = _("H5P content")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def xapi_object_iri(self) -> str:
        """The activity id the player puts in its statements (the option ``xAPIObjectIRI``); statements about
        other activities are refused. Stable across hosts and lessons: built from SITE_URL and the id."""
        return f"{settings.SITE_URL.rstrip('/')}/xapi/activities/h5p/{self.pk}"


class XAPIStatement(models.Model):
    """One statement as the player sent it, with the actor replaced by ours (the browser's word about who the
    learner is is never kept). The columns repeat what reports and the completion rule read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="xapi_statements")
    content = models.ForeignKey(H5PContent, verbose_name=_("H5P material"), on_delete=models.CASCADE,
                                related_name="statements")
    lesson = models.ForeignKey("courses.LessonPage", verbose_name=_("lesson"), on_delete=models.CASCADE,
                               related_name="xapi_statements")
    block_id = models.CharField(_("lesson block"), max_length=64)
    verb = models.CharField(_("verb"), max_length=255)
    statement = models.JSONField(_("statement"))
    score_raw = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_max = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    score_scaled = models.DecimalField(max_digits=8, decimal_places=7, null=True, blank=True)  # -1..1
    success = models.BooleanField(null=True, blank=True)
    completion = models.BooleanField(null=True, blank=True)
    # No parent activity: about the content as a whole, not one of its sub-questions.
    is_top_level = models.BooleanField(default=False)
    stored_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["stored_at", "pk"]
        indexes = [models.Index(fields=["lesson", "user"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.verb}"


class H5PResult(models.Model):
    """A learner finished an H5P block of a lesson (a top-level scored «completed» or «answered»). One per
    person, lesson, block and recertification cycle: a reopened course is studied anew, earlier cycles stay."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE,
                             related_name="h5p_results")
    lesson = models.ForeignKey("courses.LessonPage", verbose_name=_("lesson"), on_delete=models.CASCADE,
                               related_name="h5p_results")
    block_id = models.CharField(_("lesson block"), max_length=64)
    content = models.ForeignKey(H5PContent, verbose_name=_("H5P material"), on_delete=models.CASCADE,
                                related_name="results")
    cycle = models.PositiveSmallIntegerField(_("recertification cycle"), default=1)
    # The best score reached in this cycle (raw and maximum as the content counts them).
    score = models.DecimalField(_("score"), max_digits=12, decimal_places=4)
    max_score = models.DecimalField(_("maximum score"), max_digits=12, decimal_places=4)
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("H5P result")
        verbose_name_plural = _("H5P results")
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "block_id", "cycle"],
                                               name="h5p_result_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.user} — {self.content} ({self.score}/{self.max_score})"
