"""SCORM lessons among the others: the course's syllabus (mark and tick), the lessons' previous/next navigation,
«урок N из M», and «Отметить и продолжить» leading to a SCORM lesson."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.packages import runtime
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_items():
    course = pages.course()
    first = pages.lesson(course, title="Первый урок")
    interactive = scorm.scorm_lesson(course, title="Интерактив")
    last = pages.lesson(course, title="Последний урок")
    return course, first, interactive, last


@pytest.fixture
def client_of(password):
    def make(user):
        client = Client()
        assert client.login(email=user.email, password=password)
        return client
    return make


def test_syllabus_marks_and_ticks_a_scorm_lesson(course_items, client_of):
    course, _first, interactive, _last = course_items
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    html = client_of(person).get(course.url).content.decode()
    item = html[html.index("Интерактив"):][:400]
    assert "интерактивный урок" in item and "✓" not in item
    launch = runtime.scorm_launch(user=person, lesson=interactive, sco_index=0)
    runtime.scorm_commit(user=person, lesson=interactive, attempt_id=launch.attempt.pk, sco_index=0,
                         session=launch.session, elements={"cmi.core.lesson_status": "completed"})
    html = client_of(person).get(course.url).content.decode()
    assert "✓" in html[html.index("Интерактив"):][:400]


def test_navigation_and_counting_include_scorm_lessons(course_items, client_of):
    course, first, interactive, last = course_items
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    client = client_of(person)
    html = client.get(first.url).content.decode()
    assert f'href="{interactive.url}" rel="next"' in html and "урок 1 из 3" in html
    html = client.get(interactive.url).content.decode()
    assert f'href="{first.url}" rel="prev"' in html and f'href="{last.url}" rel="next"' in html
    assert "урок 2 из 3" in html
    response = client.post(reverse("courses:complete_lesson", args=[first.pk]), {"next_url": str(interactive.pk)})
    assert response["Location"] == interactive.url


def test_continue_leads_back_to_the_scorm_lesson_opened_last(course_items, client_of):
    course, first, interactive, _last = course_items
    person = UserFactory()
    enrolment = services.enrolment_self(user=person, course=course)
    services.lesson_complete(user=person, lesson=first)
    client = client_of(person)
    assert client.get(interactive.url).status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == interactive.pk
    dashboard = client.get(reverse("courses:dashboard")).content.decode()
    assert f'href="{interactive.url}"' in dashboard and "Интерактив" in dashboard
    assert f'href="{interactive.url}"' in client.get(course.url).content.decode()
