"""Forms of the quiz screens in the Wagtail admin: question import, essay grading (the question editor's forms
are in question_forms.py)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.admin_forms import CourseChoiceField

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a question file of a course is a few hundred kilobytes at most


class ImportFormat:
    GIFT = "gift"
    MOODLE_XML = "moodle_xml"
    CHOICES = [(GIFT, "GIFT"), (MOODLE_XML, "Moodle XML")]


class QuestionImportForm(forms.Form):
    course = CourseChoiceField()
    category = forms.CharField(
        label=_("Category"), required=False, max_length=500,
        help_text=_("Optional, e.g. «top/Section 1». The file's own categories are placed under it."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.CHOICES, initial=ImportFormat.GIFT)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the courses the person manages: another course's id fails validation like any unknown value.
        self.fields["course"].queryset = courses

    def clean_category(self) -> str:
        parts = [part.strip() for part in self.cleaned_data["category"].split("/") if part.strip()]
        if any(len(part) > 255 for part in parts):
            raise ValidationError(_("A category name is at most 255 characters long."))
        return "/".join(parts)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_IMPORT_BYTES // 2**20})
        return upload


class EssayGradeForm(forms.Form):
    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    percent = forms.DecimalField(label=_("Grade, %"), min_value=0, max_value=100, decimal_places=2)
