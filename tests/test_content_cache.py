"""lms/content_cache.py: the generation read once per request, and this process's copies of entries."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from lms import content_cache


class CountingCache:
    """Counts the round trips content_cache makes to the shared cache (wraps the real one)."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if name in {"get", "get_many", "set", "add", "incr"}:
            def counted(*args, **kwargs):
                self.calls.append(name)
                return attribute(*args, **kwargs)
            return counted
        return attribute


@pytest.fixture
def counting(monkeypatch):
    counter = CountingCache(cache)
    monkeypatch.setattr(content_cache, "cache", counter)
    return counter


def in_request(function):
    """Runs `function` as a request would: inside the middleware's scope."""
    return content_cache.GenerationScopeMiddleware(lambda request: function())(None)


def test_a_request_reads_the_generation_once_and_later_requests_use_this_process_copy(counting):
    built = []

    def page():
        return [content_cache.cached("menu", lambda: built.append(1) or ["Курсы"]),
                content_cache.cached("footer", lambda: built.append(1) or {"org": "ОНБ"})]

    assert in_request(page) == [["Курсы"], {"org": "ОНБ"}]
    assert len(built) == 2
    counting.calls.clear()
    assert in_request(page) == [["Курсы"], {"org": "ОНБ"}]
    assert len(built) == 2
    assert counting.calls == ["get_many"]  # the generation: nothing else


def test_a_new_generation_made_by_another_process_is_seen_by_the_next_request():
    in_request(lambda: content_cache.cached("syllabus:1", lambda: "старый"))
    cache.incr(content_cache.GENERATION_KEY)  # another process published: this one's copies were not cleared
    assert in_request(lambda: content_cache.cached("syllabus:1", lambda: "новый")) == "новый"
    assert in_request(lambda: content_cache.cached("syllabus:1", lambda: "третий")) == "новый"


def test_a_bump_inside_a_request_is_seen_by_the_rest_of_that_request():
    def publish_then_read():
        first = content_cache.cached("menu", lambda: "до")
        content_cache.generation_bump()
        return first, content_cache.cached("menu", lambda: "после")

    assert in_request(publish_then_read) == ("до", "после")
    assert in_request(lambda: content_cache.cached("menu", lambda: "снова")) == "после"


def test_a_flushed_cache_never_matches_what_this_process_kept():
    in_request(lambda: content_cache.cached("menu", lambda: "до сброса"))
    cache.clear()  # Redis flushed or restarted: the generation starts over
    assert in_request(lambda: content_cache.cached("menu", lambda: "после сброса")) == "после сброса"


def test_what_a_request_changes_in_a_value_does_not_reach_the_next_request():
    def mutate():
        value = content_cache.cached("cards", lambda: {"items": [1, 2]})
        value["items"].append("изменено запросом")
        return value

    in_request(mutate)
    assert in_request(lambda: content_cache.cached("cards", lambda: None)) == {"items": [1, 2]}


def test_this_process_copies_expire(monkeypatch, counting):
    now = [1000.0]
    monkeypatch.setattr(content_cache.time, "monotonic", lambda: now[0])
    with override_settings(CONTENT_CACHE_LOCAL_SECONDS=30):
        def page():
            return [content_cache.cached("route", lambda: "маршрут"), content_cache.cached("menu", lambda: "меню")]

        in_request(page)
        now[0] += 29
        counting.calls.clear()
        assert in_request(page) == ["маршрут", "меню"]
        assert counting.calls == ["get_many"]
        now[0] += 2
        counting.calls.clear()
        assert in_request(page) == ["маршрут", "меню"]  # the copies are too old: from the shared cache again
        assert counting.calls == ["get_many", "get", "get"]


def test_without_a_request_every_read_asks_the_shared_cache(counting):
    content_cache.cached("menu", lambda: "меню")
    counting.calls.clear()
    assert content_cache.cached("menu", lambda: "другое") == "меню"
    assert content_cache.cached("menu", lambda: "другое") == "меню"
    assert counting.calls == ["get_many", "get_many"]


@override_settings(CONTENT_CACHE_LOCAL_SECONDS=0)
def test_no_copies_when_switched_off(counting):
    in_request(lambda: content_cache.cached("menu", lambda: "меню"))
    counting.calls.clear()
    in_request(lambda: [content_cache.cached("menu", lambda: "?"), content_cache.cached("menu", lambda: "?")])
    assert counting.calls == ["get_many", "get"]  # the first read comes with the generation, the second alone


def test_the_copies_stay_within_their_bounds():
    local = content_cache._Local()
    local.MAX_ENTRIES, local.MAX_BYTES, local.MAX_ENTRY_BYTES = 3, 10_000, 4_000
    for n in range(5):
        local.put(f"k{n}", 1, "x" * 100, 30)
    assert [local.get(f"k{n}", 1) is not None for n in range(5)] == [False, False, True, True, True]
    local.put("big", 1, "x" * 5_000, 30)
    assert local.get("big", 1) is None  # larger than one entry may be: not kept
    for n in range(5):
        local.put(f"m{n}", 1, "y" * 3_000, 30)
    assert local._bytes <= 10_000
    assert local.get("m4", 1) == "y" * 3_000
    assert local.get("m4", 2) is None  # another generation: a miss, and dropped
    assert local.get("m4", 1) is None


def test_an_entry_this_process_has_no_copy_of_comes_with_the_generation(counting):
    content_cache.generation_bump()
    counting.calls.clear()
    assert in_request(lambda: content_cache.read("pagecache:none")[1]) is None  # e.g. a page never stored
    assert counting.calls == ["get_many"]
    in_request(lambda: content_cache.cached("route", lambda: "маршрут"))  # kept by this request ...
    content_cache._local.clear()  # ... but as if another process had: no copy here
    counting.calls.clear()
    assert in_request(lambda: content_cache.cached("route", lambda: "?")) == "маршрут"
    assert counting.calls == ["get_many"]
