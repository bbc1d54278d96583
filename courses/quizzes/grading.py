"""Grading of one response to one question, and combining question marks and attempts. Pure Python, no database.

Questions are the dicts of the exchange form (../shared/conformance/README.md, the importer's dry-run JSON).
Responses are what the attempt page stores for the learner:

- multichoice, single: the index (int) of the chosen answer in ``question["answers"]``, or None;
- multichoice, several right answers (``single`` false): a list, tuple or set of such indexes;
- truefalse: True, False or None;
- shortanswer: a string (compared without case unless the question's ``usecase`` is true);
- numerical: a string («3,14», «1 000,5», «-2.5e3») or a number; when the question has ``units``
  ([{"unit": "кг", "multiplier": 1}, {"unit": "г", "multiplier": 1000}], the first one the base unit), the number
  may end with one of them and is divided by its multiplier (Moodle's units: «500 г» is 0.5 кг); an unknown unit
  makes the response invalid;
- matching: a dict {index of the pair in ``question["pairs"]``: the chosen answer text}; keys may also be the
  decimal strings a JSON round trip makes of them ("0", "1");
- essay: the text, graded later by a trainer; description: nothing.

Grading follows Moodle where that matters for trainers: a single-choice question gives the chosen answer's fraction
(negative weights are penalties), a multiple-choice question the sum of the chosen fractions clamped to [0, 1];
short answers are compared trimmed, with white space folded, without case, «ё» read as «е» (``fold_yo``), and with
Moodle's ``*`` wildcard (``\\*`` is a literal star); numerical answers match within value ± tolerance inclusive.
Where Moodle takes the first matching short or numerical answer, here the best matching one wins.

A response that could not have come from the attempt page (wrong type, index out of range, too many items) never
raises: it scores 0 with ``invalid=True``. A question that is not a dict or of an unknown type is a programming
error and raises ValueError.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from numbers import Real

GRADING_METHODS = ("highest", "last", "average", "first")
# Fractions are kept to 7 decimal places, as Moodle stores them; it also hides float noise (0.1 + 0.2).
PLACES = 7
# Numbers longer than this are not something a learner typed.
MAX_NUMBER_LENGTH = 100
# Slack on top of a numerical tolerance, relative to the size of the numbers: ranges a..b arrive as value (a+b)/2
# and tolerance (b-a)/2 computed in floating point, so the ends of a range can be a few units in the last place off
# (one unit is about 2e-16 of the number). Responses and values are otherwise compared exactly, as decimals.
RELATIVE_SLACK = Decimal("1e-14")

_UNESCAPED_STARS = re.compile(r"(?<!\\)\*+")
# Optional sign; digits, either plain or in groups of three separated by single spaces; optional decimal part
# after «.» or «,»; optional exponent. ASCII digits only.
_NUMBER = re.compile(
    r"(?P<sign>[+-])?(?P<int>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)?"
    r"(?:[.,](?P<frac>[0-9]*))?(?:[eE](?P<exp>[+-]?[0-9]{1,4}))?",
    re.ASCII,
)
# No-break, narrow no-break, thin and figure spaces between digit groups; «−» and «–» typed for a minus.
_NUMBER_CHARACTERS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
                                    "\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class GradeResult:
    """The grade of one response.

    fraction: the part of the question's marks earned, in [0, 1] (a single-choice answer with a negative weight can
        make it negative, down to -1); None when it is not known yet (essay) or the question is not graded
        (description).
    answered: the learner gave a response (an invalid one counts as given).
    needs_manual: a trainer has to grade it (essay).
    is_graded: the question carries marks at all (False for a description).
    invalid: the response was not of the form the question takes (not a number, an index out of range...).
    feedback: the feedback of the chosen or matched answers, or of the true/false answer given.
    """

    fraction: float | None = 0.0
    answered: bool = False
    needs_manual: bool = False
    is_graded: bool = True
    invalid: bool = False
    feedback: list[str] = field(default_factory=list)


def grade(question: dict, response, *, fold_yo: bool = True) -> GradeResult:
    """Grade `response` to `question` (a dict of the exchange form)."""
    if not isinstance(question, dict):
        raise ValueError("A question is a dict of the exchange form.")
    qtype = question.get("type")
    grader = _GRADERS.get(qtype) if isinstance(qtype, str) else None
    if grader is None:
        raise ValueError(f"Unknown question type: {qtype!r}.")
    if qtype == "shortanswer":
        return grader(question, response, fold_yo=fold_yo)
    return grader(question, response)


def overall_grade(fractions: list[float | None], method: str) -> float | None:
    """Combine the grades of a learner's attempts, in the order they were made: highest, last, average or first.

    Attempts not graded yet (None) are skipped; with no graded attempt the result is None.
    """
    if method not in GRADING_METHODS:
        raise ValueError(f"Unknown grading method: {method!r}; one of {', '.join(GRADING_METHODS)}.")
    graded = [float(value) for value in fractions if value is not None]
    if not graded:
        return None
    if method == "highest":
        return max(graded)
    if method == "last":
        return graded[-1]
    if method == "first":
        return graded[0]
    return round(math.fsum(graded) / len(graded), PLACES)


def attempt_score(items: list[tuple[float | None, float]]) -> tuple[float, float, bool]:
    """Marks of an attempt from its questions' (fraction, max marks).

    Returns (marks obtained, max marks, complete). A question not graded yet (fraction None, an essay waiting for a
    trainer) adds nothing and makes the attempt incomplete. Penalties of single-choice answers can take questions
    below zero, but the attempt's marks never go below 0.
    """
    obtained, maximum, complete = [], [], True
    for fraction, marks in items:
        marks = float(marks)
        if not math.isfinite(marks) or marks < 0:
            raise ValueError(f"Max marks must be a non-negative number, not {marks!r}.")
        maximum.append(marks)
        if fraction is None:
            complete = False
            continue
        obtained.append(float(fraction) * marks)
    total = round(math.fsum(maximum), PLACES)
    return min(max(round(math.fsum(obtained), PLACES), 0.0), total), total, complete


# --- helpers ---------------------------------------------------------------------------------------------------


def _invalid(feedback: list[str] | None = None) -> GradeResult:
    return GradeResult(fraction=0.0, answered=True, invalid=True, feedback=feedback or [])


def _unanswered() -> GradeResult:
    return GradeResult(fraction=0.0, answered=False)


def _fraction_of(answer) -> float:
    """An answer's fraction from the question data, clamped to [-1, 1]; anything unusable counts as 0."""
    value = answer.get("fraction") if isinstance(answer, dict) else None
    if isinstance(value, bool) or not isinstance(value, Real):
        return 0.0
    value = float(value)
    if not math.isfinite(value):
        return 0.0
    return min(max(value, -1.0), 1.0)


def _feedback_of(answer) -> list[str]:
    text = answer.get("feedback") if isinstance(answer, dict) else None
    return [text] if isinstance(text, str) and text.strip() else []


def _answers(question: dict) -> list:
    answers = question.get("answers")
    return answers if isinstance(answers, list) else []


def _clamp01(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), PLACES)


def _is_index(value) -> bool:
    return type(value) is int  # not bool, which is an int too


# --- multichoice -----------------------------------------------------------------------------------------------


def _grade_multichoice(question: dict, response) -> GradeResult:
    answers = _answers(question)
    if question.get("single", True):
        if response is None:
            return _unanswered()
        if not _is_index(response) or not 0 <= response < len(answers):
            return _invalid()
        chosen = answers[response]
        return GradeResult(fraction=round(_fraction_of(chosen), PLACES), answered=True, feedback=_feedback_of(chosen))

    if response is None:
        return _unanswered()
    if not isinstance(response, (list, tuple, set, frozenset)):
        return _invalid()
    if not response:
        return _unanswered()
    # Checked before looking at the items, so a huge list costs nothing; a list from the page has no repeats.
    if len(response) > len(answers):
        return _invalid()
    if not all(_is_index(index) and 0 <= index < len(answers) for index in response):
        return _invalid()
    chosen = sorted(set(response))
    total = math.fsum(_fraction_of(answers[index]) for index in chosen)
    feedback = [text for index in chosen for text in _feedback_of(answers[index])]
    return GradeResult(fraction=_clamp01(total), answered=True, feedback=feedback)


# --- truefalse -------------------------------------------------------------------------------------------------


def _grade_truefalse(question: dict, response) -> GradeResult:
    if response is None:
        return _unanswered()
    if not isinstance(response, bool):
        return _invalid()
    correct = question.get("correct") is True
    text = question.get("feedback_true" if response else "feedback_false")
    feedback = [text] if isinstance(text, str) and text.strip() else []
    return GradeResult(fraction=1.0 if response == correct else 0.0, answered=True, feedback=feedback)


# --- shortanswer -----------------------------------------------------------------------------------------------


def normalise_text(text: str, *, fold_yo: bool = True, fold_case: bool = True) -> str:
    """A short answer as it is compared: composed Unicode, trimmed, runs of white space made one space, case
    folded (Russian too) unless `fold_case` is false, and «ё» read as «е» when `fold_yo` («Ё» as «Е» too)."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    if fold_case:
        text = unicodedata.normalize("NFC", text.casefold())
    elif fold_yo:
        text = text.replace("Ё", "Е")
    if fold_yo:
        text = text.replace("ё", "е")
    return text


def _matches(response: str, pattern: str) -> bool:
    """Does the normalised `response` match the normalised answer `pattern`, where a run of unescaped ``*`` stands
    for any characters (none too) and ``\\*`` for a star? Done without regular expressions, in linear time."""
    bits = [bit.replace("\\*", "*") for bit in _UNESCAPED_STARS.split(pattern)]
    if len(bits) == 1:
        return response == bits[0]
    first, middle, last = bits[0], bits[1:-1], bits[-1]
    if len(response) < len(first) + len(last) or not response.startswith(first) or not response.endswith(last):
        return False
    position, end = len(first), len(response) - len(last)
    for bit in middle:
        found = response.find(bit, position, end)
        if found < 0:
            return False
        position = found + len(bit)
    return True


def _grade_shortanswer(question: dict, response, *, fold_yo: bool = True) -> GradeResult:
    if response is None:
        return _unanswered()
    if not isinstance(response, str):
        return _invalid()
    fold_case = question.get("usecase") is not True
    given = normalise_text(response, fold_yo=fold_yo, fold_case=fold_case)
    if not given:
        return _unanswered()
    best = None
    for answer in _answers(question):
        text = answer.get("text") if isinstance(answer, dict) else None
        if not isinstance(text, str):
            continue
        pattern = normalise_text(text, fold_yo=fold_yo, fold_case=fold_case)
        if pattern and _matches(given, pattern) and (best is None or _fraction_of(answer) > _fraction_of(best)):
            best = answer
    if best is None:
        return GradeResult(fraction=0.0, answered=True)
    return GradeResult(fraction=_clamp01(_fraction_of(best)), answered=True, feedback=_feedback_of(best))


# --- numerical -------------------------------------------------------------------------------------------------


def parse_number(value) -> Decimal | None:
    """The number a learner gave, or None when it is not one.

    Accepts ints and finite floats (not bools), and strings with «.» or «,» as the decimal separator, spaces
    (also no-break and thin ones) between groups of three digits, a leading sign («−» too) and an exponent:
    «3,14», «1 000 000,5», «-2.5e3». «1,234» is 1.234: the comma is always decimal. Not finite, not a number, or
    beyond the range of a float: None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return Decimal(value) if math.isfinite(float(value)) else None
        except OverflowError:
            return None
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if not isinstance(value, str) or len(value) > MAX_NUMBER_LENGTH:
        return None
    text = " ".join(value.translate(_NUMBER_CHARACTERS).split())
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["int"] or match["frac"]):
        return None
    digits = (match["int"] or "0").replace(" ", "") + "." + (match["frac"] or "0")
    try:
        number = Decimal((match["sign"] or "") + digits + ("e" + match["exp"] if match["exp"] else ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only well-formed numbers
        return None
    return number if math.isfinite(float(number)) else None


def _within(number: Decimal, value: Decimal, tolerance: Decimal) -> bool:
    with localcontext() as context:
        context.prec = 60
        slack = RELATIVE_SLACK * (abs(value) + tolerance)
        return abs(number - value) <= tolerance + slack


def _grade_numerical(question: dict, response) -> GradeResult:
    if response is None or (isinstance(response, str) and not response.strip()):
        return _unanswered()
    number = parse_number(response)
    if number is None:
        number = _number_with_unit(question, response)
    if number is None:
        return _invalid()
    best = None
    for answer in _answers(question):
        if not isinstance(answer, dict):
            continue
        if answer.get("value") is None:  # "any other answer"
            matched = True
        else:
            value = parse_number(answer.get("value"))
            tolerance = parse_number(answer.get("tolerance") if answer.get("tolerance") is not None else 0)
            if value is None or tolerance is None:
                continue
            matched = _within(number, value, abs(tolerance))
        if matched and (best is None or _fraction_of(answer) > _fraction_of(best)):
            best = answer
    if best is None:
        return GradeResult(fraction=0.0, answered=True)
    return GradeResult(fraction=_clamp01(_fraction_of(best)), answered=True, feedback=_feedback_of(best))


def _number_with_unit(question: dict, response) -> Decimal | None:
    """A response that ends with one of the question's units, in the base unit (divided by the multiplier)."""
    units = question.get("units")
    if not isinstance(response, str) or not isinstance(units, list):
        return None
    text = " ".join(response.split())
    known = [u for u in units if isinstance(u, dict) and isinstance(u.get("unit"), str) and u["unit"].strip()]
    for unit in sorted(known, key=lambda u: -len(u["unit"].strip())):  # «кг» before «г»
        name = unit["unit"].strip()
        multiplier = parse_number(unit.get("multiplier", 1))
        if not text.endswith(name) or multiplier is None or multiplier <= 0:
            continue
        number = parse_number(text[: len(text) - len(name)])
        if number is not None:
            with localcontext() as context:
                context.prec = 60
                return number / multiplier
    return None


# --- matching --------------------------------------------------------------------------------------------------

_INDEX_STRING = re.compile(r"0|[1-9][0-9]{0,5}", re.ASCII)


def _pair_index(key) -> int | None:
    if _is_index(key):
        return key
    if isinstance(key, str) and _INDEX_STRING.fullmatch(key):
        return int(key)
    return None


def _fold_spaces(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _grade_matching(question: dict, response) -> GradeResult:
    pairs = question.get("pairs") if isinstance(question.get("pairs"), list) else []
    real = {
        index: pair.get("answer") if isinstance(pair.get("answer"), str) else ""
        for index, pair in enumerate(pairs)
        if isinstance(pair, dict) and isinstance(pair.get("question"), str) and pair["question"].strip()
    }
    if response is None:
        return _unanswered()
    if not isinstance(response, dict) or len(response) > len(real):
        return _invalid()
    chosen = {}
    for key, text in response.items():
        index = _pair_index(key)
        if index not in real or index in chosen or not (text is None or isinstance(text, str)):
            return _invalid()
        if text is not None and text.strip():
            chosen[index] = _fold_spaces(text)
    if not chosen:
        return _unanswered()
    right = sum(1 for index, text in chosen.items() if text == _fold_spaces(real[index]))
    return GradeResult(fraction=_clamp01(right / len(real)), answered=True)


# --- essay, description ----------------------------------------------------------------------------------------


def _grade_essay(question: dict, response) -> GradeResult:
    if response is not None and not isinstance(response, str):
        return GradeResult(fraction=None, answered=False, needs_manual=True, invalid=True)
    return GradeResult(fraction=None, answered=bool(response and response.strip()), needs_manual=True)


def _grade_description(question: dict, response) -> GradeResult:
    return GradeResult(fraction=None, answered=False, is_graded=False)


_GRADERS = {
    "multichoice": _grade_multichoice,
    "truefalse": _grade_truefalse,
    "shortanswer": _grade_shortanswer,
    "numerical": _grade_numerical,
    "matching": _grade_matching,
    "essay": _grade_essay,
    "description": _grade_description,
}
