"""The trainers' reports on SCORM lessons in the Wagtail admin: the list of the user's SCORM lessons, the report of
one lesson (one row per learner of its course, with CSV/XLSX export) and one learner's attempts with their SCOs and
interactions. Administrators see every lesson; a trainer, the lessons of own courses (any other is refused with
403); learners and library heads see none. The rows come from courses/packages/reports.py."""

from __future__ import annotations

from collections import OrderedDict

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.filters import WagtailFilterSet

from courses import selectors
from courses.models import Enrolment
from courses.reports import SpreadsheetReportView
from courses.services import user_can_manage_course
from lms.charts import bar_chart
from lms.libraries.models import Library, Municipality

from . import reports


def _lesson_for(user, lesson_id: int):
    """The lesson and its course, if the user manages that course: 404 for no such lesson, 403 for someone else's."""
    found = reports.scorm_lesson_with_course(lesson_id)
    if found is None:
        raise Http404
    lesson, course = found
    if course is None or not user_can_manage_course(user, course):
        raise PermissionDenied
    return lesson, course


@require_GET
def scorm_lessons(request):
    """The SCORM lessons of the courses the user manages, to choose a report from."""
    if not selectors.user_manages_any_course(request.user):
        raise PermissionDenied
    title = gettext("SCORM lessons")
    return render(request, "courses/packages/scorm_lessons.html", {
        "lessons": reports.managed_scorm_lessons(request.user),
        "page_title": title, "header_title": title, "header_icon": "folder-open-inverse",
    })


class ScormLessonReportFilterSet(WagtailFilterSet):
    lesson_status = django_filters.ChoiceFilter(label=_("Status"), choices=reports.LESSON_STATUSES,
                                                widget=forms.RadioSelect, empty_label=_("All"))
    lesson_result = django_filters.ChoiceFilter(label=_("Result"), choices=reports.RESULTS,
                                                widget=forms.RadioSelect, empty_label=_("All"))
    library = django_filters.ModelChoiceFilter(
        label=_("Library"), queryset=Library.objects.order_by("short_name"), method="filter_library",
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), field_name="user__library__municipality", queryset=Municipality.objects.all(),
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def filter_library(self, queryset, name, library):
        # A library system includes its branches, as in the learners report and mandatory rules.
        return queryset.filter(Q(user__library=library) | Q(user__library__parent=library)) if library else queryset


def _minutes(row) -> float:
    return round(float(row.time_seconds) / 60, 1)


# The columns of the export: key -> (heading, value of a row). Reads only what scorm_lesson_rows selects.
EXPORT_COLUMNS = OrderedDict([
    ("learner", (_("Learner"), lambda r: r.user.full_name or r.user.email)),
    ("email", (_("E-mail"), lambda r: r.user.email)),
    ("position", (_("Position"), lambda r: r.user.position)),
    ("library", (_("Library"), lambda r: r.user.library.short_name if r.user.library else "")),
    ("municipality", (_("Municipality"), lambda r: r.user.library.municipality.name if r.user.library else "")),
    ("status", (_("Status"), lambda r: reports.status_label(r.lesson_status))),
    ("result", (_("Result"), lambda r: reports.result_label(r.lesson_result))),
    ("best_score", (_("Best score, %"), lambda r: reports.score_number(r.best_score))),
    ("attempts", (_("Attempts"), lambda r: r.attempt_count)),
    ("time", (_("Time spent"), lambda r: reports.duration_text(r.time_seconds) if r.attempt_count else "")),
    ("minutes", (_("Time spent, minutes"), _minutes)),
    ("last_activity", (_("Last activity"), lambda r: r.last_activity)),
])


def learners_text(number: float) -> str:
    return ngettext("%(count)d learner", "%(count)d learners", int(number)) % {"count": int(number)}


class ScormLessonReportView(SpreadsheetReportView):
    header_icon = "folder-open-inverse"
    results_template_name = "courses/packages/scorm_lesson_report_results.html"
    filterset_class = ScormLessonReportFilterSet
    index_url_name = "courses_scorm_lesson_report"
    index_results_url_name = "courses_scorm_lesson_report_results"
    context_object_name = "rows"
    paginate_by = 50

    export_columns = EXPORT_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        if not selectors.user_manages_any_course(request.user):
            raise PermissionDenied  # learners and heads: refused before anything about the lesson is read
        self.lesson, self.course = _lesson_for(request.user, kwargs["lesson_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("SCORM lesson report: %(title)s") % {"title": self.lesson.title}

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("courses_scorm_lessons"), "label": gettext("SCORM lessons")},
            {"url": "", "label": self.lesson.title, "sublabel": self.course.title},
        ]

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.lesson.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.lesson.pk])

    def get_queryset(self):
        self.queryset = reports.scorm_lesson_rows(self.lesson, self.course)
        return super().get_queryset()

    def get_filename(self):
        return f"scorm-{self.lesson.slug}-{timezone.localdate():%Y-%m-%d}"

    @cached_property
    def rule_text(self) -> str:
        mode = self.lesson.CompletionMode
        if self.lesson.completion_mode == mode.SCORE:
            return gettext("The lesson counts as studied when the score reaches %(score)s %%.") % {
                "score": self.lesson.pass_score}
        if self.lesson.completion_mode == mode.PASSED:
            return gettext("The lesson counts as studied when the package reports it passed.")
        return gettext("The lesson counts as studied when the package reports it completed.")

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context.update(lesson=self.lesson, course=self.course)
        if self.is_export:
            return context
        for row in context.get(self.context_object_name) or []:
            row.status_label = reports.status_label(row.lesson_status)
            row.result_label = reports.result_label(row.lesson_result)
            row.score = reports.score_number(row.best_score)
            row.time_text = reports.duration_text(row.time_seconds) if row.attempt_count else ""
        counts = reports.status_counts(self.object_list)
        context["rule_text"] = self.rule_text
        context["chart"] = bar_chart(
            [(str(label), counts[status]) for status, label in reports.LESSON_STATUSES if counts[status]],
            title=gettext("Learners by status"), value_text=learners_text,
            column_titles=(gettext("Status"), gettext("Learners")), hidden_class="w-sr-only",
        ) if any(counts.values()) else ""
        return context


@require_GET
def scorm_learner_report(request, lesson_id: int, user_id: int):
    """One learner's attempts at a lesson: each attempt, its SCOs' states and their interactions."""
    if not selectors.user_manages_any_course(request.user):
        raise PermissionDenied
    lesson, course = _lesson_for(request.user, lesson_id)
    enrolment = reports.learner_enrolment(course, user_id)
    if enrolment is None:
        raise Http404  # only learners of the course are shown, whatever the address says
    attempts = reports.learner_attempts(lesson, user_id)
    for attempt in attempts:
        attempt.score = reports.score_number(attempt.score_percent)
        attempt.time_text = reports.duration_text(attempt.total_seconds)
        attempt.status_text = ", ".join(filter(None, (
            reports.completion_word(attempt.completion_status, attempt=True),
            reports.success_word(attempt.success_status, attempt=True))))
        for state in attempt.states:
            state.completion_text = reports.completion_word(state.completion_status)
            state.success_text = reports.success_word(state.success_status)
            state.score_text = reports.sco_score_text(state)
            state.time_text = reports.duration_text(state.total_seconds)
            for item in state.interactions.all():
                item.type_text = reports.interaction_type_word(item.type)
                item.result_text = reports.interaction_result_word(item.result)
                item.correct_text = reports.correct_responses_text(item.correct_responses)
                item.response_text = reports.response_text(item.learner_response)
                item.weighting_text = reports.score_number(item.weighting)
                item.latency_text = (reports.duration_text(item.latency_seconds, with_seconds=True)
                                     if item.latency_seconds is not None else "")
                item.moment = reports.interaction_time(item.timestamp)
    person = enrolment.user.full_name or enrolment.user.email
    title = gettext("%(person)s: %(lesson)s") % {"person": person, "lesson": lesson.title}
    return render(request, "courses/packages/scorm_learner_report.html", {
        "lesson": lesson, "course": course, "enrolment": enrolment, "person": person, "attempts": attempts,
        "report_url": reverse("courses_scorm_lesson_report", args=[lesson.pk]),
        "page_title": title, "header_title": title, "header_icon": "user",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
            {"url": reverse("courses_scorm_lessons"), "label": gettext("SCORM lessons")},
            {"url": reverse("courses_scorm_lesson_report", args=[lesson.pk]), "label": lesson.title},
            {"url": "", "label": person},
        ],
    })
