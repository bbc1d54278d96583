"""The trainer's question editor: one form per question type, with rows of answers, pairs or units.

Rows come as Django formsets with a few blank rows; «add more rows» is a submit button that draws the same form
again with more blank rows (no JavaScript needed). Blank rows are ignored. The checks follow Moodle's question
editor and speak Russian; an invalid form keeps everything typed. `QuestionEditor.changed_fields()` gives the
fields of a new version for question_bank.question_new_version; type-specific keys the editor does not know
(from an imported file) are kept.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Question

from ..formats.common import ALLOWED_FRACTIONS, format_percent, snap_fraction
from ..grading import normalise_text, parse_number

BLANK_ROWS = 2          # blank rows under the filled ones
MIN_ROWS = {"answers": 4, "pairs": 4, "units": 2}
ADD_ROWS = 3            # rows added by «add more rows»
MAX_ROWS = 60
ANY_ANSWER = "*"        # a numerical answer matching any other number, as in Moodle
# Managed by the editor; any other key of Question.data is kept as it was.
EDITOR_KEYS = {"single", "answers", "correct", "feedback_true", "feedback_false", "usecase", "units", "pairs",
               "grader_info"}


def _percent_label(fraction: float) -> str:
    return format_percent(fraction).replace(".", ",").replace("-", "−") + " %"


GRADES_ALL = [(format_percent(f), _percent_label(f)) for f in ALLOWED_FRACTIONS]
GRADES_POSITIVE = [(value, label) for value, label in GRADES_ALL if not value.startswith("-")]


def _fraction(value: str) -> float:
    return snap_fraction(float(value) / 100) or 0.0


def _grade_value(fraction) -> str:
    snapped = snap_fraction(float(fraction or 0))
    return format_percent(snapped if snapped is not None else 0.0)


def _number_text(value) -> str:
    if value is None:
        return ANY_ANSWER
    return f"{float(value):.15g}".replace(".", ",")


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Rows --------------------------------------------------------------------------------------------------------

class RowForm(forms.Form):
    """A row of the editor: every field optional here, the editor checks the rows together."""

    blank_when = ("grade", "0")

    def value(self, name: str) -> str:
        return (self.cleaned_data.get(name) or "").strip() if hasattr(self, "cleaned_data") else ""

    def is_blank(self) -> bool:
        field, default = self.blank_when
        return (all(not self.value(name) for name in self.fields if name != field)
                and self.value(field) in ("", default))


class ChoiceRowForm(RowForm):
    text = forms.CharField(label=gettext_lazy("Choice"), required=False, widget=_textarea(2))
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=GRADES_ALL, initial="0", required=False)
    feedback = forms.CharField(label=gettext_lazy("Feedback"), required=False, widget=_textarea(2))


class ShortAnswerRowForm(RowForm):
    text = forms.CharField(label=gettext_lazy("Answer"), required=False, max_length=1000)
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=GRADES_POSITIVE, initial="0", required=False)
    feedback = forms.CharField(label=gettext_lazy("Feedback"), required=False, widget=_textarea(2))


class NumericalRowForm(RowForm):
    value = forms.CharField(label=gettext_lazy("Answer"), required=False, max_length=100,
                            help_text=gettext_lazy("A number, or «*» for any other answer."))
    tolerance = forms.CharField(label=gettext_lazy("Tolerance ±"), required=False, max_length=100, initial="0")
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), choices=GRADES_POSITIVE, initial="0", required=False)
    feedback = forms.CharField(label=gettext_lazy("Feedback"), required=False, widget=_textarea(2))

    def is_blank(self) -> bool:
        return (not self.value("value") and self.value("tolerance") in ("", "0") and self.value("grade") in ("", "0")
                and not self.value("feedback"))


class UnitRowForm(RowForm):
    unit = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=50)
    multiplier = forms.CharField(label=gettext_lazy("Multiplier"), required=False, max_length=100)
    blank_when = ("multiplier", "")


class PairRowForm(RowForm):
    question = forms.CharField(label=gettext_lazy("Question"), required=False, widget=_textarea(2))
    answer = forms.CharField(label=gettext_lazy("Answer"), required=False, max_length=1000, widget=_textarea(2))
    blank_when = ("answer", "")


ROW_FORMS = {"answers": ChoiceRowForm, "pairs": PairRowForm, "units": UnitRowForm}
ROW_SETS = {
    Question.Type.MULTICHOICE: {"answers": ChoiceRowForm},
    Question.Type.SHORTANSWER: {"answers": ShortAnswerRowForm},
    Question.Type.NUMERICAL: {"answers": NumericalRowForm, "units": UnitRowForm},
    Question.Type.MATCHING: {"pairs": PairRowForm},
}


def _initial_rows(qtype: str, name: str, data: dict) -> list[dict]:
    if name == "pairs":
        return [{"question": p.get("question", ""), "answer": p.get("answer", "")}
                for p in data.get("pairs") or [] if isinstance(p, dict)]
    if name == "units":
        return [{"unit": u.get("unit", ""), "multiplier": _number_text(u.get("multiplier", 1))}
                for u in data.get("units") or [] if isinstance(u, dict)]
    rows = []
    for answer in data.get("answers") or []:
        if not isinstance(answer, dict):
            continue
        row = {"grade": _grade_value(answer.get("fraction")), "feedback": answer.get("feedback") or ""}
        if qtype == Question.Type.NUMERICAL:
            row["value"] = _number_text(answer.get("value"))
            row["tolerance"] = _number_text(answer.get("tolerance") or 0) if answer.get("value") is not None else "0"
        else:
            row["text"] = answer.get("text") or ""
        rows.append(row)
    return rows


# --- The question's own fields -----------------------------------------------------------------------------------

class QuestionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=255)
    text = forms.CharField(label=gettext_lazy("Question text"), widget=_textarea(6), required=False)
    text_format = forms.ChoiceField(label=gettext_lazy("Text format"), choices=Question.TextFormat.choices)
    general_feedback = forms.CharField(label=gettext_lazy("General feedback"), widget=_textarea(3),
                                       required=False,
                                       help_text=gettext_lazy("Shown to every learner after the attempt."))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("A question needs a name."))
        return name


class MultichoiceForm(QuestionForm):
    single = forms.TypedChoiceField(
        label=gettext_lazy("Right answers"), coerce=lambda value: value == "1", widget=forms.RadioSelect,
        choices=[("1", gettext_lazy("Only one right answer")), ("0", gettext_lazy("Several right answers"))],
    )


class TrueFalseForm(QuestionForm):
    correct = forms.TypedChoiceField(
        label=gettext_lazy("Right answer"), coerce=lambda value: value == "true", widget=forms.RadioSelect,
        choices=[("true", gettext_lazy("True")), ("false", gettext_lazy("False"))],
    )
    feedback_true = forms.CharField(label=gettext_lazy("Feedback for the answer «True»"), required=False,
                                    widget=_textarea(2))
    feedback_false = forms.CharField(label=gettext_lazy("Feedback for the answer «False»"), required=False,
                                     widget=_textarea(2))


class ShortAnswerForm(QuestionForm):
    usecase = forms.BooleanField(label=gettext_lazy("Case sensitive"), required=False,
                                 help_text=gettext_lazy("When ticked, «Кемерово» and «кемерово» are different "
                                                        "answers. «*» in an answer stands for any characters."))


class EssayForm(QuestionForm):
    grader_info = forms.CharField(label=gettext_lazy("Information for graders"), required=False,
                                  widget=_textarea(4),
                                  help_text=gettext_lazy("What a good answer contains; shown to the trainer "
                                                         "who grades the essay, never to the learner."))


FORMS = {
    Question.Type.MULTICHOICE: MultichoiceForm, Question.Type.TRUEFALSE: TrueFalseForm,
    Question.Type.SHORTANSWER: ShortAnswerForm, Question.Type.ESSAY: EssayForm,
}


def _form_initial(question: Question) -> dict:
    data = question.data if isinstance(question.data, dict) else {}
    initial = {"name": question.name, "text": question.text, "text_format": question.text_format,
               "general_feedback": question.general_feedback}
    if question.qtype == Question.Type.MULTICHOICE:
        initial["single"] = "1" if data.get("single", True) else "0"
    elif question.qtype == Question.Type.TRUEFALSE:
        initial.update(correct="true" if data.get("correct", True) else "false",
                       feedback_true=data.get("feedback_true") or "", feedback_false=data.get("feedback_false") or "")
    elif question.qtype == Question.Type.SHORTANSWER:
        initial["usecase"] = data.get("usecase") is True
    elif question.qtype == Question.Type.ESSAY:
        initial["grader_info"] = data.get("grader_info") or ""
    return initial


# --- The editor --------------------------------------------------------------------------------------------------

class QuestionEditor:
    """The question's form and its row sets, bound to a POST or showing the question as it is.

    `add_rows` names the row set («answers», «pairs», «units») to draw again with more blank rows; such a form is
    not checked and not saved.
    """

    def __init__(self, question: Question, data=None, *, add_rows: str | None = None):
        self.question = question
        self.qtype = question.qtype
        self.bound = data is not None
        stored = question.data if isinstance(question.data, dict) else {}
        self.form = FORMS.get(self.qtype, QuestionForm)(data, initial=_form_initial(question))
        self.rows: dict[str, forms.BaseFormSet] = {}
        for name, row_form in ROW_SETS.get(self.qtype, {}).items():
            initial = _initial_rows(self.qtype, name, stored)
            formset_class = forms.formset_factory(row_form, extra=max(BLANK_ROWS, MIN_ROWS[name] - len(initial)),
                                                  max_num=MAX_ROWS, absolute_max=MAX_ROWS)
            posted = data
            if data is not None and add_rows == name:
                posted = data.copy()
                key = f"{name}-TOTAL_FORMS"
                total = int(posted.get(key)) if str(posted.get(key, "")).isdigit() else 0
                posted[key] = str(min(total + ADD_ROWS, MAX_ROWS))
            self.rows[name] = formset_class(posted, initial=None if data is not None else initial, prefix=name)
        self.errors: list[str] = []

    @property
    def row_sets(self) -> list[tuple[str, forms.BaseFormSet]]:
        return list(self.rows.items())

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.rows.values():
            valid = formset.is_valid() and valid
        if not valid:
            return False
        self.data = self._check()
        return not self.errors and not any(f.errors for fs in self.rows.values() for f in fs.forms) \
            and not self.form.errors

    def changed_fields(self) -> dict:
        cleaned = self.form.cleaned_data
        stored = self.question.data if isinstance(self.question.data, dict) else {}
        kept = {key: value for key, value in stored.items() if key not in EDITOR_KEYS}
        return {"name": cleaned["name"], "text": cleaned["text"], "text_format": cleaned["text_format"],
                "general_feedback": cleaned["general_feedback"], "data": {**kept, **self.data}}

    # --- checks per type -------------------------------------------------------------------------------------

    def _filled(self, name: str) -> list[tuple[int, RowForm]]:
        return [(number, form) for number, form in enumerate(self.rows[name].forms, start=1) if not form.is_blank()]

    def _check(self) -> dict:
        cleaned = self.form.cleaned_data
        if self.qtype == Question.Type.MULTICHOICE:
            return {"single": cleaned["single"], "answers": self._choices(single=cleaned["single"])}
        if self.qtype == Question.Type.TRUEFALSE:
            return {"correct": cleaned["correct"], "feedback_true": cleaned["feedback_true"],
                    "feedback_false": cleaned["feedback_false"]}
        if self.qtype == Question.Type.SHORTANSWER:
            return {"usecase": cleaned["usecase"], "answers": self._short_answers(usecase=cleaned["usecase"])}
        if self.qtype == Question.Type.NUMERICAL:
            return {"answers": self._numbers(), "units": self._units()}
        if self.qtype == Question.Type.MATCHING:
            return {"pairs": self._pairs()}
        if self.qtype == Question.Type.ESSAY:
            return {"grader_info": cleaned["grader_info"]}
        return {}

    def _text_rows(self, *, usecase: bool) -> list[dict]:
        answers, seen = [], {}
        for number, form in self._filled("answers"):
            text = form.value("text")
            if not text:
                form.add_error("text", _("Enter the text of this row or clear its grade and feedback."))
                continue
            key = normalise_text(text, fold_case=not usecase)
            if key in seen:
                form.add_error("text", _("This repeats row %(number)d.") % {"number": seen[key]})
                continue
            seen[key] = number
            answers.append({"text": text, "fraction": _fraction(form.value("grade") or "0"),
                            "feedback": form.value("feedback")})
        return answers

    def _choices(self, *, single: bool) -> list[dict]:
        answers = self._text_rows(usecase=True)
        if len(answers) < 2:
            self.errors.append(_("A question needs at least two choices."))
        elif single and max(a["fraction"] for a in answers) != 1.0:
            self.errors.append(_("One of the choices must be worth 100 %, so that full marks can be earned."))
        elif not single:
            positive = sum(Decimal(str(a["fraction"])) for a in answers if a["fraction"] > 0)
            if abs(positive - 1) > Decimal("0.0001"):
                self.errors.append(_("The positive grades of the choices must add up to 100 %% (now %(sum)s %%).")
                                   % {"sum": format_percent(float(positive)).replace(".", ",")})
        return answers

    def _short_answers(self, *, usecase: bool) -> list[dict]:
        answers = self._text_rows(usecase=usecase)
        if not answers:
            self.errors.append(_("Enter at least one answer."))
        elif max(a["fraction"] for a in answers) != 1.0:
            self.errors.append(_("One of the answers must be worth 100 %, so that full marks can be earned."))
        return answers

    def _numbers(self) -> list[dict]:
        answers = []
        for _number, form in self._filled("answers"):
            text = form.value("value")
            if not text:
                form.add_error("value", _("Enter the answer or clear this row."))
                continue
            tolerance = parse_number(form.value("tolerance") or "0")
            if tolerance is None or tolerance < 0:
                form.add_error("tolerance", _("The tolerance is a number of at least 0."))
            if text == ANY_ANSWER:
                value = None
            else:
                value = parse_number(text)
                if value is None:
                    form.add_error("value", _("Enter a number (for example 3,14) or «*» for any other answer."))
                    continue
            if tolerance is None or tolerance < 0:
                continue
            answers.append({"value": None if value is None else float(value),
                            "tolerance": float(tolerance) if value is not None else 0.0,
                            "fraction": _fraction(form.value("grade") or "0"), "feedback": form.value("feedback")})
        if not answers:
            if not any(form.errors for _n, form in self._filled("answers")):
                self.errors.append(_("Enter at least one answer."))
        elif max(a["fraction"] for a in answers) != 1.0:
            self.errors.append(_("One of the answers must be worth 100 %, so that full marks can be earned."))
        return answers

    def _units(self) -> list[dict]:
        units, seen = [], {}
        for number, form in self._filled("units"):
            unit = form.value("unit")
            multiplier = parse_number(form.value("multiplier") or "1")
            if not unit:
                form.add_error("unit", _("Enter the unit or clear this row."))
                continue
            if any(character.isdigit() for character in unit):
                form.add_error("unit", _("A unit has no digits in it."))
                continue
            if unit in seen:
                form.add_error("unit", _("This repeats row %(number)d.") % {"number": seen[unit]})
                continue
            seen[unit] = number
            if multiplier is None or multiplier <= 0:
                form.add_error("multiplier", _("The multiplier is a number greater than 0."))
                continue
            if not units and multiplier != 1:
                form.add_error("multiplier", _("The first unit is the base one: its multiplier is 1."))
                continue
            units.append({"unit": unit, "multiplier": float(multiplier)})
        return units

    def _pairs(self) -> list[dict]:
        pairs, seen, questions = [], {}, 0
        for number, form in self._filled("pairs"):
            question, answer = form.value("question"), form.value("answer")
            if not answer:
                form.add_error("answer", _("Enter the answer to this question."))
                continue
            if question:
                key = normalise_text(question)
                if key in seen:
                    form.add_error("question", _("This repeats row %(number)d.") % {"number": seen[key]})
                    continue
                seen[key] = number
                questions += 1
            pairs.append({"question": question, "answer": answer})
        if questions < 2:
            self.errors.append(_("A matching question needs at least two pairs of a question and its answer."))
        return pairs
