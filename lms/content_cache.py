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


def read(key: str) -> tuple[int, object | None]:
    """The current generation and the value stored under `key` in it (None when absent or older)."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if not isinstance(generation, int):
        return generation_start(), None
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return generation, entry[1]
    return generation, None


def write(key: str, generation: int, value, seconds: int | None = None) -> None:
    cache.set(key, (generation, value), timeout() if seconds is None else seconds)


def cached(key: str, build: Callable[[], T]) -> T:
    """The value kept under `key` for the current generation, built (and kept) when there is none."""
    if not enabled():
        return build()
    generation, value = read("content:" + key)
    if value is None:
        value = build()
        write("content:" + key, generation, value)
    return value
