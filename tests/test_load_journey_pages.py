"""What the load journey reads from the quiz's attempt page (bench/load/journey_pages.py, shared by the locust
scenarios and the in-process replay): the answer it sends is one the site takes, on a real attempt page."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.urls import reverse

from courses.models import Attempt
from tests.courses.quizzes.test_services import setup  # noqa: F401 - the shared fixture: a course with a quiz

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "load"))
import journey_pages  # noqa: E402

pytestmark = pytest.mark.django_db


def test_the_first_question_of_a_real_attempt_page_is_answered_and_saved(client, setup):  # noqa: F811
    _course, _lesson, quiz, learner = setup
    client.force_login(learner)
    started = client.post(reverse("courses:quiz_start", args=[quiz.pk]))
    attempt_id = int(journey_pages.ATTEMPT_RE.search(started["Location"]).group(1))
    page = client.get(f"/attempts/{attempt_id}/").content.decode()
    data = journey_pages.quiz_answer(page, journey_pages.CSRF_RE.search(page).group(1))
    answered = [name for name in data if name.startswith("q-")]
    assert len(answered) == 1 and data["sequence"].lstrip("-").isdigit()
    saved = client.post(f"/attempts/{attempt_id}/", {**data, "go": "finish"})
    assert saved.status_code == 302 and saved["Location"].endswith(f"/attempts/{attempt_id}/finish/")
    assert Attempt.objects.get(pk=attempt_id).answers  # the answer was kept


def test_a_page_without_questions_gives_only_the_token_and_sequence():
    assert journey_pages.quiz_answer("<p>нет вопросов</p>", "t") == {"csrfmiddlewaretoken": "t", "page": "1",
                                                                       "sequence": "0"}
