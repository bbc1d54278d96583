"""SCORM packages and H5P content live in Django's media storage and are read only through its API, so a storage
without local files (S3 through django-storages in production) works the same. Django's InMemoryStorage stands in
for S3 here: its files are in memory, not on disk, so code that reached for a local file (``storage.path()`` then
``open``) would find nothing, and the media folder stays empty."""

from __future__ import annotations

import pytest
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from courses import services
from courses.packages.h5p.services import h5p_content_store
from courses.packages.services import scorm_package_delete, scorm_package_store
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

from . import builders as b
from . import h5p_builders as hb

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_without_files(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert isinstance(storages["default"], InMemoryStorage)
    yield
    media = tmp_path / "media"
    assert not media.exists() or not any(media.rglob("*"))  # nothing went to the local disk


def learner_client(course, password) -> Client:
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    client = Client()
    assert client.login(email=person.email, password=password)
    return client


def test_a_scorm_package_is_stored_served_and_deleted_through_the_storage_api(administrator, password,
                                                                            django_capture_on_commit_callbacks):
    package = scorm_package_store(upload=SimpleUploadedFile("p.zip", b.multi_sco_12()), actor=administrator)
    launch = package.launch_path(0).split("?")[0]
    assert default_storage.exists(launch)
    course = pages.course()
    lesson = scorm.scorm_lesson(course, package_row=package)
    response = learner_client(course, password).get(f"/scorm/content/{package.pk}/{launch[len(package.storage_prefix):]}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == default_storage.open(launch).read()
    assert response["X-Content-Type-Options"] == "nosniff"
    lesson.delete()
    with django_capture_on_commit_callbacks(execute=True):
        scorm_package_delete(package=package)
    assert not default_storage.exists(launch)


def test_h5p_content_is_stored_and_served_through_the_storage_api(administrator, password):
    content = h5p_content_store(upload=SimpleUploadedFile("quiz.h5p", hb.quiz_h5p()), actor=administrator)
    assert default_storage.exists(content.storage_prefix + "h5p.json")
    course = pages.course()
    lesson = pages.lesson(course, body=[
        {"type": "h5p", "id": "task-1", "value": {"content": content.pk, "required": True, "title": ""}}])
    response = learner_client(course, password).get(
        reverse("courses:h5p_file", args=[lesson.pk, content.pk, "h5p.json"]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == default_storage.open(content.storage_prefix + "h5p.json").read()
