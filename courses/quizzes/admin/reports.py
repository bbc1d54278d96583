"""«Quiz results» (a Wagtail report of submitted attempts, with CSV/XLSX export) and the item analysis of one quiz,
for trainers (their own courses) and administrators. Whatever the filters or the address say, only quizzes under
the courses the user manages (selectors.courses_managed_by) are shown."""

from __future__ import annotations

from collections import OrderedDict

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.admin.filters import WagtailFilterSet

from courses import selectors
from courses.models import Attempt, QuizPage
from courses.reports import SpreadsheetReportView
from lms.accounts.models import User

from .. import selectors as quiz_selectors
from ..item_analysis import analyse

Status = Attempt.Status
REPORTED_STATUSES = [(value, label) for value, label in Status.choices if value != Status.IN_PROGRESS]


def managed_quizzes(user: User) -> QuerySet[QuizPage]:
    """Quizzes lying under the courses the user manages, in tree order."""
    paths = list(selectors.courses_managed_by(user).values_list("path", flat=True))
    if not paths:
        return QuizPage.objects.none()
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    return QuizPage.objects.filter(under).order_by("path")


def quiz_results(user: User) -> QuerySet[Attempt]:
    """Submitted attempts (finished or waiting for grading) on the user's quizzes, newest first, with everything
    the report shows selected in the same query; the frozen questions and answers are not loaded."""
    return (quiz_selectors.attempts_managed_by(user)
            .filter(status__in=[value for value, _label in REPORTED_STATUSES])
            .select_related("user", "user__library", "quiz")
            .defer("questions", "answers", "grades")
            .order_by("-submitted_at", "-pk"))


def minutes_taken(attempt: Attempt) -> float | None:
    if not attempt.submitted_at or not attempt.started_at:
        return None
    return round(max((attempt.submitted_at - attempt.started_at).total_seconds(), 0) / 60, 1)


def _percent(attempt: Attempt) -> float | None:
    percent = attempt.percent
    return round(percent, 1) if percent is not None else None


class QuizResultsFilterSet(WagtailFilterSet):
    quiz = django_filters.ModelChoiceFilter(
        label=_("Quiz"), queryset=lambda request: managed_quizzes(request.user),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=REPORTED_STATUSES, widget=forms.RadioSelect,
                                         empty_label=_("All"))

    class Meta:
        model = Attempt
        fields: list[str] = []


# The columns of the export: key -> (heading, value of an attempt). Reads only what quiz_results selects.
EXPORT_COLUMNS = OrderedDict([
    ("learner", (_("Learner"), lambda a: a.user.full_name or a.user.email)),
    ("email", (_("E-mail"), lambda a: a.user.email)),
    ("library", (_("Library"), lambda a: a.user.library.short_name if a.user.library else "")),
    ("quiz", (_("Quiz"), lambda a: a.quiz.title)),
    ("attempt", (_("Attempt"), lambda a: a.number)),
    ("status", (_("Status"), lambda a: a.get_status_display())),
    ("marks", (_("Marks"), lambda a: float(a.marks) if a.marks is not None else None)),
    ("max_marks", (_("Out of"), lambda a: float(a.max_marks))),
    ("percent", (_("Percent"), _percent)),
    ("minutes", (_("Time taken, minutes"), minutes_taken)),
    ("submitted", (_("Submitted"), lambda a: a.submitted_at)),
])


class QuizResultsReportView(SpreadsheetReportView):
    page_title = _("Quiz results")
    header_icon = "list-ul"
    results_template_name = "courses/admin/quiz_results_results.html"
    filterset_class = QuizResultsFilterSet
    index_url_name = "courses_quiz_results_report"
    index_results_url_name = "courses_quiz_results_report_results"
    context_object_name = "attempts"
    paginate_by = 50

    export_columns = EXPORT_COLUMNS

    def dispatch(self, request, *args, **kwargs):
        if not selectors.user_manages_any_course(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        # Always limited to the user's quizzes: the quiz filter can only narrow this further.
        self.queryset = quiz_results(self.request.user)
        return super().get_queryset()

    def get_filename(self):
        return f"quiz-results-{timezone.localdate():%Y-%m-%d}"

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        for attempt in context.get(self.context_object_name) or []:
            attempt.minutes_taken = minutes_taken(attempt)
            attempt.percent_rounded = _percent(attempt)
        return context


# --- Item analysis -----------------------------------------------------------------------------------------------

def _with_course_titles(user: User, quizzes) -> list[QuizPage]:
    """The quizzes, each with the title of its course (every course has its «Итоговый тест»): one query."""
    titles = quiz_selectors.course_titles_by_path(user)
    quizzes = list(quizzes)
    for quiz in quizzes:
        quiz.course_title = quiz_selectors.course_title_of(titles, quiz.path)
    return quizzes


@require_GET
def item_analysis(request):
    """?quiz=ID: the item analysis of one of the user's quizzes over its finished attempts; without it, a list of
    the user's quizzes to choose from. Another course's quiz (or a forged id) is simply not found."""
    if not selectors.user_manages_any_course(request.user):
        raise PermissionDenied
    title = gettext("Item analysis")
    context = {"page_title": title, "header_title": title, "header_icon": "view"}
    quiz_id = request.GET.get("quiz")
    if not quiz_id:
        quizzes = managed_quizzes(request.user).only("pk", "title", "path")
        context["quizzes"] = _with_course_titles(request.user, quizzes)
        return render(request, "courses/admin/item_analysis.html", context)
    if not str(quiz_id).isdigit():
        raise Http404
    quiz = get_object_or_404(managed_quizzes(request.user), pk=int(quiz_id))
    attempts = list(Attempt.objects.filter(quiz=quiz, status=Status.FINISHED)
                    .values("questions", "answers", "grades"))
    from courses.models import Question

    labels = dict(Question.Type.choices)
    rows = [(row, labels.get(row.qtype, row.qtype)) for row in analyse(attempts)]
    quiz = _with_course_titles(request.user, [quiz])[0]
    context.update(quiz=quiz, attempts_count=len(attempts), rows=rows,
                   header_title=f"{title}: {quiz.title} ({quiz.course_title})" if quiz.course_title
                   else f"{title}: {quiz.title}")
    return render(request, "courses/admin/item_analysis.html", context)
