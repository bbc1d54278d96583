import copy

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from lms import content_cache

from .health import health_report
from .sites import site_for_request, site_root_paths_for_request


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report()
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)


def rate_limited(request, exception=None):
    return render(request, "429.html", status=429)


def bench_floor(request):
    """Benchmarks only: the framework's floor, a response through the whole middleware stack and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


def page_serve(request, path: str):
    """Wagtail's page serving, with the route (the site and the page an address leads to) kept in the content cache.

    Wagtail finds a page by asking for each part of the address in turn: two queries per level, nine for a
    lesson. The route and the live page are published content, the same for everyone, so they are kept per
    content generation (publishing, unpublishing, moving or renaming a page starts a new one). Wagtail's hooks,
    view restrictions among them, run as before.
    """
    if content_cache.enabled():
        _route_from_cache(request, path)
    return wagtail_serve(request, path)


def _route_from_cache(request, path: str) -> None:
    key = f"content:route:{request.get_host()}:{request.get_port()}:{path}"  # get_host() refuses hosts not allowed
    generation, entry = content_cache.read(key)
    if entry is None:
        site = site_for_request(request)
        route = Page.route_for_request(request, path)  # Wagtail keeps it on the request for its view
        if site is not None and route is not None and not route.args and not route.kwargs:
            page = copy.copy(route.page)
            page.__dict__.pop("_cached_parent_obj", None)  # the ancestors Wagtail walked: not worth keeping
            content_cache.write(key, generation, (site, page))
        return
    site, page = entry
    if not page.live:
        return  # Wagtail routes it (and answers 404)
    request._wagtail_site = site
    site_root_paths_for_request(request)
    request._wagtail_route_for_request = RouteResult(page)
