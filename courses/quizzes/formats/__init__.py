"""Question exchange formats: GIFT and Moodle XML, read into and written from one dict form.

The dict form is the importer's dry-run JSON of ../shared/conformance/README.md (type, name, text, text_format,
general_feedback, category, idnumber, tags, and per type: single and answers, correct and feedback_true /
feedback_false, pairs). Nothing here touches the database (``courses.quizzes.question_bank`` stores); the problems
found are messages in the active language (Django's gettext), each with its line in a field of its own.
"""

from .common import (
    FileDecodeError,
    ParseResult,
    decode_text_file,
    too_many_lines,
    within_bounds,
)
from .gift import parse_gift
from .gift_export import GiftExportError, export_gift
from .moodle_xml import export_moodle_xml, parse_moodle_xml

__all__ = [
    "FileDecodeError",
    "GiftExportError",
    "ParseResult",
    "decode_text_file",
    "export_gift",
    "export_moodle_xml",
    "parse_gift",
    "parse_moodle_xml",
    "parse_gift_file",
]


def parse_gift_file(data: bytes, filename=None) -> ParseResult:
    """Read an uploaded GIFT file: a file that is not UTF-8, or one over the bounds of common.py, gives one error
    and no questions."""
    try:
        text = decode_text_file(data, filename)
    except FileDecodeError as exc:
        return ParseResult(errors=[{"line": exc.line, "message": str(exc)}])
    return too_many_lines(text) or within_bounds(parse_gift(text))
