"""The demo's SCORM lesson (cms/demo_scorm.py): a real Russian SCORM 1.2 package stored through the package service,
a required lesson completed by «passed» placed after the course's lessons and before its final quiz; twice changes
nothing; a folder left over in the media storage does not stop it."""

import io
import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from cms.demo import demo_seed
from cms.demo_scorm import COURSE_SLUG, LESSON_SLUG, TITLE, demo_package, scorm_demo_seed
from courses.models import CourseModulePage, CoursePage, QuizPage, ScormLessonPage, ScormPackage
from courses.packages.manifest import check_package
from tests.factories import courses as pages
from tests.factories import scorm

pytestmark = pytest.mark.django_db


def test_demo_has_a_scorm_lesson_before_the_final_quiz_and_twice_changes_nothing():
    demo_seed()
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    lesson = ScormLessonPage.objects.get(slug=LESSON_SLUG)
    assert lesson.live and lesson.title == TITLE and lesson.get_parent().pk == course.pk
    assert lesson.is_required and lesson.completion_mode == ScormLessonPage.CompletionMode.PASSED
    siblings = [page.specific_class for page in course.get_children().order_by("path")]
    position = siblings.index(ScormLessonPage)
    assert set(siblings[:position]) == {CourseModulePage} and siblings[position + 1:] == [QuizPage]

    package = lesson.package
    assert package.version == "1.2" and package.title == TITLE and package.uploaded_by.email.startswith("admin@")
    assert package.scos == [{"identifier": "SCO-READER-SERVICE", "title": TITLE, "launch": "index.html",
                             "mastery_score": "75"}]
    launch = default_storage.open(package.launch_path(0)).read().decode()
    assert "<h1>Правила обслуживания читателей: интерактивный практикум</h1>" in launch
    config = json.loads(launch.split('id="sco-config">', 1)[1].split("</script>", 1)[0])
    assert len(config["pages"]) == 5 and sum(1 for p in config["pages"] if p["question"]) == 4
    assert default_storage.exists(f"{package.storage_prefix}sco.js")
    manifest = default_storage.open(f"{package.storage_prefix}imsmanifest.xml").read().decode()
    assert "<adlcp:masteryscore>75</adlcp:masteryscore>" in manifest

    assert demo_seed().changed == 0
    assert ScormPackage.objects.count() == 1 and ScormLessonPage.objects.count() == 1


def test_demo_package_is_the_same_zip_every_time_and_passes_the_check(tmp_path):
    data = demo_package()
    assert data == demo_package()
    check = check_package(io.BytesIO(data))
    assert check.ok and check.warnings == [] and check.version == "1.2"
    path = tmp_path / "demo.zip"
    path.write_bytes(data)
    out = StringIO()
    call_command("scorm_inspect", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["scos"] == [
        {"identifier": "SCO-READER-SERVICE", "title": TITLE, "launch": "index.html", "mastery_score": "75"}]


def test_a_leftover_folder_where_the_package_would_go_is_cleared_and_owned_folders_stay():
    course = pages.course(slug=COURSE_SLUG)
    owned = scorm.package(title="Пакет преподавателя")
    # (names as the storage gives them: an earlier test's rolled-back rows may have left files at the same paths)
    owned_file = default_storage.save(f"{owned.storage_prefix}index.html", ContentFile(b"<p>owned</p>"))
    # The id the demo's package will get: one past a row made and deleted now (ids are not reused).
    probe = scorm.package(title="Проба")
    next_id = probe.pk + 1
    probe.delete()
    leftover = f"scorm/{next_id}/imsmanifest.xml"
    default_storage.save(leftover, ContentFile(b"<manifest/>"))
    old_script = default_storage.save(f"scorm/{next_id}/deep/old.js", ContentFile(b"var x;"))

    assert scorm_demo_seed() == 1
    package = ScormLessonPage.objects.get(slug=LESSON_SLUG).package
    assert default_storage.exists(package.launch_path(0))
    assert not default_storage.exists(old_script)
    if package.pk == next_id:  # SQLite gives the rolled-back id again; PostgreSQL's sequence has moved on
        assert default_storage.open(leftover).read() != b"<manifest/>"  # the demo's own manifest now
    else:
        assert package.pk == next_id + 1 and not default_storage.exists(leftover)
    assert default_storage.open(owned_file).read() == b"<p>owned</p>"
    assert ScormLessonPage.objects.child_of(course).count() == 1
