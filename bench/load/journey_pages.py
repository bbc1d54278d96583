"""What the load journey reads from the pages it gets, shared by the locust scenarios (locustfile.py) and the
in-process replay (replay.py): the CSRF token, the attempt's id, and an answer to the first question of a quiz page.
Plain text only: locust runs without Django."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_RE = re.compile(r"/attempts/(\d+)/")
CHOICE_RE = re.compile(r'<input type="(?:radio|checkbox)" name="(q-\d+)" value="([^"]+)"')
TEXT_RE = re.compile(r'<input type="text" name="(q-\d+)"')
SEQUENCE_RE = re.compile(r'name="sequence" value="(-?\d+)"')


def quiz_answer(page: str, csrf: str) -> dict:
    """The form data of an attempt page's first question answered (a choice, or «Кемерово» typed in)."""
    data = {"csrfmiddlewaretoken": csrf, "page": "1"}
    sequence = SEQUENCE_RE.search(page)
    data["sequence"] = sequence.group(1) if sequence else "0"
    choice, text = CHOICE_RE.search(page), TEXT_RE.search(page)
    if choice and (not text or choice.start() < text.start()):
        data[choice.group(1)] = choice.group(2)
    elif text:
        data[text.group(1)] = "Кемерово"
    return data
