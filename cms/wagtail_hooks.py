"""The site's hooks into Wagtail's page serving."""

from wagtail import hooks

from . import page_cache


@hooks.register("on_serve_page")
def mark_public_pages(next_serve):
    """Tell the page cache which served pages may be stored for anonymous visitors (see `page_cache`)."""

    def serve(page, request, args, kwargs):
        page_cache.page_mark(request, page)
        return next_serve(page, request, args, kwargs)

    return serve
