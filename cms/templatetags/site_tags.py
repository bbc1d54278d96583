from django import template
from wagtail.models import Page, Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Live public pages under the home page marked «show in menus», in tree order (a fixed number of queries)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    root = site.root_page
    return list(Page.objects.child_of(root).live().public().in_menu())
