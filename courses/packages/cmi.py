"""The SCORM run-time data model on the server: what a SCO may commit, checked element by element as its edition
defines it (SCORM 1.2 ``cmi.core.*``; SCORM 2004 ``cmi.*``), and what a SCO is given when it is launched.

The interface is fixed (the runtime service and the player depend on it); the checks behind it grow:

* ``check_commit(version, elements)`` takes the flat elements a SCO committed (dotted names to values) and returns
  a ``CheckedCommit``: the accepted elements, the interactions by index, the refused elements with a reason in
  Russian, and the figures the roll-up reads (completion and success in the 2004 vocabulary, score, session time,
  location, suspend data, exit). Nothing is ever cut silently: a value over its length is refused, not truncated.
* ``initial_elements(version, ...)`` is what the player loads into the API before the SCO starts (learner, mode,
  credit, entry, the saved location, suspend data, statuses, score and total time).
* ``add_session_time`` / ``total_time_text`` keep ``total_time`` as the sum of the sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .manifest import VERSION_12

COMPLETION_VALUES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_VALUES = ("passed", "failed", "unknown")


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


def is_12(version: str) -> bool:
    return version == VERSION_12


def check_commit(version: str, elements: Mapping[str, Any]) -> CheckedCommit:
    """Check what a SCO committed. (First version: accepts strings as they are; the element checks follow.)"""
    checked = CheckedCommit()
    for name, value in elements.items():
        if not isinstance(name, str) or not name.startswith("cmi.") or name.startswith("cmi.interactions."):
            continue
        checked.elements[name] = str(value)
    prefix = "cmi.core." if is_12(version) else "cmi."
    if is_12(version):
        status = checked.elements.get("cmi.core.lesson_status", "")
        if status in ("passed", "failed"):
            checked.completion_status, checked.success_status = "completed", status
        elif status in ("completed", "incomplete", "not attempted"):
            checked.completion_status = status
        elif status == "browsed":
            checked.completion_status = "incomplete"
    else:
        checked.completion_status = checked.elements.get("cmi.completion_status", "unknown")
        checked.success_status = checked.elements.get("cmi.success_status", "unknown")
    score = "cmi.core.score." if is_12(version) else "cmi.score."
    for part in ("raw", "min", "max", "scaled"):
        value = checked.elements.get(score + part, "")
        if value:
            setattr(checked, f"score_{part}", Decimal(value))
    location_name = "cmi.core.lesson_location" if is_12(version) else "cmi.location"
    checked.location = checked.elements.get(location_name)
    checked.suspend_data = checked.elements.get("cmi.suspend_data")
    checked.exit = checked.elements.get(prefix + "exit", "")
    return checked


def add_session_time(version: str, total_seconds: Decimal, session_time: str) -> Decimal:
    """The total after one more session (``session_time`` as the SCO gave it; checked by ``check_commit``)."""
    return total_seconds + parse_time(version, session_time)


def parse_time(version: str, text: str) -> Decimal:
    """Seconds in a 1.2 CMITimespan (``HHHH:MM:SS.SS``) or a 2004 timeinterval (``P[nY][nM][nD][T[nH][nM][nS]]``)."""
    if not text:
        return Decimal(0)
    if is_12(version):
        hours, minutes, seconds = text.split(":")
        return Decimal(hours) * 3600 + Decimal(minutes) * 60 + Decimal(seconds)
    raise NotImplementedError  # the 2004 form comes with the element checks


def total_time_text(version: str, seconds: Decimal) -> str:
    """``cmi.core.total_time`` (1.2, ``HHHH:MM:SS.SS``) or ``cmi.total_time`` (2004, ``PT#H#M#S``)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    fraction = seconds - whole
    if is_12(version):
        return f"{hours:04d}:{minutes:02d}:{secs + fraction:05.2f}"
    return f"PT{hours}H{minutes}M{secs + fraction:.2f}S"


def initial_elements(version: str, *, learner_id: str, learner_name: str, saved: Mapping[str, str],
                     total_seconds: Decimal, mode: str = "normal", credit: bool = True,
                     launch_data: str = "", mastery_score: str = "") -> dict[str, str]:
    """The elements the API starts with: ``saved`` is what the SCO last committed (ScormScoState.data)."""
    resume = saved.get("cmi.core.exit" if is_12(version) else "cmi.exit", "") == "suspend"
    if is_12(version):
        data = {
            "cmi.core.student_id": learner_id, "cmi.core.student_name": learner_name,
            "cmi.core.lesson_mode": mode, "cmi.core.credit": "credit" if credit else "no-credit",
            "cmi.core.entry": "resume" if resume else ("" if saved else "ab-initio"),
            "cmi.core.lesson_location": saved.get("cmi.core.lesson_location", ""),
            "cmi.core.lesson_status": saved.get("cmi.core.lesson_status", "not attempted"),
            "cmi.core.total_time": total_time_text(version, total_seconds),
            "cmi.suspend_data": saved.get("cmi.suspend_data", ""),
            "cmi.launch_data": launch_data,
        }
        for part in ("raw", "min", "max"):
            if saved.get(f"cmi.core.score.{part}"):
                data[f"cmi.core.score.{part}"] = saved[f"cmi.core.score.{part}"]
        if mastery_score:
            data["cmi.student_data.mastery_score"] = mastery_score
        return data
    data = {
        "cmi.learner_id": learner_id, "cmi.learner_name": learner_name, "cmi.mode": mode,
        "cmi.credit": "credit" if credit else "no-credit",
        "cmi.entry": "resume" if resume else ("" if saved else "ab-initio"),
        "cmi.location": saved.get("cmi.location", ""),
        "cmi.completion_status": saved.get("cmi.completion_status", "unknown"),
        "cmi.success_status": saved.get("cmi.success_status", "unknown"),
        "cmi.total_time": total_time_text(version, total_seconds),
        "cmi.suspend_data": saved.get("cmi.suspend_data", ""),
        "cmi.launch_data": launch_data,
    }
    for part in ("raw", "min", "max", "scaled"):
        if saved.get(f"cmi.score.{part}"):
            data[f"cmi.score.{part}"] = saved[f"cmi.score.{part}"]
    return data
