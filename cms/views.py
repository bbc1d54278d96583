from django.apps import apps
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wagtail.models import Page
from wagtail.url_routing import RouteResult
from wagtail.views import serve as wagtail_serve

from lms import content_cache

from .health import health_report
from .sites import site_for_request


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
    lesson. The route is published structure, the same for everyone, so it is kept per content generation
    (moving, renaming, publishing or unpublishing a page starts a new one); the page itself is still read live,
    and Wagtail's hooks (view restrictions among them) run as before.
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
            content_cache.write(key, generation, (site, route.page._meta.label_lower, route.page.pk))
        return
    site, label, pk = entry
    page = apps.get_model(label).objects.filter(pk=pk, live=True).first()
    if page is None:
        return  # gone since: Wagtail routes it (and answers 404)
    request._wagtail_site = site
    request._wagtail_route_for_request = RouteResult(page)
