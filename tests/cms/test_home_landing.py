"""The anonymous home page shows the programme's courses and the next internship sessions (cms/home.py), in
Russian with plural forms, in a number of queries that does not grow with the data, and through the page cache."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import CoursePage
from lms.internships import services as internship_services
from lms.internships.models import Session
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def programme():
    programme = pages.programme(title="Программа непрерывного образования", slug="programme")
    pages.course(programme, title="Каталогизация", academic_hours=1, format=CoursePage.Format.DISTANCE)
    pages.course(programme, title="Краеведение", academic_hours=24, format=CoursePage.Format.BLENDED)
    pages.course(programme, title="Черновик", live=False)
    return programme


def test_anonymous_home_shows_the_programme_courses_and_next_sessions(client, programme):
    topic = TopicFactory(title="Виртуальная справочная служба", academic_hours=16)
    soon = SessionFactory(topic=topic, start_date=later(5), end_date=later(5), capacity=3)
    internship_services.booking_request(user=UserFactory(), session=soon)
    full = SessionFactory(topic=TopicFactory(title="Оцифровка"), start_date=later(9), end_date=later(10), capacity=1)
    internship_services.booking_request(user=UserFactory(), session=full)
    SessionFactory(topic=TopicFactory(title="Отменённая"), status=Session.Status.CANCELLED)
    SessionFactory(topic=TopicFactory(title="Прошедшая"), start_date=later(-10), end_date=later(-9))

    html = client.get("/").content.decode()
    assert "Курсы программы" in html and "Ближайшие стажировки в ОНБ" in html
    assert "Каталогизация" in html and "1 академический час" in html and "Дистанционный" in html
    assert "Краеведение" in html and "24 академических часа" in html and "Смешанный" in html
    assert "Черновик" not in html
    assert f'href="{programme.url}"' in html
    assert "Виртуальная справочная служба" in html and "свободно 2 места" in html
    assert f'href="/internships/sessions/{soon.pk}/"' in html
    assert "Оцифровка" in html and "свободных мест нет" in html
    assert "Отменённая" not in html and "Прошедшая" not in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # nothing needs a script here


def test_home_without_programme_or_sessions_says_so_in_russian(client):
    pages.home_page()
    html = client.get("/").content.decode()
    assert "Курсы программы" not in html
    assert "Стажировки пока не запланированы." in html


def _queries(url: str = "/") -> int:
    client = Client()
    client.get(url)  # warm the per-process and content caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_home_does_a_fixed_number_of_queries(settings, programme):
    settings.PAGE_CACHE_ENABLED = False  # the live rendering is what must not grow; a stored page does no query
    SessionFactory()
    little = _queries()
    for number in range(8):
        pages.course(programme, title=f"Ещё курс {number}")
        session = SessionFactory(start_date=later(20 + number), end_date=later(21 + number))
        internship_services.booking_request(user=UserFactory(), session=session)
    much = _queries()
    assert little == much <= 3, (little, much)


def test_the_stored_home_is_served_to_anonymous_visitors_for_a_few_minutes_at_most(settings, programme):
    """The free seats of a stored home page are at most PAGE_CACHE_SECONDS old (cms/home.py explains the choice)."""
    assert settings.PAGE_CACHE_SECONDS <= 300
    first = Client().get("/")
    assert first.headers["X-Page-Cache"] == "miss"
    assert Client().get("/").headers["X-Page-Cache"] == "hit"
    logged_in = Client()
    logged_in.force_login(UserFactory())
    assert "X-Page-Cache" not in logged_in.get("/").headers  # people who are logged in see it live
