"""Quiz pages through HTTP: integrity of what reaches the browser, the page-by-page flow, review options."""

import re

import pytest

from courses.models import Attempt, QuizPage
from tests.courses.quizzes.test_services import setup  # noqa: F401 - the shared fixture
from tests.factories import UserFactory


def page_tokens(html: str) -> list[str]:
    return re.findall(r'name="q-\d+" value="([^"]+)"', html)


def start(client, page):
    response = client.post(f"/quizzes/{page.pk}/start/")
    assert response.status_code == 302
    return Attempt.objects.get(quiz=page, status=Attempt.Status.IN_PROGRESS)


def test_questions_reach_the_browser_without_right_answers(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(learner)
    attempt = start(client, page)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "Какой ГОСТ описывает запись?" in html
    for leak in ("fraction", "Устаревший", "correct", "Кемерово", "ГОСТ 7.1–84\" checked"):
        assert leak not in html
    choice = next(e for e in attempt.questions if e["question"]["type"] == "multichoice")
    assert set(choice["tokens"]) <= set(page_tokens(html))
    assert not [token for token in page_tokens(html) if token.isdigit()]  # no answer indexes


def test_answers_survive_a_reload_and_the_result_obeys_review_options(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(questions_per_page=2)
    client.force_login(learner)
    attempt = start(client, page)
    entries = attempt.questions
    responses = {}
    for index, entry in enumerate(entries[:2]):
        kind = entry["question"]["type"]
        if kind == "multichoice":
            answers = entry["question"]["answers"]
            responses[f"q-{index}"] = next(t for t, i in entry["tokens"].items() if answers[i]["fraction"] == 1.0)
        elif kind == "truefalse":
            responses[f"q-{index}"] = "true"
        else:
            responses[f"q-{index}"] = "Кемерово"
    response = client.post(f"/attempts/{attempt.pk}/", {"sequence": 0, "page": 1, "go": "2", **responses})
    assert response["Location"].endswith("?page=2")
    reloaded = client.get(f"/attempts/{attempt.pk}/?page=1").content.decode()
    assert "checked" in reloaded or 'value="Кемерово"' in reloaded
    # a replayed old page is refused and changes nothing
    client.post(f"/attempts/{attempt.pk}/", {"sequence": 0, "page": 1, "go": "2"})
    attempt.refresh_from_db()
    assert attempt.sequence == 1 and len([v for v in attempt.answers.values() if v not in (None, "")]) == 2
    last = entries[2]
    value = "Кемерово" if last["question"]["type"] == "shortanswer" else "true"
    if last["question"]["type"] == "multichoice":
        answers = last["question"]["answers"]
        value = next(t for t, i in last["tokens"].items() if answers[i]["fraction"] == 1.0)
    client.post(f"/attempts/{attempt.pk}/", {"sequence": 1, "page": 2, "go": "finish", "q-2": value})
    assert "Отправить и завершить" in client.get(f"/attempts/{attempt.pk}/finish/").content.decode()
    client.post(f"/attempts/{attempt.pk}/submit/")
    client.post(f"/attempts/{attempt.pk}/submit/")  # a double submit grades once
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED and attempt.marks == 3
    result = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "100%" in result and "Сдан" in result
    assert "Правильный ответ" not in result  # right answers are not shown right after the attempt by default
    QuizPage.objects.filter(pk=page.pk).update(review_answers_after_submit=True)
    assert "Правильный ответ" in client.get(f"/attempts/{attempt.pk}/result/").content.decode()


def test_another_persons_attempt_is_not_found(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(learner)
    attempt = start(client, page)
    client.force_login(UserFactory())
    for url in (f"/attempts/{attempt.pk}/", f"/attempts/{attempt.pk}/finish/", f"/attempts/{attempt.pk}/result/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/attempts/{attempt.pk}/submit/").status_code == 404
    assert client.post(f"/attempts/{attempt.pk}/", {"sequence": 0, "page": 1}).status_code == 404


def test_quiz_page_shows_attempts_and_start(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(learner)
    html = client.get(page.url).content.decode()
    assert "Начать тест" in html and "60%" in html


def test_a_timed_attempt_page_gives_the_countdown_the_servers_remaining_time(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(time_limit_minutes=20)
    client.force_login(learner)
    attempt = start(client, page)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    remaining = int(re.search(r'data-remaining-seconds="(\d+)"', html).group(1))
    assert 20 * 60 - 5 <= remaining <= 20 * 60
    assert re.search(r'<script src="[^"]*/js/attempt[^"]*\.js" defer>', html)
    assert re.search(r'<p class="countdown"[^>]*\bhidden>', html)  # shown by the script only; the deadline is text
    assert "Время истекает в" in html


def test_an_untimed_attempt_page_has_no_countdown(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(learner)
    attempt = start(client, page)
    html = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "data-remaining-seconds" not in html and "Время истекает" not in html


def test_the_pages_script_saves_each_answer_and_gets_the_new_sequence(client, setup):  # noqa: F811
    _course, _lesson, page, learner = setup
    client.force_login(learner)
    attempt = start(client, page)
    index = next(i for i, e in enumerate(attempt.questions) if e["question"]["type"] == "truefalse")
    url = f"/attempts/{attempt.pk}/"
    saved = client.post(url, {"autosave": "1", "sequence": 0, "page": 1, f"q-{index}": "true"})
    assert saved.status_code == 200 and saved.json() == {"sequence": 1}
    attempt.refresh_from_db()
    assert attempt.answers[str(index)] is True and attempt.sequence == 1
    # a save from an older state of the page is refused, without a message left for the next page
    stale = client.post(url, {"autosave": "1", "sequence": 0, "page": 1, f"q-{index}": "false"})
    assert stale.status_code == 409 and "устарела" in stale.json()["error"]
    attempt.refresh_from_db()
    assert attempt.answers[str(index)] is True
    assert "устарела" not in client.get(url).content.decode()
    # the form then moves on with the sequence the script was given
    assert client.post(url, {"sequence": 1, "page": 1, "go": "finish", f"q-{index}": "false"})["Location"] \
        .endswith("/finish/")


def test_a_save_after_the_time_is_up_submits_and_says_where_the_result_is(client, setup):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(time_limit_minutes=10)
    client.force_login(learner)
    attempt = start(client, page)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    late = client.post(f"/attempts/{attempt.pk}/", {"autosave": "1", "sequence": 0, "page": 1, "q-0": "x"})
    assert late.status_code == 409 and late.json()["redirect"] == f"/attempts/{attempt.pk}/result/"
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.IN_PROGRESS and attempt.answers.get("0") is None
    again = client.post(f"/attempts/{attempt.pk}/", {"autosave": "1", "sequence": 0, "page": 1})
    assert again.status_code == 409 and again.json()["redirect"] == f"/attempts/{attempt.pk}/result/"
