"""Forms of the quiz screens in the Wagtail admin: question bank edits, question import, essay grading."""

from __future__ import annotations

import json
import math

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.admin_forms import CourseChoiceField
from courses.models import Question

from ..formats.common import snap_fraction
from ..question_bank import COMMON_KEYS

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


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_answers(answers, *, key: str, minimum: int, errors: list[str]) -> None:
    if not isinstance(answers, list) or len(answers) < minimum:
        errors.append(_("«answers» must be a list of at least %(count)d answers.") % {"count": minimum})
        return
    for number, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict):
            errors.append(_("Answer %(number)d is not an object.") % {"number": number})
            continue
        fraction = answer.get("fraction")
        if not _number(fraction) or not -1 <= fraction <= 1:
            errors.append(_("Answer %(number)d: «fraction» must be a number from -1 to 1.") % {"number": number})
        elif snap_fraction(float(fraction)) is None:
            errors.append(_("Answer %(number)d: the fraction %(fraction)s is not a grade Moodle allows.")
                          % {"number": number, "fraction": fraction})
        if key == "value":
            value, tolerance = answer.get("value"), answer.get("tolerance", 0)
            if value is not None and not _number(value):
                errors.append(_("Answer %(number)d: «value» must be a number or null.") % {"number": number})
            if not _number(tolerance) or tolerance < 0:
                errors.append(_("Answer %(number)d: «tolerance» must be a number of at least 0.")
                              % {"number": number})
        elif not isinstance(answer.get("text"), str) or not answer["text"].strip():
            errors.append(_("Answer %(number)d: «text» must be a non-empty string.") % {"number": number})
        if not isinstance(answer.get("feedback", ""), str):
            errors.append(_("Answer %(number)d: «feedback» must be a string.") % {"number": number})
    good = [a for a in answers if isinstance(a, dict) and _number(a.get("fraction")) and a["fraction"] > 0]
    if not good:
        errors.append(_("At least one answer must have a positive fraction."))


def validate_question_data(qtype: str, data) -> list[str]:
    """What is wrong with the type-specific part of a question (empty when nothing is)."""
    if not isinstance(data, dict):
        return [_("The type's data must be a JSON object ({...}).")]
    errors: list[str] = []
    common = sorted(set(data) & set(COMMON_KEYS))
    if common:
        errors.append(_("These keys are edited in their own fields, not here: %(keys)s.")
                      % {"keys": ", ".join(common)})
    if qtype == Question.Type.MULTICHOICE:
        if not isinstance(data.get("single", True), bool):
            errors.append(_("«single» must be true or false."))
        _check_answers(data.get("answers"), key="text", minimum=2, errors=errors)
    elif qtype == Question.Type.SHORTANSWER:
        _check_answers(data.get("answers"), key="text", minimum=1, errors=errors)
    elif qtype == Question.Type.NUMERICAL:
        _check_answers(data.get("answers"), key="value", minimum=1, errors=errors)
    elif qtype == Question.Type.TRUEFALSE:
        if not isinstance(data.get("correct"), bool):
            errors.append(_("«correct» must be true or false."))
        for key in ("feedback_true", "feedback_false"):
            if not isinstance(data.get(key, ""), str):
                errors.append(_("«%(key)s» must be a string.") % {"key": key})
    elif qtype == Question.Type.MATCHING:
        pairs = data.get("pairs")
        if (not isinstance(pairs, list) or len(pairs) < 3
                or not all(isinstance(p, dict) and isinstance(p.get("question", ""), str)
                           and isinstance(p.get("answer"), str) and p["answer"].strip() for p in pairs)
                or sum(1 for p in pairs if p.get("question", "").strip()) < 2):
            errors.append(_("«pairs» must be a list of at least three {\"question\", \"answer\"} objects, "
                            "at least two of them with a question."))
    return errors


class QuestionEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255)
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    text_format = forms.ChoiceField(label=_("Text format"), choices=Question.TextFormat.choices)
    general_feedback = forms.CharField(label=_("General feedback"), widget=forms.Textarea(attrs={"rows": 3}),
                                       required=False)
    data = forms.CharField(
        label=_("Type-specific data (JSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 14, "style": "font-family: monospace"}),
        help_text=_("Answers with their fractions (from -1 to 1) and feedback, pairs, the right value."),
    )

    def __init__(self, *args, question: Question, **kwargs):
        self.question = question
        kwargs.setdefault("initial", {
            "name": question.name, "text": question.text, "text_format": question.text_format,
            "general_feedback": question.general_feedback,
            "data": json.dumps(question.data, ensure_ascii=False, indent=2),
        })
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("A question needs a name."))
        return name

    def clean_data(self) -> dict:
        raw = self.cleaned_data["data"].strip() or "{}"
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ValidationError(_("This is not valid JSON: %(error)s") % {"error": exc}) from exc
        errors = validate_question_data(self.question.qtype, data)
        if errors:
            raise ValidationError(errors)
        return data

    def changed_fields(self) -> dict:
        return {key: self.cleaned_data[key] for key in ("name", "text", "text_format", "general_feedback", "data")}


class EssayGradeForm(forms.Form):
    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    percent = forms.DecimalField(label=_("Grade, %"), min_value=0, max_value=100, decimal_places=2)
