"""Benchmark: the library rating on a `seed_load` dataset: the rule itself (certificates/rating.py), the
administrators' report, its CSV export and the public page, each with its queries and the median and 95th
percentile of `--runs` runs in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_load_l .venv/bin/python bench/rating.py [--runs 20]

Runs against the configured database itself (not a test copy), which must hold the data of
`manage.py seed_load` (it refuses otherwise); it only reads (and the administrator's session). The public page is
timed cold (the kept rating and the anonymous page cache emptied before each run: a full count) and warm (the
rating kept, the page stored for anonymous visitors).
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
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def timed(action, runs: int, before=None) -> tuple[int, float, float]:
    if before:
        before()
    action()
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        action()
    count = len(queries)
    times = []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return count, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]

    from certificates.rating import library_rating
    from cms.load_data import LOAD_DOMAIN, PROGRAMME_SLUG
    from courses.models import ProgrammePage
    from lms.accounts.models import User

    if not ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).exists():
        sys.exit("No seed_load data in this database: run `manage.py seed_load --size S|M|L` first.")
    admin = User.objects.get(email=f"admin@{LOAD_DOMAIN}")
    administrator, anonymous = Client(), Client()
    administrator.force_login(admin)
    rating = library_rating()
    staff = sum(row.staff for row in rating.rows)
    print(f"{connection.vendor}; {rating.ranked} libraries ranked, {staff} staff; {args.runs} runs each")

    def ok(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return get

    cases = [
        ("rating rule (library_rating)", library_rating, None),
        ("admin report", ok(administrator, "/admin/reports/library-rating/"), None),
        ("admin report, CSV export", ok(administrator, "/admin/reports/library-rating/?export=csv"), None),
        ("public /rating/, cold", ok(anonymous, "/rating/"), cache.clear),
        ("public /rating/, warm", ok(anonymous, "/rating/"), None),
    ]
    print(f"{'what':32} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for name, action, before in cases:
        queries, median, p95 = timed(action, args.runs, before)
        print(f"{name:32} {queries:7d} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
