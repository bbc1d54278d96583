"""Helpers shared by the integration and browser tests."""

import threading
import time

from django.conf import settings
from django.db import connection

THREAD_TIMEOUT = 30


def ensure_wagtail_tree():
    """Wagtail's root page, locale and root collection, which migrations create and the flush after every
    transactional test removes. Idempotent; returns the root page."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    locale, _created = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale,
                                    content_type=ContentType.objects.get_for_model(Page)))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    return Page.get_first_root_node()


def run_at_once(count: int, call, *, while_running=None) -> list:
    """Run `call(i)` in `count` threads released together; returns each thread's result or exception.

    `while_running()`, when given, is called repeatedly in one more thread until the others have finished.
    """
    barrier = threading.Barrier(count + (1 if while_running else 0), timeout=THREAD_TIMEOUT)
    outcomes: list = [None] * count
    done = threading.Event()

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = call(index)
        except BaseException as exc:  # noqa: BLE001 - the test looks at what each thread got
            outcomes[index] = exc
        finally:
            connection.close()

    def watcher() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                while_running()
                time.sleep(0.002)
            while_running()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    watch = threading.Thread(target=watcher, daemon=True) if while_running else None
    for thread in threads + ([watch] if watch else []):
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    done.set()
    if watch:
        watch.join(THREAD_TIMEOUT)
    stuck = [t for t in threads + ([watch] if watch else []) if t.is_alive()]
    assert not stuck, "a thread is stuck (a lock never released?)"
    return outcomes
