"""The library rating's pages: the administrators' report (chart, ranking, filters, drill-down, CSV/XLSX) and the
public page `/rating/` for the regional library's site (libraries only, no person's name; cached)."""

from __future__ import annotations

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy as _

from lms.charts import bar_chart
from lms.libraries.models import Municipality

from . import rating as rating_rule
from .rating_formula import COMPONENT_LABELS, COMPONENT_SHORT_LABELS, RATING_COMPONENT_KEYS, formula_rows

CHART_ROWS = 25  # the chart shows the first places; the table shows all
PUBLIC_PER_PAGE = 50  # the public page stays well under 100 KB with the largest directory


def user_may_see_rating(user) -> bool:
    """Administrators of ОНБ (who see every library's staff)."""
    return bool(user and user.is_authenticated and user.is_active
                and (user.is_superuser or user.has_perm("accounts.view_user")))


class RatingFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("Municipality"), required=False,
                                          queryset=Municipality.objects.order_by("name"),
                                          empty_label=_("All municipalities"),
                                          widget=forms.Select(attrs={"style": "max-width:100%"}))
    evbk = forms.BooleanField(label=_("Э(В)БК participants only"), required=False)


def _filters(request) -> tuple[RatingFilterForm, int | None, bool]:
    form = RatingFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        municipality = form.cleaned_data["municipality"]
        return form, municipality.pk if municipality else None, form.cleaned_data["evbk"]
    return form, None, False


def score_text(value: float) -> str:
    return number_format(value, 1)


def rating_chart(rows: list[rating_rule.LibraryRating], *, hidden_class: str) -> str:
    if not rows:
        return ""
    shown = rows[:CHART_ROWS]
    title = gettext("Score out of 100") if len(rows) <= CHART_ROWS else (
        gettext("Score out of 100: the first %(count)s places") % {"count": CHART_ROWS})
    return bar_chart([(row.name, row.score) for row in shown], title=title, value_text=score_text,
                     max_value=100, column_titles=(gettext("Library"), gettext("Score")), hidden_class=hidden_class)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}"


EXPORT_HEADINGS = [_("Place in the region"), _("Library"), _("Municipality"), _("Э(В)БК participant"), _("Staff"),
                   _("Score"), *[COMPONENT_LABELS[key] for key in RATING_COMPONENT_KEYS],
                   _("Academic hours this year"), _("Academic hours last year by the same date"),
                   _("Documents this year"), _("Internship completed (Э(В)БК staff)"),
                   _("Under a requirement"), _("Meet every requirement")]


def _export_row(row: rating_rule.LibraryRating) -> list:
    compliance = row.compliance
    return [row.rank, row.name, row.municipality, gettext("yes") if row.evbk else gettext("no"), row.staff, row.score,
            *[_percent(row.components[key]) for key in RATING_COMPONENT_KEYS], row.hours, row.hours_last_year,
            row.documents, row.internship_done if row.evbk else "",
            compliance.people if compliance else 0, compliance.compliant if compliance else 0]


def rating_export(rating: rating_rule.Rating, fmt: str) -> HttpResponse:
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    headings = [str(h) for h in EXPORT_HEADINGS[:6]] + [f"{h}, %" for h in EXPORT_HEADINGS[6:11]] + [
        str(h) for h in EXPORT_HEADINGS[11:]]
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = gettext("Library rating")[:31]
        sheet.append(headings)
        for row in rating.rows:
            sheet.append([int(v) if isinstance(v, str) and v.isdigit() else v for v in _export_row(row)])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="library-rating-{stamp}.xlsx"'
        return response
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads the Cyrillic as UTF-8 only with the byte-order mark
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headings)
    for row in rating.rows:
        writer.writerow([number_format(v, 1) if isinstance(v, float) else v for v in _export_row(row)])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="library-rating-{stamp}.csv"'
    return response


def _component_cells(row: rating_rule.LibraryRating) -> list[tuple[str, str]]:
    return [(COMPONENT_SHORT_LABELS[key], _percent(row.components[key])) for key in RATING_COMPONENT_KEYS]


# --- the administrators' report -------------------------------------------------------------------------------------

def admin_rating(request):
    if not user_may_see_rating(request.user):
        raise PermissionDenied
    form, municipality_id, evbk_only = _filters(request)
    rating = rating_rule.library_rating(municipality_id=municipality_id, evbk_only=evbk_only)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return rating_export(rating, fmt)
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "certificates/admin/rating.html", {
        "rating": rating, "form": form, "query": query.urlencode(),
        "rows": [(row, _component_cells(row)) for row in rating.rows],
        "component_labels": [COMPONENT_SHORT_LABELS[key] for key in RATING_COMPONENT_KEYS],
        "chart": rating_chart(rating.rows, hidden_class="w-sr-only"),
        "formula": formula_rows(rating.weights),
        "settings_url": reverse("wagtailsettings:edit", args=["certificates", "ratingsettings"]),
        "page_title": _("Library rating"), "header_title": _("Library rating"), "header_icon": "pick",
    })


def admin_rating_library(request, library_id: int):
    if not user_may_see_rating(request.user):
        raise PermissionDenied
    rating = rating_rule.library_rating()
    row = rating.library(library_id)
    if row is None:
        raise Http404
    title = gettext("Library rating: %(library)s") % {"library": row.name}
    return render(request, "certificates/admin/rating_library.html", {
        "rating": rating, "row": row, "components": row.component_rows(rating.weights),
        "compliance_url": reverse("internships_admin_compliance") + f"?library={row.library_id}",
        "index_url": reverse("certificates_rating"),
        "page_title": title, "header_title": title, "header_icon": "pick",
    })


# --- the public page ------------------------------------------------------------------------------------------------

def public_rating(request):
    form, municipality_id, evbk_only = _filters(request)
    rating = rating_rule.cached_library_rating(municipality_id=municipality_id, evbk_only=evbk_only)
    page = Paginator(rating.rows, PUBLIC_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "certificates/rating.html", {
        "rating": rating, "form": form, "page_obj": page, "query": query.urlencode(),
        "rows": [(row, _component_cells(row)) for row in page.object_list],
        "component_labels": [COMPONENT_SHORT_LABELS[key] for key in RATING_COMPONENT_KEYS],
        "chart": rating_chart(rating.rows, hidden_class="visually-hidden") if page.number == 1 else "",
        "formula": formula_rows(rating.weights),
    })


def public_rating_library(request, library_id: int):
    rating = rating_rule.cached_library_rating()
    row = rating.library(library_id)
    if row is None:
        raise Http404
    return render(request, "certificates/rating_library.html", {
        "rating": rating, "row": row, "components": row.component_rows(rating.weights),
    })
