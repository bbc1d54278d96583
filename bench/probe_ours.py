"""Pick our benchmark targets on a `seed_load` database, log the load learner in, count SQL and time each page.

    .venv/bin/python bench/probe_ours.py BASE_URL > ours.tsv      (BASE_URL e.g. http://127.0.0.1:8123)

Our side of the peer comparison (`bench/peer_compare.sh`), the counterpart of `../shared/bench/peer/probe_peer.py`:
run it with the same environment as the server it describes (DATABASE_URL, REDIS_URL, DJANGO_DEBUG=false, ...).
It prints the EXTRA_TARGETS TSV of `run_peer.sh`: label, absolute URL, Cookie value or `-`, SQL queries of one
warm request (Django test client + CaptureQueriesContext), median ms of 50 sequential in-process requests.

- The learner is learner@load.kuzbass-lms.ru (cms/load_data/); the course is their first part-done one
  (active, some but not all lessons studied), as the peer's probe picks learner0001's. The lesson is the one
  where they stopped (the enrolment's last lesson, else the first lesson of the course), so that serving it
  does not move «continue where you stopped»; it still sets the enrolment's last_activity_at, as any visit does.
- The session is a real database session made by `force_login`: the cookie works for gunicorn too. One session
  row per run is the only other thing written.
- Anonymous requests carry no cookie at all (the client's cookie jar is emptied before each request), so the
  anonymous rows measure what a visitor who is not logged in gets: with the page cache, a stored page.
- Before measuring, the content cache (page cache, shared fragments) starts a new generation, as a publish does,
  so the first request of this run renders with the current code and stores it; nothing is deleted from Redis.

Refuses (exit 2, message on stderr) when the database holds no `seed_load` data; with PROBE_CHECK_ONLY=1 it only
checks that (nothing written, nothing printed).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

import warnings  # noqa: E402

import django  # noqa: E402

django.setup()
warnings.filterwarnings("ignore", message="No directory at")

from django.conf import settings  # noqa: E402
from django.db import OperationalError, ProgrammingError, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cms.load_data import LOAD_DOMAIN, PROGRAMME_SLUG  # noqa: E402
from courses.models import Enrolment, LessonCompletion, LessonPage, ProgrammePage  # noqa: E402
from lms.accounts.models import User  # noqa: E402

RUNS = int(os.environ.get("PROBE_RUNS", "50"))
LEARNER = os.environ.get("OURS_LEARNER", f"learner@{LOAD_DOMAIN}")


def refuse(message: str) -> None:
    print(f"probe_ours: {message}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].startswith("http"):
        refuse("usage: probe_ours.py BASE_URL (e.g. http://127.0.0.1:8123)")
    base = sys.argv[1].rstrip("/")
    host = base.split("://", 1)[1]
    if "testserver" not in settings.ALLOWED_HOSTS:  # the test client's host, in this process only
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lms_load_l")
    how = (f"make it with `createdb {connection.settings_dict['NAME']}` (if missing), then "
           f"`DATABASE_URL={url} .venv/bin/python manage.py migrate` and "
           f"`DATABASE_URL={url} .venv/bin/python manage.py seed_load --size L` (about 75-190 s)")
    try:
        programme = ProgrammePage.objects.live().filter(slug=PROGRAMME_SLUG).first()
        user = User.objects.filter(email=LEARNER).first()
    except (OperationalError, ProgrammingError) as error:  # no such database, or not migrated
        refuse(f"cannot read {connection.settings_dict['NAME']!r}: {str(error).strip().splitlines()[0]}; {how}")
    if programme is None or user is None:
        refuse(f"no seed_load data in {connection.settings_dict['NAME']!r} ({LEARNER} or /{PROGRAMME_SLUG}/ "
               f"missing): {how}")

    def n_done(enrolment):
        return LessonCompletion.objects.filter(enrolment=enrolment).count()

    def n_lessons(course):
        return LessonPage.objects.live().descendant_of(course).count()

    if os.environ.get("PROBE_CHECK_ONLY"):
        return  # bench/peer_compare.sh asks first, before collecting static files

    enrolments = list(Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE)
                      .select_related("course", "last_lesson").order_by("pk"))
    if not enrolments:
        refuse(f"{LEARNER} has no active enrolment")
    enrolment = next((e for e in enrolments if 0 < n_done(e) < n_lessons(e.course)), enrolments[0])
    course = enrolment.course
    lesson = enrolment.last_lesson
    if lesson is None or not lesson.live:
        lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()

    # A fresh content generation (what a publish starts): the page cache and shared fragments stored by an
    # earlier run, perhaps with older code, are not used; the first request of this run makes them anew.
    import importlib

    for module in ("lms.content_cache", "cms.page_cache"):
        try:
            bump = importlib.import_module(module).generation_bump
        except (ImportError, AttributeError):
            continue
        bump()
        break

    anonymous, learner = Client(), Client()
    learner.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={learner.cookies[settings.SESSION_COOKIE_NAME].value}"
    floor = "/bench/floor/" if settings.BENCH_ENDPOINTS else None
    if floor is None:
        refuse("LMS_BENCH=1 is not set: /bench/floor/ (our bare view) does not exist")
    done = f"{n_done(enrolment)}/{n_lessons(course)} done"
    targets = [
        ("ours floor (bare view)", floor, anonymous, "-"),
        ("ours catalogue, anonymous", programme.url, anonymous, "-"),
        ("ours course page, anonymous", course.url, anonymous, "-"),
        (f"ours course page, learner ({done})", course.url, learner, cookie),
        ("ours lesson page, learner", lesson.url, learner, cookie),
    ]

    def get(client, path):
        if client is anonymous:
            client.cookies.clear()  # nothing a response set (CSRF, language) goes back: truly anonymous
        return client.get(path, HTTP_HOST=host)

    for label, path, client, ck in targets:
        first = get(client, path)  # warm per-process caches (and store the anonymous page)
        if first.status_code != 200:
            refuse(f"{label}: {path} answered {first.status_code} in-process (expected 200)")
        with CaptureQueriesContext(connection) as queries:
            status = get(client, path).status_code
        n_queries = len(queries)  # read now: each later request_started signal resets the query log
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            get(client, path)
            times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            refuse(f"{label}: {path} answered {status} in-process (expected 200)")
        print("\t".join([label, base + path, ck, str(n_queries), f"{statistics.median(times):.2f}"]))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
