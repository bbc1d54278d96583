"""The SCORM side: one small SCORM 1.2 package made here, a SCORM lesson in some of the courses, and the attempts of
the learners who finished (or began) those lessons.

The package is checked by the same check as an upload (``check_package``) and its row says what the check found.
Its files are stored under a folder named by the zip's checksum, not by the row's id as an upload's are: the zip is
the same bytes every time, so a rebuilt or rolled-back dataset (the query budgets build S and M in savepoints) finds
the same files in the same place instead of a folder left by an earlier build.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from courses.models import CourseModulePage, ScormAttempt, ScormLessonPage, ScormPackage, ScormScoState
from courses.packages.manifest import check_package
from lms.accounts.models import User

from .sizes import LoadSize
from .writing import bulk

if TYPE_CHECKING:
    from .pages import CourseTree
    from .records import Plan

PACKAGE_TITLE = "Электронный каталог: интерактивный урок"
SCO_ID = "SCO-KATALOG"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # fixed member times: the same bytes, the same checksum, on every build

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kuzbass-load-katalog" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG-KATALOG">
    <organization identifier="ORG-KATALOG">
      <title>{title}</title>
      <item identifier="ITEM-KATALOG" identifierref="{sco}">
        <title>Поиск в электронном каталоге</title>
        <adlcp:masteryscore>70</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{sco}" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

# The learning object: finds the LMS's API the way authoring tools do (up the parent frames), resumes where the
# learner stopped, and reports completed with a score when the learner says the task is done.
SCO_PAGE = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Поиск в электронном каталоге</title></head>
<body>
<h1>Поиск в электронном каталоге</h1>
<p>Найдите в электронном каталоге библиотеки три книги о Кузбассе, изданные после 2020 года, и запишите их шифры.</p>
<p id="where"></p>
<button type="button" id="done">Задание выполнено</button>
<script>
(function () {
  var api = null, win = window;
  for (var depth = 0; win && depth < 8 && !api; depth++) {
    api = win.API || null;
    win = win.parent === win ? null : win.parent;
  }
  if (!api) { document.getElementById("where").textContent = "Урок открыт без системы обучения."; return; }
  api.LMSInitialize("");
  var place = api.LMSGetValue("cmi.core.lesson_location");
  document.getElementById("where").textContent = place ? "Вы остановились: " + place + "." : "";
  if (api.LMSGetValue("cmi.core.lesson_status") === "not attempted") {
    api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  }
  api.LMSSetValue("cmi.core.lesson_location", "задание-1");
  api.LMSCommit("");
  document.getElementById("done").addEventListener("click", function () {
    api.LMSSetValue("cmi.core.score.raw", "100");
    api.LMSSetValue("cmi.core.lesson_status", "passed");
    api.LMSCommit("");
    api.LMSFinish("");
  });
}());
</script>
</body></html>
"""


def package_zip() -> bytes:
    """The package's zip, the same bytes on every call."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("imsmanifest.xml", MANIFEST.format(title=PACKAGE_TITLE, sco=SCO_ID)),
                           ("index.html", SCO_PAGE)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def package_store(trainer: User) -> ScormPackage:
    """The package's row (one per database) and its files in the media storage (written once per storage)."""
    data = package_zip()
    check = check_package(io.BytesIO(data))
    if not check.ok:  # our own package: a refusal here is a bug in this module, said plainly
        raise AssertionError(f"the load dataset's SCORM package is refused: {check.errors}")
    checksum = hashlib.sha256(data).hexdigest()
    prefix = f"scorm/load-{checksum[:16]}/"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if not default_storage.exists(prefix + name):
                default_storage.save(prefix + name, ContentFile(archive.read(name)))
    package = ScormPackage.objects.filter(checksum=checksum).first()
    if package is None:
        package = ScormPackage.objects.create(
            title=check.title or PACKAGE_TITLE, version=check.version, checksum=checksum,
            scos=[sco.as_dict() for sco in check.scos], file_count=check.member_count,
            unpacked_bytes=check.total_bytes, storage_prefix=prefix, uploaded_by=trainer)
    return package


def scorm_lessons_write(size: LoadSize, trees: list[CourseTree], trainer: User, now) -> ScormPackage | None:
    """A SCORM lesson at the end of the last module of `size.scorm_courses` courses, spread evenly (with L: every
    tenth course). Added through treebeard: ten pages, so the bulk writing of the other lessons is not needed."""
    count = min(size.scorm_courses, len(trees))
    if not count:
        return None
    package = package_store(trainer)
    for index in sorted({i * len(trees) // count for i in range(count)}):
        tree = trees[index]
        module = CourseModulePage.objects.child_of(tree.course).order_by("-path").first()
        lesson = ScormLessonPage(
            title="Интерактивный урок. Поиск в электронном каталоге", slug="interaktivnyj-urok", package=package,
            intro="<p>Упражнение в электронном каталоге. Урок запоминает, где вы остановились.</p>",
            estimated_minutes=30, is_required=True, completion_mode=ScormLessonPage.CompletionMode.COMPLETED,
            first_published_at=now, last_published_at=now)
        module.add_child(instance=lesson)
        tree.scorm = lesson
    return package


def _suspend_data(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def scorm_records_write(plans: list[Plan], rng: random.Random, now) -> int:
    """The SCORM attempts: a finished one (completed, passed, the moment the course was completed) for every
    completed enrolment of a course with a SCORM lesson, and one left halfway for some of those studying it."""
    attempts, states = [], []
    for plan in plans:
        lesson = plan.tree.scorm
        enrolment = plan.enrolment
        if lesson is None or enrolment is None:
            continue
        if plan.scorm_done:
            done_at = enrolment.completed_at - datetime.timedelta(seconds=1)
            started = done_at - datetime.timedelta(minutes=rng.randint(20, 90))
            score = Decimal(rng.randint(70, 100))
            attempt = ScormAttempt(user_id=plan.user.pk, lesson_id=lesson.pk, number=1, completion_status="completed",
                                   success_status="passed", score_percent=score, total_seconds=Decimal(1500),
                                   started_at=started, updated_at=done_at, satisfied_at=done_at)
            state = ScormScoState(sco=SCO_ID, completion_status="completed", success_status="passed", score_raw=score,
                                  data={"cmi.core.lesson_status": "passed", "cmi.core.score.raw": str(score),
                                        "cmi.core.lesson_location": "задание-3"},
                                  location="задание-3", total_seconds=Decimal(1500), sessions=2,
                                  session_seconds={"1": "900", "2": "600"}, revision=12, updated_at=done_at)
        elif (plan.status == "active" and plan.lessons_done >= len(plan.tree.lessons) // 2
              and rng.random() < 0.4):
            moment = (enrolment.last_activity_at or plan.created_at) + datetime.timedelta(minutes=5)
            moment = min(moment, now - datetime.timedelta(minutes=5))
            suspend = _suspend_data(rng, rng.randint(100, 600))
            attempt = ScormAttempt(user_id=plan.user.pk, lesson_id=lesson.pk, number=1,
                                   completion_status="incomplete", total_seconds=Decimal(600),
                                   started_at=moment - datetime.timedelta(minutes=10), updated_at=moment)
            state = ScormScoState(sco=SCO_ID, completion_status="incomplete",
                                  data={"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": suspend,
                                        "cmi.core.lesson_location": "задание-1"},
                                  location="задание-1", suspend_data=suspend, total_seconds=Decimal(600), sessions=1,
                                  session_seconds={"1": "600"}, revision=20, updated_at=moment)
        else:
            continue
        attempts.append(attempt)
        states.append(state)
    attempts = bulk(ScormAttempt, attempts)
    if attempts and not attempts[0].pk:  # a database that does not return ids from bulk inserts
        ids = {(user, lesson): pk for pk, user, lesson in ScormAttempt.objects.values_list("pk", "user_id",
                                                                                          "lesson_id")}
        for attempt in attempts:
            attempt.pk = ids[(attempt.user_id, attempt.lesson_id)]
    for attempt, state in zip(attempts, states, strict=True):
        state.attempt_id = attempt.pk
    bulk(ScormScoState, states)
    return len(attempts)
