"""Integration tests: real PostgreSQL, real Redis, a real Celery worker process.

Every test of this directory is marked `integration` here, and skipped with the reason when the services are
not configured (the root conftest turns skips into failures when CI=true). Run them with, for example:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_it CELERY_BROKER_URL=redis://127.0.0.1:6379/13 \
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python -m pytest tests/integration
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

INTEGRATION_DIR = Path(__file__).resolve().parent
PROJECT_DIR = INTEGRATION_DIR.parent.parent
WORKER_READY_TIMEOUT = 30.0
WORKER_STOP_TIMEOUT = 10.0
# Django's file e-mail backend ends every message with this line.
MESSAGE_SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def missing_services() -> str | None:
    """Why the integration tests cannot run here, or None when they can."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        return (
            f"integration tests need PostgreSQL: DATABASE_URL is unset or not postgres:// (database engine is "
            f"{engine})"
        )
    if not settings.CELERY_BROKER_URL:
        return "integration tests need a Celery broker: CELERY_BROKER_URL is unset"
    return None


def redis_cache_configured() -> bool:
    return settings.CACHES["default"]["BACKEND"] == "lms.redis_cache.ReusedClientRedisCache"


@pytest.hookimpl(tryfirst=True)  # before `-m` selection, which looks at the markers added here
def pytest_collection_modifyitems(config, items):
    reason = missing_services()
    for item in items:
        if INTEGRATION_DIR not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.integration)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


# --- The worker ----------------------------------------------------------------------------------------------------

def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A running `celery worker` consuming `queue`, writing its e-mails as files into `mail_dir`."""

    process: subprocess.Popen
    queue: str
    nodename: str
    mail_dir: Path
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(
                f"the Celery worker exited with code {self.process.returncode}; its log:\n{self.log_tail()}"
            )

    def wait_for_log(self, pattern: str, timeout: float = 20.0) -> re.Match:
        """Wait until a line of the worker's log matches the regular expression."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            match = regex.search(self.log())
            if match:
                return match
            self.assert_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in the worker's log after {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def messages(self) -> list[EmailMessage]:
        """Every e-mail the worker has written so far, oldest file first."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            for chunk in path.read_bytes().split(MESSAGE_SEPARATOR):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk.strip(b"\n") + b"\n", policy=email.policy.default))
        return found

    def messages_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if address in str(m.get("To", ""))]

    def wait_for_message_to(self, address: str, timeout: float = 20.0) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages_to(address)
            if found:
                return found[0]
            self.assert_alive()
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no e-mail to {address} in {self.mail_dir} after {timeout:.0f} s; worker log:\n{self.log_tail()}"
                )
            time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # warm shutdown: finishes the running task
    try:
        process.wait(timeout=WORKER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=WORKER_STOP_TIMEOUT)


def _forget_queue(queue: str) -> None:
    """Remove what kombu left in Redis for this session's queue (its binding table and any leftover message)."""
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
        keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        keys += [f"{queue}\x06\x16{priority}" for priority in range(10)]  # kombu's priority sub-queues
        client.delete(*keys)
        client.zrem("_kombu.binding_deadlines", queue)
        client.close()
    except Exception:  # cleaning up is a courtesy; a failure here must not hide the tests' result
        pass


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, _media_of_this_session, tmp_path_factory):
    """A real `celery -A lms worker` on a queue of its own, using the test database pytest-django created.

    The test process publishes to the same queue through the `live_celery` fixture. The worker is stopped before
    the test database is dropped (this fixture depends on `django_db_setup`). In a parallel run each test worker
    that needs one starts its own, with its test database, its cache prefix and its media folder; the tests that
    use it are kept on one test worker (`xdist_group`), so a run starts one.
    """
    from django.db import connection

    reason = missing_services()
    if reason:
        pytest.skip(reason)

    session_id = uuid.uuid4().hex[:12]
    queue = f"it-{session_id}"
    nodename = f"it-{session_id}@%h"
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    log_path = tmp_path_factory.mktemp("worker-log") / "worker.log"

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings",
        DATABASE_URL=_database_url(connection.settings_dict),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_TASK_ALWAYS_EAGER="false",
        DJANGO_CACHE_KEY_PREFIX=settings.CACHES["default"].get("KEY_PREFIX", ""),
        DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # django-environ drops the first slash of the path: four slashes make an absolute path.
        EMAIL_URL=f"filemail:///{mail_dir}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("CELERY_BROKER_WRITE_URL", None)
    env.pop("CELERY_BROKER_READ_URL", None)

    celery_bin = PROJECT_DIR / ".venv" / "bin" / "celery"
    command = [str(celery_bin)] if celery_bin.exists() else [sys.executable, "-m", "celery"]
    command += [
        "-A", "lms", "worker",
        "--pool=solo", "--concurrency=1",
        "-Q", queue, "-n", nodename,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-l", "info",
    ]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    worker = CeleryWorker(process=process, queue=queue, nodename=nodename, mail_dir=mail_dir, log_path=log_path)
    try:
        worker.wait_for_log(r"\bready\.", timeout=WORKER_READY_TIMEOUT)
        yield worker
    finally:
        _stop(process)
        _forget_queue(queue)


@pytest.fixture
def live_celery(_eager_celery, celery_worker, transactional_db):
    """Tasks go to the real worker for this test: not eager, published to the worker's queue.

    Depends on the root conftest's `_eager_celery` so that it runs after it (and its restore runs after ours).
    The worker reads committed data from its own connection, hence `transactional_db`.
    """
    from lms.celery import app

    before = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = celery_worker.queue
    celery_worker.assert_alive()
    yield celery_worker
    app.conf.update(before)


# --- Wagtail's page tree ---------------------------------------------------------------------------------------------

@pytest.fixture
def wagtail_tree(transactional_db):
    """Wagtail's root page, locale and root collection, which migrations create and the flush after every
    transactional test removes. Idempotent; use it before building pages with tests/factories/courses.py."""
    from tests.helpers import ensure_wagtail_tree

    return ensure_wagtail_tree()
