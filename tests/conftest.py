import os

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, LibraryFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the cache; every test starts with none.
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
