"""Shared, published content kept in the cache (Redis in production) between requests and processes.

What is kept here is the same for everyone who may see it: the syllabus of a course, a rendered lesson body, the
main menu, the footer's settings. Nothing about one person is ever kept here.

Every entry records the *content generation* it was made in. Publishing, unpublishing, moving or deleting a page,
or changing the site settings, starts a new generation (the site connects those signals to `generation_bump`), and
an entry of an older generation is a miss. Each read is one round trip: the generation and the entry together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "content:generation"
# Part of every entry's key: raise it when what is stored under a key changes shape, so that a new release never
# reads what an older one stored (the generation itself is kept).
FORMAT = 2
T = TypeVar("T")


def enabled() -> bool:
    return getattr(settings, "CONTENT_CACHE_ENABLED", True)


def timeout() -> int:
    return getattr(settings, "CONTENT_CACHE_SECONDS", 3600)


def generation_start() -> int:
    """A generation for when the cache holds none (new, flushed or evicted): the clock in milliseconds, so that a
    generation that starts over never equals one that an older entry was made in."""
    start = time.time_ns() // 1_000_000
    cache.add(GENERATION_KEY, start, None)
    return cache.get(GENERATION_KEY, start)


def generation_bump(**_kwargs) -> None:
    """Start a new generation: every entry made before becomes a miss."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        generation_start()


def _versioned(key: str) -> str:
    return f"f{FORMAT}:{key}"


def read(key: str) -> tuple[int, object | None]:
    """The current generation and the value stored under `key` in it (None when absent or older)."""
    key = _versioned(key)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if not isinstance(generation, int):
        return generation_start(), None
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def write(key: str, generation: int, value, seconds: int | None = None) -> None:
    cache.set(_versioned(key), (generation, value), timeout() if seconds is None else seconds)


def cached(key: str, build: Callable[[], T]) -> T:
    """The value kept under `key` for the current generation, built (and kept) when there is none."""
    if not enabled():
        return build()
    generation, value = read("content:" + key)
    if value is None:
        value = build()
        write("content:" + key, generation, value)
    return value


class CachedViewRestrictionsMixin:
    """For Wagtail pages: whether a page (or an ancestor) has view restrictions, kept in the content cache.

    Wagtail checks a page's restrictions on every view with two queries; almost no page has any. When the cache
    says there are none, an empty queryset is returned, which answers without a query (and still behaves as a
    queryset for the admin). When there are some, the live queryset is returned as before. Saving or deleting a
    restriction, and moving a page, start a new content generation.
    """

    def get_view_restrictions(self):
        restrictions = super().get_view_restrictions()
        if not enabled() or self.pk is None:
            return restrictions
        present = cached(f"restricted:{self.pk}", lambda: int(restrictions.exists()))
        return restrictions if present else restrictions.none()
