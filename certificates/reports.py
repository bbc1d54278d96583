"""«Отстают по часам»: staff whose hours in the programme's current period are below what it expects."""

from collections import OrderedDict

import django_filters
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from courses.reports import SpreadsheetReportView
from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to
from lms.charts import RED, bar_chart
from lms.libraries.models import Library, Municipality

from . import selectors

EXPORT_COLUMNS = OrderedDict([
    ("name", (_("Full name"), lambda u: u.full_name or u.email)),
    ("position", (_("Position"), lambda u: u.position)),
    ("library", (_("Library"), lambda u: u.library.short_name if u.library else "")),
    ("municipality", (_("Municipality"), lambda u: u.library.municipality.name if u.library else "")),
    ("hours", (_("Academic hours in the period"), lambda u: u.period_hours)),
])


class BehindFilterSet(WagtailFilterSet):
    library = django_filters.ModelChoiceFilter(label=_("Library"), queryset=Library.objects.order_by("short_name"),
                                               field_name="library")
    municipality = django_filters.ModelChoiceFilter(label=_("Municipality"), queryset=Municipality.objects.all(),
                                                    field_name="library__municipality")

    class Meta:
        model = User
        fields: list[str] = []


class PeopleBehindReportView(SpreadsheetReportView):
    page_title = _("Behind the programme's hours")
    header_icon = "warning"
    results_template_name = "certificates/admin/behind_results.html"
    filterset_class = BehindFilterSet
    index_url_name = "certificates_behind_report"
    index_results_url_name = "certificates_behind_report_results"
    context_object_name = "people"
    export_columns = EXPORT_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("accounts.view_library_staff"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # Administrators see everyone; a library head sees own staff.
        self.queryset = selectors.people_behind().filter(pk__in=staff_visible_to(self.request.user).values("pk"))
        return super().get_queryset()

    def get_filename(self):
        return f"behind-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["programme"] = selectors.current_programme()
        if not self.is_export:
            context["chart"] = behind_chart(*selectors.behind_by_place(self.object_list))
        return context


CHART_ROWS = 12  # the places with most people behind; the rest are summed up in one bar


def people_text(number: float) -> str:
    return ngettext("%(count)s person", "%(count)s people", int(number)) % {"count": int(number)}


def behind_chart(by: str, rows: list[tuple[str, int]]) -> str:
    """How many people are behind in each municipality (or library, when there is one municipality)."""
    if not rows:
        return ""
    if len(rows) > CHART_ROWS:
        rest = sum(number for _name, number in rows[CHART_ROWS - 1:])
        rows = [*rows[: CHART_ROWS - 1], (gettext("Other places"), rest)]
    if by == "municipality":
        title, column = gettext("Behind, by municipality"), gettext("Municipality")
    else:
        title, column = gettext("Behind, by library"), gettext("Library")
    return bar_chart(rows, title=title, value_text=people_text, colour=RED,
                     column_titles=(column, gettext("People behind")), hidden_class="w-sr-only")
