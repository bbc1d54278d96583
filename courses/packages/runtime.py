"""The SCORM run-time on the server: launching a SCO of a lesson, and saving what it commits.

``scorm_launch`` finds (or starts) the learner's current attempt and the SCO's state, counts a new session and gives
the elements the player loads into the API before the SCO starts (the saved location and suspend data come back).
``scorm_commit`` checks a commit (courses/packages/cmi.py), merges what was accepted into the SCO's state, adds the
session's time once, keeps the interactions, rolls the attempt up from all its SCOs and, the first time the attempt
meets the lesson's rule, moves the course's progress on (through the progress contribution in ``progress.py``).

A commit does a fixed number of queries whatever the number of interactions and SCOs. It locks the attempt's row, so
two tabs of one learner committing at once are saved one after the other and neither loses the other's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors
from courses.models import Enrolment
from courses.services import EnrolmentError, _enrolment_for_study, enrolment_progress_refresh
from lms import content_cache
from lms.accounts.models import User
from lms.fixed_queries import FixedQuery

from . import cmi
from .models import ScormAttempt, ScormInteraction, ScormLessonPage, ScormScoState

Completion, Success = ScormAttempt.Completion, ScormAttempt.Success
KEPT_SESSIONS = 20  # sessions whose counted time is remembered per SCO state (older ones cannot commit time)
INTERACTION_FIELDS = ["identifier", "type", "description", "learner_response", "correct_responses", "result",
                      "weighting", "latency_seconds", "timestamp"]


class ScormRuntimeError(Exception):
    """A launch or commit that cannot be taken; the message is Russian and safe to show. ``status`` is the HTTP
    status the commit endpoint answers with: 403 (not this person's attempt), 404 (no such SCO), 409 (stale)."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Launch:
    attempt: ScormAttempt
    state: ScormScoState
    sco_index: int
    sco: dict  # {"identifier", "title", "launch"} as the package check stored it
    session: int  # the number of this launch of the SCO in the attempt; the player sends it with every commit
    version: str
    elements: dict[str, str]  # flat data model elements the player loads into the API


@dataclass
class CommitResult:
    attempt: ScormAttempt
    errors: list[str] = field(default_factory=list)  # translated reasons for refused elements
    satisfied_now: bool = False  # this commit made the attempt meet the lesson's rule


# --- Launch ------------------------------------------------------------------------------------------------------

def learner_name(user: User) -> str:
    """SCORM wants «last, first» (cmi.core.student_name / cmi.learner_name)."""
    parts = [part for part in (user.last_name, user.first_name) if part]
    return ", ".join(parts) or user.email


def live_lesson(lesson_id: int) -> ScormLessonPage | None:
    """A published SCORM lesson with its package, for the commits: kept in the content cache (publishing or
    withdrawing a lesson starts a new generation; a package in use is never changed or deleted)."""
    return content_cache.cached(f"scorm-lesson:{lesson_id}", lambda: ScormLessonPage.objects.live().select_related(
        "package").filter(pk=lesson_id).first())


def _sco(lesson: ScormLessonPage, sco_index: int) -> dict:
    scos = lesson.package.scos
    if not 0 <= sco_index < len(scos):
        raise ScormRuntimeError(_("This part of the lesson does not exist."), status=404)
    return scos[sco_index]


def _study_enrolment(user: User, lesson: ScormLessonPage) -> Enrolment:
    course = selectors.lesson_course(lesson)
    if course is None:
        raise EnrolmentError(_("This lesson does not belong to a course."))
    return _enrolment_for_study(user, course)  # locks the row: one person's launches and restarts in turn


def _is_finished(attempt: ScormAttempt) -> bool:
    return (attempt.satisfied_at is not None or attempt.completion_status == Completion.COMPLETED
            or attempt.success_status != Success.UNKNOWN)


def _current_attempt(user: User, lesson: ScormLessonPage, enrolment: Enrolment, *, restart: bool) -> ScormAttempt:
    """The latest attempt of this recertification cycle, or a new one (none yet; an earlier cycle's; a restart of a
    finished one). Called under the enrolment's lock, so two tabs never start two attempts."""
    latest = ScormAttempt.objects.filter(user=user, lesson=lesson).order_by("-number").first()
    earlier_cycle = (latest is not None and enrolment.cycle_started_at is not None
                     and latest.started_at < enrolment.cycle_started_at)
    if latest is None or earlier_cycle or (restart and _is_finished(latest)):
        latest = ScormAttempt.objects.create(user=user, lesson=lesson, number=latest.number + 1 if latest else 1)
    return latest


def _state_for(attempt: ScormAttempt, identifier: str) -> ScormScoState:
    """The SCO's state in the attempt, created on its first launch. Another request may create it at the same time:
    the unique constraint decides, and the loser reads the winner's row."""
    state = ScormScoState.objects.filter(attempt=attempt, sco=identifier).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            return ScormScoState.objects.create(attempt=attempt, sco=identifier)
    except IntegrityError:
        return ScormScoState.objects.get(attempt=attempt, sco=identifier)


@transaction.atomic
def scorm_launch(*, user: User, lesson: ScormLessonPage, sco_index: int) -> Launch:
    """Open a SCO of the lesson for an enrolled learner (active or completed enrolment; EnrolmentError otherwise).

    Always launched in normal mode with credit: a learner who opens a finished lesson again continues the same
    attempt (its completion, once reached, is never taken back); «Пройти заново» starts a new one
    (:func:`scorm_attempt_restart`)."""
    sco = _sco(lesson, sco_index)
    enrolment = _study_enrolment(user, lesson)
    attempt = _current_attempt(user, lesson, enrolment, restart=False)
    state = _state_for(attempt, sco["identifier"])
    now = timezone.now()
    ScormScoState.objects.filter(pk=state.pk).update(sessions=F("sessions") + 1, updated_at=now)
    state.sessions += 1  # under the enrolment's lock: no other launch of this person ran in between
    version = lesson.package.version
    elements = cmi.initial_elements(
        version, learner_id=str(user.pk), learner_name=learner_name(user), saved=state.data,
        total_seconds=state.total_seconds, launch_data=_launch_data(sco),
        mastery_score=str(sco.get("mastery_score") or ""),
        completion_threshold=str(sco.get("completion_threshold") or ""),
        scaled_passing_score=str(sco.get("scaled_passing_score") or ""))
    return Launch(attempt=attempt, state=state, sco_index=sco_index, sco=sco, session=state.sessions,
                  version=version, elements=elements)


def _launch_data(sco: dict) -> str:
    return str(sco.get("launch_data") or sco.get("datafromlms") or "")


@transaction.atomic
def scorm_attempt_restart(*, user: User, lesson: ScormLessonPage) -> ScormAttempt:
    """«Пройти заново»: a new attempt once the current one is finished (an unfinished one is simply continued).
    Earlier attempts stay as history; the lesson stays studied if one of them met its rule."""
    enrolment = _study_enrolment(user, lesson)
    return _current_attempt(user, lesson, enrolment, restart=True)


# --- Commit ------------------------------------------------------------------------------------------------------

def _status_names(version: str) -> tuple[str, str]:
    if cmi.is_12(version):
        return "cmi.core.lesson_status", "cmi.core.lesson_status"
    return "cmi.completion_status", "cmi.success_status"


def _count_session_time(state: ScormScoState, session: int, seconds: Decimal) -> None:
    """Add what this session ran since its last commit. Each commit of a session carries its whole running time, so
    only the growth over what was counted for that session is added: many commits of one session count once, and
    two sessions (two tabs) committing in turn each count their own."""
    counted = dict(state.session_seconds or {})
    key = str(session)
    if key not in counted and len(counted) >= KEPT_SESSIONS and session < min(int(k) for k in counted):
        return  # a session so old that its count was forgotten: adding it again could count it twice
    before = Decimal(counted.get(key, "0"))
    if seconds > before:
        state.total_seconds += seconds - before
        counted[key] = str(seconds)
        kept = sorted(counted, key=int)[-KEPT_SESSIONS:]
        state.session_seconds = {k: counted[k] for k in kept}


def _apply(state: ScormScoState, version: str, checked: cmi.CheckedCommit, session: int, sco: dict) -> None:
    state.data = {**state.data, **checked.elements}
    completion_name, success_name = _status_names(version)
    said = (checked.completion_status, checked.success_status)
    # The manifest's mastery score, completion threshold or scaled passing score decide over what the SCO said.
    cmi.apply_thresholds(version, checked, mastery_score=str(sco.get("mastery_score") or ""),
                         completion_threshold=str(sco.get("completion_threshold") or ""),
                         scaled_passing_score=str(sco.get("scaled_passing_score") or ""))
    # A commit that does not carry a status leaves the saved one (statuses are never reset by omission), unless a
    # threshold decided it from what was committed.
    if completion_name in checked.elements or checked.completion_status != said[0]:
        state.completion_status = checked.completion_status
    if success_name in checked.elements or checked.success_status != said[1]:
        state.success_status = checked.success_status
    for part in ("raw", "min", "max", "scaled"):
        value = getattr(checked, f"score_{part}")
        if value is not None:
            setattr(state, f"score_{part}", value)
    if checked.location is not None:
        state.location = checked.location
    if checked.suspend_data is not None:
        state.suspend_data = checked.suspend_data
    _count_session_time(state, session, checked.session_seconds)  # from the accepted session_time
    state.revision += 1
    state.updated_at = timezone.now()


def _save_interactions(state: ScormScoState, interactions: list[dict[str, Any]]) -> None:
    """One statement whatever their number: rows by (state, index) are inserted or overwritten."""
    if not interactions:
        return
    rows = [ScormInteraction(
        state=state, index=int(item["index"]), identifier=item.get("id", "") or "", type=item.get("type", "") or "",
        description=item.get("description", "") or "", learner_response=item.get("learner_response", "") or "",
        correct_responses=list(item.get("correct_responses") or []), result=item.get("result", "") or "",
        weighting=item.get("weighting"), latency_seconds=item.get("latency_seconds"),
        timestamp=item.get("timestamp", "") or "") for item in interactions]
    latest = {row.index: row for row in rows}  # the same index twice in one commit: the last one wins
    ScormInteraction.objects.bulk_create(latest.values(), update_conflicts=True, unique_fields=["state", "index"],
                                         update_fields=INTERACTION_FIELDS)


def _sco_percent(state) -> Decimal | None:
    """A SCO's score in per cent: scaled ×100 (2004), else raw within min..max, else raw as a percentage (1.2)."""
    if state.score_scaled is not None:
        return state.score_scaled * 100
    if state.score_raw is None:
        return None
    low = state.score_min if state.score_min is not None else Decimal(0)
    if state.score_max is not None and state.score_max > low:
        return (state.score_raw - low) / (state.score_max - low) * 100
    return state.score_raw


def rollup(attempt: ScormAttempt, sco_count: int, states: list) -> None:
    """The attempt's figures from its SCOs' states: completed when every SCO of the package is; failed if any SCO
    failed, passed when every SCO that reports success passed; the score is the mean of the SCOs that have one;
    the time is the sum."""
    completions = [state.completion_status for state in states]
    if len(states) >= sco_count and completions and all(value == "completed" for value in completions):
        attempt.completion_status = Completion.COMPLETED
    elif any(value != "not attempted" for value in completions) or any(state.sessions for state in states):
        attempt.completion_status = Completion.INCOMPLETE
    else:
        attempt.completion_status = Completion.NOT_ATTEMPTED
    reported = [state.success_status for state in states if state.success_status in ("passed", "failed")]
    if "failed" in reported:
        attempt.success_status = Success.FAILED
    elif reported:
        attempt.success_status = Success.PASSED
    else:
        attempt.success_status = Success.UNKNOWN
    percents = [p for p in (_sco_percent(state) for state in states) if p is not None]
    if percents:
        mean = sum(percents) / len(percents)
        attempt.score_percent = min(max(mean, Decimal(0)), Decimal(100)).quantize(Decimal("0.01"))
    else:
        attempt.score_percent = None
    attempt.total_seconds = sum((state.total_seconds for state in states), Decimal(0))


def meets_rule(lesson: ScormLessonPage, attempt: ScormAttempt) -> bool:
    mode = lesson.completion_mode
    if mode == ScormLessonPage.CompletionMode.PASSED:
        return attempt.success_status == Success.PASSED
    if mode == ScormLessonPage.CompletionMode.SCORE:
        return (attempt.score_percent is not None and lesson.pass_score is not None
                and attempt.score_percent >= lesson.pass_score)
    return attempt.completion_status == Completion.COMPLETED


# A commit arrives every 30 s from every learner in a SCORM lesson: its locking reads have SQL built once per
# process (lms/fixed_queries.py; the enrolment's in courses.services).
_LOCK_LATEST_ATTEMPT = FixedQuery(lambda user_id, lesson_id: ScormAttempt.objects.select_for_update().filter(
    user_id=user_id, lesson_id=lesson_id).order_by("-number")[:1], 2)
_LOCK_STATE = FixedQuery(lambda attempt_id, sco: ScormScoState.objects.select_for_update().filter(
    attempt_id=attempt_id, sco=sco).order_by()[:1], 2)


def _locked_attempt(user: User, lesson: ScormLessonPage, attempt_id: int, enrolment: Enrolment) -> ScormAttempt:
    latest = next(iter(_LOCK_LATEST_ATTEMPT.instances(user.pk, lesson.pk)), None)
    if latest is not None and latest.pk == attempt_id:
        if enrolment.cycle_started_at is not None and latest.started_at < enrolment.cycle_started_at:
            raise ScormRuntimeError(_("The course has been reopened for recertification. Reload the page to start "
                                      "the lesson again."), status=409)
        return latest
    if latest is not None and ScormAttempt.objects.filter(pk=attempt_id, user=user, lesson=lesson).exists():
        raise ScormRuntimeError(_("A new attempt at this lesson has been started in another window. Reload the page "
                                  "to continue."), status=409)
    raise ScormRuntimeError(_("This attempt is not yours."), status=403)


@transaction.atomic
def scorm_commit(*, user: User, lesson: ScormLessonPage, attempt_id: int, sco_index: int, session: int,
                 elements: dict) -> CommitResult:
    """Save what a SCO committed. Refused elements come back as reasons in the result; the accepted ones are saved
    anyway (nothing the learner did is lost for one bad value).

    Rows are locked in the same order as a launch locks them (enrolment, attempt, SCO state), so a launch and a
    commit of the same person wait for each other instead of deadlocking."""
    sco = _sco(lesson, sco_index)
    try:
        enrolment = _study_enrolment(user, lesson)
    except EnrolmentError as refusal:
        raise ScormRuntimeError(str(refusal), status=403) from None
    attempt = _locked_attempt(user, lesson, attempt_id, enrolment)
    state = next(iter(_LOCK_STATE.instances(attempt.pk, sco["identifier"])), None)
    if state is None or not 1 <= session <= state.sessions:
        raise ScormRuntimeError(_("This part of the lesson was not opened properly. Reload the page."), status=409)
    version = lesson.package.version
    checked = cmi.check_commit(version, elements)
    _apply(state, version, checked, session, sco)
    state.save(update_fields=["data", "completion_status", "success_status", "score_raw", "score_min", "score_max",
                              "score_scaled", "location", "suspend_data", "total_seconds", "session_seconds",
                              "revision", "updated_at"])
    _save_interactions(state, checked.interactions)
    others = [] if len(lesson.package.scos) == 1 else list(  # one SCO: nothing else to roll up
        ScormScoState.objects.filter(attempt=attempt).exclude(pk=state.pk).only(
            "completion_status", "success_status", "score_raw", "score_min", "score_max", "score_scaled",
            "total_seconds", "sessions"))
    rollup(attempt, len(lesson.package.scos), [state, *others])
    attempt.updated_at = timezone.now()
    satisfied_now = attempt.satisfied_at is None and meets_rule(lesson, attempt)
    if satisfied_now:
        attempt.satisfied_at = attempt.updated_at
    attempt.save(update_fields=["completion_status", "success_status", "score_percent", "total_seconds",
                                "updated_at", "satisfied_at"])
    if satisfied_now:
        # The course hears of it like of a studied lesson: its progress is recounted (courses/packages/progress.py
        # counts this lesson now), so completion, «Моё обучение», the certificate and the hours follow.
        enrolment.last_activity_at = timezone.now()
        enrolment.save(update_fields=["last_activity_at"])
        enrolment_progress_refresh(enrolment=enrolment)
    return CommitResult(attempt=attempt, errors=list(checked.errors), satisfied_now=satisfied_now)
