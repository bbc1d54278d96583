"""Tags for the Wagtail admin templates we override (templates/wagtailadmin/): counts with the right plural form."""

from django import template

from ..admin_counts import count_label

register = template.Library()


@register.simple_tag
def paginator_count_label(paginator) -> str:
    """«5 библиотек» under a listing (Wagtail's own label joins the number to verbose_name_plural: «5 библиотеки»)."""
    return count_label(getattr(paginator, "model", None), paginator.count)


@register.simple_tag
def model_count_label(of, count) -> str:
    """The count of rows of the model of `of` (a model instance: templates call classes, so they pass instances)."""
    return count_label(type(of), count)
