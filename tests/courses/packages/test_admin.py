"""SCORM packages in the Wagtail admin: upload (refusals in Russian, nothing kept), listing with a fixed number of
queries, deletion, and who may see them."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import ScormPackage
from courses.packages.services import scorm_package_store
from lms.accounts.roles import Role
from tests.factories import UserFactory

from . import builders as b

pytestmark = pytest.mark.django_db
INDEX, ADD = "scorm_packages:index", "scorm_packages:add"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def zip_upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("course.zip", data, content_type="application/zip")


def test_trainer_uploads_a_package(client, media):
    trainer = UserFactory(role=Role.TRAINER)
    client.force_login(trainer)
    form = client.get(reverse(ADD))
    assert form.status_code == 200 and "Пакет (zip)" in form.content.decode()
    response = client.post(reverse(ADD), {"title": "", "package": zip_upload(b.multi_sco_12())})
    assert response.status_code == 302
    package = ScormPackage.objects.get()
    assert package.title == "Работа с читателями" and package.uploaded_by == trainer
    assert (media / package.storage_prefix / "sco3" / "start.html").exists()
    listing = client.get(reverse(INDEX)).content.decode()
    assert "Работа с читателями" in listing and "SCORM 1.2" in listing
    edit = client.post(reverse("scorm_packages:edit", args=[package.pk]), {"title": "Работа с читателями (2026)"})
    assert edit.status_code == 302
    package.refresh_from_db()
    assert package.title == "Работа с читателями (2026)" and package.scos[2]["launch"] == "sco3/start.html?mode=test"


def test_refused_upload_shows_the_reasons_and_keeps_nothing(client, administrator, media):
    client.force_login(administrator)
    response = client.post(reverse(ADD), {"title": "Курс", "package": zip_upload(
        b.build_zip({"imsmanifest.xml": "<manifest/>", "../../etc/passwd": "x"}))})
    assert response.status_code == 200
    assert "ведёт за пределы пакета (../)" in response.content.decode()
    assert ScormPackage.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))


def test_too_large_upload_is_refused_before_reading(client, administrator, media, settings):
    client.force_login(administrator)
    settings.SCORM_MAX_UPLOAD_BYTES = 1024 * 1024
    response = client.post(reverse(ADD), {"package": zip_upload(b.single_sco_12() + b"\0" * 1024 * 1024)})
    assert response.status_code == 200 and "Файл больше 1 МБ." in response.content.decode()
    assert ScormPackage.objects.count() == 0


def test_delete_removes_the_files(client, administrator, media, django_capture_on_commit_callbacks):
    package = scorm_package_store(upload=zip_upload(b.single_sco_12()), actor=administrator)
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scorm_packages:delete", args=[package.pk]))
    assert response.status_code == 302
    assert ScormPackage.objects.count() == 0 and not any(path.is_file() for path in media.rglob("*"))


def test_a_package_played_by_a_lesson_is_not_deleted(client, administrator, media,
                                                     django_capture_on_commit_callbacks):
    from courses.packages.services import ScormPackageError, scorm_package_delete
    from tests.factories import courses as pages
    from tests.factories import scorm

    package = scorm_package_store(upload=zip_upload(b.single_sco_12()), actor=administrator)
    scorm.scorm_lesson(pages.course(), package_row=package, title="Практикум", live=False)  # a draft counts too
    client.force_login(administrator)
    page = client.get(reverse("scorm_packages:delete", args=[package.pk])).content.decode()
    assert "защищен от удаления" in page and f"/admin/scorm_packages/usage/{package.pk}/" in page  # Wagtail's own
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scorm_packages:delete", args=[package.pk]))
    with pytest.raises(ScormPackageError) as refused, django_capture_on_commit_callbacks(execute=True):
        scorm_package_delete(package=package)  # and the service, for any other caller, in our words
    assert str(refused.value) == "Пакет используется в уроках: «Практикум». Сначала уберите его из них."
    assert ScormPackage.objects.filter(pk=package.pk).exists() and any(p.is_file() for p in media.rglob("*"))


def test_learners_and_heads_have_no_access(client):
    for role in (Role.LEARNER, Role.LIBRARY_HEAD):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse(INDEX)).status_code in (302, 403)


def test_listing_does_a_fixed_number_of_queries(client, administrator, media):
    client.force_login(administrator)
    uploaders = UserFactory.create_batch(3, role=Role.TRAINER)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            manifest = b.manifest_12(f"Пакет {number}", [{"id": "I", "ref": "R", "title": "Урок"}],
                                     [{"id": "R", "href": "index.html"}])
            scorm_package_store(upload=zip_upload(b.build_zip({"imsmanifest.xml": manifest,
                                                               "index.html": b.SCO_HTML})),
                                actor=uploaders[number % 3])

    def count() -> int:
        client.get(reverse(INDEX))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(INDEX))
        assert response.status_code == 200
        return len(queries)

    add(2, 0)
    small = count()
    add(12, 2)
    assert count() == small
    assert "14 пакетов" in client.get(reverse(INDEX)).content.decode()
