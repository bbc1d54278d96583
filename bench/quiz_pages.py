"""Benchmark: server time of the learner's quiz pages — median of many requests with Django's test Client.

    .venv/bin/python bench/quiz_pages.py [--runs 200] [--bank 60] [--questions 50] [--earlier 3]

Builds a throw-away test database (the configured database's test copy: in memory for SQLite; nothing of the
development data is touched), seeds a course whose timed quiz draws `--questions` questions of every type from a
`--bank`-question bank, five per page, and a learner with `--earlier` finished attempts; then times each page of
the attempt flow. Start and submit are timed as a pair (each pair is a new attempt, by a second learner).
Prints the median and the 95th percentile in milliseconds and the queries of one request. Figures are for
comparison within one run on one machine (see docs/benchmarks.md), not targets asserted by tests.
"""

import argparse
import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

import warnings  # noqa: E402

import django  # noqa: E402

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def bank_questions(size: int) -> list[dict]:
    """`size` questions of the types a learner answers, in the exchange form of courses.quizzes.formats."""
    made = []
    for number in range(size):
        common = {"name": f"Вопрос {number:03d}", "text": f"<p>Текст вопроса {number} о библиотечном деле.</p>",
                  "text_format": "html", "general_feedback": "Подробнее — в уроке 2."}
        kind = number % 6
        if kind == 0:
            made.append({**common, "type": "multichoice", "single": True, "answers": [
                {"text": text, "fraction": fraction, "feedback": "Верно" if fraction else "Нет"} for text, fraction in
                (("ГОСТ Р 7.0.100–2018", 1.0), ("ГОСТ 7.1–84", 0.0), ("ГОСТ 7.80–2000", 0.0), ("ISO 690", 0.0))]})
        elif kind == 1:
            made.append({**common, "type": "multichoice", "single": False, "answers": [
                {"text": "Каталог", "fraction": 0.5}, {"text": "Картотека", "fraction": 0.5},
                {"text": "Касса", "fraction": -1.0}, {"text": "Гардероб", "fraction": -1.0}]})
        elif kind == 2:
            made.append({**common, "type": "truefalse", "correct": True, "feedback_true": "", "feedback_false": ""})
        elif kind == 3:
            made.append({**common, "type": "shortanswer",
                         "answers": [{"text": "Кемерово", "fraction": 1.0}, {"text": "Щегл*", "fraction": 0.5}]})
        elif kind == 4:
            made.append({**common, "type": "matching", "pairs": [
                {"question": f"Левое {row}", "answer": f"Правое {row}"} for row in range(4)]})
        else:
            made.append({**common, "type": "numerical", "answers": [
                {"value": 1932.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]})
    return made


def seed(*, bank: int, questions: int, earlier: int):
    from wagtail.models import Page, Site

    from cms.models import HomePage
    from courses import services
    from courses.quizzes import question_bank
    from courses.quizzes import services as quiz
    from courses.models import CoursePage, ProgrammePage, QuestionCategory, QuizPage, QuizRandomDraw
    from lms.accounts.models import User

    home = HomePage(title="Главная", slug="bench-home")
    Page.get_first_root_node().add_child(instance=home)
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "testserver"})
    programme = ProgrammePage(title="Программа", slug="programme")
    home.add_child(instance=programme)
    course = CoursePage(title="Курс", slug="course", summary="Курс для замеров.")
    programme.add_child(instance=course)
    question_bank.import_into_bank(None, None, bank_questions(bank), course=course)
    page = QuizPage(title="Итоговый тест", slug="final", time_limit_minutes=600, questions_per_page=5,
                    review_answers_after_submit=True, review_feedback_after_submit=True)
    course.add_child(instance=page)
    QuizRandomDraw.objects.create(quiz=page, category=QuestionCategory.objects.get(course=course), count=questions)
    people = []
    for number in range(2):
        person = User.objects.create_user(email=f"learner{number}@example.org", password=None,
                                          last_name="Иванова", first_name="Мария", patronymic="Петровна")
        services.enrolment_self(user=person, course=course)
        people.append(person)
    for _ in range(earlier):
        quiz.attempt_submit(attempt=quiz.attempt_start(user=people[0], quiz=page), user=people[0])
    return page, people


def first_page_answers(html: str) -> dict:
    data = {}
    for name, value in re.findall(r'<input type="(?:radio|checkbox)" name="(q-\d+)" value="([^"]+)"', html):
        data.setdefault(name, value)
    for name in re.findall(r'<input type="text" name="(q-\d+)"', html):
        data[name] = "1932"
    for name, first in re.findall(r'<select name="(q-\d+-\d+)"[^>]*><option value="">[^<]*</option>\s*'
                                  r'<option value="([^"]+)"', html):
        data[name] = first
    return data


def timed(runs: int, call) -> list[float]:
    call()  # warm: templates compiled, caches filled
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def report(name: str, timings: list[float], queries: int) -> None:
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    print(f"{name:<22} median {statistics.median(timings):7.2f} ms   p95 {p95:7.2f} ms   "
          f"{queries:3d} queries   ({len(timings)} requests)")


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--bank", type=int, default=60)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--earlier", type=int, default=3)
    args = parser.parse_args()

    from courses.quizzes import services as quiz
    from courses.models import Attempt

    logging.disable(logging.WARNING)  # page creation, eager tasks, whitenoise: not what is measured
    setup_test_environment(debug=False)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        page, (learner, second) = seed(bank=args.bank, questions=args.questions, earlier=args.earlier)
        attempt = quiz.attempt_start(user=learner, quiz=page)
        client = Client()
        client.force_login(learner)
        attempt_url = f"/attempts/{attempt.pk}/"
        answers = first_page_answers(client.get(attempt_url).content.decode())

        def ok(response, status=200):
            assert response.status_code == status, response.status_code
            return response

        def save():
            sequence = Attempt.objects.values_list("sequence", flat=True).get(pk=attempt.pk)
            ok(client.post(attempt_url, {"sequence": sequence, "page": 1, "go": "1", **answers}), 302)

        def autosave():  # what the page's script sends as each answer is given
            sequence = Attempt.objects.values_list("sequence", flat=True).get(pk=attempt.pk)
            ok(client.post(attempt_url, {"autosave": "1", "sequence": sequence, "page": 1, **answers}))

        print(f"{connection.vendor}, a {args.questions}-question attempt drawn from a {args.bank}-question bank, "
              f"5 questions per page, {args.earlier} earlier attempts")
        pages = [
            ("quiz page", lambda: ok(client.get(page.url))),
            ("attempt page", lambda: ok(client.get(attempt_url))),
            ("attempt page 10", lambda: ok(client.get(attempt_url + "?page=10"))),
            ("save answers (POST)", save),
            ("autosave (POST, JSON)", autosave),
            ("finish page", lambda: ok(client.get(attempt_url + "finish/"))),
        ]
        for name, call in pages:
            # the save's own query for the current sequence is the bench's, not the page's
            queries = count_queries(call) - (1 if "save" in name else 0)
            report(name, timed(args.runs, call), queries)

        ok(client.post(attempt_url + "submit/"), 302)
        result = lambda: ok(client.get(attempt_url + "result/"))  # noqa: E731
        report("result page (review)", timed(args.runs, result), count_queries(result))

        other = Client()
        other.force_login(second)

        def start_and_submit():
            ok(other.post(f"/quizzes/{page.pk}/start/"), 302)
            current = Attempt.objects.values_list("pk", flat=True).get(user=second, status="in_progress")
            ok(other.post(f"/attempts/{current}/submit/"), 302)

        pairs = max(args.runs // 5, 10)
        report("start + submit (POSTs)", timed(pairs, start_and_submit), count_queries(start_and_submit) - 1)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
