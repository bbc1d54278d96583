"""lms/sessions.py: the session read in the round trip that reads the content generation."""

import pytest
from django.core.cache import cache, caches
from django.test import Client, override_settings

from lms import content_cache
from lms.sessions import SessionStore
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_like_sessions")]


@pytest.fixture
def redis_like_sessions():
    with override_settings(SESSION_ENGINE="lms.sessions", SESSION_CACHE_ALIAS="default"):
        yield


@pytest.fixture
def course():
    return pages.course(pages.programme(slug="kursy"), title="Каталогизация", slug="katalogizatsiya")


@pytest.fixture
def trips(monkeypatch):
    """Every read of the shared cache, by the content cache and by the session store (the same cache object);
    a backend's get_many made of gets (as the local-memory one is) counts once."""
    calls, depth = [], [0]
    for name in ("get", "get_many"):
        original = getattr(caches["default"], name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:
                calls.append((_name, args[0] if args else None))
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1
        monkeypatch.setattr(caches["default"], name, counted)
    return calls


def _logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_logged_in_page_reads_its_session_with_the_generation(course, trips):
    anna = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Игоревна")
    client = _logged_in(anna)
    assert client.get(course.url).status_code == 200  # warms the kept route, header and this process's copies
    trips.clear()
    response = client.get(course.url)
    assert "Смирнова А. И." in response.content.decode()
    session_key = SessionStore.cache_key_prefix + client.cookies["sessionid"].value
    assert trips == [("get_many", [content_cache.GENERATION_KEY, session_key])]


def test_a_session_gone_from_the_cache_is_read_from_the_database(course):
    anna = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Игоревна")
    client = _logged_in(anna)
    cache.delete(SessionStore.cache_key_prefix + client.cookies["sessionid"].value)
    assert "Смирнова А. И." in client.get(course.url).content.decode()
    assert "Смирнова А. И." in client.get(course.url).content.decode()  # and it is back in the cache


def test_an_unknown_session_cookie_is_a_visitor(course):
    client = Client()
    client.cookies["sessionid"] = "x" * 32
    html = client.get(course.url).content.decode()
    assert "/accounts/login/" in html and "Выйти" not in html


def test_logging_out_and_in_again_in_later_requests(course):
    anna = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Игоревна")
    boris = UserFactory(last_name="Кузнецов", first_name="Борис", patronymic="Олегович")
    client = _logged_in(anna)
    assert "Смирнова" in client.get(course.url).content.decode()
    client.post("/accounts/logout/")
    assert "Смирнова" not in client.get(course.url).content.decode()
    client.force_login(boris)
    html = client.get(course.url).content.decode()
    assert "Кузнецов Б. О." in html and "Смирнова" not in html


def test_without_a_request_the_store_reads_as_cached_db_does():
    store = SessionStore()
    store["probe"] = "значение"
    store.save()
    assert SessionStore(store.session_key).load() == {"probe": "значение"}
    cache.delete(store.cache_key)
    assert SessionStore(store.session_key).load() == {"probe": "значение"}  # from the database
