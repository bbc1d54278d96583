"""Dates as Russian readers expect them: «23 ноября 2026 г.», «23–25 ноября 2026 г.» (in Kemerovo time)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def day(value: datetime.date | datetime.datetime | None) -> str:
    """«23 ноября 2026 г.» (a moment is shown on its date in Kemerovo time); «—» for none."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return _("%(date)s y.") % {"date": date_format(value, "j E Y")}


def days(start: datetime.date, end: datetime.date) -> str:
    """«23–25 ноября 2026 г.», «30 ноября – 2 декабря 2026 г.», «30 декабря 2026 г. – 2 января 2027 г.»."""
    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return _("%(date)s y.") % {"date": f"{start.day}–{date_format(end, 'j E Y')}"}
    if start.year == end.year:
        return _("%(date)s y.") % {"date": f"{date_format(start, 'j E')} – {date_format(end, 'j E Y')}"}
    return f"{day(start)} – {day(end)}"
