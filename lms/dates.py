"""Dates shared by every layer (no app imported: the bottom of the project): written as Russian readers expect them,
«23 ноября 2026 г.», «23–25 ноября 2026 г.» (in Kemerovo time), and calendar arithmetic (months later, validity)."""

from __future__ import annotations

import calendar
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


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later, clamped to the month's end (31 January + 1 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def valid_until_for(completed_on: datetime.date, validity_months: int | None) -> datetime.date | None:
    """Until when a completion on ``completed_on`` counts: ``validity_months`` later, or None (no expiry)."""
    if not validity_months:
        return None
    return add_months(completed_on, validity_months)
