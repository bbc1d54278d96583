"""Moodle XML: reading the question types the platform has, and writing them back.

Read: multichoice, truefalse, shortanswer, numerical, matching, essay, description, and ``category`` entries
(which give the following questions their category path, «top/Раздел/Тема»). Cloze (multianswer) and any other
type are reported as unsupported, the rest of the file is still read. As in Moodle's importer, a question with
a grade outside Moodle's grade list is refused (error_invalid_grades.xml). Files embedded in texts
(``<file>``, the old ``<image_base64>``) are not kept: a warning says so.

Safety: the file is parsed by expat with a size limit, and a file with a document type declaration (where
entity bombs and external entities live) is refused before anything is expanded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .common import (
    MAX_XML_DEPTH,
    MAX_XML_ELEMENTS,
    NUMBER,
    TEXT_FORMATS,
    FileDecodeError,
    ParseResult,
    allowed_percentages,
    base_question,
    category_line,
    clean_name,
    decode_text_file,
    default_question_name,
    format_number,
    format_percent,
    normalise_category_path,
    snap_fraction,
    within_bounds,
)

# Moodle exports with embedded pictures run to a few megabytes; anything far larger is not a question file.
MAX_XML_BYTES = 50 * 1024 * 1024

_FORMATS_IN = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
_FORMATS_OUT = {value: key for key, value in _FORMATS_IN.items()}
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Refused(Exception):
    pass


def _parse_tree(data: bytes) -> tuple[ET.Element, dict]:
    """The element tree of ``data`` and the line each element starts on."""
    builder = ET.TreeBuilder()
    lines: dict = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True

    depth = [0]

    def start(tag, attributes):
        depth[0] += 1
        if len(lines) >= MAX_XML_ELEMENTS or depth[0] > MAX_XML_DEPTH:
            raise _Refused(_("The file is refused: it has more than %(elements)d XML elements or elements nested "
                             "deeper than %(depth)d, which no file of questions needs.")
                           % {"elements": MAX_XML_ELEMENTS, "depth": MAX_XML_DEPTH})
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def end(tag):
        depth[0] -= 1
        return builder.end(tag)

    def refuse_doctype(*_args):
        raise _Refused(_("The file is refused: it has a DOCTYPE declaration, and such files are not accepted "
                         "(they hide «XML bombs» and links to other files). Export the questions from Moodle "
                         "again."))

    def refuse_entity(*_args):
        raise _Refused(_("The file is refused: it declares XML entities, and such files are not accepted."))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.Parse(data, True)
    return builder.close(), lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    node = element.find(path) if path else element
    return (node.text or "").strip() if node is not None else ""


def _format(element: ET.Element | None, default: str) -> str:
    if element is None or element.get("format") is None:
        return default
    # Moodle reads an unknown format name (wiki_like among them) as its own auto-format.
    return _FORMATS_IN.get(element.get("format").strip(), "moodle")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("true", "1", "yes")


class _QuestionProblem(Exception):
    pass


def parse_moodle_xml(data: bytes, filename=None) -> ParseResult:
    """Read the questions of a Moodle XML file (bytes as uploaded)."""
    result = ParseResult()
    if len(data) > MAX_XML_BYTES:
        result.error(1, _("The file is larger than %(size)d MB: this does not look like a file of questions.")
                     % {"size": MAX_XML_BYTES // (1024 * 1024)})
        return result
    declared = _DECLARED_ENCODING.match(data[:200].lstrip(b"\xef\xbb\xbf"))
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        try:
            decode_text_file(data, filename)
        except FileDecodeError as exc:
            result.error(exc.line, str(exc))
            return result
    try:
        root, lines = _parse_tree(data)
    except _Refused as exc:
        result.error(1, str(exc))
        return result
    except expat.ExpatError as exc:
        result.error(exc.lineno, _("The file cannot be read as XML (%(reason)s, position %(position)d).")
                     % {"reason": expat.ErrorString(exc.code), "position": exc.offset + 1})
        return result
    if root.tag != "quiz":
        result.error(1, _("This is not a Moodle XML file: the root element is <%(tag)s>, and <quiz> is needed.")
                     % {"tag": root.tag})
        return result

    category = None
    for element in root.iter("question"):
        line = lines.get(element, 1)
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = normalise_category_path(_text(element.find("category")) or _text(element, "category"))
            continue
        name = clean_name(_text(element.find("name")))
        reader = _READERS.get(qtype)
        if reader is None:
            if qtype in ("cloze", "multianswer"):
                problem = _("Questions with embedded answers (Cloze) are not supported yet; the question is left out.")
            else:
                problem = (_("The question type «%(type)s» is not supported; the question is left out.")
                           % {"type": qtype})
            result.error(line, _about(name, problem))
            continue
        try:
            question = reader(element, _common(element, category))
        except _QuestionProblem as problem:
            result.error(line, _about(name, str(problem)))
            continue
        files = sum(1 for _file in element.iter("file")) + sum(1 for _file in element.iter("image_base64"))
        if files:
            result.warning(line, _about(name, _("Embedded files (%(count)d) are not carried over: upload the "
                                                "pictures and sounds in them again.") % {"count": files}))
        result.questions.append(question)
    return within_bounds(result)


def _about(name: str, problem: str) -> str:
    """A problem of one question, named when it has a name (the line is given beside the message)."""
    return _("Question «%(name)s»: %(problem)s") % {"name": name, "problem": problem} if name else problem


def _common(element: ET.Element, category: str | None) -> dict:
    question_text = element.find("questiontext")
    text_format = _format(question_text, "html")
    text = _text(question_text)
    tags = []
    for tag in element.findall("tags/tag"):
        value = _text(tag)
        if value and value not in tags:
            tags.append(value)
    return {
        "name": clean_name(_text(element.find("name"))) or default_question_name(text),
        "text": text,
        "text_format": text_format,
        "general_feedback": _text(element.find("generalfeedback")),
        "category": category,
        "idnumber": _text(element, "idnumber"),
        "tags": tags,
    }


def _fraction(answer: ET.Element) -> float:
    raw = (answer.get("fraction") or "0").strip()
    try:
        value = float(raw) / 100
    except ValueError:
        raise _QuestionProblem(_("An unclear answer grade «%(grade)s»; the question is left out.")
                               % {"grade": raw}) from None
    allowed = snap_fraction(value)
    if allowed is None:
        raise _QuestionProblem(_("The answer grade %(grade)s %% is not one that Moodle allows (±%(allowed)s and "
                                 "0 %%); the question is left out.") % {"grade": raw, "allowed": allowed_percentages()})
    return allowed


def _feedback(answer: ET.Element, default: str) -> tuple[str, str]:
    feedback = answer.find("feedback")
    return _text(feedback), _format(feedback, default)


def _multichoice(element: ET.Element, common: dict) -> dict:
    fmt = common["text_format"]
    answers = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        text = _text(answer)
        if not text:
            continue  # Moodle leaves out answers without text when it saves the question.
        feedback, feedback_format = _feedback(answer, fmt)
        answers.append({"text": text, "format": _format(answer, fmt), "fraction": fraction,
                        "feedback": feedback, "feedback_format": feedback_format})
    if len(answers) < 2:
        raise _QuestionProblem(_("A multiple choice question needs at least two options; the question is left "
                                 "out."))
    return {**base_question("multichoice", **common), "single": _flag(element.findtext("single"), True),
            "answers": answers}


def _truefalse(element: ET.Element, common: dict) -> dict:
    fmt = common["text_format"]
    seen: dict[str, tuple[bool, str]] = {}
    for answer in element.findall("answer"):
        value = _text(answer).lower()
        if value not in ("true", "false"):
            raise _QuestionProblem(_("A true/false question has the answer «%(answer)s» instead of true or "
                                     "false; the question is left out.") % {"answer": _text(answer)})
        raw = (answer.get("fraction") or "0").strip()
        try:
            full = float(raw) == 100
        except ValueError:
            raise _QuestionProblem(_("An unclear answer grade «%(grade)s»; the question is left out.")
                                   % {"grade": raw}) from None
        seen[value] = (full, _feedback(answer, fmt)[0])
    if set(seen) != {"true", "false"}:
        raise _QuestionProblem(_("A true/false question must have the answers true and false; the question is "
                                 "left out."))
    if seen["true"][0] == seen["false"][0]:
        raise _QuestionProblem(_("In a true/false question exactly one of the answers true and false must have "
                                 "the grade 100; the question is left out."))
    correct = seen["true"][0]
    return {**base_question("truefalse", **common), "correct": correct,
            "feedback_true": seen["true"][1], "feedback_false": seen["false"][1]}


def _shortanswer(element: ET.Element, common: dict) -> dict:
    fmt = common["text_format"]
    answers = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        text = _text(answer)
        if not text:
            continue
        feedback, feedback_format = _feedback(answer, fmt)
        answers.append({"text": text, "format": "moodle", "fraction": fraction, "feedback": feedback,
                        "feedback_format": feedback_format})
    if not answers:
        raise _QuestionProblem(_("The question has no answers; it is left out."))
    question = {**base_question("shortanswer", **common), "answers": answers}
    if (element.findtext("usecase") or "").strip() == "1":
        question["usecase"] = True
    return question


def _number(text: str) -> float:
    if NUMBER.fullmatch(text):
        return float(text)
    raise _QuestionProblem(_("«%(text)s» is not a number; the question is left out.") % {"text": text})


def _numerical(element: ET.Element, common: dict) -> dict:
    fmt = common["text_format"]
    answers = []
    for answer in element.findall("answer"):
        fraction = _fraction(answer)
        # Files from old Moodle versions put the number straight into <answer>.
        text = _text(answer) or (answer.text or "").strip()
        if not text:
            continue
        value = None if text == "*" else _number(text)
        tolerance_text = (answer.findtext("tolerance") or "").strip()
        tolerance = _number(tolerance_text) if tolerance_text and value is not None else 0.0
        feedback, feedback_format = _feedback(answer, fmt)
        answers.append({"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback,
                        "feedback_format": feedback_format})
    if not answers:
        raise _QuestionProblem(_("The numerical question has no answers; it is left out."))
    question = {**base_question("numerical", **common), "answers": answers}
    units = []
    for unit in element.findall("units/unit"):
        name = (unit.findtext("unit_name") or "").strip()
        multiplier_text = (unit.findtext("multiplier") or "1").strip()
        if name:
            multiplier = _number(multiplier_text)
            if multiplier <= 0:
                raise _QuestionProblem(_("The unit «%(unit)s» has a multiplier that is not positive; the question is "
                                         "left out.") % {"unit": name})
            units.append({"unit": name, "multiplier": multiplier})
    if units:
        question["units"] = units
    return question


def _matching(element: ET.Element, common: dict) -> dict:
    pairs = [{"question": _text(sub), "answer": _text(sub.find("answer"))}
             for sub in element.findall("subquestion")]
    pairs = [pair for pair in pairs if pair["question"] or pair["answer"]]
    if len(pairs) < 3 or sum(1 for pair in pairs if pair["question"]) < 2:
        raise _QuestionProblem(_("A matching question needs at least three pairs, at least two of them with a "
                                 "question; the question is left out."))
    return {**base_question("matching", **common), "pairs": pairs}


def _essay(element: ET.Element, common: dict) -> dict:
    question = base_question("essay", **common)
    graderinfo = element.find("graderinfo")
    text = _text(graderinfo) if graderinfo is not None else ""
    if text and _format(graderinfo, "moodle") == "html":
        text = strip_tags(text).strip()
    if text:
        question["grader_info"] = text
    return question


def _description(element: ET.Element, common: dict) -> dict:
    return base_question("description", **common)


_READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "description": _description,
}


# --- writing -------------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    # Characters XML 1.0 cannot hold at all.
    return _CONTROL.sub("", text or "")


def _text_element(parent: ET.Element, tag: str, text: str, text_format: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text_format is not None:
        element.set("format", _FORMATS_OUT.get(text_format, "moodle_auto_format"))
    ET.SubElement(element, "text").text = _clean(text)
    return element


def _simple(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = _clean(text)


def export_moodle_xml(questions: list[dict]) -> bytes:
    """A Moodle XML file (UTF-8) of questions in the exchange form; ``parse_moodle_xml`` reads them back."""
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        own = question.get("category")
        if own != category:
            entry = ET.SubElement(quiz, "question", type="category")
            _text_element(entry, "category", category_line(own) if own else "")
            category = own
        quiz.append(_question_element(question))
    ET.indent(quiz, "  ")
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True, short_empty_elements=False) + b"\n"


def _question_element(question: dict) -> ET.Element:
    qtype = question.get("type")
    if qtype not in _READERS:
        raise ValueError(_("Question «%(name)s»: the type «%(type)s» cannot be written in Moodle XML.")
                         % {"name": question.get("name"), "type": qtype})
    fmt = question.get("text_format") if question.get("text_format") in TEXT_FORMATS else "moodle"
    text = question.get("text") or ""
    element = ET.Element("question", type=qtype)
    _text_element(element, "name", question.get("name") or default_question_name(text))
    _text_element(element, "questiontext", text, fmt)
    _text_element(element, "generalfeedback", question.get("general_feedback") or "", fmt)
    _simple(element, "defaultgrade", "0" if qtype == "description" else "1")
    _simple(element, "idnumber", question.get("idnumber") or "")
    if question.get("tags"):
        tags = ET.SubElement(element, "tags")
        for tag in question["tags"]:
            _text_element(tags, "tag", tag)

    if qtype == "multichoice":
        _simple(element, "single", "true" if question.get("single", True) else "false")
        _simple(element, "shuffleanswers", "true")
        _simple(element, "answernumbering", "abc")
        for answer in question.get("answers") or []:
            _answer(element, answer, answer.get("text") or "", answer.get("format") or fmt, fmt)
    elif qtype == "shortanswer":
        _simple(element, "usecase", "1" if question.get("usecase") is True else "0")
        for answer in question.get("answers") or []:
            _answer(element, answer, answer.get("text") or "", "moodle", fmt)
    elif qtype == "numerical":
        for answer in question.get("answers") or []:
            value = answer.get("value")
            node = _answer(element, answer, "*" if value is None else format_number(float(value)), "moodle", fmt)
            tolerance = float(answer.get("tolerance") or 0) if value is not None else 0.0
            node.insert(1, ET.Element("tolerance"))
            node[1].text = format_number(tolerance)
        units = [unit for unit in question.get("units") or [] if isinstance(unit, dict) and unit.get("unit")]
        if units:
            # Units typed after the number, optional and not graded on their own: our grader divides by the unit's
            # multiplier and reads a bare number in the first (base) unit.
            for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "0"),
                               ("unitsleft", "0")):
                _simple(element, tag, value)
            node = ET.SubElement(element, "units")
            for unit in units:
                entry = ET.SubElement(node, "unit")
                _simple(entry, "multiplier", format_number(float(unit.get("multiplier") or 1)))
                _simple(entry, "unit_name", str(unit["unit"]))
    elif qtype == "truefalse":
        correct = bool(question.get("correct"))
        for value, right, feedback in (("true", correct, question.get("feedback_true")),
                                       ("false", not correct, question.get("feedback_false"))):
            node = ET.SubElement(element, "answer", fraction="100" if right else "0", format="moodle_auto_format")
            ET.SubElement(node, "text").text = value
            _text_element(node, "feedback", feedback or "", fmt)
    elif qtype == "matching":
        _simple(element, "shuffleanswers", "true")
        for pair in question.get("pairs") or []:
            sub = _text_element(element, "subquestion", pair.get("question") or "", fmt)
            _text_element(sub, "answer", pair.get("answer") or "")
    elif qtype == "essay":
        for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                           ("responsefieldlines", "15"), ("attachments", "0")):
            _simple(element, tag, value)
        _text_element(element, "graderinfo", question.get("grader_info") or "", "plain")
    return element


def _answer(parent: ET.Element, answer: dict, text: str, text_format: str, default: str) -> ET.Element:
    node = ET.SubElement(parent, "answer", fraction=format_percent(float(answer.get("fraction") or 0)),
                         format=_FORMATS_OUT.get(text_format, "moodle_auto_format"))
    ET.SubElement(node, "text").text = _clean(text)
    _text_element(node, "feedback", answer.get("feedback") or "", answer.get("feedback_format") or default)
    return node
