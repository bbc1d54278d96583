"""A whole-response cache of public pages for visitors who are not logged in.

Librarians browse the catalogue and course descriptions before they log in, and the same few pages are asked for
by everyone; rendering them through Wagtail's routing, the catalogue's queries and the templates costs ten times
more than handing out the stored bytes. The rules that keep it safe:

- Only a page the site marks as public is stored: one of `CACHED_PAGE_TYPES`, served by Wagtail's own serve view
  (never a preview or a draft, which go through the admin), to a request that carried no session cookie, has no
  view restriction, set no cookie and did not use a CSRF token (so no form of one visitor reaches another).
- It is read only by a GET that carries no session cookie and no pending messages. Whoever is logged in (or has
  a session at all) is served live, so nobody's own data is ever stored or served from here.
- Each entry keeps the content generation it was made in (`lms.content_cache`). Publishing, unpublishing, moving
  or deleting a page, or changing what the shell shows (site settings, course trainers), starts a new generation,
  which makes every older entry a miss; an entry also expires after `PAGE_CACHE_SECONDS` (what depends on the date or on other
  records, such as «enrolment open», is at most that old).
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.http import HttpResponse

from lms import content_cache

from .middleware import chosen_language

MARK = "_anonymous_page_cache"  # request attribute set by the serve hook: the page may be stored
# Headers a stored response keeps (Set-Cookie is never stored: a response that sets one is not stored at all).
SKIP_HEADERS = {"set-cookie", "x-page-cache", "x-db-queries"}


def _timeout() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def request_key(request) -> str | None:
    """The entry a request would read or write, or None when this request must be served live."""
    if not getattr(settings, "PAGE_CACHE_ENABLED", True) or request.method != "GET":
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    raw = "|".join((request.META.get("HTTP_HOST", ""), chosen_language(request), request.get_full_path()))
    return "pagecache:page:" + hashlib.sha256(raw.encode()).hexdigest()


def page_mark(request, page) -> None:
    """Called for every page Wagtail serves: mark the request when its response may be stored."""
    from .models import cached_page_params

    allowed = cached_page_params(page)
    if allowed is None or request.method != "GET" or getattr(request, "is_preview", False):
        return
    if settings.SESSION_COOKIE_NAME in request.COOKIES or request.user.is_authenticated:
        return  # the cookie first: it answers without loading the session
    if not set(request.GET).issubset(allowed):
        return  # free-text searches and unknown parameters are not worth storing
    if page.get_view_restrictions().exists():
        return
    setattr(request, MARK, True)


def anonymous_view(view, *, params: frozenset[str] = frozenset()):
    """A public Django view (not a Wagtail page) whose responses may be stored for visitors without a session, on
    the same rules as pages: GET, no session cookie, only the query parameters in `params` (its fixed filters)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES
                and not request.user.is_authenticated and set(request.GET).issubset(params)):
            setattr(request, MARK, True)
        return view(request, *args, **kwargs)

    return wrapped


class AnonymousPageCacheMiddleware:
    """Serves and stores public pages for visitors without a session (see the module's docstring).

    Sits right after the security and static-file middleware, so a hit skips sessions, authentication, CSRF and
    Wagtail's routing. One round trip to the cache reads both the generation and the entry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is None:
            return self.get_response(request)
        generation, entry = content_cache.read(key)
        if entry is not None:
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"]:
                response.headers[name] = value
            response.headers["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if self._storable(request, response):
            headers = [(n, v) for n, v in response.headers.items() if n.lower() not in SKIP_HEADERS]
            content_cache.write(key, generation, {"headers": headers, "content": response.content}, _timeout())
            response.headers["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        if not getattr(request, MARK, False):
            return False
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False  # the page holds a CSRF token: it belongs to this visitor alone
        storage = getattr(request, "_messages", None)
        if storage is not None and storage.used:
            return False  # it showed someone's messages
        return not request.user.is_authenticated

