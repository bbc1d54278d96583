from django import template
from django.utils import translation
from wagtail.models import Page, Site

from lms import content_cache

from ..models import SiteSettings
from ..sites import site_for_request

register = template.Library()


def _site(context) -> Site | None:
    request = context.get("request")
    return site_for_request(request) if request is not None else None


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Live public pages under the home page marked «show in menus», in tree order (kept in the content cache)."""
    site = _site(context)
    if site is None:
        return []
    return content_cache.cached(f"menu:{site.pk}", lambda: list(
        Page.objects.child_of(site.root_page).live().public().in_menu()))


@register.simple_tag(takes_context=True)
def footer_settings(context):
    """The site's settings for the footer (kept in the content cache; saving them starts a new generation)."""
    site = _site(context)
    if site is None:
        return None
    return content_cache.cached(f"site-settings:{site.pk}", lambda: SiteSettings.for_site(site))


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False) or not content_cache.enabled():
            return self.nodelist.render(context)  # a preview shows a draft: it is never kept
        parts = [str(value.resolve(context)) for value in self.vary_on]
        key = f"content:fragment:{self.name}:{translation.get_language()}:{':'.join(parts)}"
        generation, html = content_cache.read(key)
        if html is None:
            html = self.nodelist.render(context)
            content_cache.write(key, generation, html)
        return html


@register.tag
def shared_fragment(parser, token):
    """`{% shared_fragment "name" value... %}…{% endshared_fragment %}`: the rendered block is kept in the content
    cache, keyed by the name, the values and the language, and made again in each content generation.

    Only for what is the same for everyone who sees it (published page content); never around anything of the
    person's own. Previews and drafts are always rendered, never kept.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("shared_fragment needs a name")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return SharedFragmentNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
