"""The H5P player's two conversations with the server: its files (read from the media storage, for people who may
open the lesson that plays them, and for staff), and the xAPI statements it posts back."""

from __future__ import annotations

import mimetypes
import re

from csp.constants import NONE
from csp.decorators import csp
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import selectors, services
from courses.models import Enrolment, LessonPage

from .check import LIBRARY_EXTENSIONS, extension, is_debris
from .models import H5PContent
from .progress import lesson_h5p_blocks
from .services import xapi_statement_record
from .xapi import StatementRefused, max_statement_bytes

ACCESS_SECONDS = 300  # a decision about who may read a content's files is kept this long (one player load)
_SEGMENT = re.compile(r"^[^/\\\x00]+$")
# Types the browser must be told exactly (nosniff refuses a script or a stylesheet sent under another type).
CONTENT_TYPES = {"js": "text/javascript", "css": "text/css", "json": "application/json", "vtt": "text/vtt",
                 "webvtt": "text/vtt", "woff": "font/woff", "woff2": "font/woff2", "svg": "image/svg+xml",
                 "map": "application/json", "md": "text/plain", "gltf": "model/gltf+json", "glb": "model/gltf-binary"}


def _may_read(user, lesson_id: int, content_id: int) -> bool:
    """Staff who manage H5P content read any; others only content that a lesson they study plays."""
    if not user.is_authenticated:
        return False
    key = f"h5p-access:{user.pk}:{lesson_id}:{content_id}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = _decide(user, lesson_id, content_id)
        cache.set(key, allowed, ACCESS_SECONDS)
    return allowed


def _decide(user, lesson_id: int, content_id: int) -> bool:
    if not H5PContent.objects.filter(pk=content_id).exists():
        return False
    if user.has_perm("courses.view_h5pcontent"):
        return True
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None or not any(block.content_id == content_id for block in lesson_h5p_blocks(lesson)):
        return False
    course = selectors.lesson_course(lesson)
    if course is None:
        return False
    enrolment = selectors.enrolment_for(user, course.pk)
    if enrolment is not None and enrolment.status in (Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED):
        return True
    return services.user_can_manage_course(user, course)


def _safe_path(path: str) -> str | None:
    parts = path.split("/")
    if not path or any(part in ("", ".", "..") or not _SEGMENT.match(part) for part in parts):
        return None
    if is_debris(path) or extension(path) not in LIBRARY_EXTENSIONS:
        return None
    return path


# The files are data, scripts and styles for the player on the lesson page; opened on their own (an SVG picture,
# say) they run nothing and may not be framed.
@csp({"default-src": [NONE], "sandbox": True, "frame-ancestors": [NONE]})
@require_GET
def h5p_file(request, lesson_id: int, content_id: int, path: str = ""):
    safe = _safe_path(path)
    if safe is None or not _may_read(request.user, lesson_id, content_id):
        raise Http404
    name = f"h5p/{content_id}/{safe}"
    try:
        stream = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = CONTENT_TYPES.get(extension(safe)) or mimetypes.guess_type(safe)[0] or "application/octet-stream"
    response = FileResponse(stream, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # A stored content never changes (a new upload is a new content): the browser may keep it, privately.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_POST
def h5p_statement(request, lesson_id: int, block_id: str):
    """One xAPI statement (JSON body, CSRF header) from the player of a lesson's H5P block: 200 with the block's
    and the lesson's state, 400 with the reason in Russian when refused, 403 for people who do not study it."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to study the lesson.")}, status=403)
    declared = request.headers.get("Content-Length") or "0"
    if not declared.isdigit() or int(declared) > max_statement_bytes():
        return JsonResponse({"error": _("The statement is larger than %(limit)d KB.")
                             % {"limit": max_statement_bytes() // 1024}}, status=400)
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        return JsonResponse({"error": _("The lesson was not found.")}, status=404)
    try:
        outcome = xapi_statement_record(user=request.user, lesson=lesson, block_id=block_id, body=request.body)
    except StatementRefused as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    except services.EnrolmentError as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    return JsonResponse(outcome.as_json())
