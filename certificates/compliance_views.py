"""«Соответствие требованиям»: the admin report of compliance with every requirement (mandatory courses and the
internship) by municipality and library, with a chart, red/amber/green per group, filters, the people behind each
number and CSV/XLSX exports. Administrators see everyone, a library head the staff of own library."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext, pgettext_lazy

from lms.charts import stacked_bar_chart
from lms.internships.services import user_is_internship_admin
from lms.libraries.models import Municipality

from . import compliance

PEOPLE_PER_PAGE = 100
CHART_ROWS = 15


def compliance_allowed(user) -> bool:
    return user_is_internship_admin(user) or user.has_perm("accounts.view_library_staff")


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def people_text(number: float) -> str:
    return ngettext("%(count)s person", "%(count)s people", int(number)) % {"count": int(number)}


def compliance_chart(groups: list[compliance.Group], *, title: str, column: str,
                     hidden_class: str = "w-sr-only") -> str:
    """A stacked bar per group: how many people stand where, in the four colours, with a table for screen
    readers."""
    if not groups:
        return ""
    return stacked_bar_chart(
        [(g.name, [g.counts[s] for s in compliance.STATUSES]) for g in groups],
        series=[(str(compliance.STATUS_LABELS[s]), compliance.STATUS_COLOURS[s]) for s in compliance.STATUSES],
        title=title, value_text=people_text, column_titles=(column, ""), hidden_class=hidden_class,
    )


EXPORT_HEADINGS = (_l("Full name"), _l("E-mail"), _l("Position"), _l("Library"), _l("Municipality"),
                   _l("Overall status"), _l("Requirement"), _l("Requirement status"), _l("Due date"),
                   _l("Valid until"), pgettext_lazy("compliance", "Details"))
DATE_COLUMNS = (9, 10)  # 1-based: due date, valid until


def _export_rows(picture: compliance.Picture):
    for person in picture.people:
        user = person.user
        for item in person.items:
            yield [user.full_name, user.email, user.position, user.library.short_name,
                   user.library.municipality.name, str(person.label), item.title, str(item.label), item.due,
                   item.valid_until, item.detail]


def compliance_export(picture: compliance.Picture, fmt: str) -> HttpResponse:
    """One row per person and requirement, so that a spreadsheet can filter by either."""
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = _("Compliance")[:31]
        sheet.append([str(h) for h in EXPORT_HEADINGS])
        for row in _export_rows(picture):
            sheet.append(row)
        for column in DATE_COLUMNS:
            for cells in sheet.iter_cols(min_col=column, max_col=column, min_row=2):
                for cell in cells:
                    cell.number_format = "DD.MM.YYYY"
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.xlsx"'
        return response
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the Cyrillic as UTF-8 only with the byte-order mark
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(h) for h in EXPORT_HEADINGS])
    for row in _export_rows(picture):
        writer.writerow([value.strftime("%d.%m.%Y") if isinstance(value, datetime.date) else value
                         for value in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compliance-{stamp}.csv"'
    return response


def compliance_report(request):
    if not compliance_allowed(request.user):
        raise PermissionDenied
    status = request.GET.get("status") if request.GET.get("status") in compliance.STATUSES else None
    municipality_id = _int_or_none(request.GET.get("municipality"))
    library_id = _int_or_none(request.GET.get("library"))
    requirement = request.GET.get("requirement") or None
    picture = compliance.compliance_picture(viewer=request.user, municipality_id=municipality_id,
                                            library_id=library_id, requirement=requirement, status=status)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return compliance_export(picture, fmt)

    # The chart and the table go one level down from what is chosen: municipalities, then their libraries.
    if municipality_id or library_id or len(picture.municipalities) == 1:
        groups, by_library = picture.libraries, True
        chart_title, column = _("Compliance by library"), _("Library")
    else:
        groups, by_library = picture.municipalities, False
        chart_title, column = _("Compliance by municipality"), _("Municipality")
    chart = compliance_chart(groups[:CHART_ROWS] if len(groups) > CHART_ROWS else groups,
                             title=chart_title, column=column)
    drilled = bool(status or municipality_id or library_id or requirement)
    people_page = Paginator(picture.people, PEOPLE_PER_PAGE).get_page(request.GET.get("p")) if drilled else None
    query = request.GET.copy()
    query.pop("p", None)
    query.pop("export", None)
    # The filter's choices: every municipality for those who see everyone, what the picture has for a head; the
    # libraries of the picture (those of the chosen municipality once one is chosen).
    if user_is_internship_admin(request.user) or request.user.has_perm("accounts.view_user"):
        municipality_choices = list(Municipality.objects.order_by("name").values_list("pk", "name"))
    else:
        municipality_choices = [(g.key, g.name) for g in picture.municipalities]
    library_choices = [(g.key, g.name) for g in picture.libraries]
    return render(request, "certificates/admin/compliance.html", {
        "picture": picture, "totals": picture.totals, "groups": groups, "by_library": by_library, "chart": chart,
        "people_page": people_page,
        "statuses": [(key, compliance.STATUS_LABELS[key], compliance.STATUS_COLOURS[key], picture.totals.counts[key])
                     for key in compliance.STATUSES],
        "municipality_choices": municipality_choices, "library_choices": library_choices,
        "selected": {"status": status, "municipality": municipality_id, "library": library_id,
                     "requirement": requirement},
        "query": query.urlencode(),
        "green_percent": round(compliance.GREEN_SHARE * 100),
        "red_percent": round(compliance.RED_OVERDUE_SHARE * 100),
        "page_title": _("Compliance with requirements"), "header_title": _("Compliance with requirements"),
        "header_icon": "tasks",
    })
