"""GIFT, Moodle's plain-text question format: reading it the way Moodle 4.2 reads it (writing: gift_export.py).

Reading follows Moodle's importer where a file means something to it (the conformance cases in
../shared/conformance/gift hold Moodle's own results), and reports an error (translated) where Moodle would import
something surprising or nothing at all:

- questions are separated by blank lines; lines starting with ``//`` are comments, and ``[id:...]`` and
  ``[tag:...]`` in them give the question's ID number and tags; ``$CATEGORY: path`` switches the category;
- ``::name::`` opens a question; the answers are one block ``{...}``; text after the block makes a
  missing-word question (the block becomes «_____» in the text); no block at all makes a description;
- ``\\~ \\= \\# \\{ \\} \\:`` are literal characters, ``\\\\`` a backslash, ``\\n`` a line break;
- ``[html]``, ``[markdown]``, ``[plain]``, ``[moodle]`` in front of a text give its format; answers and
  feedback take the question's format unless they name their own;
- the type comes from the block as in Moodle: empty -> essay, ``#`` first -> numerical, any ``~`` ->
  multichoice (single choice when an ``=`` is present), ``=`` with ``->`` -> matching, ``T``/``TRUE``/``F``/
  ``FALSE`` -> truefalse, otherwise shortanswer; ``####`` starts the general feedback.

Where it differs from Moodle, on purpose: an unclosed name (``::`` without a second ``::``), a second ``{`` in
one question, a malformed weight (``%50,5%``), a numerical answer that is not a number, and a matching question
with fewer than three pairs (two of them with a question) are errors instead of silently odd questions; lines
keep their indentation (``<pre>``, Markdown lists); text on the lines after a ``$CATEGORY:`` line is read as a
question instead of becoming part of the category name. Grades must be in Moodle's grade list, as Moodle's
import requires.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .common import (
    NUMBER,
    ParseResult,
    allowed_percentages,
    base_question,
    clean_name,
    default_question_name,
    format_percent,
    normalise_category_path,
    snap_fraction,
)

# An escaped control character is replaced by one of these Unicode noncharacters while the structure is read,
# so that it can never be taken for structure, and turned back into the character at the end.
_ESCAPES = {"\\": "\ufdd0", "~": "\ufdd1", "=": "\ufdd2", "#": "\ufdd3", "{": "\ufdd4", "}": "\ufdd5",
            ":": "\ufdd6", "n": "\ufdd7"}
_UNESCAPE = str.maketrans({"\ufdd0": "\\", "\ufdd1": "~", "\ufdd2": "=", "\ufdd3": "#", "\ufdd4": "{",
                           "\ufdd5": "}", "\ufdd6": ":", "\ufdd7": "\n"})
_PLACEHOLDERS = re.compile("[\ufdd0-\ufdd7]")
_FORMAT_TAG = re.compile(r"\[(moodle|html|plain|markdown)\]")
_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")
_WEIGHT_LIKE = re.compile(r"%[^%\s]{0,12}%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
# Moodle's patterns for the ID number and tags in a comment: any characters but «]» and control characters
# («<», «>» and «`» too for tags), «\]» standing for «]».
_IDNUMBER = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAGS = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
BLANK = "_____"


def _protect(text: str) -> str:
    out = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char == "\\" and i + 1 < size and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _restore(text: str) -> str:
    return text.translate(_UNESCAPE)


def _text_with_format(raw: str, default: str) -> tuple[str, str]:
    """A text and its format: «[html]...» names it, otherwise it is ``default``."""
    stripped = raw.strip()
    tag = _FORMAT_TAG.match(stripped)
    if tag:
        return _restore(stripped[tag.end():]).strip(), tag.group(1)
    return _restore(stripped).strip(), default


def extract_idnumber_and_tags(comment: str) -> tuple[str, list[str]]:
    """The ID number (the first ``[id:...]``) and the tags (every ``[tag:...]``) given in a comment."""
    found = _IDNUMBER.search(comment)
    idnumber = found.group(1).strip().replace("\\]", "]") if found else ""
    tags = []
    for match in _TAGS.finditer(comment):
        tag = match.group(1).strip().replace("\\]", "]")
        if tag and tag not in tags:
            tags.append(tag)
    return idnumber, tags


class _Problem(Exception):
    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


class _Block:
    """One question's lines (comments removed), with escapes protected, and where each line came from."""

    def __init__(self, lines: list[tuple[int, str]]):
        self.numbers = [number for number, _line in lines]
        self.text = _protect("\n".join(line for _number, line in lines))

    def line_at(self, position: int) -> int:
        index = self.text.count("\n", 0, max(0, min(position, len(self.text))))
        return self.numbers[min(index, len(self.numbers) - 1)]


def parse_gift(text: str) -> ParseResult:
    """Read the questions of a GIFT text (already decoded; see ``decode_text_file``)."""
    result = ParseResult()
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    category = None
    for block in _blocks(text):
        category = _read_block(block, category, result)
    return result


def _blocks(text: str):
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def _read_block(block: list[tuple[int, str]], category: str | None, result: ParseResult) -> str | None:
    comment = "\n".join(line.strip() for _number, line in block if _is_comment(line))
    body = [(number, line) for number, line in block if not _is_comment(line)]
    if not body:
        return category
    strange = next(((number, line) for number, line in body if _PLACEHOLDERS.search(line)), None)
    if strange:
        result.error(strange[0], _("An invalid character U+%(code)04X: remove it.")
                     % {"code": ord(_PLACEHOLDERS.search(strange[1]).group())})
        return category
    first = body[0][1].lstrip()
    if first.startswith("$CATEGORY:"):
        # The category is the rest of its line; Moodle would also swallow the following lines into the name.
        category = normalise_category_path(_restore(_protect(first[len("$CATEGORY:"):])))
        body = body[1:]
        if not body:
            return category
    block_text = _Block(body)
    try:
        question = _read_question(block_text, category, comment)
    except _Problem as problem:
        result.error(block_text.line_at(problem.position), problem.message)
    else:
        result.questions.append(question)
        answers = question.get("answers") or []
        if (question["type"] == "shortanswer" and len(answers) == 1 and answers[0]["text"] not in _TRUE_FALSE
                and answers[0]["text"].upper() in _TRUE_FALSE):
            # Moodle reads only capitals as true/false; {true} asks the learner to type the word «true».
            result.warning(block_text.numbers[0],
                           _("The answer «%(answer)s» is read as a short answer that has to be typed in; for a "
                             "true/false question write {TRUE} or {FALSE}.") % {"answer": answers[0]["text"]})
    return category


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _read_question(block: _Block, category: str | None, comment: str) -> dict:
    text = block.text
    position = _skip_space(text, 0)
    name = None
    if text.startswith("::", position):
        end = text.find("::", position + 2)
        if end < 0:
            raise _Problem(position, _("The question's name is not closed: there is no second «::» after «::» "
                                       "(write a colon in a name as \\:)."))
        name = clean_name(_restore(text[position + 2:end]))
        position = _skip_space(text, end + 2)

    opening = text.find("{", position)
    closing = text.find("}", position)
    if opening < 0 and closing < 0:
        question_text, answer_text, answer_start = text[position:], None, None
    elif closing >= 0 and (opening < 0 or closing < opening):
        raise _Problem(closing, _("An extra closing curly brace «}» (if the text needs one, write \\})."))
    elif closing < 0:
        raise _Problem(opening, _("A curly brace «{» is not closed. An empty line inside a question separates "
                                  "questions: remove it; write a curly brace in the text as \\{."))
    else:
        inner = text.find("{", opening + 1, closing)
        if inner >= 0:
            raise _Problem(inner, _("Another curly brace «{» is opened inside the answer block (write it in "
                                    "the text as \\{)."))
        after = text[closing + 1:]
        extra = min((i for i in (after.find("{"), after.find("}")) if i >= 0), default=-1)
        if extra >= 0:
            raise _Problem(closing + 1 + extra, _("A question can have only one answer block { } (write curly "
                                                  "braces in the text as \\{ and \\})."))
        before = text[position:opening]
        question_text = before if not after.strip() else before + BLANK + after
        answer_text, answer_start = text[opening + 1:closing], opening + 1

    general_feedback_raw = ""
    if answer_text is not None:
        separator = answer_text.rfind("####")
        if separator >= 0:
            general_feedback_raw = answer_text[separator + 4:]
            answer_text = answer_text[:separator]

    body, text_format = _text_with_format(question_text, "moodle")
    general_feedback, _feedback_format = _text_with_format(general_feedback_raw, text_format)
    idnumber, tags = extract_idnumber_and_tags(comment)
    common = {
        "name": name or default_question_name(body), "text": body, "text_format": text_format,
        "general_feedback": general_feedback, "category": category, "idnumber": idnumber, "tags": tags,
    }

    if answer_text is None:
        if not body:
            raise _Problem(position, _("An empty question: there is neither text nor answers."))
        return base_question("description", **common)
    stripped = answer_text.strip()
    if not stripped:
        return base_question("essay", **common)
    if stripped.startswith("#"):
        return _numerical(common, answer_text, answer_start)
    if "~" in stripped:
        return _multichoice(common, answer_text, answer_start)
    if "=" in stripped and "->" in stripped:
        return _matching(common, answer_text, answer_start)
    hash_at = stripped.find("#")
    if (stripped[:hash_at] if hash_at > 0 else stripped).strip() in _TRUE_FALSE:
        return _truefalse(common, answer_text)
    return _shortanswer(common, answer_text, answer_start)


def _pieces(text: str, start: int, markers: str) -> list[tuple[int, str, str]]:
    """Split an answer block at the markers: (position, marker, content); text before the first marker
    counts only when it is not blank, as in Moodle."""
    pieces = []
    begin, marker = 0, ""
    for index, char in enumerate(text):
        if char in markers:
            pieces.append((start + begin, marker, text[begin:index]))
            begin, marker = index + 1, char
    pieces.append((start + begin, marker, text[begin:]))
    if not pieces[0][2].strip():
        pieces.pop(0)
    return pieces


def _take_weight(content: str, position: int, default: float) -> tuple[float, str]:
    """The grade written as ``%50%`` in front of an answer (and the rest of the answer)."""
    weight = _WEIGHT.match(content)
    if weight:
        return float(weight.group(1)) / 100, content[weight.end():]
    if _WEIGHT_LIKE.match(content):
        shown = _restore(_WEIGHT_LIKE.match(content).group())
        raise _Problem(position, _("An unclear answer weight «%(weight)s»: write a number of per cent with a "
                                   "dot, e.g. %%50%% or %%-33.33333%%.") % {"weight": shown})
    return default, content


def _checked_fraction(fraction: float, position: int) -> float:
    allowed = snap_fraction(fraction)
    if allowed is None:
        raise _Problem(position, _("The answer weight %(percent)s %% is not one that Moodle allows "
                                   "(±%(allowed)s and 0 %%); the question is left out.")
                       % {"percent": format_percent(fraction), "allowed": allowed_percentages()})
    return allowed


def _answer_and_feedback(content: str, text_format: str) -> tuple[tuple[str, str], tuple[str, str]]:
    answer, hash_sign, feedback = content.partition("#")
    return _text_with_format(answer, text_format), (
        _text_with_format(feedback, text_format) if hash_sign else ("", text_format))


def _multichoice(common: dict, answer_text: str, start: int) -> dict:
    fmt = common["text_format"]
    answers = []
    for position, marker, content in _pieces(answer_text, start, "~="):
        content = content.strip()
        if not content:
            continue
        if marker == "=":
            fraction = 1.0
        else:
            fraction, content = _take_weight(content, position, 0.0)
        (text, text_format), (feedback, feedback_format) = _answer_and_feedback(content, fmt)
        if not text:
            raise _Problem(position, _("An answer option has no text."))
        answers.append({"text": text, "format": text_format, "fraction": _checked_fraction(fraction, position),
                        "feedback": feedback, "feedback_format": feedback_format})
    if len(answers) < 2:
        raise _Problem(start, _("A multiple choice question needs at least two options."))
    return {**base_question("multichoice", **common), "single": "=" in answer_text, "answers": answers}


def _shortanswer(common: dict, answer_text: str, start: int) -> dict:
    fmt = common["text_format"]
    answers = []
    for position, _marker, content in _pieces(answer_text, start, "="):
        content = content.strip()
        if not content:
            continue
        fraction, content = _take_weight(content, position, 1.0)
        (text, _text_format), (feedback, feedback_format) = _answer_and_feedback(content, fmt)
        if not text:
            raise _Problem(position, _("An answer has no text."))
        answers.append({"text": text, "format": "moodle", "fraction": _checked_fraction(fraction, position),
                        "feedback": feedback, "feedback_format": feedback_format})
    if not answers:
        raise _Problem(start, _("The question has no answers."))
    return {**base_question("shortanswer", **common), "answers": answers}


def _parse_number(text: str, position: int) -> float:
    if NUMBER.fullmatch(text):
        return float(text)
    if NUMBER.fullmatch(text.replace(",", ".", 1)):
        raise _Problem(position, _("«%(text)s» is not a number (separate the fractional part with a dot: 3.14).")
                       % {"text": text})
    raise _Problem(position, _("«%(text)s» is not a number.") % {"text": text})


def _numerical(common: dict, answer_text: str, start: int) -> dict:
    fmt = common["text_format"]
    hash_at = answer_text.index("#")
    body, body_start = answer_text[hash_at + 1:], start + hash_at + 1
    tilde = body.find("~")
    other = body[tilde:] if tilde >= 0 else None
    if tilde >= 0:
        body = body[:tilde]
    answers = []
    for position, _marker, content in _pieces(body, body_start, "="):
        content = content.strip()
        if not content:
            continue
        fraction, content = _take_weight(content, position, 1.0)
        (value_text, _value_format), (feedback, feedback_format) = _answer_and_feedback(content, fmt)
        value, tolerance = _value_and_tolerance(value_text, position)
        answers.append({"value": value, "tolerance": tolerance, "fraction": _checked_fraction(fraction, position),
                        "feedback": feedback, "feedback_format": feedback_format})
    if not answers:
        raise _Problem(start, _("The numerical question has no answers (for example: {#1822:2})."))
    if other is not None:
        # «~#feedback»: what any other answer gets (Moodle's «*» answer, worth nothing).
        _ignored, (feedback, feedback_format) = _answer_and_feedback(other, fmt)
        answers.append({"value": None, "tolerance": 0.0, "fraction": 0.0, "feedback": feedback,
                        "feedback_format": feedback_format})
    return {**base_question("numerical", **common), "answers": answers}


def _value_and_tolerance(text: str, position: int) -> tuple[float | None, float]:
    if text == "*":
        return None, 0.0
    if not text:
        raise _Problem(position, _("A numerical answer has no number."))
    dots = text.find("..")
    if dots > 0:
        low = _parse_number(text[:dots].strip(), position)
        high = _parse_number(text[dots + 2:].strip(), position)
        value = (low + high) / 2
        return value, high - value
    colon = text.find(":")
    if colon > 0:
        return (_parse_number(text[:colon].strip(), position),
                _parse_number(text[colon + 1:].strip(), position))
    return _parse_number(text, position), 0.0


def _matching(common: dict, answer_text: str, start: int) -> dict:
    fmt = common["text_format"]
    pairs = []
    for position, _marker, content in _pieces(answer_text, start, "="):
        content = content.strip()
        if not content:
            continue
        if "->" not in content:
            raise _Problem(position, _("In the matching question the pair «%(pair)s» has no arrow «->».")
                           % {"pair": _restore(content)})
        question, _arrow, answer = content.partition("->")
        pairs.append({"question": _text_with_format(question, fmt)[0], "answer": _restore(answer).strip()})
    if len(pairs) < 3 or sum(1 for pair in pairs if pair["question"]) < 2:
        raise _Problem(start, _("A matching question needs at least three pairs, at least two of them with a "
                                "question (a pair «= -> answer» adds an extra answer)."))
    return {**base_question("matching", **common), "pairs": pairs}


def _truefalse(common: dict, answer_text: str) -> dict:
    fmt = common["text_format"]
    parts = answer_text.strip().split("#", 2)
    correct = _TRUE_FALSE[_restore(parts[0]).strip()]
    wrong = _text_with_format(parts[1], fmt)[0] if len(parts) > 1 else ""
    right = _text_with_format(parts[2], fmt)[0] if len(parts) > 2 else ""
    # The first feedback is for a wrong answer, the second for the right one.
    return {**base_question("truefalse", **common), "correct": correct,
            "feedback_true": right if correct else wrong, "feedback_false": wrong if correct else right}
