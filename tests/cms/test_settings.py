"""Settings come from the environment; production refuses unsafe configuration (checked in a fresh process)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 20 + "-Zq8!xV3#mT6pL0wR9sY2uN5bE7cH4jA1dF"


def run_manage(*args, env_overrides):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "REDIS_URL", "EMAIL_URL"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_the_development_secret_key():
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "lms.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_deploy_check_passes_with_only_the_three_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides={
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "lms.example.org",
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_defaults_are_the_development_ones():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE,"
        " s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'])"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env_overrides={})
    assert result.stdout.split() == [
        "True", "django.db.backends.sqlite3", "True", "ru", "Asia/Novokuznetsk",
        "django.core.mail.backends.console.EmailBackend", "django.core.cache.backends.locmem.LocMemCache",
    ], result.stderr


def test_services_are_read_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_HOST, s.SITE_URL, s.ALLOWED_HOSTS)"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env_overrides={
        "DATABASE_URL": "postgres://u:p@db.example.org:5432/lms", "CELERY_BROKER_URL": "redis://r.example.org:6379/0",
        "REDIS_URL": "redis://r.example.org:6379/1", "EMAIL_URL": "smtp://mail.example.org:25",
        "DJANGO_SITE_URL": "https://lms.example.org/", "DJANGO_ALLOWED_HOSTS": "lms.example.org,www.example.org",
    })
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "redis://r.example.org:6379/0", "False",
        "lms.redis_cache.ReusedClientRedisCache", "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org", "https://lms.example.org", "['lms.example.org',", "'www.example.org']",
    ], result.stderr


def test_behind_trusted_proxies_the_client_address_and_port_come_from_them():
    code = "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.USE_X_FORWARDED_PORT)"
    behind = run_manage("shell", "-v", "0", "-c", code, env_overrides={"DJANGO_TRUSTED_PROXY_COUNT": "1"})
    assert behind.stdout.split() == ["1", "True"], behind.stderr
    direct = run_manage("shell", "-v", "0", "-c", code, env_overrides={})
    assert direct.stdout.split() == ["0", "False"], direct.stderr


def test_in_production_every_response_carries_the_security_headers_and_cookies_are_locked():
    code = (
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.conf import settings as s; from django.test import Client;"
        "r = Client(secure=True, HTTP_X_FORWARDED_PROTO='https').get('/healthz');"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT);"
        "print('HSTS', r['Strict-Transport-Security']);"
        "print('CSP', r['Content-Security-Policy']);"
        "print('PP', r['Permissions-Policy']);"
        "print('XFO', r['X-Frame-Options'], r['Referrer-Policy'], r['X-Content-Type-Options'])"
    )
    result = run_manage("shell", "-v", "0", "-c", code, env_overrides={
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite://:memory:",
    })
    lines = result.stdout.splitlines()
    assert lines[0] == "True True True True", result.stderr
    assert lines[1] == "HSTS max-age=31536000; includeSubDomains; preload"
    directives = {part.split()[0]: part.split()[1:] for part in lines[2].removeprefix("CSP ").split(";")}
    assert directives["default-src"] == ["'self'"] and directives["script-src"] == ["'self'"]
    assert lines[3].startswith("PP ") and "camera=()" in lines[3]
    assert lines[4] == "XFO DENY same-origin nosniff"


def test_with_media_on_s3_the_policy_allows_the_storages_address():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "S3_"))}
    env.update({"S3_BUCKET": "lms", "S3_ENDPOINT_URL": "https://s3.example.ru:9000/storage",
                "DJANGO_SETTINGS_MODULE": "lms.settings"})
    code = ("from django.conf import settings as s;"
            "print(s.SITE_CSP_DIRECTIVES['img-src'][-1], s.SITE_CSP_DIRECTIVES['media-src'][-1])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.split() == ["https://s3.example.ru:9000", "https://s3.example.ru:9000"], result.stderr


CONSOLE_PROBE = """
import logging
from lms.celery import app

for name in ("django.request", "django.utils.autoreload", "django.server", "wagtail", "cms"):
    logging.getLogger(name).warning("probe line of %s", name)

def probe():
    return "the eager task ran"

print(app.task(name="console-probe")(probe).delay().get())
"""


def test_in_debug_the_console_shows_each_log_line_once_and_no_broker_warning():
    """What a newcomer sees from scripts/demo.sh (DEBUG on, no broker, tasks eager): Django's loggers printed once
    (not by Django's own DEBUG console handler as well as the root's), and an eager task creates no connection to
    the default amqp:// broker (kombu: «No hostname was supplied»)."""
    result = run_manage("shell", "-v", "0", "-c", CONSOLE_PROBE, env_overrides={"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "the eager task ran", result.stdout + result.stderr
    lines = result.stderr.splitlines()
    for name in ("django.request", "django.utils.autoreload", "wagtail", "cms"):
        assert lines.count(f"probe line of {name}") == 1, result.stderr
    # runserver's request lines: once, in Django's format ("[03/Dec/2026 14:37:22] "GET / HTTP/1.1" 200 2913").
    server = [line for line in lines if line.endswith("probe line of django.server")]
    assert len(server) == 1 and server[0].startswith("["), result.stderr
    assert "No hostname was supplied" not in result.stdout + result.stderr
    assert len(lines) == len(set(lines)), result.stderr


def test_in_production_an_error_reaches_the_console_once():
    code = "import logging; logging.getLogger('django.request').error('Internal Server Error: /probe/')"
    result = run_manage("shell", "-v", "0", "-c", code, env_overrides={
        "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": STRONG_KEY, "DJANGO_ALLOWED_HOSTS": "lms.example.org",
    })
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines().count("Internal Server Error: /probe/") == 1, result.stderr
