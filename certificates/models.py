"""Certificates: templates, the yearly registry, and issued documents with frozen facts and their history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from courses.models import CoursePage

from .rating_formula import RATING_COMPONENT_KEYS, RatingFormulaPanel


class CertificateTemplate(models.Model):
    class Kind(models.TextChoices):
        QUALIFICATION = "qualification", _("Qualification certificate (удостоверение)")
        CERTIFICATE = "certificate", _("Certificate (сертификат)")
        INTERNSHIP = "internship", _("Internship note (справка о стажировке)")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("document title"), max_length=100, default="Сертификат")
    orientation = models.CharField(_("orientation"), max_length=16, choices=Orientation.choices,
                                   default=Orientation.LANDSCAPE)
    issuer = models.CharField(_("issuer"), max_length=300,
                              default="Кемеровская областная научная библиотека им. В.Д. Федорова")
    body_text = models.TextField(
        _("body text"), default="об успешном освоении курса",
        help_text=_("The sentence before the course title, e.g. «об успешном освоении курса»."),
    )
    background_image = models.ForeignKey("wagtailimages.Image", verbose_name=_("background"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    logo = models.ForeignKey("wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    signatory_1_name = models.CharField(_("first signatory"), max_length=150, blank=True)
    signatory_1_position = models.CharField(_("position"), max_length=150, blank=True)
    signatory_1_signature = models.ForeignKey("wagtailimages.Image", verbose_name=_("signature"), null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")
    signatory_2_name = models.CharField(_("second signatory"), max_length=150, blank=True)
    signatory_2_position = models.CharField(_("position"), max_length=150, blank=True)
    signatory_2_signature = models.ForeignKey("wagtailimages.Image", verbose_name=_("signature"), null=True,
                                              blank=True, on_delete=models.SET_NULL, related_name="+")
    place = models.CharField(_("place"), max_length=100, default="Кемерово")
    is_default = models.BooleanField(_("default for its kind"), default=False)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [models.UniqueConstraint(fields=["kind"], condition=models.Q(is_default=True),
                                               name="certificate_template_one_default_per_kind")]

    def __str__(self) -> str:
        return self.name


class RegistryCounter(models.Model):
    """The last number issued in a year; its row is locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


def certificate_pdf_path(instance, filename: str) -> str:
    return f"certificates/{instance.year}/{instance.code}.pdf"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced by a reissue")

    number = models.CharField(_("registry number"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField()
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT,
                             related_name="certificates")
    course = models.ForeignKey(CoursePage, verbose_name=_("course"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="certificates")
    internship = models.ForeignKey("internships.Booking", verbose_name=_("internship"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="certificates")
    template = models.ForeignKey(CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="certificates")
    facts = models.JSONField(_("certified facts"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to=certificate_pdf_path, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    # Frozen at issue from the completion (Enrolment.valid_until / Booking.valid_until); empty for no expiry.
    # After this date the document is still genuine but no longer valid («Срок действия истёк»).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The completion's recertification cycle (Enrolment.cycle): each completion of a course has its own document,
    # and the previous cycle's stays valid (and, after its date, expired) so that its check page still answers.
    cycle = models.PositiveSmallIntegerField(_("recertification cycle"), default=1)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason of revocation"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True)  # the holder was e-mailed the link
    replaced_by = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="replaces")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "cycle"], condition=models.Q(status="valid"),
                                    name="certificate_one_valid_per_course_cycle"),
            models.UniqueConstraint(fields=["internship"], condition=models.Q(status="valid"),
                                    name="certificate_one_valid_per_internship"),
            models.UniqueConstraint(fields=["year", "sequence"], name="certificate_sequence_unique"),
        ]
        indexes = [models.Index(fields=["status", "issued_at"])]
        permissions = [("issue_certificate", _("Can issue certificates")),
                       ("reissue_certificate", _("Can reissue certificates")),
                       ("revoke_certificate", _("Can revoke certificates"))]

    def __str__(self) -> str:
        return self.number

    def is_expired(self, today=None) -> bool:
        """Still genuine, no longer valid: the validity date has passed (in Kemerovo)."""
        return self.valid_until is not None and self.valid_until < (today or timezone.localdate())

    @property
    def expired(self) -> bool:
        return self.is_expired()


class PersonalDataErasure(models.Model):
    """The audit of an anonymisation (152-ФЗ): which account, who did it and when. It keeps nothing that was erased
    (no name, no e-mail): only the account's number and how many records and files were cleared."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                                  related_name="personal_data_erasure")
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("anonymised by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    erased_at = models.DateTimeField(_("anonymised"), default=timezone.now)
    summary = models.JSONField(_("what was cleared"), default=dict)

    class Meta:
        verbose_name = _("anonymisation of personal data")
        verbose_name_plural = _("anonymisations of personal data")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"#{self.person_id}"


class WeightField(models.PositiveSmallIntegerField):
    """A rating weight, 0..100; the form says what is wrong in the setting's own words."""

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        field.error_messages["min_value"] = _("A weight cannot be negative.")
        field.error_messages["max_value"] = _("A weight is at most 100.")
        return field


def _weight_field(label, default: int, help_text):
    return WeightField(
        label, default=default, help_text=help_text,
        validators=[MinValueValidator(0, _("A weight cannot be negative.")),
                    MaxValueValidator(100, _("A weight is at most 100."))])


@register_setting(icon="pick")
class RatingSettings(BaseGenericSetting):
    """The weights of the library rating's five components (certificates/rating.py). A weight of 0 leaves its
    component out; at least one weight must be above zero. The panel shows the formula with the saved weights."""

    weight_compliance = _weight_field(_("weight: compliant with every requirement"), 30,
                                      _("Share of the staff who meet every requirement."))
    weight_hours = _weight_field(_("weight: academic hours this year"), 25,
                                 _("Academic hours per staff member this year against the programme's yearly share."))
    weight_internship = _weight_field(_("weight: internship completion"), 20,
                                      _("Share of the staff of Э(В)БК participants with a completed internship."))
    weight_documents = _weight_field(_("weight: documents earned this year"), 15,
                                     _("Valid documents issued this year per staff member, against the best library."))
    weight_change = _weight_field(_("weight: change against last year"), 10,
                                  _("This year's hours against last year's by the same date."))

    panels = [
        RatingFormulaPanel(heading=_("Formula")),
        MultiFieldPanel([FieldPanel("weight_compliance"), FieldPanel("weight_hours"),
                         FieldPanel("weight_internship"), FieldPanel("weight_documents"),
                         FieldPanel("weight_change")], heading=_("Weights")),
    ]

    class Meta:
        verbose_name = _("library rating")

    def clean(self):
        super().clean()
        if not any(getattr(self, f"weight_{key}") for key in RATING_COMPONENT_KEYS):
            raise ValidationError(_("At least one weight must be above zero: otherwise there is nothing to rank by."))

    def weights(self) -> dict[str, int]:
        return {key: getattr(self, f"weight_{key}") for key in RATING_COMPONENT_KEYS}
