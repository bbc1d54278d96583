"""What the GIFT and Moodle XML readers share: the result type, file decoding, Moodle's grade list, category
paths and default question names. No database; messages through Django's gettext (in the active language).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
# The category every path starts from, as in Moodle 3.5 and later (and in courses.quizzes.question_bank).
TOP_CATEGORY = "top"


@dataclass
class ParseResult:
    """Questions read from one file, in the exchange form of the dry-run JSON, and what could not be read.

    ``errors`` and ``warnings`` are dicts ``{"line": int, "message": str}``: the message is translated (the
    active language) and does not repeat the line, which screens and the command line show in front of it. A question
    with an error is left out of ``questions``; a warning says what was read but not kept (embedded files).
    """

    questions: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, message: str) -> None:
        self.errors.append({"line": line, "message": message})

    def warning(self, line: int, message: str) -> None:
        self.warnings.append({"line": line, "message": message})


# Bounds on a question file (lms/uploads.py says why): checked before parsing where the file itself tells
# (size, lines, XML elements), and on what parsing produced before it is shown or stored.
MAX_FILE_LINES = 200_000
MAX_XML_ELEMENTS = 200_000
MAX_XML_DEPTH = 64
MAX_QUESTIONS = 2_000
MAX_FIELD_CHARS = 20_000   # a question's text, an answer, a feedback (Moodle's longest real ones are a few KB)
MAX_LIST_ITEMS = 200       # answers, pairs or tags of one question


def refused(message: str) -> ParseResult:
    """The result for a file refused as a whole: one error, nothing read."""
    return ParseResult(errors=[{"line": 1, "message": message}])


def within_bounds(result: ParseResult) -> ParseResult:
    """``result`` if what was read is within the bounds above; otherwise a refusal that keeps none of it."""
    if len(result.questions) > MAX_QUESTIONS:
        return refused(_("The file holds %(count)d questions, at most %(max)d are accepted at once: split it into "
                         "several files.") % {"count": len(result.questions), "max": MAX_QUESTIONS})
    for number, question in enumerate(result.questions, start=1):
        problem = _oversized(question)
        if problem:
            return refused(_("Question %(number)d («%(name)s») is refused: %(problem)s")
                           % {"number": number, "name": str(question.get("name", ""))[:80], "problem": problem})
    return result


def _oversized(value) -> str | None:
    if isinstance(value, str):
        if len(value) > MAX_FIELD_CHARS:
            return (_("a text of %(length)d characters, at most %(max)d are accepted.")
                    % {"length": len(value), "max": MAX_FIELD_CHARS})
        return None
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_LIST_ITEMS:
            return (_("%(count)d answers or items, at most %(max)d are accepted.")
                    % {"count": len(value), "max": MAX_LIST_ITEMS})
        items = value
    elif isinstance(value, dict):
        items = value.values()
    else:
        return None
    for item in items:
        problem = _oversized(item)
        if problem:
            return problem
    return None


def too_many_lines(text: str) -> ParseResult | None:
    lines = text.count("\n") + 1
    if lines > MAX_FILE_LINES:
        return refused(_("The file has %(count)d lines, at most %(max)d are accepted: split it into several files.")
                       % {"count": lines, "max": MAX_FILE_LINES})
    return None


class FileDecodeError(ValueError):
    """The file is not UTF-8 text; ``str(error)`` is the translated message, ``line`` where the problem is."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def decode_text_file(data: bytes, filename: str | os.PathLike | None = None) -> str:
    """The text of an uploaded file that must be UTF-8 (with or without a byte order mark).

    Anything else is refused with FileDecodeError rather than guessed: a wrong guess silently turns Cyrillic
    into mojibake in every imported question.
    """
    name = os.path.basename(os.fspath(filename)) if filename else _("without a name")
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            raise FileDecodeError(_("The file %(name)s is saved in the %(encoding)s encoding, but UTF-8 is needed. "
                                    "Save it as UTF-8.") % {"name": name, "encoding": encoding})
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FileDecodeError(
            _("The file %(name)s is not in the UTF-8 encoding (byte 0x%(byte)02X on line %(line)d). "
              "Save it as UTF-8.") % {"name": name, "byte": data[exc.start], "line": line},
            line,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FileDecodeError(_("The file %(name)s is not a text file (a null byte on line %(line)d). "
                                "A text file in UTF-8 is needed.") % {"name": name, "line": line}, line)
    return text


# Moodle accepts only these grades for an answer (question_bank::fraction_options_full): 0, ±1 and ± the
# fractions below, stored to 7 decimal places. An importer there refuses a question with any other grade.
_GRADE_FRACTIONS = [Fraction(n, d) for n, d in (
    (1, 1), (9, 10), (5, 6), (4, 5), (3, 4), (7, 10), (2, 3), (3, 5), (1, 2), (2, 5), (1, 3), (3, 10), (1, 4),
    (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 10), (1, 20))]
ALLOWED_FRACTIONS = sorted({0.0} | {sign * round(float(f), 7) for f in _GRADE_FRACTIONS for sign in (1, -1)},
                           reverse=True)
# Moodle's own tolerance when it matches a grade to the list.
_GRADE_TOLERANCE = 0.00001


def snap_fraction(value: float) -> float | None:
    """The allowed grade ``value`` stands for (within Moodle's 0.00001), or None when there is none."""
    for allowed in ALLOWED_FRACTIONS:
        if abs(value - allowed) < _GRADE_TOLERANCE:
            return allowed
    return None


def format_percent(fraction: float) -> str:
    """A fraction as the percentage Moodle writes: 1.0 -> «100», 0.3333333 -> «33.33333», -0.5 -> «-50»."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def allowed_percentages() -> str:
    return ", ".join(format_percent(f) for f in ALLOWED_FRACTIONS if f > 0)


def format_number(value: float) -> str:
    """A float written so that ``float()`` gives it back exactly, without a needless «.0»."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


# «$course$/», «$system$/», «$cat$/», «$module$/»: Moodle's context marker in front of a category path.
_CONTEXT_MARKER = re.compile(r"^\$[a-z]*\$(?:/|$)")


def normalise_category_path(raw: str) -> str | None:
    """The category path of a Moodle category line as «top/Раздел/Тема», or None for an empty one.

    The context marker is dropped (the course is chosen on import) and a path that does not start at «top»
    (files from Moodle before 3.5) is put under it, as Moodle does. «//», Moodle's escape for a «/» inside a
    category name, is kept as it is.
    """
    path = _CONTEXT_MARKER.sub("", raw.strip()).strip().strip("/").strip()
    if not path:
        return TOP_CATEGORY if _CONTEXT_MARKER.match(raw.strip()) else None
    if path != TOP_CATEGORY and not path.startswith(TOP_CATEGORY + "/"):
        path = f"{TOP_CATEGORY}/{path}"
    return path


def category_line(path: str) -> str:
    """The Moodle category text for a path of ``normalise_category_path``."""
    return f"$course$/{path}"


_TAG = re.compile(r"<[^>]*>")
# A number as GIFT and Moodle XML write one: optional sign, digits with an optional «.» part, optional exponent.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def clean_name(name: str) -> str:
    """A question name as Moodle keeps it: no HTML tags, no surrounding spaces, at most 255 characters."""
    return _TAG.sub("", name).strip()[:255].strip()


def default_question_name(text: str) -> str:
    """A name made from the question text, for questions that have none (Moodle does the same)."""
    plain = " ".join(_TAG.sub(" ", text).split())
    if len(plain) > 80:
        cut = plain[:77]
        space = cut.rfind(" ")
        plain = (cut[:space] if space > 40 else cut).rstrip() + "..."
    return plain or "Вопрос"


def base_question(qtype: str, *, name: str, text: str, text_format: str, general_feedback: str,
                  category: str | None, idnumber: str, tags: list[str]) -> dict:
    """The keys every question has, in the order of the README."""
    return {
        "type": qtype,
        "name": name,
        "text": text,
        "text_format": text_format,
        "general_feedback": general_feedback,
        "category": category,
        "idnumber": idnumber,
        "tags": tags,
    }
