"""Calendar arithmetic shared by every layer (no app imported: the bottom of the project)."""

from __future__ import annotations

import calendar
import datetime


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
