"""The learner's quiz pages do a fixed number of queries, whatever the size of the bank, the attempt and the
learner's history: the same quiz flow is counted at two sizes and the counts must be equal."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.models import Attempt, Question, QuestionCategory, QuizPage, QuizRandomDraw, QuizSlot
from tests.factories import UserFactory
from tests.factories import courses as pages

SMALL = {"bank": 10, "fixed": 2, "earlier": 1}
LARGE = {"bank": 60, "fixed": 10, "earlier": 5}
# Ceilings, so that a constant but needlessly large count is noticed too (the numbers seen: about half of these).
CEILINGS = {"quiz page": 30, "start": 20, "attempt page": 10, "attempt page 2": 10, "save answers": 10, "autosave": 10,
            "finish page": 10, "submit": 25, "result page": 10, "quiz page after": 30}


def bank_questions(size: int) -> list[dict]:
    """`size` questions of every type a learner answers (a description too), in one category."""
    made = []
    for number in range(size):
        common = {"name": f"Вопрос {number:03d}", "text": f"Текст вопроса {number}", "idnumber": f"q{number}"}
        kind = number % 6
        if kind == 0:
            made.append({**common, "type": "multichoice", "single": True, "answers": [
                {"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "Верно"},
                {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": "Устаревший"}]})
        elif kind == 1:
            made.append({**common, "type": "multichoice", "single": False, "answers": [
                {"text": "Каталог", "fraction": 0.5}, {"text": "Картотека", "fraction": 0.5},
                {"text": "Касса", "fraction": -1.0}]})
        elif kind == 2:
            made.append({**common, "type": "truefalse", "correct": True, "feedback_true": "", "feedback_false": ""})
        elif kind == 3:
            made.append({**common, "type": "shortanswer", "answers": [{"text": "Кемерово", "fraction": 1.0}]})
        elif kind == 4:
            made.append({**common, "type": "matching", "pairs": [
                {"question": f"Левое {row}", "answer": f"Правое {row}"} for row in range(3)]})
        else:
            made.append({**common, "type": "numerical", "answers": [
                {"value": 1932.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]})
    return made


def build_quiz(*, bank: int, fixed: int, earlier: int):
    """A timed quiz with `fixed` fixed questions (each edited once after being placed, so the slots point to an
    old version) and a random draw of the rest of a `bank`-question bank; a learner with `earlier` attempts."""
    course = pages.course()
    pages.lesson(course)
    question_bank.import_into_bank(None, None, bank_questions(bank), course=course)
    page = QuizPage(title="Итоговый тест", slug="final", live=True, time_limit_minutes=30, questions_per_page=5,
                    review_answers_after_submit=True, review_feedback_after_submit=True)
    course.add_child(instance=page)
    chosen = list(Question.objects.filter(category__course=course).order_by("pk")[:fixed])
    for order, question in enumerate(chosen):
        QuizSlot.objects.create(quiz=page, question=question, sort_order=order)
        question_bank.question_new_version(question=question, user=None, text=question.text + " (изменён)")
    QuizRandomDraw.objects.create(quiz=page, category=QuestionCategory.objects.get(course=course),
                                  count=bank - fixed, sort_order=0)
    learner = UserFactory()
    services.enrolment_self(user=learner, course=course)
    for _ in range(earlier):
        quiz.attempt_submit(attempt=quiz.attempt_start(user=learner, quiz=page), user=learner)
    return page, learner


def first_page_answers(html: str) -> dict:
    """What a learner sends from the first page: the first option of every choice, a word in every text box."""
    data = {}
    for name, value in re.findall(r'<input type="(?:radio|checkbox)" name="(q-\d+)" value="([^"]+)"', html):
        data.setdefault(name, value)
    for name in re.findall(r'<input type="text" name="(q-\d+)"', html):
        data[name] = "1932"
    for name, first in re.findall(r'<select name="(q-\d+-\d+)"[^>]*><option value="">[^<]*</option>\s*'
                                  r'<option value="([^"]+)"', html):
        data[name] = first
    return data


def flow_counts(client, page: QuizPage, learner) -> dict[str, int]:
    counts: dict[str, int] = {}

    def count(name: str, method: str, url: str, data=None, status=200):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url, data or {})
        assert response.status_code == status, (name, response.status_code)
        counts[name] = len(queries)
        return response

    client.force_login(learner)
    client.get(page.url)  # warm per-process caches (site root paths, site settings, content types)
    count("quiz page", "get", page.url)
    count("start", "post", f"/quizzes/{page.pk}/start/", status=302)
    attempt = Attempt.objects.get(quiz=page, user=learner, status=Attempt.Status.IN_PROGRESS)
    html = count("attempt page", "get", f"/attempts/{attempt.pk}/").content.decode()
    count("attempt page 2", "get", f"/attempts/{attempt.pk}/?page=2")
    answers = first_page_answers(html)
    assert len(answers) >= 5, answers  # every question of the first page gets an answer
    count("save answers", "post", f"/attempts/{attempt.pk}/",
          {"sequence": attempt.sequence, "page": 1, "go": "2", **answers}, status=302)
    attempt.refresh_from_db()
    assert attempt.sequence == 1 and sum(1 for value in attempt.answers.values() if value not in (None, "", {})) >= 5
    saved = count("autosave", "post", f"/attempts/{attempt.pk}/",
                  {"autosave": "1", "sequence": 1, "page": 1, **answers})
    assert saved.json() == {"sequence": 2}
    count("finish page", "get", f"/attempts/{attempt.pk}/finish/")
    count("submit", "post", f"/attempts/{attempt.pk}/submit/", status=302)
    result = count("result page", "get", f"/attempts/{attempt.pk}/result/").content.decode()
    assert "Правильный ответ" in result or "Right answer" in result  # the review is shown: every item is built
    count("quiz page after", "get", page.url)
    return counts


@pytest.mark.django_db
def test_quiz_pages_do_the_same_number_of_queries_at_two_sizes(client):
    small_quiz, small_learner = build_quiz(**SMALL)
    large_quiz, large_learner = build_quiz(**LARGE)
    small = flow_counts(client, small_quiz, small_learner)
    large = flow_counts(client, large_quiz, large_learner)
    # the sizes really differ where the pages read them
    small_attempt, large_attempt = (Attempt.objects.filter(quiz=q).order_by("-number").first()
                                    for q in (small_quiz, large_quiz))
    assert (len(small_attempt.questions), len(large_attempt.questions)) == (SMALL["bank"], LARGE["bank"])
    assert (small_attempt.number, large_attempt.number) == (SMALL["earlier"] + 1, LARGE["earlier"] + 1)
    assert small == large, f"queries grow with the data: {SMALL} -> {small}, {LARGE} -> {large}"
    over = {name: n for name, n in large.items() if n > CEILINGS[name]}
    assert not over, f"more queries than expected: {over} (ceilings {CEILINGS})"
