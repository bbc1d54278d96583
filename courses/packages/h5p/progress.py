"""The H5P blocks of a lesson and how far a learner is with them: the lesson requirement registered with
``courses.completion`` (the lesson counts as studied once every required H5P block is done in the current
recertification cycle)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.completion import LessonRequirement

BLOCK_TYPE = "h5p"


@dataclass(frozen=True)
class H5PBlockRef:
    block_id: str
    content_id: int | None
    required: bool


def lesson_h5p_blocks(lesson) -> list[H5PBlockRef]:
    """The lesson's H5P blocks in body order, read from the stored JSON (no query: the chosen content is not
    loaded)."""
    found = []
    body = getattr(lesson, "body", None)  # the lesson page's context serves quiz pages too: they have no body
    for child in getattr(body, "raw_data", None) or []:
        if child.get("type") != BLOCK_TYPE:
            continue
        value = child.get("value") or {}
        content = value.get("content")
        found.append(H5PBlockRef(block_id=str(child.get("id") or ""),
                                 content_id=int(content) if isinstance(content, int) or str(content).isdigit()
                                 else None,
                                 required=bool(value.get("required", True))))
    return found


def lesson_h5p_block(lesson, block_id: str) -> H5PBlockRef | None:
    return next((block for block in lesson_h5p_blocks(lesson) if block.block_id == block_id), None)


def done_block_ids(*, user_id: int, lesson_id: int, cycle: int) -> set[str]:
    from .models import H5PResult

    return set(H5PResult.objects.filter(user_id=user_id, lesson_id=lesson_id, cycle=cycle)
               .values_list("block_id", flat=True))


def state_message(done: int, total: int) -> str:
    if done >= total:
        return _("All the tasks of this lesson are done: the lesson is studied.")
    remaining = total - done
    return ngettext("Do the tasks above to complete the lesson: %(remaining)d task left (%(done)d of %(total)d "
                    "done).",
                    "Do the tasks above to complete the lesson: %(remaining)d tasks left (%(done)d of %(total)d "
                    "done).",
                    remaining) % {"done": done, "total": total, "remaining": remaining}


def h5p_lesson_requirement(lesson, enrolment) -> LessonRequirement | None:
    """None when the lesson has no required H5P block; else how many of them the person has done (one query)."""
    required = [block for block in lesson_h5p_blocks(lesson) if block.required and block.content_id is not None]
    if not required:
        return None
    done = 0
    if enrolment is not None:
        finished = done_block_ids(user_id=enrolment.user_id, lesson_id=lesson.pk, cycle=enrolment.cycle)
        done = sum(1 for block in required if block.block_id in finished)
    return LessonRequirement(kind=BLOCK_TYPE, done=done, total=len(required),
                             message=state_message(done, len(required)), template="courses/h5p/lesson_state.html")
