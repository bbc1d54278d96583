"""The review of a submitted attempt: what the quiz's review options let the person see now, question by question.

Moodle's model: seven things may be shown (the learner's answers, whether each was right, the marks, the specific
feedback of the answers given, the question's general feedback, the right answers, the quiz's overall feedback),
each at three moments: right after the attempt (its first `IMMEDIATELY` minutes after submission), later while the
quiz is still open, and after it closes. A trainer of the course sees everything at any moment.

Everything is read from the attempt's frozen questions (what it served), never from the bank's current versions;
the marks and whether an answer was right come from the attempt's stored grades, as the trainer last set them.
Pure Python over the attempt and its quiz: no queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .grading import grade
from .services import graded_question

# How long "right after the attempt" lasts (Moodle's two minutes).
IMMEDIATELY = timedelta(minutes=2)

AFTER_SUBMIT, LATER, AFTER_CLOSE = "after_submit", "later", "after_close"


@dataclass(frozen=True)
class ReviewOptions:
    """What may be shown at one moment; the names are the middle parts of the quiz's `review_*` fields."""

    responses: bool = False
    correctness: bool = False
    score: bool = False
    feedback: bool = False
    general_feedback: bool = False
    answers: bool = False
    overall_feedback: bool = False

    @classmethod
    def of(cls, quiz, moment: str) -> ReviewOptions:
        return cls(**{name.name: bool(getattr(quiz, f"review_{name.name}_{moment}")) for name in fields(cls)})

    @classmethod
    def everything(cls) -> ReviewOptions:
        return cls(**{name.name: True for name in fields(cls)})

    @property
    def anything(self) -> bool:
        return any(getattr(self, name.name) for name in fields(self))

    def adds_to(self, other: ReviewOptions) -> bool:
        """Does this show something `other` does not?"""
        return any(getattr(self, name.name) and not getattr(other, name.name) for name in fields(self))

    @property
    def per_question(self) -> bool:
        """Anything shown inside the questions (the marks alone are shown as the attempt's total too)."""
        return any((self.responses, self.correctness, self.score, self.feedback, self.general_feedback,
                    self.answers))


def review_moment(quiz, attempt, now: datetime) -> str:
    """Which of the three moments it is for this attempt."""
    if quiz.closes_at and now > quiz.closes_at:
        return AFTER_CLOSE
    if attempt.submitted_at and now - attempt.submitted_at <= IMMEDIATELY:
        return AFTER_SUBMIT
    return LATER


# --- numbers and words -------------------------------------------------------------------------------------------


def number_text(value) -> str:
    """A number of marks as Russians write it: at most two decimals, no trailing zeros, a decimal comma."""
    rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def exact_number_text(value) -> str:
    """A number as given (a numerical question's answer, 0,001 or 1920), with a decimal comma."""
    number = Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",")


def marks_text(obtained, total) -> str:
    """«1 из 2 баллов», «0,5 из 1 балла»: the plural form follows the total (a fraction takes the form of one)."""
    return ngettext("%(obtained)s of %(total)s mark", "%(obtained)s of %(total)s marks", _count(total)) % {
        "obtained": number_text(obtained), "total": number_text(total)}


def _count(total) -> int:
    """The number ngettext chooses the form by: a whole total is itself, a fraction takes the form of one
    («из 1,5 балла», like «из 1 балла»)."""
    value = Decimal(str(total))
    return int(value) if value == value.to_integral_value() else 1


STATE_LABELS = {
    "right": lambda: _("correct"),
    "partial": lambda: _("partially correct"),
    "wrong": lambda: _("incorrect"),
    "pending": lambda: _("waiting for grading"),
}


def state_of(fraction) -> str:
    if fraction is None:
        return "pending"
    if fraction >= 1 - 1e-7:
        return "right"
    if fraction > 1e-7:
        return "partial"
    return "wrong"


# --- one question ------------------------------------------------------------------------------------------------


@dataclass
class MatchRow:
    left: str            # the row (HTML of the question text)
    chosen: str          # the learner's answer, plain text ("" when none)
    right: str           # the right answer, plain text
    state: str = ""      # "right" / "wrong" when correctness is shown
    state_label: str = ""


@dataclass
class ReviewItem:
    index: int
    number: int
    kind: str
    text: str
    text_format: str
    show: ReviewOptions
    answered: bool = False
    chosen: list[str] = field(default_factory=list)     # multichoice and true/false: the answers given (HTML)
    typed: str = ""                                      # short answer, numerical, essay: the text given
    rows: list[MatchRow] = field(default_factory=list)   # matching
    state: str = ""
    state_label: str = ""
    marks: str = ""
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    right: list[str] = field(default_factory=list)       # right answers (HTML); matching: in `rows`
    right_label: str = ""


def _fold(text) -> str:
    return " ".join(str(text or "").split())


def _chosen_indexes(response) -> list[int]:
    values = response if isinstance(response, list) else [response]
    return [value for value in values if type(value) is int]


def _right_answers(question: dict) -> list[str]:
    kind = question["type"]
    answers = [a for a in question.get("answers") or [] if isinstance(a, dict)]
    if kind == "multichoice":
        if question.get("single", True):
            best = max((a.get("fraction") or 0 for a in answers), default=0)
            return [a.get("text", "") for a in answers if best > 0 and (a.get("fraction") or 0) == best]
        return [a.get("text", "") for a in answers if (a.get("fraction") or 0) > 0]
    if kind == "truefalse":
        return [_("True") if question.get("correct") is True else _("False")]
    if kind == "shortanswer":
        best = max((a.get("fraction") or 0 for a in answers), default=0)
        return [a.get("text", "") for a in answers if best > 0 and (a.get("fraction") or 0) == best]
    if kind == "numerical":
        right = []
        for answer in answers:
            if answer.get("value") is None or (answer.get("fraction") or 0) < 1:
                continue
            tolerance = answer.get("tolerance") or 0
            value = exact_number_text(answer["value"])
            right.append(f"{value} ± {exact_number_text(tolerance)}" if tolerance else value)
        return right
    return []


def review_item(attempt, index: int, number: int, show: ReviewOptions, *, fold_yo: bool) -> ReviewItem:
    """What may be shown of the attempt's question `index` (its `number` among the questions)."""
    entry = attempt.questions[index]
    question = entry["question"]  # the text as it was served
    key = graded_question(entry)  # right answers and feedback: the served version, or a regrade's key
    kind = question["type"]
    item = ReviewItem(index=index, number=number, kind=kind, text=question.get("text", ""),
                      text_format=question.get("text_format", "moodle"), show=show)
    if kind == "description":
        return item
    response = attempt.answers.get(str(index))
    answers = question.get("answers") or []
    if kind == "multichoice":
        order = entry.get("order") or list(range(len(answers)))
        chosen = set(_chosen_indexes(response))
        item.chosen = [answers[i].get("text", "") for i in order if i in chosen and 0 <= i < len(answers)]
        item.answered = bool(item.chosen)
    elif kind == "truefalse":
        item.answered = isinstance(response, bool)
        item.chosen = [_("True") if response else _("False")] if item.answered else []
    elif kind == "matching":
        pairs = question.get("pairs") or []
        key_pairs = key.get("pairs") or pairs
        given = response if isinstance(response, dict) else {}
        for row in entry.get("rows", []):
            chosen = given.get(str(row)) or ""
            right = (key_pairs[row] if row < len(key_pairs) else pairs[row]).get("answer", "")
            state = ("right" if _fold(chosen) == _fold(right) else "wrong") if show.correctness else ""
            item.rows.append(MatchRow(left=pairs[row].get("question", ""), chosen=chosen, right=right, state=state,
                                      state_label=STATE_LABELS[state]() if state else ""))
        item.answered = any(row.chosen for row in item.rows)
    else:  # short answer, numerical, essay
        item.typed = response if isinstance(response, str) else ""
        item.answered = bool(item.typed.strip())

    fraction = attempt.grades.get(str(index))
    if show.correctness:
        item.state = state_of(fraction)
        item.state_label = STATE_LABELS[item.state]()
    if show.score:
        if fraction is None:
            item.marks = ngettext("not graded yet (out of %(total)s mark)", "not graded yet (out of %(total)s marks)",
                                  _count(entry["marks"])) % {"total": number_text(entry["marks"])}
        else:
            item.marks = marks_text(Decimal(str(fraction)) * Decimal(str(entry["marks"])), entry["marks"])
    if show.feedback and kind != "essay":
        graded = response
        if kind == "matching" and isinstance(response, dict):
            graded = {int(row): text for row, text in response.items() if str(row).isdigit()}
        item.feedback = grade(key, graded, fold_yo=fold_yo).feedback
    if show.general_feedback:
        item.general_feedback = key.get("general_feedback", "") or ""
    if show.answers:
        item.right = _right_answers(key)
        if not item.right and kind != "matching":
            pass  # an essay has no right answer to show; the trainer grades it
        elif kind == "matching" or len(item.right) == 1:
            item.right_label = _("Right answer")
        elif kind == "multichoice":
            item.right_label = _("Right answers")
        else:
            item.right_label = _("Accepted answers")
    return item


def review_items(attempt, show: ReviewOptions) -> list[ReviewItem]:
    """Every question of the attempt in the order it served them, numbered as on the attempt's pages (where a
    description takes a number too)."""
    fold_yo = attempt.quiz.fold_yo
    return [review_item(attempt, index, index + 1, show, fold_yo=fold_yo) for index in range(len(attempt.questions))]


def overall_feedback(bands, percent: float | None) -> str:
    """The text of the highest grade boundary the attempt reached (`bands`: the quiz's feedback bands)."""
    if percent is None:
        return ""
    reached = [band for band in bands if float(band.min_percent) <= percent + 1e-9]
    if not reached:
        return ""
    return max(reached, key=lambda band: band.min_percent).text
