"""/healthz against the real PostgreSQL, Redis cache and Redis broker."""

import socket
import threading
import time

import pytest
from django.conf import settings as django_settings

from tests.integration.conftest import missing_services, redis_cache_configured

SKIP_REASON = missing_services() or (
    None if redis_cache_configured() else "the health check of the cache needs Redis: REDIS_URL is unset"
)
pytestmark = [pytest.mark.integration, pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")]

CLOSED_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the connection is refused at once
SILENT_BROKER_LIMIT = 6  # seconds a load balancer would reasonably wait for /healthz


def test_healthz_is_ok_with_the_real_services(db, client):
    assert django_settings.CACHES["default"]["BACKEND"] == "lms.redis_cache.ReusedClientRedisCache"

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


def test_the_broker_check_gives_up_on_a_broker_that_never_answers(settings, monkeypatch):
    from cms.health import check_broker
    from lms.celery import app

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes the TCP handshake; nobody ever reads or answers
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "broker_write_url", None)
    settings.CELERY_BROKER_URL = url

    outcome: dict = {}

    def check():
        try:
            outcome["result"] = check_broker()
        except Exception as exc:  # noqa: BLE001 - the test wants to see it
            outcome["error"] = exc

    thread = threading.Thread(target=check, daemon=True)
    try:
        thread.start()
        thread.join(SILENT_BROKER_LIMIT)
        still_waiting = thread.is_alive()
    finally:
        silent.close()  # resets the pending connection: the check's thread ends soon after
    assert not still_waiting, f"the broker check was still waiting after {SILENT_BROKER_LIMIT} s"
    assert "error" in outcome, outcome
