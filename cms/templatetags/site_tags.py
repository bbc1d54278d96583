import hashlib

from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
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


PLACEHOLDER = "__kept_fragment_{}_5d1c__"


def kept_key(name: str, site_pk: int | None, values) -> str:
    """The entry of a kept fragment: the values (a name, say) only as a digest, which any cache accepts in a key."""
    values = "\x1f".join(map(str, values))
    digest = hashlib.blake2b(values.encode(), digest_size=12).hexdigest()
    return f"content:kept:{name}:{site_pk or ''}:{translation.get_language()}:{digest}"


class KeptFragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on, fill_ins):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.fill_ins = fill_ins

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False) or not content_cache.enabled():
            return self.nodelist.render(context)  # a preview shows a draft: it is never kept
        site = _site(context)  # the menu and the footer's settings are the site's
        key = kept_key(self.name, site.pk if site else None, [value.resolve(context) for value in self.vary_on])
        generation, html = content_cache.read(key)
        if html is None:
            placeholders = {name: PLACEHOLDER.format(name) for name in self.fill_ins}
            with context.push(csrf_token=PLACEHOLDER.format("csrf_token"), **placeholders):
                html = str(self.nodelist.render(context))
            content_cache.write(key, generation, html)
        csrf = PLACEHOLDER.format("csrf_token")
        if csrf in html:  # the person's own token, asked for only when the fragment holds a form
            html = html.replace(csrf, str(context.get("csrf_token", "")))
        for name, value in self.fill_ins.items():
            html = html.replace(PLACEHOLDER.format(name), str(conditional_escape(value.resolve(context))))
        return mark_safe(html)  # noqa: S308 - rendered by the template engine (escaped there), fill-ins escaped here


def _fragment(parser, token, tag: str) -> KeptFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{tag} needs a name")
    nodelist = parser.parse((f"end{tag}",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    rest = bits[2:]
    fill_ins = {}
    if "with" in rest:
        at = rest.index("with")
        for bit in rest[at + 1:]:
            key, sep, value = bit.partition("=")
            if not sep or not key.isidentifier():
                raise template.TemplateSyntaxError(f"{tag}: «{bit}» is not name=value")
            fill_ins[key] = parser.compile_filter(value)
        rest = rest[:at]
    return KeptFragmentNode(nodelist, name, [parser.compile_filter(bit) for bit in rest], fill_ins)


@register.tag
def shared_fragment(parser, token):
    """`{% shared_fragment "name" value... %}…{% endshared_fragment %}`: published page content (a lesson body, a
    course description), the same for everyone who sees it, rendered once per content generation and kept in the
    content cache, keyed by the name, the site, the values and the language. Never around anything of the person's
    own. Previews and drafts are always rendered, never kept. (The same mechanism as `kept_fragment`.)
    """
    return _fragment(parser, token, "shared_fragment")


@register.tag
def kept_fragment(parser, token):
    """`{% kept_fragment "name" value... with name=value... %}…{% endkept_fragment %}`: the page's shell (header,
    footer), rendered once per content generation and kept in the content cache, keyed by the name, the site, the
    values and the language.

    Only what the values name may vary inside: a fragment that shows the person (their name, their links) names
    them in its values, so each person has their own entry and nobody is shown another's. Two things inside are
    filled in on every request instead: the CSRF token (`{% csrf_token %}` gives this request's own), and each
    `with` value (`{{ name }}` inside, escaped here), for what changes with every request, such as the path.
    Previews are always rendered, never kept.
    """
    return _fragment(parser, token, "kept_fragment")


@register.filter
def menu_position(page) -> str:
    """For a fragment's key: the page's id when it may be a menu item (it is then marked as the current one)."""
    return str(page.pk) if getattr(page, "show_in_menus", False) else ""
