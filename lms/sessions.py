"""Sessions kept in the cache and written through to the database (Django's `cached_db`), read in the round trip
that also reads the content generation.

Every page of a logged-in person needs both: the session (who is this) and the content generation (which kept
routes, menus and fragments are current). `SessionPrefetchMiddleware` asks `lms.content_cache` to fetch the
session's cache entry in that same round trip, and `SessionStore.load` takes it from there. When the entry is not
in the cache (evicted, flushed), the session is read from the database as `cached_db` does.

    SESSION_ENGINE = "lms.sessions"   (the cache must be the default one: SESSION_CACHE_ALIAS = "default")
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.exceptions import MiddlewareNotUsed

from lms import content_cache


class SessionStore(cached_db.SessionStore):
    def load(self):
        found, data = content_cache.take_prefetched(self.cache_key)
        if found and isinstance(data, dict):
            return data
        return super().load()


class SessionPrefetchMiddleware:
    """Place after `lms.content_cache.GenerationScopeMiddleware`: names the request's session for the first
    round trip. Not used unless SESSION_ENGINE is this module and the sessions live in the default cache."""

    def __init__(self, get_response):
        if settings.SESSION_ENGINE != __name__ or settings.SESSION_CACHE_ALIAS != "default":
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if session_key:
            content_cache.prefetch(SessionStore.cache_key_prefix + session_key)
        return self.get_response(request)
