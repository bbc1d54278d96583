"""H5P rules: storing an ``.h5p`` file (checked, then unpacked under ``h5p/<id>/``, all or nothing), deleting it,
and recording what its player reports (an xAPI statement; the block's result; the lesson studied when its last
required H5P block is done, through ``courses.services.lesson_complete``)."""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from courses import selectors
from courses.models import Enrolment, LessonCompletion, LessonPage
from courses.services import EnrolmentError, lesson_complete
from lms.accounts.models import User

from ..archive import ArchiveRefused, open_archive
from ..services import _checksum, _delete, _stored_names, _unpack
from .check import check_h5p, is_debris
from .models import H5PContent, H5PResult, XAPIStatement
from .progress import done_block_ids, lesson_h5p_block, lesson_h5p_blocks, state_message
from .xapi import StatementRefused, statement_check

logger = logging.getLogger(__name__)
STORAGE_ROOT = "h5p"


class H5PContentError(Exception):
    """The file is refused (or cannot be deleted); ``errors`` are translated reasons (the first is the message)."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0] if errors else "")
        self.errors = list(errors)


def _clear_debris(prefix: str) -> None:
    """Files already under the folder of a row created just now belong to nothing: a rolled-back upload whose
    clean-up failed, or (SQLite reuses the ids of rolled-back rows) an upload rolled back with its transaction.
    PostgreSQL never gives an id twice, and no committed row can hold this id, so removing them is safe."""
    leftovers = _stored_names(prefix)
    if leftovers:
        logger.warning("removing %d leftover files under %s before storing H5P content", len(leftovers), prefix)
        for name in leftovers:
            default_storage.delete(name)


@transaction.atomic
def h5p_content_store(*, upload: BinaryIO, actor: User | None, title: str = "") -> H5PContent:
    """Check ``upload`` (an ``.h5p`` file object), then store its row and unpack its files under ``h5p/<id>/``.

    Nothing survives a refusal or a failure: the row is rolled back and the files written so far are deleted.
    The same file (by SHA-256) is stored once: a second upload is refused with the title of the first.
    """
    check = check_h5p(upload)
    if not check.ok:
        raise H5PContentError(check.errors)
    checksum = _checksum(upload)
    existing = H5PContent.objects.filter(checksum=checksum).first()
    if existing is not None:
        raise H5PContentError([_("This H5P file has already been uploaded: «%(title)s».") % {"title": existing.title}])
    written: list[str] = []
    try:
        with transaction.atomic():
            content = H5PContent.objects.create(
                title=(title.strip() or check.title or check.main_library)[:300], main_library=check.main_library,
                checksum=checksum, file_count=check.member_count, unpacked_bytes=check.total_bytes,
                uploaded_by=actor)
            content.storage_prefix = f"{STORAGE_ROOT}/{content.pk}/"
            content.save(update_fields=["storage_prefix"])
            _clear_debris(content.storage_prefix)
            upload.seek(0)
            with open_archive(upload) as archive:
                _unpack(archive, content.storage_prefix, written, skip=is_debris)
    except ArchiveRefused as refusal:
        _delete(written)
        raise H5PContentError([str(refusal)]) from None
    except IntegrityError:
        _delete(written)
        raise H5PContentError([_("This H5P file has already been uploaded.")]) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        _delete(written)
        logger.warning("H5P content could not be unpacked: %s", error)
        raise H5PContentError([_("The file could not be unpacked: it is damaged, or the storage is not available. "
                                 "Nothing was saved; try again.")]) from None
    except BaseException:
        _delete(written)
        raise
    return content


def lessons_using(content: H5PContent) -> list[LessonPage]:
    """Lessons whose body (published or the latest draft) plays ``content``. Reads every lesson's body: only
    deleting needs it, and that is rare."""
    using = []
    for lesson in LessonPage.objects.only("pk", "title", "body", "latest_revision").select_related("latest_revision"):
        bodies = [lesson.body.raw_data]
        revision = lesson.latest_revision
        if revision is not None and isinstance(revision.content, dict):
            draft = revision.content.get("body")
            bodies.append(draft if isinstance(draft, list) else [])
        if any(child.get("type") == "h5p" and (child.get("value") or {}).get("content") == content.pk
               for body in bodies for child in body if isinstance(child, dict)):
            using.append(lesson)
    return using


@transaction.atomic
def h5p_content_delete(*, content: H5PContent) -> None:
    """Delete the content's row and (after the commit) its files; refused while a lesson plays it, since its
    learners could then never finish that lesson."""
    using = lessons_using(content)
    if using:
        raise H5PContentError([_("The content is used in lessons: %(lessons)s. Remove it from them first.")
                               % {"lessons": ", ".join(f"«{lesson.title}»" for lesson in using)}])
    prefix = content.storage_prefix
    names = _stored_names(prefix) if prefix else []
    content.delete()
    transaction.on_commit(lambda: _delete(names))


# --- What the player reports ------------------------------------------------------------------------------------

@dataclass
class StatementOutcome:
    statement: XAPIStatement
    block_done: bool
    done: int
    total: int
    lesson_done: bool
    message: str

    def as_json(self) -> dict:
        return {"stored": True, "block_done": self.block_done, "done": self.done, "total": self.total,
                "lesson_done": self.lesson_done, "message": self.message}


def xapi_actor(user: User) -> dict:
    """Who the statement is about, as the server knows it (an account of this site, no e-mail address)."""
    return {"objectType": "Agent", "name": user.get_full_name() or str(user),
            "account": {"homePage": settings.SITE_URL, "name": str(user.pk)}}


@transaction.atomic
def xapi_statement_record(*, user: User, lesson: LessonPage, block_id: str, body: bytes) -> StatementOutcome:
    """Keep one statement the player of the lesson's H5P block ``block_id`` sent (``body``: the raw JSON).

    ``StatementRefused`` when it is not valid or not about this block's content, ``EnrolmentError`` when the
    person does not study the lesson's course. A top-level scored «completed»/«answered» records the block's
    result for the current recertification cycle (the best score is kept); when every required H5P block of the
    lesson is then done, the lesson is completed through ``lesson_complete``.
    """
    block = lesson_h5p_block(lesson, block_id)
    if block is None or block.content_id is None:
        raise StatementRefused(_("This lesson has no such H5P task."))
    content = H5PContent.objects.filter(pk=block.content_id).only("pk").first()
    if content is None:
        raise StatementRefused(_("The H5P content of this task has been deleted."))
    course = selectors.lesson_course(lesson)
    enrolment = (Enrolment.objects.select_for_update(of=("self",))
                 .filter(user=user, course=course, status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED))
                 .first()) if course is not None else None
    if enrolment is None:
        raise EnrolmentError(_("Enrol in the course to study its lessons."))
    checked = statement_check(body, object_iri=content.xapi_object_iri, actor=xapi_actor(user))
    statement = XAPIStatement.objects.create(
        user=user, content=content, lesson=lesson, block_id=block_id, verb=checked.verb,
        statement=checked.statement, score_raw=checked.score_raw, score_max=checked.score_max,
        score_scaled=checked.score_scaled, success=checked.success, completion=checked.completion,
        is_top_level=checked.is_top_level)
    if checked.completes:
        _result_keep(user=user, lesson=lesson, block_id=block_id, content=content, cycle=enrolment.cycle,
                     score=checked.score_raw, max_score=checked.score_max, now=statement.stored_at)
    required = [ref for ref in lesson_h5p_blocks(lesson) if ref.required and ref.content_id is not None]
    finished = done_block_ids(user_id=user.pk, lesson_id=lesson.pk, cycle=enrolment.cycle)
    done = sum(1 for ref in required if ref.block_id in finished)
    lesson_done = LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).exists()
    if checked.completes and required and done == len(required) and not lesson_done:
        lesson_complete(user=user, lesson=lesson)
        lesson_done = True
    return StatementOutcome(statement=statement, block_done=block_id in finished, done=done, total=len(required),
                            lesson_done=lesson_done,
                            message=state_message(done, len(required)) if required else "")


def _result_keep(*, user, lesson, block_id, content, cycle, score, max_score, now) -> H5PResult:
    result, created = H5PResult.objects.select_for_update().get_or_create(
        user=user, lesson=lesson, block_id=block_id, cycle=cycle,
        defaults={"content": content, "score": score, "max_score": max_score, "completed_at": now})
    if not created and max_score and (not result.max_score or score / max_score > result.score / result.max_score):
        result.score, result.max_score, result.content = score, max_score, content
        result.save(update_fields=["score", "max_score", "content"])
    return result
