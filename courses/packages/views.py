"""The SCORM player's requests: the commits of the run-time API, «Пройти заново», and the package's files.

The player page itself is the ScormLessonPage (courses/packages/models.py, page_context.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from courses import selectors
from courses.models import CourseTrainer, Enrolment, ScormLessonPage, ScormPackage
from courses.services import EnrolmentError

from . import runtime

logger = logging.getLogger(__name__)

MAX_COMMIT_BYTES = 1024 * 1024  # a 2004 SCO's suspend data is at most 64,000 characters; interactions add little
ACCESS_SECONDS = 600  # how long a person's right to a package's files is remembered (see _package_prefix)
# Authored content (iSpring, Articulate, Adapt) runs inline scripts and eval, and styles inline: it gets them, but
# only from this site, framed only by this site, with no plug-ins and no foreign connections. The trade-off: the
# content runs with the learner's session on the same origin as the LMS (SCORM needs the same origin to find the
# API), so a package can do what the learner can; packages are uploaded by trainers only, after the check.
CONTENT_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                  "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; "
                  "font-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
                  "object-src 'none'; base-uri 'self'; form-action 'self'")


def _json_error(message: str, status: int) -> JsonResponse:
    # scorm-again reads «result» and «errorCode» (101: general exception); «message» is for our player's status line.
    return JsonResponse({"result": False, "errorCode": 101, "message": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _csrf_refusal(request, payload: dict):
    """The commit comes from the player's request (CSRF token in the X-CSRFToken header) or from
    navigator.sendBeacon, which cannot set headers: then the token travels inside the JSON body. Either way it is
    checked by Django's own CSRF check (token against the cookie, and the Origin/Referer rules)."""
    if not request.META.get("HTTP_X_CSRFTOKEN") and isinstance(payload.get("csrf"), str):
        request.META["HTTP_X_CSRFTOKEN"] = payload["csrf"]
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})


@csrf_exempt  # checked in _csrf_refusal, which also reads the token of a beacon's body
@require_POST
def commit(request, lesson_id: int):
    if not request.user.is_authenticated:
        return _json_error(_("Your session has ended. Log in again; what was saved before is kept."), 403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_COMMIT_BYTES:
        return _json_error(_("The lesson sent too much data at once (more than 1 MB). Tell the trainer."), 413)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return _json_error(_("The lesson sent data the server cannot read."), 400)
    if _csrf_refusal(request, payload) is not None:
        return _json_error(_("The page is out of date. Reload it to continue."), 403)
    try:
        attempt_id, sco_index, session = int(payload["attempt"]), int(payload["sco"]), int(payload["session"])
        elements = payload["elements"]
        if not isinstance(elements, dict):
            raise TypeError
    except (KeyError, TypeError, ValueError):
        return _json_error(_("The lesson sent data the server cannot read."), 400)
    lesson = runtime.live_lesson(lesson_id)
    if lesson is None:
        return _json_error(_("This lesson is not available."), 404)
    try:
        result = runtime.scorm_commit(user=request.user, lesson=lesson, attempt_id=attempt_id, sco_index=sco_index,
                                      session=session, elements=elements)
    except runtime.ScormRuntimeError as refusal:
        return _json_error(str(refusal), refusal.status)
    if result.errors:
        logger.info("SCORM commit of attempt %s: %d element(s) refused", attempt_id, len(result.errors))
    attempt = result.attempt
    return JsonResponse({
        "result": True, "errorCode": 0, "errors": result.errors,
        "completion": attempt.completion_status, "success": attempt.success_status,
        "score": None if attempt.score_percent is None else float(attempt.score_percent),
        "studied": attempt.satisfied_at is not None,
    }, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def restart(request, lesson_id: int):
    lesson = get_object_or_404(ScormLessonPage.objects.live().select_related("package"), pk=lesson_id)
    try:
        runtime.scorm_attempt_restart(user=request.user, lesson=lesson)
    except EnrolmentError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("A new attempt has started."))
    return redirect(lesson.url)


# --- The package's files -----------------------------------------------------------------------------------------

def clean_path(path: str) -> str | None:
    """A relative path inside a package, or None: no absolute paths, no climbing (``..``), no empty or dot parts,
    no backslashes or NUL characters."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def _may_open(user, package_id: int) -> bool:
    """Enrolled learners (active or completed) of a course with a lesson of this package, its trainers, and the
    administrators."""
    if user.is_superuser or user.has_perm("courses.change_enrolment"):
        return True
    lessons = list(ScormLessonPage.objects.filter(package_id=package_id).only("pk", "path", "depth"))
    course_ids = {course.pk for course in (selectors.lesson_course(lesson) for lesson in lessons) if course}
    if not course_ids:
        return False
    return (Enrolment.objects.filter(user=user, course_id__in=course_ids,
                                     status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)).exists()
            or CourseTrainer.objects.filter(user=user, course_id__in=course_ids).exists())


def _package_prefix(user, package_id: int) -> str | None:
    """The package's storage folder if the person may open it, else None. A package has many files and a SCO loads
    them all: the answer is remembered in the cache for a few minutes (a withdrawal takes effect within them)."""
    key = f"scorm-access:{user.pk}:{package_id}"
    prefix = cache.get(key)
    if prefix is not None:
        return prefix or None
    package = ScormPackage.objects.filter(pk=package_id).only("pk", "storage_prefix").first()
    prefix = package.storage_prefix if package is not None and _may_open(user, package_id) else ""
    cache.set(key, prefix, ACCESS_SECONDS)
    return prefix or None


def _content_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = CONTENT_POLICY  # the site's middleware leaves a set policy alone
    # A package's files never change (a new upload is a new package), but they are the learner's: private.
    patch_cache_control(response, private=True, max_age=3600)
    return response


@require_safe
@xframe_options_sameorigin
def content(request, package_id: int, path: str):
    """A file of a stored package, streamed from the media storage (local folder or S3: storage calls only).
    Range requests are not served (a video in a package is sent whole)."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden(_("Log in to open this lesson."), content_type="text/plain; charset=utf-8")
    relative = clean_path(path)
    if relative is None:
        raise Http404
    prefix = _package_prefix(request.user, package_id)
    if prefix is None:
        return HttpResponseForbidden(_("You cannot open this lesson."), content_type="text/plain; charset=utf-8")
    name = prefix + relative
    etag = '"scorm-%d-%s"' % (package_id, hashlib.blake2b(name.encode(), digest_size=8).hexdigest())
    if etag in request.headers.get("If-None-Match", ""):
        return _content_headers(HttpResponse(status=304), etag)
    if not default_storage.exists(name):
        raise Http404
    content_type, encoding = mimetypes.guess_type(relative)
    if encoding or not content_type:
        content_type = "application/octet-stream"
    # No charset is added: older Russian exports declare windows-1251 in their own <meta>, which a header would override.
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    return _content_headers(response, etag)
