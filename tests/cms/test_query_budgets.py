"""Query budgets: each key page does the same number of queries on the datasets S and M of `seed_load`, so that no
page grows with the data (no N+1). Counted warm (the second request), as pages are served most of the time."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cms.load_data import SIZES, LoadSize, busiest_learner, load_seed
from courses.quizzes import services as quiz_services
from courses.models import LessonPage, QuizPage
from lms.accounts.models import User

# The sizes S and M of `seed_load` (M has 6x the staff, 10x the enrolments, completions and attempts).
SMALL = SIZES["S"]
LARGER = SIZES["M"]

# Ceilings, so that a count that is constant but needlessly large is noticed too (seen on SQLite with the content
# cache warm: 6, 8, 6, 7, 6, 12, 6, 3, 14, 14; PostgreSQL may add one or two).
# Warm counts on SQLite with database sessions (one query more than with Redis sessions): anonymous pages 0 (the
# page cache), catalogue 3, course 4, lesson 4, dashboard 10, quiz 5, attempt 3, compliance 15, register 15. (The
# dashboard's hours, from courses/hours.py: one query for courses and internships together, one for the quota. The
# compliance report covers every requirement: the internship's picture, then the rules, their people, enrolments.)
# Every course of S and M has a SCORM lesson (seed_load): its course page then asks for the SCORM lessons studied,
# through the progress contribution (courses/packages/progress.py: the enrolment's course, its SCORM lessons, the
# satisfied attempts), 3 queries more than a course without one (7 on SQLite), the same at both sizes.
CEILINGS = {"catalogue (anonymous)": 1, "course page (anonymous)": 1, "catalogue": 4, "course page": 8,
            "lesson page": 5, "dashboard": 11, "quiz page": 6, "attempt page": 4, "compliance report": 16,
            "certificate register": 16}


def _count(client, url: str, name: str, counts: dict) -> None:
    client.get(url)  # warm the per-process caches (site root paths, settings, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (name, url, response.status_code)
    counts[name] = len(queries)



def _page_counts(client, size: LoadSize) -> tuple[dict[str, int], dict[str, int]]:
    """Build the dataset inside a savepoint, count every key page's queries, then roll the dataset back."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        cache.clear()
        result = load_seed(size)
        enrolment = busiest_learner()
        user = enrolment.user
        course = enrolment.course
        lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
        quiz = QuizPage.objects.live().descendant_of(course).get()
        _count(client, result.programme_url, "catalogue (anonymous)", counts)
        _count(client, course.url, "course page (anonymous)", counts)
        client.force_login(user)
        _count(client, result.programme_url, "catalogue", counts)
        _count(client, course.url, "course page", counts)
        _count(client, lesson.url, "lesson page", counts)
        _count(client, "/learning/", "dashboard", counts)
        _count(client, quiz.url, "quiz page", counts)
        attempt = quiz_services.attempt_start(user=user, quiz=quiz)
        _count(client, f"/attempts/{attempt.pk}/", "attempt page", counts)
        client.force_login(User.objects.get(email=result.admin_email))
        _count(client, "/admin/reports/compliance/", "compliance report", counts)
        _count(client, "/admin/certificate_register/", "certificate register", counts)
        client.logout()
        data = dict(result.counts)
        transaction.set_rollback(True)
    cache.clear()
    return counts, data


@pytest.mark.django_db
def test_key_pages_do_the_same_number_of_queries_at_two_sizes(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # the live rendering is what must not grow; a stored page does no query
    small, small_data = _page_counts(client, SMALL)
    larger, larger_data = _page_counts(client, LARGER)
    # The two datasets really differ in size.
    for key in ("courses", "staff", "enrolments", "completions", "attempts", "bookings", "certificates"):
        assert larger_data[key] >= 2 * small_data[key], (key, small_data[key], larger_data[key])
    assert small.keys() == larger.keys() == CEILINGS.keys()
    grown = {page: (small[page], larger[page]) for page in small if small[page] != larger[page]}
    assert not grown, f"queries that grow with the data (small, larger): {grown}"
    over = {page: count for page, count in larger.items() if count > CEILINGS[page]}
    assert not over, f"queries above the ceiling: {over} (all: {larger})"

