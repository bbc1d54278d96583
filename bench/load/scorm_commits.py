"""What the SCORM learners of the load test (locustfile.py, ScormLearner) send and check, without locust: the
player's settings read from the page, the 1.2 session time, the growing suspend_data, and the commit's answer.
Kept apart so that tests/test_load_scorm.py checks it without running locust."""

from __future__ import annotations

import json
import random
import re

SCORM_CONFIG_RE = re.compile(r'<script id="scorm-config" type="application/json">(.*?)</script>', re.S)
# suspend_data as authoring tools write it: compressed-looking text, here with Cyrillic letters too (the 1.2 limit,
# 4,096, counts characters, not bytes)
SUSPEND_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789абвгдеёжзийклмн"
SUSPEND_MAX = 4000


def scorm_time(seconds: float) -> str:
    """A SCORM 1.2 CMITimespan, HHHH:MM:SS.SS."""
    hours, rest = divmod(max(0.0, seconds), 3600)
    minutes, rest = divmod(rest, 60)
    text = f"{rest:05.2f}"
    if text == "60.00":  # 59.996 s rounds up: never write 60 seconds
        text = "59.99"
    return f"{int(hours):04d}:{int(minutes):02d}:{text}"


def scorm_config(page: str) -> dict | None:
    """The player's settings (the page's json_script), or None when the page has none or they do not parse."""
    match = SCORM_CONFIG_RE.search(page or "")
    try:
        config = json.loads(match.group(1)) if match else None
    except ValueError:
        return None
    return config if isinstance(config, dict) else None


def grow_suspend(suspend: str, grow: int, rng: random.Random | None = None) -> str:
    """`grow` more characters at the end; the oldest dropped beyond SUSPEND_MAX (a SCO rewrites its state)."""
    rng = rng or random
    return (suspend + "".join(rng.choices(SUSPEND_ALPHABET, k=grow)))[-SUSPEND_MAX:]


def commit_problem(text: str) -> str | None:
    """What is wrong with a commit's answer, or None: it must be {"result": true} with no refused element."""
    try:
        answer = json.loads(text)
    except ValueError:
        return "answer is not JSON"
    if not isinstance(answer, dict) or answer.get("result") is not True:
        return "result is not true"
    if answer.get("errors"):
        return f"elements refused: {str(answer['errors'])[:120]}"
    return None
