"""Storing an H5P file (all or nothing, once per file, deletion) and serving its files: through the media storage,
with safe headers, only to people who study a lesson that plays it and to staff."""

import pytest
from django.urls import reverse

from courses.models import H5PContent
from courses.packages.h5p import services
from courses.packages.h5p.services import H5PContentError, h5p_content_store
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

from .. import h5p_builders as hb
from .conftest import h5p_block, h5p_upload

pytestmark = pytest.mark.django_db


def file_url(lesson, content, path):
    return reverse("courses:h5p_file", args=[lesson.pk, content.pk, path])


def test_stored_under_its_own_folder(quiz_content, media, administrator):
    assert quiz_content.storage_prefix == f"h5p/{quiz_content.pk}/"
    assert quiz_content.main_library == "H5P.KuzbassQuiz 1.0" and quiz_content.title == "Проверка: фонд библиотеки"
    assert quiz_content.file_count == 5 and quiz_content.uploaded_by == administrator
    stored = sorted(str(path.relative_to(media / quiz_content.storage_prefix))
                    for path in (media / quiz_content.storage_prefix).rglob("*") if path.is_file())
    assert stored == sorted(hb.quiz_files())


def test_the_same_file_is_stored_once(quiz_content, administrator):
    with pytest.raises(H5PContentError) as refused:
        h5p_content_store(upload=h5p_upload(hb.quiz_h5p()), actor=administrator)
    assert "уже загружен: «Проверка: фонд библиотеки»" in str(refused.value)
    assert H5PContent.objects.count() == 1


def test_a_failure_while_unpacking_leaves_nothing(media, administrator, monkeypatch):
    from django.core.files.storage import default_storage

    real_save, calls = default_storage.save, []

    def failing_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", failing_save)
    with pytest.raises(H5PContentError) as refused:
        h5p_content_store(upload=h5p_upload(hb.quiz_h5p()), actor=administrator)
    assert "Ничего не сохранено" in str(refused.value)
    assert H5PContent.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))


def test_content_used_by_a_lesson_is_not_deleted(h5p_lesson, quiz_content, django_capture_on_commit_callbacks,
                                                  media):
    with pytest.raises(H5PContentError) as refused:
        services.h5p_content_delete(content=quiz_content)
    assert "используется в уроках: «Проверка фонда»" in str(refused.value)
    h5p_lesson.body = [("paragraph", "<p>Без задания.</p>")]
    h5p_lesson.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        services.h5p_content_delete(content=quiz_content)
    assert H5PContent.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))


def test_a_learner_of_the_course_gets_the_files_with_safe_headers(client, h5p_lesson, quiz_content, studying):
    client.force_login(studying.user)
    response = client.get(file_url(h5p_lesson, quiz_content, "H5P.KuzbassQuiz-1.0/kuzbass-quiz.js"))
    assert response.status_code == 200
    assert b"H5P.KuzbassQuiz" in b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/javascript"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    json_response = client.get(file_url(h5p_lesson, quiz_content, "content/content.json"))
    assert json_response["Content-Type"] == "application/json"


@pytest.mark.parametrize("path", ["../h5p.json", "content/../h5p.json", "content//content.json", "./h5p.json",
                                  "content/missing.json", "content/x.html", ".htaccess"])
def test_paths_outside_the_content_or_of_refused_kinds_are_not_found(client, h5p_lesson, quiz_content, studying,
                                                                       path):
    client.force_login(studying.user)
    assert client.get(f"/learning/h5p/{h5p_lesson.pk}/{quiz_content.pk}/{path}").status_code == 404


def test_people_who_do_not_study_the_lesson_get_nothing(client, h5p_lesson, quiz_content, h5p_course):
    url = file_url(h5p_lesson, quiz_content, "h5p.json")
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory(role=Role.LEARNER))  # not enrolled
    assert client.get(url).status_code == 404
    other_lesson = pages.lesson(h5p_course)  # a lesson without this content does not open it either
    enrolled = UserFactory(role=Role.LEARNER)
    from courses.services import enrolment_create

    enrolment_create(user=enrolled, course=h5p_course, source="self")
    client.force_login(enrolled)
    assert client.get(file_url(other_lesson, quiz_content, "h5p.json")).status_code == 404
    assert client.get(url).status_code == 200


def test_staff_read_any_content(client, quiz_content, h5p_lesson):
    client.force_login(UserFactory(role=Role.TRAINER))
    assert client.get(file_url(h5p_lesson, quiz_content, "h5p.json")).status_code == 200


def test_a_lesson_with_an_h5p_block_keeps_its_other_blocks(h5p_course, quiz_content, client, studying):
    lesson = pages.lesson(h5p_course, body=[h5p_block(quiz_content, block_id="a", required=False)])
    client.force_login(studying.user)
    page = client.get(lesson.url).content.decode()
    assert 'data-h5p-path="/learning/h5p/%d/%d/"' % (lesson.pk, quiz_content.pk) in page
    assert "нужен JavaScript" in page
    assert "Отметить как изученный" in page or "Урок изучен" in page  # an optional task does not hold the lesson


def test_a_lesson_without_h5p_loads_no_player(client, h5p_course, studying):
    lesson = pages.lesson(h5p_course)
    client.force_login(studying.user)
    page = client.get(lesson.url).content.decode()
    assert "h5p-standalone" not in page and "h5p-lesson.js" not in page  # the page keeps its weight budget
    assert "Отметить как изученный" in page


def test_leftovers_of_a_rolled_back_upload_do_not_block_the_next(media, administrator):
    """SQLite gives the id of a rolled-back row again: files left under its folder are not the new content's."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        h5p_content_store(upload=h5p_upload(hb.quiz_h5p()), actor=administrator)
        raise RuntimeError("the surrounding work failed")
    content = h5p_content_store(upload=h5p_upload(hb.quiz_h5p(**{"content/notes.txt": "Новое"})), actor=administrator)
    stored = sorted(str(path.relative_to(media / content.storage_prefix))
                    for path in (media / content.storage_prefix).rglob("*") if path.is_file())
    assert "content/notes.txt" in stored and len(stored) == 6
