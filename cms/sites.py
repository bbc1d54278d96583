"""The Wagtail site a request is for, kept in the content cache."""

from wagtail.models import Site

from lms import content_cache


def site_for_request(request) -> Site | None:
    """Wagtail looks the site up with a query on every request (about 5 ms of query building, measured on a
    page that is not a Wagtail page). Sites change rarely, so the answer per host and port is kept in the content
    cache (saving a site starts a new generation) and on the request, where Wagtail looks for it."""
    if not hasattr(request, "_wagtail_site"):
        key = f"site:{request.get_host()}:{request.get_port()}"  # get_host() refuses hosts that are not allowed
        request._wagtail_site = content_cache.cached(key, lambda: Site.find_for_request(request))
    site_root_paths_for_request(request)
    return request._wagtail_site


def site_root_paths_for_request(request) -> None:
    """Wagtail reads every site's root path from the cache for each request that shows a page's address (a
    round trip to Redis). They change with sites and page moves, which start a new content generation: kept in
    the content cache, and on the request, where Wagtail looks for them."""
    if not hasattr(request, "_wagtail_cached_site_root_paths"):
        request._wagtail_cached_site_root_paths = content_cache.cached("site-root-paths", Site.get_site_root_paths)
