import nh3
from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

register = template.Library()

# Question texts come from trainers and from imported files: only harmless formatting survives.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "span", "code", "pre",
                "table", "thead", "tbody", "tr", "th", "td", "img", "a", "h3", "h4", "blockquote"}


@register.filter
def question_html(text: str, text_format: str = "moodle") -> str:
    if text_format in ("plain", "markdown"):
        return mark_safe(linebreaks(escape(text or "")))
    return mark_safe(nh3.clean(text or "", tags=ALLOWED_TAGS, url_schemes={"https", "http", "mailto"},
                               link_rel="noopener noreferrer"))


@register.filter
def category_label(path: str) -> str:
    """A bank category's path as trainers read it: Moodle's root category «top» (kept in the stored paths, which
    imports and exports exchange with Moodle) is shown as the bank itself, «Банк вопросов / Раздел / Тема»."""
    from django.utils.translation import gettext

    parts = [part for part in (path or "").split("/") if part]
    if parts and parts[0] == "top":
        parts[0] = gettext("Question bank")
    return " / ".join(parts)
