"""The SCORM player page does a fixed number of queries whatever the package's size and the learner's history: the
same page is counted for a one-SCO package with one attempt and for a five-SCO package with three attempts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.packages import runtime
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

pytestmark = pytest.mark.django_db
CEILING = 30  # a constant but needlessly large count is noticed too


def player_queries(password, scos: int, attempts: int) -> int:
    course = pages.course()
    pages.lesson(course)
    package = scorm.package(scos=[{"identifier": f"SCO-{n}", "title": f"Часть {n}", "launch": f"{n}/index.html"}
                                  for n in range(scos)])
    lesson = scorm.scorm_lesson(course, package_row=package)
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    for _ in range(attempts):
        for index in range(scos):
            launch = runtime.scorm_launch(user=person, lesson=lesson, sco_index=index)
            runtime.scorm_commit(user=person, lesson=lesson, attempt_id=launch.attempt.pk, sco_index=index,
                                 session=launch.session, elements={"cmi.core.lesson_status": "completed"})
        runtime.scorm_attempt_restart(user=person, lesson=lesson)
    client = Client()
    client.login(email=person.email, password=password)
    assert client.get(lesson.url).status_code == 200  # warms the content cache (syllabus, navigation)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(lesson.url + "?sco=1")
    assert response.status_code == 200 and b'id="scorm-frame"' in response.content
    return len(queries)


def test_the_player_page_does_a_fixed_number_of_queries(password):
    small, large = player_queries(password, scos=1, attempts=1), player_queries(password, scos=5, attempts=3)
    assert small == large <= CEILING, (small, large)
