"""What every part of the load-test runner shares: the paths, the ports, the Redis databases, messages and exits."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
# LMS_LOCUST: a locust installed elsewhere (its own virtualenv), so that the project's .venv, which others share,
# is not changed; the locustfile needs locust only, not Django.
LOCUST = Path(os.environ.get("LMS_LOCUST") or VENV_BIN / "locust")
RESULTS = ROOT / "bench" / "results"
NGINX_PORT = 8088
FIRST_APP_PORT = 8101
REDIS_CACHE = "redis://127.0.0.1:6379/10"
REDIS_BROKER = "redis://127.0.0.1:6379/11"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def die(message: str) -> None:
    print(f"\nrun.py: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def load_constants() -> tuple[str, str]:
    """LOAD_DOMAIN and LOAD_PASSWORD from cms/load_data/sizes.py, read as text: this script never imports Django."""
    text = (ROOT / "cms" / "load_data" / "sizes.py").read_text(encoding="utf-8")
    domain = re.search(r'^LOAD_DOMAIN = "([^"]+)"', text, re.M).group(1)
    password = re.search(r'^LOAD_PASSWORD = "([^"]+)"', text, re.M).group(1)
    return domain, password


def parse_duration(text: str) -> int:
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", text.strip())
    if not parts or not any(parts.groups()):
        die(f"--duration {text!r}: write e.g. 90s, 5m, 10m, 1h")
    hours, minutes, seconds = (int(x) if x else 0 for x in parts.groups())
    return hours * 3600 + minutes * 60 + seconds
