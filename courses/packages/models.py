"""A SCORM package as stored: what the check found and where its files lie. A model of the ``courses`` app
(imported by ``courses.models``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
