"""/healthz against the real PostgreSQL, Redis cache and Redis broker."""

import time

import pytest
from django.conf import settings as django_settings

from tests.integration.conftest import missing_services, redis_cache_configured

SKIP_REASON = missing_services() or (
    None if redis_cache_configured() else "the health check of the cache needs Redis: REDIS_URL is unset"
)
pytestmark = [pytest.mark.integration, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused at once


def test_healthz_is_ok_with_the_real_services(db, client):
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"

    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_broker(db, client, settings, monkeypatch):
    from lms.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its own configuration: override both.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_BROKER)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setitem(app.conf, "broker_url", CLOSED_BROKER)
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    settings.CELERY_BROKER_URL = CLOSED_BROKER
    assert app.conf.broker_write_url == CLOSED_BROKER

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503, response.content
    report = response.json()
    assert report["status"] == "error"
    assert report["database"] == "ok"
    assert report["cache"] == "ok"
    assert report["broker"].startswith("error: "), report
    assert elapsed < 10, f"the broker check took {elapsed:.1f} s"
