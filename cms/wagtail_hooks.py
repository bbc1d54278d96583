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


@hooks.register("construct_homepage_panels")
def role_landing_panels(request, panels):
    """Trainers, library heads and administrators land on their work: their role's panels come first."""
    from . import dashboard

    panels.extend(dashboard.panels_for(request))


@hooks.register("construct_homepage_summary_items", order=1)  # after Wagtail's own items are in the list
def no_site_summary_for_roles(request, summary_items):
    """The counts of pages, images and documents say nothing to these roles: their panels replace them."""
    from . import dashboard

    if dashboard.landing_roles(request):
        summary_items.clear()


@hooks.register("construct_help_menu")
def keep_help_in_russian(request, menu_items):
    """Wagtail's Help menu links to its English release notes and editor guide on wagtail.org; our staff read
    Russian, and the links would leave the admin for a foreign site. Only the keyboard shortcuts stay."""
    menu_items[:] = [item for item in menu_items
                     if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")]
