"""Item analysis of a quiz: how each question behaved over the finished attempts.

A pure computation over what the attempts froze (questions, answers, grades), with no database access, so that
the numbers can be checked by hand:

* facility index — the mean fraction of the question × 100 (how easy it was);
* discrimination index — the Pearson correlation between the fraction of the question and the attempt's percent
  on the OTHER questions (do the strong learners get it right?); None with fewer than 3 attempts or no variance;
* the distribution of responses — per answer for multiple choice, true/false counts, otherwise the five most
  frequent responses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MIN_ATTEMPTS_FOR_DISCRIMINATION = 3
TOP_RESPONSES = 5
RESPONSE_PREVIEW_CHARS = 200

MULTICHOICE = "multichoice"
TRUEFALSE = "truefalse"
MATCHING = "matching"
DESCRIPTION = "description"


@dataclass
class ItemRow:
    question_id: int
    name: str
    qtype: str
    attempts: int = 0                          # attempts that served the question
    facility: float | None = None              # mean fraction × 100 over graded responses
    discrimination: float | None = None        # Pearson r, see the module docstring
    distribution: list[tuple[object, int]] = field(default_factory=list)  # (response label, count)
    unanswered: int = 0


@dataclass
class _Observations:
    name: str
    qtype: str
    version: int
    first_seen: tuple[int, int]
    answers: list[dict] = field(default_factory=list)  # answer texts of multichoice, from the frozen question
    pair_questions: list[str] = field(default_factory=list)  # the rows of a matching question, in order
    attempts: int = 0
    fractions: list[float] = field(default_factory=list)
    pairs: list[tuple[float, float]] = field(default_factory=list)  # (fraction, percent on the other questions)
    responses: list[object] = field(default_factory=list)


def _fraction(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _marks(entry: Mapping) -> float:
    try:
        return max(float(entry.get("marks") or 0), 0.0)
    except (TypeError, ValueError):
        return 0.0


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """The correlation coefficient, or None when it is undefined (too few values, a constant series)."""
    n = len(xs)
    if n < MIN_ATTEMPTS_FOR_DISCRIMINATION or n != len(ys):
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _is_empty(response) -> bool:
    return response is None or response == "" or response == [] or response == {}


def _label(response) -> str:
    """Any other response as a short text: matching answers as «row: answer» pairs."""
    if isinstance(response, dict):
        text = "; ".join(f"{key}: {value}" for key, value in sorted(response.items(), key=lambda kv: str(kv[0])))
    elif isinstance(response, list):
        text = ", ".join(str(value) for value in response)
    else:
        text = str(response)
    text = " ".join(text.split())
    return text if len(text) <= RESPONSE_PREVIEW_CHARS else text[: RESPONSE_PREVIEW_CHARS - 1] + "…"


def _distribution(item: _Observations) -> tuple[list[tuple[object, int]], int]:
    given = [response for response in item.responses if not _is_empty(response)]
    unanswered = len(item.responses) - len(given)
    if item.qtype == MULTICHOICE:
        # Every answer of the question, in its authored order, even those nobody chose.
        counts: Counter = Counter()
        for response in given:
            for index in (response if isinstance(response, list) else [response]):
                if isinstance(index, int) and not isinstance(index, bool):
                    counts[index] += 1
        texts = [str(answer.get("text", "")) if isinstance(answer, Mapping) else str(answer)
                 for answer in item.answers]
        rows = [(_label(text), counts.get(index, 0)) for index, text in enumerate(texts)]
        rows += [(f"#{index}", count) for index, count in sorted(counts.items())
                 if not 0 <= index < len(texts)]
        return rows, unanswered
    if item.qtype == TRUEFALSE:
        return [(True, sum(1 for r in given if r is True)), (False, sum(1 for r in given if r is False))], unanswered
    if item.qtype == MATCHING:
        given = [_matching_named(response, item.pair_questions) for response in given]
    counts = Counter(_label(response) for response in given)
    return counts.most_common(TOP_RESPONSES), unanswered


def _matching_named(response, rows: list[str]):
    """A matching response with each row named by its question («Кемерово → 1918») instead of its index."""
    if not isinstance(response, Mapping):
        return response
    named = []
    for key, value in sorted(response.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 10**6):
        index = int(key) if str(key).isdigit() else None
        row = rows[index] if index is not None and index < len(rows) and rows[index] else f"#{key}"
        named.append(f"{_label(row)} → {value}")
    return "; ".join(named)


def analyse(attempts: Iterable[Mapping]) -> list[ItemRow]:
    """One row per question (by question_id), in the order the questions first appear.

    `attempts`: mappings with the frozen ``questions`` of an attempt and its ``answers`` and ``grades`` (both keyed by
    the slot index as a string), e.g. ``Attempt.objects.values("questions", "answers", "grades")``.
    A question without a grade (an essay not yet graded) counts as served but stays out of the facility,
    the discrimination and the other questions' percent."""
    items: dict[int, _Observations] = {}
    for attempt_index, attempt in enumerate(attempts):
        questions = attempt.get("questions") or []
        answers = attempt.get("answers") or {}
        grades = attempt.get("grades") or {}
        slots = []  # (question_id, fraction or None, marks)
        for slot_index, entry in enumerate(questions):
            question = entry.get("question") or {}
            qtype = question.get("type", "")
            if qtype == DESCRIPTION or entry.get("question_id") is None:
                continue
            question_id = int(entry["question_id"])
            version = int(entry.get("version") or 0)
            item = items.get(question_id)
            if item is None:
                item = items[question_id] = _Observations(
                    name=question.get("name", ""), qtype=qtype, version=version,
                    first_seen=(attempt_index, slot_index), answers=list(question.get("answers") or []),
                    pair_questions=[str(pair.get("question", "")) if isinstance(pair, Mapping) else ""
                                    for pair in question.get("pairs") or []],
                )
            elif version > item.version:  # the latest version names the question
                item.name, item.version = question.get("name", item.name), version
            item.attempts += 1
            item.responses.append(answers.get(str(slot_index)))
            fraction = _fraction(grades.get(str(slot_index)))
            slots.append((question_id, fraction, _marks(entry)))
            if fraction is not None:
                item.fractions.append(fraction)
        for position, (question_id, fraction, _own_marks) in enumerate(slots):
            if fraction is None:
                continue
            others = [(f, m) for other, (_q, f, m) in enumerate(slots) if other != position and f is not None]
            out_of = sum(m for _f, m in others)
            if out_of > 0:
                items[question_id].pairs.append((fraction, sum(f * m for f, m in others) * 100 / out_of))

    rows = []
    for question_id, item in sorted(items.items(), key=lambda pair: pair[1].first_seen):
        distribution, unanswered = _distribution(item)
        rows.append(ItemRow(
            question_id=question_id, name=item.name, qtype=item.qtype, attempts=item.attempts,
            facility=sum(item.fractions) * 100 / len(item.fractions) if item.fractions else None,
            discrimination=pearson([x for x, _y in item.pairs], [y for _x, y in item.pairs]),
            distribution=distribution, unanswered=unanswered,
        ))
    return rows
