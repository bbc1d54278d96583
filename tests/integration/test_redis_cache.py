"""The cache on a real Redis: one client per process, and the content generation surviving a flush."""

import pytest
from django.core.cache import cache, caches
from django.test import Client

from lms import content_cache
from tests.factories import courses as pages
from tests.integration.conftest import missing_services, redis_cache_configured

pytestmark = pytest.mark.skipif(
    bool(missing_services()) or not redis_cache_configured(),
    reason=missing_services() or "the cache tests need Redis: REDIS_URL is unset",
)


def test_the_backend_reuses_one_client_and_still_works():
    cache.set("it:one", {"a": 1}, 30)
    first = cache._cache.get_client("it:one")
    assert cache.get("it:one") == {"a": 1}
    assert cache.get_many(["it:one", "it:none"]) == {"it:one": {"a": 1}}
    assert cache._cache.get_client("it:two", write=True) is first
    assert caches["renditions"]._cache.get_client() is not first  # its own pool, its own client


def test_a_generation_that_starts_over_never_matches_older_entries():
    content_cache.generation_bump()
    generation, _value = content_cache.read("content:it:entry")
    content_cache.write("content:it:entry", generation, "old")
    assert content_cache.read("content:it:entry") == (generation, "old")
    cache.delete(content_cache.GENERATION_KEY)  # evicted, or Redis restarted with the entry kept elsewhere
    restarted, value = content_cache.read("content:it:entry")
    assert value is None and restarted != generation


@pytest.mark.django_db
def test_public_pages_are_stored_in_redis():
    course = pages.course(pages.programme())
    assert Client().get(course.url).headers["X-Page-Cache"] == "miss"
    assert Client().get(course.url).headers["X-Page-Cache"] == "hit"


def test_a_prefixed_cache_clears_only_its_own_keys():
    """Parallel test workers (and deployments) sharing one Redis database: each one's clear() leaves the others'."""
    import uuid

    from django.conf import settings

    from lms.redis_cache import ReusedClientRedisCache

    run = uuid.uuid4().hex[:8]
    location = settings.CACHES["default"]["LOCATION"]
    mine = ReusedClientRedisCache(location, {"KEY_PREFIX": f"it-{run}[a]"})  # glob characters are taken literally
    mine_named = ReusedClientRedisCache(location, {"KEY_PREFIX": f"it-{run}[a]:renditions"})
    other = ReusedClientRedisCache(location, {"KEY_PREFIX": f"it-{run}a"})
    for each in (mine, mine_named, other):
        each.set("counter", 1, 60)
    try:
        mine.clear()
        assert (mine.get("counter"), mine_named.get("counter"), other.get("counter")) == (None, None, 1)
    finally:
        other.clear()
    assert other.get("counter") is None
