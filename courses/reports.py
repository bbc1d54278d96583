"""«Learners of courses»: a Wagtail report of enrolments for administrators and trainers, with CSV/XLSX export.
A trainer sees the learners of own courses only, whatever the filters say."""

from __future__ import annotations

import datetime
from collections import OrderedDict

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import BooleanRadioSelect

from lms.charts import bar_chart
from lms.libraries.models import Library, Municipality

from . import selectors
from .models import Enrolment

Status = Enrolment.Status


def _overdue() -> Q:
    return Q(status=Status.ACTIVE, due_date__lt=timezone.localdate())


class LearnersReportFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=lambda request: selectors.report_courses_for(request.user),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices, widget=forms.RadioSelect,
                                         empty_label=_("All"))
    library = django_filters.ModelChoiceFilter(
        label=_("Library"), queryset=Library.objects.order_by("short_name"), method="filter_library",
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), field_name="user__library__municipality", queryset=Municipality.objects.all(),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=BooleanRadioSelect)

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def filter_library(self, queryset, name, library):
        # A library system includes its branches, as in mandatory rules.
        return queryset.filter(Q(user__library=library) | Q(user__library__parent=library)) if library else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(_overdue()) if value else queryset.exclude(_overdue())


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value else None


# The columns of the export: key -> (heading, value of an enrolment). Reads only what learners_report selects.
EXPORT_COLUMNS = OrderedDict([
    ("learner", (_("Learner"), lambda e: e.user.full_name or e.user.email)),
    ("email", (_("E-mail"), lambda e: e.user.email)),
    ("position", (_("Position"), lambda e: e.user.position)),
    ("library", (_("Library"), lambda e: e.user.library.short_name if e.user.library else "")),
    ("municipality", (_("Municipality"), lambda e: e.user.library.municipality.name if e.user.library else "")),
    ("course", (_("Course"), lambda e: e.course.title)),
    ("status", (_("Status"), lambda e: e.get_status_display())),
    ("progress", (_("Progress, %"), lambda e: e.progress_percent)),
    ("enrolled", (_("Enrolled"), lambda e: _local_date(e.created_at))),
    ("due_date", (_("Due date"), lambda e: e.due_date)),
    ("overdue", (_("Overdue"), lambda e: gettext("yes") if e.is_overdue else "")),
    ("last_activity", (_("Last activity"), lambda e: e.last_activity_at)),
    ("completed", (_("Completed"), lambda e: _local_date(e.completed_at))),
])


class SpreadsheetReportView(ReportView):
    """A report whose CSV/XLSX export reads Russian-friendly: columns from `export_columns` (key -> (heading,
    value of a row)), dates as dd.mm.yyyy, times in the platform's zone (not UTC, Wagtail's default for XLSX),
    and a byte-order mark so that Excel opens the CSV's Cyrillic as UTF-8."""

    export_columns: OrderedDict = OrderedDict()
    custom_value_preprocess = {
        datetime.datetime: {
            ReportView.FORMAT_CSV: lambda value: timezone.localtime(value).strftime("%d.%m.%Y %H:%M"),
            ReportView.FORMAT_XLSX: lambda value: timezone.make_naive(value),
        },
        datetime.date: {
            ReportView.FORMAT_CSV: lambda value: value.strftime("%d.%m.%Y"),
            ReportView.FORMAT_XLSX: None,
        },
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.export_columns:
            cls.list_export = list(cls.export_columns)
            cls.export_headings = {key: heading for key, (heading, _value) in cls.export_columns.items()}

    def to_row_dict(self, item):
        return OrderedDict((key, value(item)) for key, (_heading, value) in self.export_columns.items())

    def stream_csv(self, queryset):
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class LearnersReportView(SpreadsheetReportView):
    page_title = _("Learners of courses")
    header_icon = "table"
    results_template_name = "courses/admin/learners_report_results.html"
    filterset_class = LearnersReportFilterSet
    index_url_name = "courses_learners_report"
    index_results_url_name = "courses_learners_report_results"
    context_object_name = "enrolments"
    paginate_by = 50

    export_columns = EXPORT_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        if not selectors.user_sees_learners_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # Always limited to the courses the user manages: a course filter can only narrow this further.
        self.queryset = selectors.learners_report(self.request.user)
        return super().get_queryset()

    def get_filename(self):
        return f"learners-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["today"] = timezone.localdate()
        if not self.is_export:
            context["chart"] = status_chart(selectors.enrolment_status_counts(self.object_list))
        return context


def enrolments_text(number: float) -> str:
    return ngettext("%(count)s enrolment", "%(count)s enrolments", int(number)) % {"count": int(number)}


def status_chart(counts: dict[str, int]) -> str:
    """The filtered enrolments by status, one bar per status that has any, with the figures as a hidden table."""
    rows = [(Status(status).label, counts[status]) for status in Status if counts.get(status)]
    if not rows:
        return ""
    return bar_chart(rows, title=gettext("Enrolments by status"), value_text=enrolments_text,
                     column_titles=(gettext("Status"), gettext("Enrolments")), hidden_class="w-sr-only")
