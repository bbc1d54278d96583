"""The programme's hours quota as words and as a bar, the same on «Моё обучение», the training record and its PDF."""

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from lms.charts import BLUE, GREEN, progress_bar

from ..hours import HoursQuota

register = template.Library()


def quota_period(quota: HoursQuota) -> str:
    if quota.first_year == quota.last_year:
        return gettext("year %(year)s") % {"year": quota.first_year}
    return gettext("years %(first)s–%(last)s") % {"first": quota.first_year, "last": quota.last_year}


@register.simple_tag
def quota_text(quota: HoursQuota) -> str:
    """«18 из 72 академических часов за 2024–2026 гг.» (the noun agrees with the expected number)."""
    return ngettext(
        "%(earned)s of %(expected)s academic hour in %(period)s",
        "%(earned)s of %(expected)s academic hours in %(period)s",
        quota.expected,
    ) % {"earned": quota.earned, "expected": quota.expected, "period": quota_period(quota)}


@register.simple_tag
def quota_bar(quota: HoursQuota) -> SafeString:
    """The quota as a progress bar (a picture of :func:`quota_text`, which the page shows as text too)."""
    return progress_bar(value=quota.earned, total=quota.expected, label=gettext("The programme's hours"),
                        value_text=quota_text(quota), colour=GREEN if quota.remaining == 0 else BLUE)
