"""The SCORM run-time data model on the server: what a SCO may commit, checked element by element as its edition
defines it (SCORM 1.2 ``cmi.core.*``; SCORM 2004 ``cmi.*``), and what a SCO is given when it is launched.

* ``check_commit(version, elements)``: the accepted elements, the interactions by index, the refused elements with
  a reason in Russian, and the figures the roll-up reads. A value over its length is refused, never truncated.
* ``initial_elements`` is what the player loads into the API; ``apply_thresholds`` the LMS's own part of the
  statuses; ``add_session_time`` / ``parse_time`` / ``total_time_text`` keep ``total_time`` as the sessions' sum.

Rules: SCORM 1.2 RTE (3.4; data types in appendix A) and SCORM 2004 4th edition RTE (4.2; data types in 4.1).
scorm-again 3.4.3 checks the same elements in the browser first; where we differ, the comment at the rule says
which way and why: never stricter where authoring tools are known to bend the standard (its own notes list them),
stricter where the issue or our columns require it. It commits its whole model (measured: read-only elements,
unset ones as "", empty lists as ``{}``): read-only elements are ignored, "" means "not set" and is accepted for
every element, an empty ``{}`` is ignored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .manifest import VERSION_12

COMPLETION_VALUES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_VALUES = ("passed", "failed", "unknown")
STATUS_12 = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
# 1.2 lets an LMS-set "not attempted" stand; scorm-again refuses it from a SCO but commits it as the initial value.
EXIT_12 = ("time-out", "suspend", "logout", "")
EXIT_2004 = ("time-out", "suspend", "logout", "normal", "")  # RTE 4.2.8 spells it "time-out", as scorm-again does
TYPES_12 = ("true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric")
TYPES_2004 = TYPES_12 + ("long-fill-in", "other")
RESULTS_12 = ("correct", "wrong", "unanticipated", "neutral")
RESULTS_2004 = ("correct", "incorrect", "unanticipated", "neutral")
_STATUS_12_AS_2004 = {"passed": ("completed", "passed"), "failed": ("completed", "failed"),
                      "completed": ("completed", "unknown"), "incomplete": ("incomplete", "unknown"),
                      "not attempted": ("not attempted", "unknown"), "browsed": ("incomplete", "unknown")}

SUSPEND_DATA_12 = 4096  # CMIString4096 (RTE 1.2 A.1); scorm-again lets 64,000 through here, we keep the standard
# 64,000 from the 2004 3rd edition on (cmi.suspend_data: characterstring, SPM 64000; the 2nd edition's SPM was
# 4,000, as Articulate's and Compozer's support pages tabulate). An SPM is the least an LMS must keep, so 64,000 is
# right for 2nd-edition content too; scorm-again takes 64,000 for every 2004 edition (CMIString64000).
SUSPEND_DATA_2004 = 64_000
MAX_INDEX = 999  # n in cmi.interactions.n / objectives.n: the 2004 SPMs are 250 and 100; more is abuse, not content
# Scores and weightings are kept in numeric(12, 4) columns: eight digits before the point. CMIDecimal / real(10,7)
# allow ten; a score over 99,999,999 is no real score, and refusing it beats a failed save of the whole commit.
MAX_REAL = Decimal("99999999.9999")
# A session or a latency over 9999:59:59.99 (the largest 1.2 CMITimespan) is a broken clock, not a learner.
MAX_TIMESPAN_SECONDS = Decimal("35999999.99")
CENT = Decimal("0.01")

_INDEX = re.compile(r"\.(0|[1-9]\d*)(?=\.|$)")
_DECIMAL_12 = re.compile(r"-?(\d{1,10}(\.\d*)?|\.\d+)")  # CMIDecimal; ".5" is accepted, as scorm-again does
_DECIMAL_2004 = re.compile(r"-?\d{1,10}(\.\d+)?")  # real(10,7): no exponent, no "+", a digit before the point
_INTEGER = re.compile(r"-?\d{1,6}")
_TIMESPAN_12 = re.compile(r"(\d{1,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?")
_TIME_12 = re.compile(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?")
# P[nY][nM][nW][nD][T[nH][nM][nS]]: ISO 8601 lets the lowest component present carry a fraction.
_INTERVAL = re.compile(r"P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
                       r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?")
# Years as 365 days and months as 30 days: a duration has no calendar to count in and the RTE names no length;
# these are scorm-again's figures (getDurationAsSeconds), so our total agrees with the one the API computes.
_INTERVAL_SECONDS = (365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1)
_TIMESTAMP = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:T([01]\d|2[0-3])(?::([0-5]\d)(?::([0-5]\d)(?:\.\d{1,6})?"
                        r"(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?)?)?)?)?")
_IDENTIFIER_12 = re.compile(r"[!-~ \t]{1,255}")  # printable ASCII and blanks, as scorm-again (spec: [A-Za-z0-9_-])
_SHORT_ID = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'()*+;=%]{1,250}")  # URI characters; "[" "]" "," are delimiters
_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_LANG_PREFIX = re.compile(r"\{lang=([^}]*)\}")
_MODIFIER = re.compile(r"\{(case_matters|order_matters)=(true|false)\}")


@dataclass
class CheckedCommit:
    elements: dict[str, str] = field(default_factory=dict)  # accepted, without cmi.interactions.*
    interactions: list[dict] = field(default_factory=list)  # {"index", "id", "type", "description",
    # "learner_response", "correct_responses": [str], "result", "weighting": Decimal|None,
    # "latency_seconds": Decimal|None, "timestamp"}
    errors: list[str] = field(default_factory=list)  # one translated reason per refused element
    completion_status: str = "unknown"  # 2004 vocabulary, also for 1.2 (mapped from cmi.core.lesson_status)
    success_status: str = "unknown"
    score_raw: Decimal | None = None
    score_min: Decimal | None = None
    score_max: Decimal | None = None
    score_scaled: Decimal | None = None
    session_seconds: Decimal = Decimal(0)
    location: str | None = None  # None: not committed this time (keep the saved one)
    suspend_data: str | None = None
    exit: str = ""
    progress_measure: Decimal | None = None  # 2004 cmi.progress_measure, when committed
    # cmi.interactions.n.objectives.m.id by interaction index (kept apart: the interaction dicts keep their shape)
    interaction_objectives: dict[int, list[str]] = field(default_factory=dict)


class Refused(ValueError):
    """A value an element does not take; ``args[0]`` is the translated reason (without the element's name)."""


def is_12(version: str) -> bool:
    return version == VERSION_12


def _shown(value: str) -> str:  # a value as quoted in a reason: never a 64,000-character wall
    return value if len(value) <= 40 else value[:40] + "…"


def _number_text(number: int) -> str:  # Russian typography: 4096 whole, 64 000 grouped with a no-break space
    return str(number) if abs(number) < 10_000 else f"{number:,}".replace(",", "\u00a0")


def _too_long(limit: int, length: int) -> Refused:
    return Refused(ngettext("more than %(limit)s character (%(length)s)", "more than %(limit)s characters "
                            "(%(length)s)", limit) % {"limit": _number_text(limit), "length": _number_text(length)})


def _not_allowed(value: str, allowed: tuple[str, ...]) -> Refused:
    listed = ", ".join(f"«{item}»" if item else _("empty value") for item in allowed)
    return Refused(_("«%(value)s» is not an allowed value (allowed: %(allowed)s)")
                   % {"value": _shown(value), "allowed": listed})


def _bad_format(value: str, expected: str) -> Refused:
    return Refused(_("«%(value)s» does not match the format: %(format)s") % {"value": _shown(value),
                                                                           "format": expected})


# --- value checks: each takes the text and returns it (or raises Refused) ------------------------------------------

def _text(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        if len(value) > limit:
            raise _too_long(limit, len(value))
        return value
    return check


def _vocabulary(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise _not_allowed(value, allowed)
        return value
    return check


def _decimal(value: str, pattern: re.Pattern = _DECIMAL_2004) -> Decimal:
    if not pattern.fullmatch(value):
        raise Refused(_("«%(value)s» is not a number") % {"value": _shown(value)})
    return Decimal(value)


def _real(low: Decimal | int = -MAX_REAL, high: Decimal | int = MAX_REAL, pattern: re.Pattern = _DECIMAL_2004,
          integer: bool = False) -> Callable[[str], str]:
    def check(value: str) -> str:
        number = _decimal(value, _INTEGER if integer else pattern)
        if not Decimal(low) <= number <= Decimal(high):
            raise Refused(_("%(value)s is outside the range from %(low)s to %(high)s")
                          % {"value": _shown(value), "low": low, "high": high})
        return value
    return check


def _form(pattern: re.Pattern, expected: Any, limit: int = 0) -> Callable[[str], str]:
    """Text of a fixed form; over ``limit`` characters the reason says so rather than "not of the form"."""
    def check(value: str) -> str:
        if limit and len(value) > limit:
            raise _too_long(limit, len(value))
        if not pattern.fullmatch(value):
            raise _bad_format(value, str(expected))
        return value
    return check


_time_12 = _form(_TIME_12, _lazy("HH:MM:SS.SS, e.g. 14:05:30"))
_identifier_12 = _form(_IDENTIFIER_12, _lazy("an identifier of Latin letters, digits and signs"), 255)
_short_identifier = _form(_SHORT_ID, _lazy("an identifier of Latin letters, digits and URI signs, at most 250"))
_language = _form(_LANG, _lazy("a language code, e.g. ru or en-US"), 250)


def _timespan(version: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            seconds = parse_time(version, value)
        except ValueError:
            raise _bad_format(value, _("HHHH:MM:SS.SS, e.g. 0001:30:05.5") if is_12(version) else
                              _("an ISO 8601 duration, e.g. PT1H30M5.5S")) from None
        if seconds > MAX_TIMESPAN_SECONDS:
            raise Refused(_("%(value)s is longer than 9999 hours") % {"value": _shown(value)})
        return value
    return check


def _timestamp(value: str) -> str:
    """time (second,10,0). Looser than scorm-again: a zone without fractional seconds (ISO 8601 allows it; the RTE's
    brackets do not); years to 9999 as scorm-again (RTE: 2038). Stricter: the day must exist (it takes 2026-02-30)."""
    match = _TIMESTAMP.fullmatch(value)
    try:
        if match is None or int(match[1]) < 1970:
            raise ValueError
        datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        raise _bad_format(value, _("date and time by ISO 8601, e.g. 2026-11-23T14:05:30")) from None
    return value


def _long_identifier(value: str) -> str:
    """long_identifier_type (SPM 4000): any text of 1-4000 characters, as scorm-again (content writes texts here)."""
    if not value.strip():
        raise Refused(_("the identifier is empty"))
    return _text(4000)(value)


def _localized(limit: int) -> Callable[[str], str]:
    """localized_string_type: an optional {lang=ru} and the text; the SPM counts the text after the tag."""
    def check(value: str) -> str:
        text = value
        prefix = _LANG_PREFIX.match(value)
        if prefix:
            if not _LANG.fullmatch(prefix[1]):
                raise _bad_format(value, _("a language tag such as {lang=ru}"))
            text = value[prefix.end():]
        if len(text) > limit:
            raise _too_long(limit, len(text))
        return value
    return check


# --- 2004 interaction responses and correct response patterns, by type --------------------------------------------

def _pair(item: str) -> None:  # matching: source[.]target
    parts = item.split("[.]")
    if len(parts) != 2:
        raise Refused(item)
    for part in parts:
        _short_identifier(part)


def _step(pattern: bool) -> Callable[[str], None]:  # performance: [name][.][answer], a pattern's may be min[:]max
    def check(item: str) -> None:
        name, _dot, answer = item.partition("[.]")
        if not name and not answer:
            raise Refused(item)
        if name:
            _short_identifier(name)
        (_numeric_range if pattern and "[:]" in answer else _text(250))(answer)
    return check


def _response(kind: str, value: str, pattern: bool) -> None:
    """A learner response or (``pattern``) a correct response pattern of an interaction of type ``kind``."""
    # type -> (parts between [,] at most, the check of a part, each part once, what is expected)
    most, check, unique, expected = {
        "true-false": (1, _vocabulary(("true", "false")), False, _("true or false")),
        # long identifiers, as scorm-again takes them (the RTE says short_identifier_type; tools write answer texts)
        "choice": (36, _long_identifier, True, _("up to 36 identifiers separated by [,], each once")),
        "fill-in": (10, _localized(250), False, _("up to 10 texts separated by [,]")),
        "long-fill-in": (1, _localized(4000), False, _("one text of up to 4000 characters")),
        "matching": (36, _pair, False, _("up to 36 pairs source[.]target separated by [,]")),
        "performance": (250, _step(pattern), False, _("up to 250 steps name[.]answer separated by [,]")),
        "sequencing": (36, _short_identifier, False, _("up to 36 identifiers separated by [,]")),
        "likert": (1, _short_identifier, False, _("one identifier")),
        "numeric": (1, _numeric_range if pattern else _decimal, False,
                    _("a number, or a range min[:]max") if pattern else _("a number")),
        "other": (1, _text(4000), False, _("a text of up to 4000 characters")),
    }[kind]
    text = value
    while pattern and kind in ("fill-in", "long-fill-in", "performance") and _MODIFIER.match(text):
        text = text[_MODIFIER.match(text).end():]  # {case_matters=true}{order_matters=false} lead a pattern
    try:
        parts = text.split("[,]") if most > 1 else [text]
        if len(parts) > most or (unique and len(set(parts)) != len(parts)):
            raise Refused(text)
        for part in parts:
            check(part)
    except Refused:
        raise Refused(_("«%(value)s» is not a response for an interaction of type «%(type)s» (expected: "
                        "%(format)s)") % {"value": _shown(value), "type": kind, "format": expected}) from None


def _numeric_range(value: str) -> None:
    low, _colon, high = value.partition("[:]")
    numbers = [_decimal(part) for part in (low, high) if part]
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        raise Refused(value)


# --- the elements a SCO may set (".n" stands for an index) ---------------------------------------------------------

def _writable(version: str) -> dict[str, Callable[[str], str]]:
    timespan = _timespan(version)
    if is_12(version):
        score = _real(0, 100, _DECIMAL_12)  # RTE 3.4.2.2.2 (scorm-again's score_range)
        table = {
            "cmi.core.lesson_location": _text(255), "cmi.core.lesson_status": _vocabulary(STATUS_12),
            "cmi.core.exit": _vocabulary(EXIT_12), "cmi.core.session_time": timespan,
            "cmi.suspend_data": _text(SUSPEND_DATA_12), "cmi.comments": _text(4096),
            "cmi.student_preference.audio": _real(-1, 100, integer=True),
            "cmi.student_preference.language": _text(255),
            "cmi.student_preference.speed": _real(-100, 100, integer=True),
            "cmi.student_preference.text": _real(-1, 1, integer=True),
            "cmi.objectives.n.id": _identifier_12, "cmi.objectives.n.status": _vocabulary(STATUS_12),
            "cmi.interactions.n.id": _identifier_12, "cmi.interactions.n.objectives.n.id": _identifier_12,
            "cmi.interactions.n.time": _time_12, "cmi.interactions.n.type": _vocabulary(TYPES_12),
            # CMIFeedback is CMIString255 with per-type forms in the RTE; scorm-again checks neither (content writes
            # long answers and its own forms), we keep a ceiling of 4096 and leave the form to the SCO.
            "cmi.interactions.n.correct_responses.n.pattern": _text(4096),
            "cmi.interactions.n.student_response": _text(4096),
            "cmi.interactions.n.weighting": _real(-100, 100, _DECIMAL_12),  # scorm-again's weighting_range
            "cmi.interactions.n.result": _result(version), "cmi.interactions.n.latency": timespan,
        }
        for part in ("raw", "min", "max"):
            table[f"cmi.core.score.{part}"] = table[f"cmi.objectives.n.score.{part}"] = score
        return table
    scores = {"scaled": _real(-1, 1), "raw": _real(), "min": _real(), "max": _real()}
    table = {
        "cmi.location": _text(1000), "cmi.completion_status": _vocabulary(COMPLETION_VALUES),
        "cmi.success_status": _vocabulary(SUCCESS_VALUES), "cmi.progress_measure": _real(0, 1),
        "cmi.exit": _vocabulary(EXIT_2004), "cmi.session_time": timespan,
        "cmi.suspend_data": _text(SUSPEND_DATA_2004),
        "cmi.comments_from_learner.n.comment": _localized(4000), "cmi.comments_from_learner.n.location": _text(250),
        "cmi.comments_from_learner.n.timestamp": _timestamp,
        "cmi.learner_preference.audio_level": _real(0, MAX_REAL), "cmi.learner_preference.language": _language,
        "cmi.learner_preference.delivery_speed": _real(0, MAX_REAL),
        "cmi.learner_preference.audio_captioning": _vocabulary(("-1", "0", "1")),
        "cmi.objectives.n.id": _long_identifier, "cmi.objectives.n.success_status": _vocabulary(SUCCESS_VALUES),
        "cmi.objectives.n.completion_status": _vocabulary(COMPLETION_VALUES),
        "cmi.objectives.n.progress_measure": _real(0, 1), "cmi.objectives.n.description": _localized(250),
        "cmi.interactions.n.id": _long_identifier, "cmi.interactions.n.type": _vocabulary(TYPES_2004),
        "cmi.interactions.n.objectives.n.id": _long_identifier, "cmi.interactions.n.timestamp": _timestamp,
        "cmi.interactions.n.weighting": _real(), "cmi.interactions.n.result": _result(version),
        "cmi.interactions.n.latency": timespan, "cmi.interactions.n.description": _localized(250),
        # checked against the interaction's type once it is known (see _check_responses)
        "cmi.interactions.n.correct_responses.n.pattern": _text(64_000),
        "cmi.interactions.n.learner_response": _text(64_000),
    }
    for part, check in scores.items():
        table[f"cmi.score.{part}"] = table[f"cmi.objectives.n.score.{part}"] = check
    return table


def _result(version: str) -> Callable[[str], str]:
    words = RESULTS_12 if is_12(version) else RESULTS_2004

    def check(value: str) -> str:
        if value in words:
            return value
        try:
            return _real(pattern=_DECIMAL_12 if is_12(version) else _DECIMAL_2004)(value)
        except Refused:
            raise _not_allowed(value, words) from None
    return check


_READ_ONLY_12 = {"cmi._version", "cmi.core.student_id", "cmi.core.student_name", "cmi.core.credit", "cmi.core.entry",
                 "cmi.core.total_time", "cmi.core.lesson_mode", "cmi.launch_data", "cmi.comments_from_lms",
                 "cmi.student_data.mastery_score", "cmi.student_data.max_time_allowed",
                 "cmi.student_data.time_limit_action"}
_READ_ONLY_2004 = {"cmi._version", "cmi.completion_threshold", "cmi.credit", "cmi.entry", "cmi.launch_data",
                   "cmi.learner_id", "cmi.learner_name", "cmi.max_time_allowed", "cmi.mode",
                   "cmi.scaled_passing_score", "cmi.time_limit_action", "cmi.total_time",
                   "cmi.comments_from_lms.n.comment", "cmi.comments_from_lms.n.location",
                   "cmi.comments_from_lms.n.timestamp"}
_WRITABLE = {version: _writable(version) for version in (VERSION_12, "2004")}


def _normalised(value: Any) -> str | None:
    """The committed value as text (JSON numbers too); None for what is no value (a dict, a list, a boolean)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _message(name: str, reason: str) -> str:
    if name == "cmi.suspend_data":
        return _("%(element)s: %(reason)s — the data for resuming were not saved: the lesson will resume from the "
                 "last point saved before.") % {"element": name, "reason": reason}
    return _("%(element)s: %(reason)s — the value was not saved.") % {"element": name, "reason": reason}


def check_commit(version: str, elements: Mapping[str, Any]) -> CheckedCommit:
    """Check what a SCO committed: each accepted element in ``elements`` (interactions apart), each refused one in
    ``errors`` with its reason, never cut."""
    checked = CheckedCommit()
    table = _WRITABLE[VERSION_12 if is_12(version) else "2004"]
    read_only = _READ_ONLY_12 if is_12(version) else _READ_ONLY_2004
    found: dict[int, list[tuple]] = {}  # interaction index -> its accepted (field, name, value, indices)
    for name, raw in elements.items():
        if not isinstance(name, str) or not name.startswith("cmi."):
            continue  # adl.nav.request and the like belong to the player, not to the data model
        shape = _INDEX.sub(".n", name)
        indices = [int(number) for number in _INDEX.findall(name)]
        if shape in read_only or shape.rsplit(".", 1)[-1] in ("_children", "_count", "_version"):
            continue
        value = _normalised(raw)
        if value is None:
            if isinstance(raw, (dict, list)) and not raw:
                continue  # scorm-again's empty lists ("cmi.interactions": {})
            checked.errors.append(_message(name, _("the value is neither text nor a number")))
            continue
        check = table.get(shape)
        if check is None:
            checked.errors.append(_message(name, _("there is no such element in SCORM %(version)s")
                                           % {"version": "1.2" if is_12(version) else "2004"}))
            continue
        if any(index > MAX_INDEX for index in indices):
            checked.errors.append(_message(name, _("the number %(index)s is larger than the platform keeps (at most "
                                                   "%(limit)s)") % {"index": max(indices), "limit": MAX_INDEX}))
            continue
        try:
            if value:
                check(value)
        except Refused as refusal:
            checked.errors.append(_message(name, str(refusal)))
            continue
        if shape.startswith("cmi.interactions.n."):
            found.setdefault(indices[0], []).append((shape[len("cmi.interactions.n."):], name, value, indices))
        else:
            checked.elements[name] = value
    _collect_interactions(version, found, checked)
    _read_figures(version, checked)
    return checked


def _collect_interactions(version: str, found: dict[int, list[tuple]], checked: CheckedCommit) -> None:
    for index in sorted(found):
        fields = {key: value for key, _name, value, _indices in found[index]}
        if not fields.get("id"):
            if any(value for key, value in fields.items()):
                checked.errors.append(_("cmi.interactions.%(index)s: the interaction has no identifier "
                                        "(cmi.interactions.%(index)s.id) — its data were not saved.")
                                      % {"index": index})
            continue
        kind = fields.get("type", "")
        responses, objectives = [], []
        for key, name, value, indices in found[index]:
            if not is_12(version) and kind and key in ("learner_response", "correct_responses.n.pattern") and value:
                try:
                    _response(kind, value, pattern=key != "learner_response")
                except Refused as refusal:
                    checked.errors.append(_message(name, str(refusal)))
                    fields[key] = ""
                    continue
            if key == "correct_responses.n.pattern":
                responses.append((indices[1], value))
            elif key == "objectives.n.id" and value:
                objectives.append((indices[1], value))
        if objectives:
            checked.interaction_objectives[index] = [value for _n, value in sorted(objectives)]
        result, weighting, latency = fields.get("result", ""), fields.get("weighting"), fields.get("latency")
        checked.interactions.append({
            "index": index, "id": fields["id"], "type": kind, "description": fields.get("description", ""),
            "learner_response": fields.get("student_response" if is_12(version) else "learner_response", ""),
            "correct_responses": [value for _n, value in sorted(responses)],
            # one vocabulary for reports: 1.2 says "wrong" where 2004 says "incorrect"
            "result": "incorrect" if result == "wrong" else result,
            "weighting": Decimal(weighting) if weighting else None,
            "latency_seconds": parse_time(version, latency) if latency else None,
            "timestamp": fields.get("time" if is_12(version) else "timestamp", ""),
        })


def _read_figures(version: str, checked: CheckedCommit) -> None:
    elements = checked.elements
    if is_12(version):
        checked.completion_status, checked.success_status = _STATUS_12_AS_2004.get(
            elements.get("cmi.core.lesson_status", ""), ("unknown", "unknown"))
        prefix = "cmi.core."
    else:
        checked.completion_status = elements.get("cmi.completion_status") or "unknown"
        checked.success_status = elements.get("cmi.success_status") or "unknown"
        if elements.get("cmi.progress_measure"):
            checked.progress_measure = Decimal(elements["cmi.progress_measure"])
        prefix = "cmi."
    for part in ("raw", "min", "max", "scaled"):
        value = elements.get(f"{prefix}score.{part}", "")
        if value:
            setattr(checked, f"score_{part}", Decimal(value))
    checked.location = elements.get(prefix + "lesson_location" if is_12(version) else "cmi.location")
    checked.suspend_data = elements.get("cmi.suspend_data")
    checked.exit = elements.get(prefix + "exit", "")
    session = elements.get(prefix + "session_time", "")
    checked.session_seconds = parse_time(version, session) if session else Decimal(0)


def apply_thresholds(version: str, checked: CheckedCommit, *, mastery_score: str = "", completion_threshold: str = "",
                     scaled_passing_score: str = "", credit: bool = True) -> CheckedCommit:
    """The LMS's part of the statuses, from the manifest's figures (``Sco`` entries of ``manifest.check_package``):
    1.2, with a mastery score, credit and a raw score, passed or failed by the score (RTE, cmi.core.lesson_status);
    2004, with a completion threshold and a progress measure, or a scaled passing score and a scaled score, the
    comparison decides, whatever the SCO said (RTE, cmi.completion_status and cmi.success_status)."""
    if is_12(version):
        if mastery_score and credit and checked.score_raw is not None:
            checked.success_status = "passed" if checked.score_raw >= Decimal(mastery_score) else "failed"
            checked.completion_status = "completed"
        return checked
    if completion_threshold and checked.progress_measure is not None:
        reached = checked.progress_measure >= Decimal(completion_threshold)
        checked.completion_status = "completed" if reached else "incomplete"
    if scaled_passing_score and checked.score_scaled is not None:
        reached = checked.score_scaled >= Decimal(scaled_passing_score)
        checked.success_status = "passed" if reached else "failed"
    return checked


def add_session_time(version: str, total_seconds: Decimal, session_time: str) -> Decimal:
    """The total after one more session (``session_time`` as the SCO gave it; checked by ``check_commit``)."""
    return total_seconds + parse_time(version, session_time)


def parse_time(version: str, text: str) -> Decimal:
    """Seconds (to 0.01) in a 1.2 CMITimespan ``HHHH:MM:SS.SS`` or a 2004 timeinterval; ``ValueError`` otherwise.

    1.2: one to four hour digits (RTE: two to four; scorm-again: any), minutes and seconds under 60 (scorm-again
    does not check; "00:75:00" is a bug). 2004: weeks taken (ISO 8601, and scorm-again); "P" or "PT" alone are no
    time (a formatter leaving out zero parts writes them, scorm-again passes them); a fraction only on the last
    part present (ISO 8601), of any length (the RTE's precision is 0.01 s, the result is kept to that)."""
    if text == "":
        return Decimal(0)
    if is_12(version):
        match = _TIMESPAN_12.fullmatch(text)
        if match is None:
            raise ValueError(f"not a CMITimespan: {text!r}")
        hours, minutes, seconds = match[1], match[2], match[3] + (match[4] or "")
        return (Decimal(hours) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)).quantize(CENT, ROUND_HALF_UP)
    match = _INTERVAL.fullmatch(text)
    if match is None or text.endswith("T"):
        if text != "PT":
            raise ValueError(f"not a timeinterval: {text!r}")
        return Decimal(0)
    parts = [(group, unit) for group, unit in zip(match.groups(), _INTERVAL_SECONDS) if group is not None]
    if any(("." in group or "," in group) for group, _unit in parts[:-1]):
        raise ValueError(f"a fraction on a part that is not the last: {text!r}")
    try:
        total = sum((Decimal(group.replace(",", ".")) * unit for group, unit in parts), Decimal(0))
    except InvalidOperation:
        raise ValueError(f"not a timeinterval: {text!r}") from None
    return total.quantize(CENT, ROUND_HALF_UP)


def total_time_text(version: str, seconds: Decimal) -> str:
    """``cmi.core.total_time`` (1.2, ``HHHH:MM:SS.SS``) or ``cmi.total_time`` (2004, ``PT#H#M#S``). The 1.2 form
    has four hour digits: a total over 9999:59:59.99 (416 days in one SCO) is given as that ceiling, since SCOs
    read it with the standard's pattern and would refuse a fifth digit."""
    centis = int(max(Decimal(seconds), Decimal(0)).quantize(CENT, ROUND_HALF_UP) * 100)
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, fraction = divmod(rest, 100)
    if is_12(version):
        if hours > 9999:
            return "9999:59:59.99"
        return f"{hours:04d}:{minutes:02d}:{whole:02d}" + (f".{fraction:02d}" if fraction else "")
    second_text = f"{whole}.{fraction:02d}".rstrip("0") if fraction else str(whole)
    return f"PT{hours}H{minutes}M{second_text}S"


def initial_elements(version: str, *, learner_id: str, learner_name: str, saved: Mapping[str, str],
                     total_seconds: Decimal, mode: str = "normal", credit: bool = True,
                     launch_data: str = "", mastery_score: str = "", completion_threshold: str = "",
                     scaled_passing_score: str = "") -> dict[str, str]:
    """The elements the API starts with: ``saved`` is what the SCO last committed (ScormScoState.data); the last
    four come from the manifest (``Sco`` entries: ``launch_data``, ``mastery_score``, ``completion_threshold``,
    ``scaled_passing_score``)."""
    resume = saved.get("cmi.core.exit" if is_12(version) else "cmi.exit", "") == "suspend"
    entry = "resume" if resume else ("" if saved else "ab-initio")
    credit_text = "credit" if credit else "no-credit"
    if is_12(version):
        data = {
            "cmi.core.student_id": learner_id, "cmi.core.student_name": learner_name, "cmi.core.lesson_mode": mode,
            "cmi.core.credit": credit_text, "cmi.core.entry": entry,
            "cmi.core.lesson_location": saved.get("cmi.core.lesson_location", ""),
            "cmi.core.lesson_status": saved.get("cmi.core.lesson_status") or "not attempted",
            "cmi.core.total_time": total_time_text(version, total_seconds),
            "cmi.suspend_data": saved.get("cmi.suspend_data", ""), "cmi.launch_data": launch_data,
        }
        kept = [f"cmi.core.score.{part}" for part in ("raw", "min", "max")]
        given = {"cmi.student_data.mastery_score": mastery_score}
    else:
        data = {
            "cmi.learner_id": learner_id, "cmi.learner_name": learner_name, "cmi.mode": mode,
            "cmi.credit": credit_text, "cmi.entry": entry, "cmi.location": saved.get("cmi.location", ""),
            "cmi.completion_status": saved.get("cmi.completion_status") or "unknown",
            "cmi.success_status": saved.get("cmi.success_status") or "unknown",
            "cmi.total_time": total_time_text(version, total_seconds),
            "cmi.suspend_data": saved.get("cmi.suspend_data", ""), "cmi.launch_data": launch_data,
        }
        kept = [f"cmi.score.{part}" for part in ("raw", "min", "max", "scaled")] + ["cmi.progress_measure"]
        given = {"cmi.completion_threshold": completion_threshold, "cmi.scaled_passing_score": scaled_passing_score}
    data.update({name: saved[name] for name in kept if saved.get(name)})  # only what was saved
    data.update({name: value for name, value in given.items() if value})  # only what the manifest gives
    return data
