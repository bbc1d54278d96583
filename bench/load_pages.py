"""Benchmark: queries and server time of the key pages on a `seed_load` dataset, through Django's test Client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_load_l .venv/bin/python bench/load_pages.py [--runs 30]

Runs against the configured database itself (not a test copy), which must hold the data of
`manage.py seed_load`: it refuses otherwise. It writes a little, as the pages do: the learner's session, the
lesson page's «where you stopped», and one quiz attempt started (or the one in progress reused). For each page it
prints the queries of one request and the median and 95th percentile of `--runs` requests in milliseconds.
The learner is the one the query-budget test picks too (`cms.load_data.busiest_learner`): in the middle of a
course, under the internship requirement, with as many enrolments as anyone.
"""

import argparse
import os
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
from django.test.utils import CaptureQueriesContext  # noqa: E402


def measure(client, url: str, runs: int) -> tuple[int, float, float]:
    client.get(url)
    connection.queries_log.clear()  # a full log (DEBUG keeps the last 9000) would hide the new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return count, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    settings.DEBUG = False  # as in production: no query log, no template instrumentation
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]

    from cms.load_data import LOAD_DOMAIN, PROGRAMME_SLUG, busiest_learner
    from courses.quizzes import services as quiz_services
    from courses.models import Enrolment, LessonPage, ProgrammePage, QuizPage
    from lms.accounts.models import User

    programme = ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).first()
    if programme is None:
        sys.exit("No seed_load data in this database: run `manage.py seed_load --size S|M|L` first.")
    enrolment = busiest_learner()
    user, course = enrolment.user, enrolment.course
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    quiz = QuizPage.objects.live().descendant_of(course).get()
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    admin = User.objects.get(email=f"admin@{LOAD_DOMAIN}")
    print(f"{connection.vendor}; {Enrolment.objects.count()} enrolments; learner {user.email} "
          f"({Enrolment.objects.filter(user=user).count()} enrolments); {args.runs} runs per page")
    anonymous, learner, administrator = Client(), Client(), Client()
    learner.force_login(user)
    administrator.force_login(admin)
    pages = [
        ("catalogue (anonymous)", anonymous, programme.url), ("course page (anonymous)", anonymous, course.url),
        ("catalogue", learner, programme.url), ("course page", learner, course.url),
        ("lesson page", learner, lesson.url), ("dashboard", learner, "/learning/"), ("quiz page", learner, quiz.url),
        ("attempt page", learner, f"/attempts/{attempt.pk}/"),
        ("compliance report", administrator, "/admin/reports/compliance/"),
        ("certificate register", administrator, "/admin/certificate_register/"),
    ]
    print(f"{'page':26} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for name, client, url in pages:
        queries, median, p95 = measure(client, url, args.runs)
        print(f"{name:26} {queries:7d} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
