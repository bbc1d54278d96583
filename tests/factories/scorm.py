"""SCORM lessons and their run-time records for tests: a package row as the check would store it (no files), a
lesson page in a course, attempts, SCO states and interactions. Tests that need the package's files store a built
zip through ``courses.packages.services`` instead (tests/courses/packages/builders.py)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from courses.models import ScormAttempt, ScormInteraction, ScormLessonPage, ScormPackage, ScormScoState


_counter = itertools.count(1)


def package(*, version: str = "1.2", scos: list[dict] | None = None, **fields) -> ScormPackage:
    scos = scos if scos is not None else [{"identifier": "SCO-1", "title": "Учебный объект", "launch": "index.html"}]
    count = ScormPackage.objects.count() + 1
    row = ScormPackage.objects.create(
        title=fields.pop("title", f"Пакет {count}"), version=version, scos=scos,
        checksum=fields.pop("checksum", f"{count:064x}"), file_count=len(scos), unpacked_bytes=1024, **fields)
    if not row.storage_prefix:
        row.storage_prefix = f"scorm/{row.pk}/"
        row.save(update_fields=["storage_prefix"])
    return row


def scorm_lesson(parent, *, package_row: ScormPackage | None = None, required: bool = True, live: bool = True,
                 **fields) -> ScormLessonPage:
    number = next(_counter)
    fields.setdefault("title", f"SCORM-урок {number}")
    fields.setdefault("slug", f"scorm-lesson-{number}")
    page = ScormLessonPage(package=package_row or package(), is_required=required, live=live, **fields)
    parent.add_child(instance=page)
    return page


def attempt(*, user, lesson: ScormLessonPage, number: int = 1, **fields) -> ScormAttempt:
    return ScormAttempt.objects.create(user=user, lesson=lesson, number=number, **fields)


def sco_state(attempt_row: ScormAttempt, *, sco: str = "SCO-1", **fields) -> ScormScoState:
    fields.setdefault("updated_at", timezone.now())
    return ScormScoState.objects.create(attempt=attempt_row, sco=sco, **fields)


def interaction(state: ScormScoState, *, index: int, **fields) -> ScormInteraction:
    fields.setdefault("identifier", f"q{index + 1}")
    fields.setdefault("type", "choice")
    fields.setdefault("weighting", Decimal(1))
    return ScormInteraction.objects.create(state=state, index=index, **fields)
