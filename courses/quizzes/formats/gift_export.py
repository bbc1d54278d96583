"""GIFT written from questions in the exchange form; ``gift.parse_gift`` reads them back (the round trip is tested)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .common import TEXT_FORMATS, category_line, default_question_name, format_number, format_percent
from .gift import _FORMAT_TAG


class GiftExportError(ValueError):
    """A question that GIFT cannot express; the message is translated (the active language)."""


def escape_gift(text: str) -> str:
    """A text with GIFT's control characters escaped and line breaks written as \\n."""
    out = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n"):
        if char == "\\":
            out.append("\\\\")
        elif char in "~=#{}:":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def _format_of(value: str | None, default: str) -> str:
    return value if value in TEXT_FORMATS else default


def _write_text(text: str, text_format: str, default: str) -> str:
    # A text that itself starts like a format tag gets its format written, so that the tag stays text.
    if text_format != default or _FORMAT_TAG.match(text.strip()):
        return f"[{text_format}]" + escape_gift(text)
    return escape_gift(text)


def _write_feedback(feedback: str, feedback_format: str, default: str) -> str:
    if not feedback and feedback_format == default:
        return ""
    return "#" + _write_text(feedback, feedback_format, default)


def export_gift(questions: list[dict]) -> str:
    """GIFT for questions in the exchange form; ``parse_gift`` reads the same questions back.

    Raises GiftExportError for what GIFT cannot say: a short answer or matching question (a pair's question)
    with «->» in it, a tag with «<», «>» or «`», an empty description.
    """
    blocks = []
    category = None
    for question in questions:
        own = question.get("category")
        if own != category:
            blocks.append(f"$CATEGORY: {category_line(own)}" if own else "$CATEGORY:")
            category = own
        blocks.append(_write_question(question))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _write_question(question: dict) -> str:
    qtype = question.get("type")
    name = question.get("name") or default_question_name(question.get("text") or "")
    fmt = _format_of(question.get("text_format"), "moodle")
    head = "::" + escape_gift(name) + "::" + _write_text(question.get("text") or "", fmt, "moodle")
    general_feedback = question.get("general_feedback") or ""
    tail = f"\t####{_write_text(general_feedback, fmt, fmt)}\n" if general_feedback else ""
    writers = {"multichoice": _write_multichoice, "shortanswer": _write_shortanswer,
               "numerical": _write_numerical, "matching": _write_matching}
    if qtype == "description":
        if not (question.get("text") or "").strip():
            raise GiftExportError(_("Question «%(name)s»: a description without text cannot be written in GIFT.")
                                  % {"name": name})
        body = head
    elif qtype == "essay":
        body = head + "{" + (f"####{_write_text(general_feedback, fmt, fmt)}" if general_feedback else "") + "}"
    elif qtype == "truefalse":
        body = head + "{" + _write_truefalse(question, fmt) + (
            f"####{_write_text(general_feedback, fmt, fmt)}" if general_feedback else "") + "}"
    elif qtype in writers:
        body = head + "{" + writers[qtype](question, fmt, name) + "\n" + tail + "}"
    else:
        raise GiftExportError(_("Question «%(name)s»: the type «%(type)s» cannot be written in GIFT.")
                              % {"name": name, "type": qtype})
    comment = _comment(question, name)
    return f"{comment}\n{body}" if comment else body


def _comment(question: dict, name: str) -> str:
    marks = []
    idnumber = question.get("idnumber") or ""
    if idnumber:
        if re.search(r"[\x00-\x1f\x7f]", idnumber):
            raise GiftExportError(_("Question «%(name)s»: an ID number with a line break cannot be written in "
                                    "GIFT.") % {"name": name})
        marks.append("[id:" + idnumber.replace("]", "\\]") + "]")
    for tag in question.get("tags") or []:
        if re.search(r"[<>`\x00-\x1f\x7f]", tag):
            raise GiftExportError(_("Question «%(name)s»: the tag «%(tag)s» cannot be written in GIFT.")
                                  % {"name": name, "tag": tag})
        marks.append("[tag:" + tag.replace("]", "\\]") + "]")
    return "// " + " ".join(marks) if marks else ""


def _write_multichoice(question: dict, fmt: str, name: str) -> str:
    single = bool(question.get("single", True))
    answers = question.get("answers") or []
    markers = []
    for answer in answers:
        fraction, text = answer["fraction"], answer.get("text") or ""
        if single and fraction == 1:
            markers.append("=")
        elif fraction == 0 and not text.strip().startswith("%"):
            markers.append("~")
        else:
            markers.append(f"~%{format_percent(fraction)}%")
    # Only «~» makes a multichoice question: when every answer is right, the others are written as «~%100%».
    if markers and all(marker == "=" for marker in markers):
        markers = ["="] + ["~%100%"] * (len(markers) - 1)
    lines = []
    for marker, answer in zip(markers, answers):
        lines.append("\t" + marker + _write_text(answer.get("text") or "", _format_of(answer.get("format"), fmt), fmt)
                     + _write_feedback(answer.get("feedback") or "",
                                       _format_of(answer.get("feedback_format"), fmt), fmt))
    return "\n" + "\n".join(lines)


def _write_shortanswer(question: dict, fmt: str, name: str) -> str:
    answers = question.get("answers") or []
    parts = []
    for answer in answers:
        text = answer.get("text") or ""
        fraction = answer["fraction"]
        weight = "" if fraction == 1 and not text.strip().startswith("%") else f"%{format_percent(fraction)}%"
        # The answer's own format means nothing to a short answer; «[moodle]» only keeps a tag-like text.
        written = ("[moodle]" if _FORMAT_TAG.match(text.strip()) else "") + escape_gift(text)
        parts.append((weight, written + _write_feedback(answer.get("feedback") or "",
                                                        _format_of(answer.get("feedback_format"), fmt), fmt)))
    if any("->" in written for _weight, written in parts):
        # «=» together with «->» would make it a matching question; one fully right answer can go without «=».
        if len(parts) == 1 and parts[0][0] == "":
            return parts[0][1]
        raise GiftExportError(_("Question «%(name)s»: a short answer with «->» in its answers or feedback "
                                "cannot be written in GIFT (Moodle would read it as a matching question).")
                              % {"name": name})
    return "\n" + "\n".join(f"\t={weight}{written}" for weight, written in parts)


def _write_numerical(question: dict, fmt: str, name: str) -> str:
    answers = question.get("answers") or []
    lines = []
    for index, answer in enumerate(answers):
        fraction = answer["fraction"]
        feedback = _write_feedback(answer.get("feedback") or "", _format_of(answer.get("feedback_format"), fmt), fmt)
        value = answer.get("value")
        if value is None and fraction == 0 and index == len(answers) - 1:
            lines.append("\t~" + (feedback or "#"))
            continue
        weight = "" if fraction == 1 else f"%{format_percent(fraction)}%"
        if value is None:
            number = "*"
        else:
            tolerance = float(answer.get("tolerance") or 0)
            number = format_number(float(value)) + (f":{format_number(tolerance)}" if tolerance else "")
        lines.append(f"\t={weight}{number}{feedback}")
    return "#\n" + "\n".join(lines)


def _write_matching(question: dict, fmt: str, name: str) -> str:
    lines = []
    for pair in question.get("pairs") or []:
        text = pair.get("question") or ""
        if "->" in text:
            raise GiftExportError(_("Question «%(name)s»: the pair «%(text)s» has «->» in its question; such "
                                    "a pair cannot be written in GIFT.") % {"name": name, "text": text})
        prefix = f"[{fmt}]" if _FORMAT_TAG.match(text.strip()) else ""
        lines.append(f"\t={prefix}{escape_gift(text)} -> {escape_gift(pair.get('answer') or '')}")
    return "\n" + "\n".join(lines)


def _write_truefalse(question: dict, fmt: str) -> str:
    correct = bool(question.get("correct"))
    right = (question.get("feedback_true") if correct else question.get("feedback_false")) or ""
    wrong = (question.get("feedback_false") if correct else question.get("feedback_true")) or ""
    out = "TRUE" if correct else "FALSE"
    if wrong or right:
        out += "#" + _write_text(wrong, fmt, fmt)
    if right:
        out += "#" + _write_text(right, fmt, fmt)
    return out
