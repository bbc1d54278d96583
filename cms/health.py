"""Health of the services the site depends on, for load balancers and monitoring."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    cache.set("healthz", "1", 10)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return the value")
    return "ok"


BROKER_TIMEOUT = 2  # seconds: a hung broker must not hold a web worker


def check_broker() -> str:
    from celery import current_app

    if current_app.conf.task_always_eager and not settings.CELERY_BROKER_URL:
        return "eager"  # no broker configured: tasks run inside the request
    # ensure_connection's own timeout only spaces retries; socket timeouts bound a broker that accepts the
    # connection but never answers.
    with current_app.connection_for_write(
        connect_timeout=BROKER_TIMEOUT,
        transport_options={"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT},
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health_report() -> tuple[bool, dict]:
    report, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # any failure of a dependency makes it unhealthy; the reason is reported
            healthy = False
            report[name] = f"error: {exc.__class__.__name__}"
    return healthy, report
