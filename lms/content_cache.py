"""Shared, published content kept in the cache (Redis in production) between requests and processes.

What is kept here is the same for everyone who may see it: the syllabus of a course, a rendered lesson body, the
main menu, the footer's settings. The one exception is the page header (`{% kept_fragment %}` in cms), kept per
person under a key made from who they are; no other data of one person is kept here.

Every entry records the *content generation* it was made in. Publishing, unpublishing, moving or deleting a page,
or changing the site settings, starts a new generation (the site connects those signals to `generation_bump`), and
an entry of an older generation is a miss. Outside a request each read is one round trip: the generation and the
entry together.

Within a request (`GenerationScopeMiddleware`) the generation is read once (with the session, see `prefetch`), and
entries are also kept in this process's memory (`_Local`): a read of an entry this process already holds for the
request's generation costs no round trip. A new generation anywhere makes those copies misses at the next request;
they also expire after `CONTENT_CACHE_LOCAL_SECONDS` (30 s), so what the shared cache's own timeout bounds (a renamed
account, say) is at most that much later. Each copy is kept pickled and unpickled on every read, so no request
can change what the next one gets.
"""

from __future__ import annotations

import contextvars
import pickle
import threading
import time
from collections import OrderedDict
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


def local_seconds() -> float:
    return getattr(settings, "CONTENT_CACHE_LOCAL_SECONDS", 30)


class _Local:
    """This process's copies of entries, least recently used first, bounded in number and in bytes."""

    MAX_ENTRIES = 4000
    MAX_BYTES = 32 * 1024 * 1024
    MAX_ENTRY_BYTES = 512 * 1024

    def __init__(self):
        self._entries: OrderedDict[str, tuple[int, float, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, generation: int):
        """The value kept under `key` for `generation`, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != generation or entry[1] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            data = entry[2]
        return pickle.loads(data)

    def holds(self, key: str) -> bool:
        """Whether a copy of `key` is here, of whatever generation and age."""
        return key in self._entries

    def put(self, key: str, generation: int, value, seconds: float) -> None:
        seconds = min(seconds, local_seconds())
        if seconds <= 0:
            return
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if len(data) > self.MAX_ENTRY_BYTES:
            return
        with self._lock:
            self._drop(key)
            self._entries[key] = (generation, time.monotonic() + seconds, data)
            self._bytes += len(data)
            while len(self._entries) > self.MAX_ENTRIES or self._bytes > self.MAX_BYTES:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[2])


_local = _Local()


class _Scope:
    """One request's view of the cache: the generation, read once, and what came with it."""

    __slots__ = ("generation", "extra_key", "extra")

    def __init__(self):
        self.generation: int | None = None
        self.extra_key: str | None = None  # fetched in the same round trip as the generation (the session)
        self.extra = None


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("content_cache_scope", default=None)


class GenerationScopeMiddleware:
    """Reads the content generation at most once per request, and lets reads use this process's copies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _scope.set(_Scope())
        try:
            return self.get_response(request)
        finally:
            _scope.reset(token)


def generation_start() -> int:
    """A generation for when the cache holds none (new, flushed or evicted): the clock in microseconds. A
    generation that starts over never equals one that an older entry (here or in a process's copies) was made in:
    that would take more bumps than microseconds passed, and each bump is a round trip."""
    start = time.time_ns() // 1_000
    cache.add(GENERATION_KEY, start, None)
    generation = cache.get(GENERATION_KEY, start)
    scope = _scope.get()
    if scope is not None:
        scope.generation = generation
    return generation


def generation_bump(**_kwargs) -> None:
    """Start a new generation: every entry made before becomes a miss."""
    try:
        generation = cache.incr(GENERATION_KEY)
    except ValueError:
        generation_start()
    else:
        scope = _scope.get()
        if scope is not None:
            scope.generation = generation
    _local.clear()


def _scope_generation(scope: _Scope, key: str | None = None) -> tuple[int, object]:
    """The request's generation, read on its first use together with the key `prefetch` asked for, if any, and
    with `key` (whose stored value is returned too; None when the generation was already known)."""
    found = {}
    if scope.generation is None:
        keys = [GENERATION_KEY, *(k for k in (scope.extra_key, key) if k)]
        found = cache.get_many(keys)
        if scope.extra_key:
            scope.extra = found.get(scope.extra_key)
        generation = found.get(GENERATION_KEY)
        scope.generation = generation if isinstance(generation, int) else generation_start()
    return scope.generation, found.get(key) if key else None


def prefetch(key: str) -> None:
    """Within a request: fetch the shared cache's `key` in the round trip that reads the generation (a request
    that is sure to need it, such as its session, saves one round trip). `take_prefetched` hands it over."""
    scope = _scope.get()
    if scope is not None and scope.generation is None:
        scope.extra_key = key


def take_prefetched(key: str) -> tuple[bool, object]:
    """(True, the value or None when absent) when `key` was prefetched for this request, fetching it now (with
    the generation) if that has not happened yet; (False, None) otherwise. Handed over once. (When a new
    generation was started before the first round trip, nothing came: (True, None), and the caller reads it.)"""
    scope = _scope.get()
    if scope is None or scope.extra_key != key:
        return False, None
    if scope.generation is None:
        _scope_generation(scope)
    value = scope.extra
    scope.extra_key, scope.extra = None, None
    return True, value


def _versioned(key: str) -> str:
    return f"f{FORMAT}:{key}"


def _valid(entry, generation: int):
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == generation:
        return entry[1]
    return None


def read(key: str) -> tuple[int, object | None]:
    """The current generation and the value stored under `key` in it (None when absent or older)."""
    key = _versioned(key)
    scope = _scope.get()
    if scope is not None:  # the generation once per request, then this process's copy, else the shared cache
        if scope.generation is None and not _local.holds(key):
            generation, stored = _scope_generation(scope, key)  # no copy here: fetch it with the generation
            value = _valid(stored, generation)
        else:
            generation = _scope_generation(scope)[0]
            value = _local.get(key, generation)
            if value is not None:
                return generation, value
            value = _valid(cache.get(key), generation)
        if value is not None:
            _local.put(key, generation, value, local_seconds())
        return generation, value
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if not isinstance(generation, int):
        return generation_start(), None
    return generation, _valid(found.get(key), generation)


def write(key: str, generation: int, value, seconds: int | None = None) -> None:
    seconds = timeout() if seconds is None else seconds
    key = _versioned(key)
    cache.set(key, (generation, value), seconds)
    if _scope.get() is not None:
        _local.put(key, generation, value, seconds)


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
        if not enabled() or self.pk is None:
            return super().get_view_restrictions()
        # Wagtail's method runs a query (the ancestors' aliases) just to build its queryset: ask the cache first.
        present = cached(f"restricted:{self.pk}", lambda: int(super(CachedViewRestrictionsMixin, self)
                                                                .get_view_restrictions().exists()))
        if present:
            return super().get_view_restrictions()
        from wagtail.models import PageViewRestriction

        return PageViewRestriction.objects.none()
