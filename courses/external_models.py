"""Training outside the platform (a course elsewhere, a seminar, a conference) that a person records and an
administrator confirms, and the audit of courses an administrator marks complete by hand. Models of the
``courses`` app (imported by ``courses.models``)."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lms.dates import days


def external_document_path(instance, filename: str) -> str:
    # A random name in a folder the media server never serves: the file is given out by a view that checks access.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/external_training/{timezone.localdate():%Y}/{secrets.token_hex(16)}.{extension}"


class ExternalTraining(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("external training", "Awaiting confirmation")
        CONFIRMED = "confirmed", pgettext_lazy("external training", "Confirmed")
        REJECTED = "rejected", pgettext_lazy("external training", "Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE,
                             related_name="external_trainings")
    title = models.CharField(_("training title"), max_length=300)
    organisation = models.CharField(_("organisation"), max_length=300)
    academic_hours = models.PositiveSmallIntegerField(_("academic hours"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    document = models.FileField(_("scanned document"), upload_to=external_document_path, blank=True, max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The moment the hours belong to (courses/hours.py reads ``completed_at`` of every source): the start of the
    # training's last day in Kemerovo time, so the year of the hours is the year of the end date.
    completed_at = models.DateTimeField(editable=False)

    class Meta:
        verbose_name = _("external training")
        verbose_name_plural = _("external training")
        ordering = ["-created_at"]
        permissions = [("review_externaltraining", "Can confirm or reject external training")]
        constraints = [
            models.CheckConstraint(condition=models.Q(academic_hours__gt=0), name="external_training_hours_gt_0"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="external_training_dates_in_order"),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.title}"

    @property
    def period_text(self) -> str:
        """«12 ноября 2026 г.» for one day, «12–14 ноября 2026 г.» for several."""
        return days(self.starts_on, self.ends_on)

    def save(self, *args, **kwargs):
        self.completed_at = datetime.datetime.combine(self.ends_on, datetime.time.min,
                                                      tzinfo=timezone.get_default_timezone())
        super().save(*args, **kwargs)


class ManualCompletion(models.Model):
    """Who marked a course complete by hand for a person, when and why (the enrolment's completion itself goes
    through the same service as any other)."""

    enrolment = models.ForeignKey("courses.Enrolment", verbose_name=_("enrolment"), on_delete=models.CASCADE,
                                  related_name="manual_completions")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("marked by"))
    completed_at = models.DateTimeField(_("marked"), default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("course completed by hand")
        verbose_name_plural = _("courses completed by hand")
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return str(self.enrolment)
