"""Forms of the course screens in the Wagtail admin."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from lms.accounts.models import User, normalize_email
from lms.libraries.models import Library, Municipality
from lms.libraries.selectors import library_choices

from .models import AssignmentRule, CoursePage, CourseTrainer

# Pasted lists come from e-mails and spreadsheets: one address a line, or separated by commas or semicolons.
EMAIL_SEPARATORS = re.compile(r"[\s,;]+")
MAX_EMAILS = 2000


class CourseChoiceField(forms.ModelChoiceField):
    """A plain list of courses (titles in tree order): shorter than the page chooser for a few dozen courses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", CoursePage.objects.order_by("path"))
        kwargs.setdefault("label", _("Course"))
        kwargs.setdefault("empty_label", _("— choose —"))
        super().__init__(**kwargs)

    def label_from_instance(self, course):
        return course.title if course.live else _("%(title)s (not published)") % {"title": course.title}


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, library):
        return f"{library.short_name} ({library.municipality})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name or person.email} — {person.email}"


class CourseTrainerForm(WagtailAdminModelForm):
    course = CourseChoiceField()
    user = PersonChoiceField(label=_("Trainer"), empty_label=_("— choose —"),
                             queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name", "pk"))

    class Meta:
        model = CourseTrainer
        fields = ["course", "user"]


class AssignmentRuleForm(WagtailAdminModelForm):
    course = CourseChoiceField()
    # All libraries, not only active ones: a rule saved earlier may name a library closed since.
    library = LibraryChoiceField(label=_("Library"), queryset=Library.objects.select_related("municipality")
                                 .order_by("short_name"), required=False, empty_label=_("— any —"),
                                 help_text=_("Its branches are included."))

    class Meta:
        model = AssignmentRule
        fields = ["course", "title", "evbk_only", "library", "municipality", "position_contains", "due_date",
                  "due_in_days", "is_active"]
        widgets = {"due_date": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].empty_label = _("— any —")


class BulkEnrolmentForm(forms.Form):
    """Whom to enrol: people meeting conditions, or a pasted list of e-mail addresses (not both)."""

    course = CourseChoiceField()
    library = LibraryChoiceField(label=_("Library"), queryset=library_choices(), required=False,
                                 empty_label=_("— any —"), help_text=_("Its branches are included."))
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Municipality.objects.all(),
                                          required=False, empty_label=_("— any —"))
    evbk_only = forms.BooleanField(label=_("Only staff of Э(В)БК participants"), required=False)
    position_contains = forms.CharField(label=_("Position contains"), max_length=100, required=False)
    emails = forms.CharField(
        label=_("Or a list of e-mail addresses"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One address a line, or separated by commas or semicolons. The conditions above are not used "
                    "with a list."),
    )
    emails_file = forms.FileField(
        label=_("Or upload a list (CSV, TXT or XLSX)"), required=False,
        help_text=_("Every e-mail address found in the file is added to the list above."),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=AdminDateInput)

    def clean_position_contains(self) -> str:
        return " ".join(self.cleaned_data["position_contains"].split())

    def clean_emails(self) -> list[str]:
        """A list of distinct normalised addresses, in the order given; malformed ones are an error."""
        emails, bad = [], []
        for item in EMAIL_SEPARATORS.split(self.cleaned_data["emails"]):
            if not item:
                continue
            email = normalize_email(item)
            try:
                validate_email(email)
            except ValidationError:
                bad.append(item)
                continue
            if email not in emails:
                emails.append(email)
        if bad:
            raise ValidationError(_("Not e-mail addresses: %(items)s.") % {"items": ", ".join(bad[:20])})
        if len(emails) > MAX_EMAILS:
            raise ValidationError(_("At most %(count)d addresses at once.") % {"count": MAX_EMAILS})
        return emails

    def clean(self):
        data = super().clean()
        conditions = [data.get("library"), data.get("municipality"), data.get("evbk_only"),
                      data.get("position_contains")]
        if data.get("emails") and any(conditions):
            raise ValidationError(_("Give either conditions or a list of e-mail addresses, not both."))
        if not self.errors and not data.get("emails") and not any(conditions):
            # Without a condition the group would be every member of staff in the region.
            raise ValidationError(_("Choose at least one condition or paste a list of e-mail addresses."))
        return data

    def selection(self) -> dict:
        """The arguments of selectors.people_for_bulk_enrolment."""
        data = self.cleaned_data
        library: Library | None = data.get("library")
        municipality: Municipality | None = data.get("municipality")
        return {
            "emails": data.get("emails") or None,
            "evbk_only": bool(data.get("evbk_only")),
            "library_id": library.pk if library else None,
            "municipality_id": municipality.pk if municipality else None,
            "position_contains": data.get("position_contains", ""),
        }


def emails_from_upload(upload) -> str:
    """The e-mail addresses found anywhere in an uploaded table, one a line (for the list field).

    Raises ValidationError with the reader's message when the file cannot be read.
    """
    from lms.accounts.staff_import import MAX_FILE_BYTES, StaffFileError, read_table

    try:
        table = read_table(data=upload.read(MAX_FILE_BYTES + 1), filename=upload.name)
    except StaffFileError as exc:
        raise ValidationError(str(exc)) from exc
    found = []
    for row in table:
        for cell in row:
            candidate = normalize_email(cell)
            try:
                validate_email(candidate)
            except ValidationError:
                continue
            found.append(candidate)
    return "\n".join(found)
