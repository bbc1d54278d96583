import os

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import PASSWORD, LibraryFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
# "gw0", "gw1", ... in the processes of a parallel run (pytest-xdist, `-n`); "" in a serial run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _cache_keys_of_this_worker():
    """Parallel workers share REDIS_URL's database (each has its own test database already: pytest-django names it
    after the worker). Each worker keeps its keys under a prefix of its own, and `cache.clear()` then removes only
    those (lms/redis_cache.py) instead of emptying the database under the other workers' feet (their rate-limit
    counters, sessions, content generation). Done here, before any cache object exists; tests/integration gives the
    same prefix to its Celery worker."""
    if not XDIST_WORKER:
        return
    for config in settings.CACHES.values():
        if config["BACKEND"] == "lms.redis_cache.ReusedClientRedisCache":
            config["KEY_PREFIX"] = ":".join(filter(None, [XDIST_WORKER, config.get("KEY_PREFIX", "")]))
    assert cache.key_prefix == settings.CACHES["default"].get("KEY_PREFIX", ""), "the cache was made before this"


_cache_keys_of_this_worker()


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_session(tmp_path_factory):
    """Files the tests upload or generate (certificate PDFs, images, reports) go to a folder of this session (of
    this worker, in a parallel run), not to the project's media/: workers do not see each other's files, and the
    suite leaves nothing behind. Tests that want a folder of their own still set MEDIA_ROOT themselves."""
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=str(media)):
        yield media


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the cache; every test starts with none (in a parallel run: none of this worker's).
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The suite creates thousands of people; the production hasher spends a quarter of a second on each password
    (PBKDF2 with Django's iteration count). Tests of passwords still check them, only with a cheap hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Unit tests run tasks in-process; tests/integration switch to the real worker themselves."""
    from lms.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def library(db):
    return LibraryFactory()


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def administrator(db):
    from lms.accounts.roles import Role

    return UserFactory(role=Role.ADMINISTRATOR, email="admin@example.org")


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: every service the suite needs must be there."""
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI a skip is a failure.", red=True)
        session.exitstatus = 1
