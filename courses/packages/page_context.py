"""What the SCORM lesson page (the player) shows: the lesson's place in the course, the table of contents of its SCOs
with the state of each, the chosen SCO launched for the learner, the attempt's result, and the settings the player's
script reads (templates/courses/scorm_lesson_page.html, static/js/scorm-player.js). The page model calls this."""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import ScormAttempt, ScormLessonPage, ScormScoState
from courses.page_context import lesson_context
from courses.services import EnrolmentError

from . import cmi
from .runtime import Launch, learner_name, scorm_launch

NOT_STARTED, IN_PROGRESS, DONE = "not started", "in progress", "done"


def content_url(package_id: int, launch: str) -> str:
    """The address a SCO's launch file is served at; the manifest's parameters (a query string) are kept."""
    path, _sep, query = launch.partition("?")
    url = reverse("courses:scorm_content", args=[package_id, path])
    return f"{url}?{query}" if query else url


def _sco_state(state: ScormScoState | None) -> str:
    if state is None or (state.sessions == 0 and state.completion_status == "not attempted"):
        return NOT_STARTED
    if state.completion_status == "completed" or state.success_status == "passed":
        return DONE
    return IN_PROGRESS


def _chosen(request, scos: list[dict], states: dict[str, ScormScoState]) -> int:
    """?sco=N (1-based, as the table of contents links it); without it the first SCO not finished yet."""
    raw = request.GET.get("sco", "")
    if raw.isdigit() and 1 <= int(raw) <= len(scos):
        return int(raw) - 1
    for index, sco in enumerate(scos):
        if _sco_state(states.get(sco["identifier"])) != DONE:
            return index
    return 0


def _attempt_status(attempt: ScormAttempt | None, *, opened: bool) -> str | None:
    """The attempt as the learner sees it: a SCO opened (now or before) means begun, even before its first commit."""
    if attempt is None:
        return None
    if attempt.completion_status == ScormAttempt.Completion.NOT_ATTEMPTED and opened:
        return ScormAttempt.Completion.INCOMPLETE
    return attempt.completion_status


def _current_cycle(attempts: list[ScormAttempt], enrolment) -> list[ScormAttempt]:
    start = getattr(enrolment, "cycle_started_at", None)
    return [a for a in attempts if start is None or a.started_at >= start]


def scorm_context(request, lesson: ScormLessonPage) -> dict:
    context = lesson_context(request, lesson)
    enrolment = context["enrolment"]
    package = lesson.package
    scos = package.scos
    studying = enrolment is not None and request.user.is_authenticated
    attempts = (list(ScormAttempt.objects.filter(user=request.user, lesson=lesson).order_by("number"))
                if studying else [])
    this_cycle = _current_cycle(attempts, enrolment)
    current = this_cycle[-1] if this_cycle else None
    states = ({s.sco: s for s in ScormScoState.objects.filter(attempt=current).only(
        "sco", "sessions", "completion_status", "success_status")} if current else {})
    index = _chosen(request, scos, states)
    closed = request.GET.get("closed") == "1"
    launch: Launch | None = None
    error = ""
    if studying and scos and not closed:
        try:
            launch = scorm_launch(user=request.user, lesson=lesson, sco_index=index)
        except EnrolmentError as refusal:
            error = str(refusal)
        else:
            current = launch.attempt
            states[launch.sco["identifier"]] = launch.state
    toc = [{"number": i + 1, "title": sco.get("title") or _("Part %(n)d") % {"n": i + 1},
            "state": _sco_state(states.get(sco["identifier"])), "current": i == index}
           for i, sco in enumerate(scos)]
    context.update({
        "package": package,
        "toc": toc,
        "sco_number": index + 1,
        "sco_title": toc[index]["title"] if toc else "",
        "attempt": current,
        "attempt_status": _attempt_status(current, opened=launch is not None or any(
            state.sessions for state in states.values())),
        "attempt_finished": current is not None and (current.satisfied_at is not None
                                                     or current.completion_status == "completed"
                                                     or current.success_status != "unknown"),
        "is_done": any(a.satisfied_at for a in this_cycle),
        "earlier_attempts": [a for a in attempts if current is None or a.pk != current.pk],
        "closed": closed,
        "launch_error": error,
        "tracking": launch is not None,
        "player": _player_settings(request, lesson, index, launch) if scos and not closed and not error else None,
        "player_script": "vendor/scorm-again/scorm12.min.js" if cmi.is_12(package.version)
        else "vendor/scorm-again/scorm2004.min.js",
    })
    return context


def _player_settings(request, lesson: ScormLessonPage, index: int, launch: Launch | None) -> dict:
    package = lesson.package
    scos = package.scos
    here = lesson.get_url(request) or request.path
    if launch is not None:
        elements = launch.elements
    else:  # a trainer or an administrator looks at the lesson: it plays, nothing is saved
        elements = cmi.initial_elements(package.version, learner_id=str(request.user.pk),
                                        learner_name=learner_name(request.user), saved={}, total_seconds=0)
    return {
        "scorm12": cmi.is_12(package.version),
        "commitUrl": reverse("courses:scorm_commit", args=[lesson.pk]) if launch else "",
        "csrf": get_token(request),
        "attempt": launch.attempt.pk if launch else None,
        "sco": index,
        "session": launch.session if launch else None,
        "elements": elements,
        "launchUrl": content_url(package.pk, scos[index]["launch"]),
        "nextUrl": f"{here}?sco={index + 2}" if index + 1 < len(scos) else "",
        "closedUrl": f"{here}?sco={index + 1}&closed=1",
        "text": {
            "saved": _("Your progress is saved."),
            "failed": _("Your progress could not be saved. Check the connection; the lesson will try again at the "
                        "next step. Do not close the page yet."),
            "refused": _("Some of the lesson's data was not accepted:"),
            "stale": _("This page is out of date. Reload it to continue."),
        },
    }
