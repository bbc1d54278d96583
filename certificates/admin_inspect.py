"""The register's view of one certificate: every fact labelled in Russian, «—» for what is empty, times in Kemerovo.

Wagtail's generic inspect view prints the frozen facts as a Python dict, the fields without a verbose name under
their English attribute names and the datetimes in UTC; this one says what the document certifies as a reader of
the register expects it.
"""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import InspectView

from .models import Certificate

EMPTY = "—"

# The facts frozen at issue (certificates.services), in the order a reader looks for them; the ISO dates and the
# bare number of hours are left out, their phrases («с 1 октября по …», «16 академических часов») say the same.
FACT_LABELS = {
    "full_name": _("Full name"),
    "name_dative": _("Name as written on the document"),
    "library": _("Library"),
    "position": _("Position"),
    "course": _("Course or internship"),
    "programme": _("Programme"),
    "hours_phrase": _("Volume"),
    "period_text": _("Period"),
    "number": _("Registry number"),
    "issued_on": _("Date of issue"),
    "issuer": _("Issued by (organisation)"),
}
FACTS_SAID_OTHERWISE = {"hours", "date_from", "date_to"}

FIELD_LABELS = {
    "number": _("Registry number"),
    "status": _("Status"),
    "user": _("Holder"),
    "course": _("Course"),
    "internship": _("Internship"),
    "template": _("Template"),
    "issued_at": _("Issued at"),
    "issued_by": _("Issued by"),
    "notified_at": _("Holder notified at"),
    "code": _("Verification code"),
    "facts": _("Certified facts"),
    "revoked_at": _("Revoked at"),
    "revoked_by": _("Revoked by"),
    "revoked_reason": _("Reason of revocation"),
    "replaced_by": _("Replaced by"),
}


def kemerovo_time(value: dt.datetime | None) -> str:
    """«3 декабря 2026 г. 16:18» in the site's time zone (Asia/Novokuznetsk), «—» for no time."""
    if value is None:
        return EMPTY
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def person_name(user) -> str:
    if user is None:
        return EMPTY
    return user.full_name or user.email


class CertificateInspectView(InspectView):
    def get_fields(self):
        return list(FIELD_LABELS)  # not the viewset's: the stored PDF file is never linked (downloads are checked)

    def get_object(self, queryset=None):
        # one query for the certificate and everything the page names
        return get_object_or_404(
            Certificate.objects.select_related("user", "course", "internship__session__topic", "internship__user",
                                               "template", "issued_by", "revoked_by", "replaced_by"),
            pk=self.pk)

    def get_field_label(self, field_name, field):
        return FIELD_LABELS[field_name]

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name)
        if field_name == "facts":
            return facts_list(value)
        if field_name == "status":
            return self.object.get_status_display()
        if field_name in {"user", "issued_by", "revoked_by"}:
            return person_name(value)
        if isinstance(value, dt.datetime):
            return kemerovo_time(value)
        if value is None or value == "":
            return EMPTY
        return str(value)


def facts_list(facts: dict) -> str:
    """The certified facts as a labelled list; facts this page has no label for come last, under «Other»."""
    facts = facts or {}
    rows = [(label, facts.get(key) or EMPTY) for key, label in FACT_LABELS.items()]
    rows += [(_("Other"), value) for key, value in facts.items()
             if key not in FACT_LABELS and key not in FACTS_SAID_OTHERWISE and value not in (None, "")]
    return format_html('<dl class="w-border-l w-border-border-furniture w-pl-5">{}</dl>',
                       format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))
