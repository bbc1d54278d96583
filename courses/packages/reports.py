"""What the trainers' reports on SCORM lessons read: the lessons a user manages, one row per learner of a lesson's
course (annotated in one query, so the report, its filters and its exports cost the same whatever the numbers),
a learner's attempts with their SCO states and interactions, and the Russian words for the SCORM vocabularies.
The screens are in courses/packages/admin_views.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from courses import selectors
from courses.models import CoursePage, Enrolment, ScormAttempt, ScormInteraction, ScormLessonPage, ScormScoState
from lms.accounts.models import User

# The enrolments a lesson report lists: people learning the course or who have finished it (requests, rejections
# and withdrawals are not learners of it).
REPORTED_ENROLMENTS = (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)

NOT_STARTED, IN_PROGRESS, STUDIED = "not_started", "in_progress", "studied"
LESSON_STATUSES = [(NOT_STARTED, pgettext_lazy("scorm lesson", "Not started")),
                   (IN_PROGRESS, pgettext_lazy("scorm lesson", "In progress")),
                   (STUDIED, pgettext_lazy("scorm lesson", "Studied"))]
Success = ScormAttempt.Success
# The lesson's result (урок: masculine); an attempt's own words are on the model.
RESULTS = [(Success.PASSED, _("Passed")), (Success.FAILED, _("Failed")), (Success.UNKNOWN, _("No result"))]


# --- Which lessons --------------------------------------------------------------------------------------------------

def managed_scorm_lessons(user: User) -> list[ScormLessonPage]:
    """SCORM lessons under the courses the user manages, in tree order, each with ``course`` set (two queries)."""
    courses = list(selectors.courses_managed_by(user).only("pk", "title", "path", "depth"))
    if not courses:
        return []
    under = Q()
    for course in courses:
        under |= Q(path__startswith=course.path)
    lessons = list(ScormLessonPage.objects.filter(under).only("pk", "title", "path", "live").order_by("path"))
    for lesson in lessons:
        lesson.course = next(course for course in courses if lesson.path.startswith(course.path))
    return lessons


def scorm_lesson_with_course(lesson_id: int) -> tuple[ScormLessonPage, CoursePage | None] | None:
    """The lesson with its package, and the course it lies in (two queries); None when there is no such lesson."""
    lesson = ScormLessonPage.objects.select_related("package").filter(pk=lesson_id).first()
    if lesson is None:
        return None
    return lesson, CoursePage.objects.ancestor_of(lesson).first()


# --- The rows of a lesson's report ----------------------------------------------------------------------------------

def _per_learner(attempts: QuerySet[ScormAttempt], aggregate, output_field) -> Subquery:
    """One aggregate of the learner's attempts, as a subquery of the enrolment's row."""
    return Subquery(attempts.order_by().values("user_id").annotate(value=aggregate).values("value")[:1],
                    output_field=output_field)


def scorm_lesson_rows(lesson: ScormLessonPage, course: CoursePage) -> QuerySet[Enrolment]:
    """Every learner of the course (also those who never opened the lesson), in name order, annotated with
    ``lesson_status`` (not_started / in_progress / studied), ``lesson_result`` (passed / failed / unknown),
    ``best_score`` (per cent), ``attempt_count``, ``time_seconds`` (all attempts) and ``last_activity``.

    «Studied» follows the trainer's rule as the runtime recorded it (an attempt's ``satisfied_at``); after a
    recertification reopened the course, only what was satisfied in the new cycle counts, as for the course."""
    attempts = ScormAttempt.objects.filter(lesson=lesson, user=OuterRef("user_id"))
    satisfied = attempts.filter(satisfied_at__isnull=False)
    return (
        Enrolment.objects.filter(course=course, status__in=REPORTED_ENROLMENTS)
        .select_related("user", "user__library", "user__library__municipality")
        .annotate(
            attempt_count=Coalesce(_per_learner(attempts, Count("pk"), IntegerField()), 0),
            best_score=_per_learner(attempts, Max("score_percent"), DecimalField(max_digits=5, decimal_places=2)),
            time_seconds=Coalesce(_per_learner(attempts, Sum("total_seconds"),
                                               DecimalField(max_digits=14, decimal_places=2)),
                                  Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=2)),
            last_activity=_per_learner(attempts, Max("updated_at"), ScormAttempt._meta.get_field("updated_at")),
            studied_ever=Exists(satisfied),
            studied_in_cycle=Exists(satisfied.filter(satisfied_at__gte=OuterRef("cycle_started_at"))),
            has_passed=Exists(attempts.filter(success_status=Success.PASSED)),
            has_failed=Exists(attempts.filter(success_status=Success.FAILED)),
        )
        .annotate(
            lesson_status=Case(
                When(Q(cycle_started_at__isnull=True, studied_ever=True) | Q(studied_in_cycle=True),
                     then=Value(STUDIED)),
                When(attempt_count__gt=0, then=Value(IN_PROGRESS)),
                default=Value(NOT_STARTED), output_field=CharField(),
            ),
            # A pass in any attempt is what the learner achieved; «failed» only while nothing was passed.
            lesson_result=Case(
                When(has_passed=True, then=Value(Success.PASSED.value)),
                When(has_failed=True, then=Value(Success.FAILED.value)),
                default=Value(Success.UNKNOWN.value), output_field=CharField(),
            ),
        )
        .order_by("user__last_name", "user__first_name", "user__patronymic", "pk")
    )


def status_counts(rows: QuerySet[Enrolment]) -> dict[str, int]:
    """{lesson status: number of learners} of a (filtered) report: one query."""
    return rows.order_by().aggregate(**{status: Count("pk", filter=Q(lesson_status=status))
                                        for status, _label in LESSON_STATUSES})


def status_label(value: str) -> str:
    return str(dict(LESSON_STATUSES).get(value, value))


def result_label(value: str) -> str:
    return "" if value == Success.UNKNOWN else str(dict(RESULTS).get(value, value))


# --- One learner's attempts -----------------------------------------------------------------------------------------

def learner_enrolment(course: CoursePage, user_id: int) -> Enrolment | None:
    """The person's enrolment in the course (any status: a withdrawn learner's attempts stay readable)."""
    return (Enrolment.objects.filter(course=course, user_id=user_id)
            .select_related("user", "user__library", "user__library__municipality").first())


def learner_attempts(lesson: ScormLessonPage, user_id: int) -> list[ScormAttempt]:
    """The person's attempts at the lesson, newest first, each with its SCO states in the package's order
    (``states``) and their interactions (three queries). The SCOs' suspend data and raw data model are not read."""
    states = ScormScoState.objects.defer("data", "suspend_data").prefetch_related(
        Prefetch("interactions", queryset=ScormInteraction.objects.order_by("index")))
    attempts = list(ScormAttempt.objects.filter(lesson=lesson, user_id=user_id).order_by("-number")
                    .prefetch_related(Prefetch("sco_states", queryset=states)))
    order = {sco["identifier"]: index for index, sco in enumerate(lesson.package.scos)}
    titles = {sco["identifier"]: sco.get("title") or sco["identifier"] for sco in lesson.package.scos}
    for attempt in attempts:
        attempt.states = sorted(attempt.sco_states.all(), key=lambda state: (order.get(state.sco, len(order)),
                                                                              state.sco))
        for state in attempt.states:
            state.title = titles.get(state.sco, state.sco)
    return attempts


# --- Words and numbers ----------------------------------------------------------------------------------------------

def duration_text(seconds: Decimal | float | int | None, *, with_seconds: bool = False) -> str:
    """«1 ч 05 мин», «25 мин», «меньше минуты»; with seconds (a question's latency): «2 мин 05 с», «40 с»."""
    total = int(round(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if with_seconds and not hours:
        if not minutes:
            return ngettext("%(count)d s", "%(count)d s", secs) % {"count": secs}
        return "{} {}".format(ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes},
                              ngettext("%(count)02d s", "%(count)02d s", secs) % {"count": secs})
    if not hours:
        if not minutes and total:
            return gettext("under a minute")
        return ngettext("%(count)d min", "%(count)d min", minutes) % {"count": minutes}
    return "{} {}".format(ngettext("%(count)d h", "%(count)d h", hours) % {"count": hours},
                          ngettext("%(count)02d min", "%(count)02d min", minutes) % {"count": minutes})


def score_number(value: Decimal | None) -> float | None:
    """A score for a table or a spreadsheet: 85 rather than 85.00, 72.5 kept."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


COMPLETION_WORDS = {
    "completed": _("finished"),
    "incomplete": _("not finished"),
    "not attempted": _("not opened"),
    "browsed": _("browsed"),
    "unknown": _("unknown"),
}
SUCCESS_WORDS = {"passed": _("passed"), "failed": _("not passed"), "unknown": ""}
INTERACTION_TYPES = {
    "true-false": _("true or false"),
    "choice": _("choice"),
    "fill-in": _("fill in"),
    "long-fill-in": _("long answer"),
    "matching": _("matching"),
    "performance": _("performance"),
    "sequencing": _("sequencing"),
    "likert": _("Likert scale"),
    "numeric": _("number"),
    "other": _("other"),
}
# SCORM 1.2 says «wrong» where 2004 says «incorrect».
INTERACTION_RESULTS = {
    "correct": _("correct"),
    "incorrect": _("incorrect"),
    "wrong": _("incorrect"),
    "unanticipated": _("unanticipated"),
    "neutral": _("neutral"),
}


# The same for an attempt (in Russian «попытка» agrees in the feminine).
ATTEMPT_COMPLETION_WORDS = {
    "completed": pgettext_lazy("scorm attempt", "finished"),
    "incomplete": pgettext_lazy("scorm attempt", "not finished"),
    "not attempted": pgettext_lazy("scorm attempt", "not opened"),
}
ATTEMPT_SUCCESS_WORDS = {"passed": pgettext_lazy("scorm attempt", "passed"),
                         "failed": pgettext_lazy("scorm attempt", "not passed"), "unknown": ""}


def completion_word(value: str, *, attempt: bool = False) -> str:
    return str((ATTEMPT_COMPLETION_WORDS if attempt else COMPLETION_WORDS).get(value, value))


def success_word(value: str, *, attempt: bool = False) -> str:
    return str((ATTEMPT_SUCCESS_WORDS if attempt else SUCCESS_WORDS).get(value, value))


def interaction_type_word(value: str) -> str:
    return str(INTERACTION_TYPES.get(value, value))


def interaction_result_word(value: str) -> str:
    """The result in Russian, or the number a SCO may give instead of a word (kept as it came)."""
    return str(INTERACTION_RESULTS.get(value, value))


# SCORM 2004 joins the parts of a response with bracketed delimiters: «a[,]b» (a list), «1[.]a» (a pair in a
# matching question), «5[:]10» (a numeric range). A trainer reads them better as ordinary punctuation.
RESPONSE_DELIMITERS = (("[,]", ", "), ("[.]", " → "), ("[:]", "–"))


def response_text(value: str) -> str:
    for delimiter, shown in RESPONSE_DELIMITERS:
        value = value.replace(delimiter, shown)
    return value


def correct_responses_text(patterns: list) -> str:
    """The stored correct-response patterns, one after another (a pattern may be kept as {"pattern": ...})."""
    parts = [item.get("pattern", "") if isinstance(item, dict) else str(item) for item in patterns or []]
    return "; ".join(response_text(part) for part in parts if part)


def _number_text(value: Decimal | None) -> str:
    return formats.number_format(score_number(value), use_l10n=True)  # «5,5» in Russian


def interaction_time(value: str) -> datetime.datetime | str:
    """The interaction's time in the platform's zone when the SCO gave a date and time (2004); otherwise (1.2's
    bare «HH:MM:SS», or anything else) the text as it came."""
    moment = parse_datetime(value) if value else None
    if moment is None:
        return value
    if timezone.is_naive(moment):
        return value  # a time without its zone cannot be placed in Kemerovo time
    return timezone.localtime(moment)


def sco_score_text(state: ScormScoState) -> str:
    """«8 из 10 (80 %)», «80 %» or «8», from what the SCO reported."""
    raw, top, scaled = state.score_raw, state.score_max, state.score_scaled
    percent = None
    if scaled is not None:
        percent = _number_text(scaled * 100)
    elif raw is not None and top:
        low = state.score_min or 0
        percent = _number_text((raw - low) * 100 / (top - low)) if top > low else None
    if raw is not None and top is not None:
        text = gettext("%(raw)s of %(max)s") % {"raw": _number_text(raw), "max": _number_text(top)}
        return f"{text} ({percent} %)" if percent is not None else text
    if percent is not None:
        return f"{percent} %"
    return _number_text(raw) if raw is not None else ""
