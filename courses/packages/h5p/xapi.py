"""The check of one xAPI statement posted by the H5P player, before it is kept.

Refused (the reason in Russian, the endpoint answers 400): a body larger than ``H5P_MAX_STATEMENT_BYTES``; not a
JSON object; a verb without an absolute IRI as its id; an object that is not this content (its activity IRI, or
one of its sub-contents: the IRI followed by ``?subContentId=…``); a score that is not numbers, or out of range
(raw above max or below min, min above max, scaled outside -1…1); ``success`` or ``completion`` that are not
true/false. What is kept is the statement as received, except the actor, which the server sets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_STATEMENT_BYTES = 64 * 1024
COMPLETING_VERBS = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/answered")
# An absolute IRI: a scheme, a colon, then no spaces (xAPI verbs are IRIs such as http://adlnet.gov/expapi/verbs/…).
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
MAX_IRI_LENGTH = 255
_SCORE_LIMIT = Decimal("1e8")  # what the score columns hold


class StatementRefused(Exception):
    """The statement cannot be kept; the message is the translated reason."""


@dataclass
class CheckedStatement:
    statement: dict
    verb: str
    score_raw: Decimal | None
    score_max: Decimal | None
    score_scaled: Decimal | None
    success: bool | None
    completion: bool | None
    is_top_level: bool

    @property
    def completes(self) -> bool:
        """The top-level «completed» or «answered» with a score: the block is done (H5P's own rule of a finish)."""
        return (self.is_top_level and self.verb in COMPLETING_VERBS and self.score_raw is not None
                and self.score_max is not None)


def max_statement_bytes() -> int:
    return getattr(settings, "H5P_MAX_STATEMENT_BYTES", DEFAULT_MAX_STATEMENT_BYTES)


def _number(value, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatementRefused(_("The score %(name)s is not a number.") % {"name": name})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise StatementRefused(_("The score %(name)s is not a number.") % {"name": name}) from None
    if not number.is_finite() or abs(number) >= _SCORE_LIMIT:
        raise StatementRefused(_("The score %(name)s is out of range.") % {"name": name})
    return number


def _flag(value, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise StatementRefused(_("The field result.%(name)s must be true or false.") % {"name": name})


def statement_check(body: bytes, *, object_iri: str, actor: dict) -> CheckedStatement:
    """Check the raw request ``body`` as a statement about the activity ``object_iri``; the statement returned
    carries ``actor`` instead of the one it came with."""
    limit = max_statement_bytes()
    if len(body) > limit:
        raise StatementRefused(_("The statement is larger than %(limit)d KB.") % {"limit": limit // 1024})
    try:
        statement = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise StatementRefused(_("The statement is not valid JSON.")) from None
    if not isinstance(statement, dict):
        raise StatementRefused(_("The statement must be a JSON object."))
    verb = statement.get("verb")
    verb_id = verb.get("id") if isinstance(verb, dict) else None
    if not isinstance(verb_id, str) or len(verb_id) > MAX_IRI_LENGTH or not _IRI.match(verb_id):
        raise StatementRefused(_("The statement's verb has no valid IRI."))
    target = statement.get("object")
    object_id = target.get("id") if isinstance(target, dict) else None
    if not isinstance(object_id, str) or not (
            object_id == object_iri or object_id.startswith(object_iri + "?subContentId=")):
        raise StatementRefused(_("The statement is about another activity than this H5P content."))
    result = statement.get("result", {})
    if not isinstance(result, dict):
        raise StatementRefused(_("The statement's result must be a JSON object."))
    score = result.get("score", {})
    if not isinstance(score, dict):
        raise StatementRefused(_("The statement's score must be a JSON object."))
    raw, low, high, scaled = (_number(score.get(key), key) for key in ("raw", "min", "max", "scaled"))
    if low is not None and high is not None and low > high:
        raise StatementRefused(_("The score is out of range: min is above max."))
    if raw is not None and ((high is not None and raw > high) or (low is not None and raw < low)):
        raise StatementRefused(_("The score is out of range: raw is outside min…max."))
    if scaled is not None and not Decimal(-1) <= scaled <= Decimal(1):
        raise StatementRefused(_("The score is out of range: scaled must lie between -1 and 1."))
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    parent = activities.get("parent") if isinstance(activities, dict) else None
    statement["actor"] = actor
    return CheckedStatement(
        statement=statement, verb=verb_id, score_raw=raw, score_max=high,
        score_scaled=scaled.quantize(Decimal("0.0000001")) if scaled is not None else None,
        success=_flag(result.get("success"), "success"), completion=_flag(result.get("completion"), "completion"),
        is_top_level=not parent)
