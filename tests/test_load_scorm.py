"""The SCORM learners of the load test (bench/load/scorm_commits.py): what they read from the player page, and what
they send is what the server's own check (courses.packages.cmi) accepts, without running locust."""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from courses.packages import cmi

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "load"))
import scorm_commits  # noqa: E402


def test_the_player_settings_are_read_from_the_page():
    page = ('<main><script id="scorm-config" type="application/json">{"commitUrl": "/scorm/lessons/7/commit/", '
            '"elements": {"cmi.suspend_data": "\\u0430\\u0431"}}</script></main>')
    config = scorm_commits.scorm_config(page)
    assert config["commitUrl"] == "/scorm/lessons/7/commit/" and config["elements"]["cmi.suspend_data"] == "аб"
    assert scorm_commits.scorm_config("<main>no player</main>") is None
    assert scorm_commits.scorm_config('<script id="scorm-config" type="application/json">{oops</script>') is None


@pytest.mark.parametrize(("seconds", "text"), [(0, "0000:00:00.00"), (90.5, "0000:01:30.50"),
                                               (3725.25, "0001:02:05.25"), (59.999, "0000:00:59.99")])
def test_session_time_is_a_12_timespan_the_server_reads(seconds, text):
    assert scorm_commits.scorm_time(seconds) == text
    assert cmi.parse_time("1.2", text) == Decimal(text.split(":")[0]) * 3600 + Decimal(text.split(":")[1]) * 60 \
        + Decimal(text.split(":")[2])


def test_suspend_data_grows_to_about_4000_characters_and_is_accepted():
    rng = random.Random(1)
    suspend = ""
    lengths = []
    for _ in range(20):
        suspend = scorm_commits.grow_suspend(suspend, 400, rng)
        lengths.append(len(suspend))
    assert lengths[:3] == [400, 800, 1200] and max(lengths) == scorm_commits.SUSPEND_MAX == lengths[-1]
    assert any("а" <= ch <= "я" or ch == "ё" for ch in suspend)  # characters, not bytes, are counted
    checked = cmi.check_commit("1.2", {"cmi.suspend_data": suspend, "cmi.core.session_time": "0000:05:00.00",
                                       "cmi.core.lesson_location": "slide-12", "cmi.core.lesson_status": "incomplete",
                                       "cmi.core.exit": "suspend", "cmi.interactions.0.id": "vopros-3",
                                       "cmi.interactions.0.type": "choice",
                                       "cmi.interactions.0.student_response": "b",
                                       "cmi.interactions.0.result": "wrong", "cmi.interactions.0.weighting": "1",
                                       "cmi.interactions.0.time": "14:05:30"})
    assert not checked.errors and checked.suspend_data == suspend and len(checked.interactions) == 1


@pytest.mark.parametrize(("answer", "problem"), [
    ({"result": True, "errorCode": 0, "errors": []}, None),
    ({"result": False, "errorCode": 101, "message": "Страница устарела."}, "result is not true"),
    ({"result": True, "errors": ["cmi.core.exit: не то значение"]}, "elements refused"),
])
def test_the_commit_answer_is_checked(answer, problem):
    found = scorm_commits.commit_problem(json.dumps(answer, ensure_ascii=False))
    assert found == problem if problem is None else found.startswith(problem)
    assert scorm_commits.commit_problem("<html>502</html>") == "answer is not JSON"
