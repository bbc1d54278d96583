"""Storing and deleting SCORM packages (courses/packages/services.py): all or nothing in the database and the
media storage."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Max

from courses.models import ScormPackage
from courses.packages import services
from courses.packages.services import ScormPackageError, scorm_package_delete, scorm_package_store

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def upload(data: bytes, name: str = "course.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_store_unpacks_under_the_package_folder(media, administrator):
    package = scorm_package_store(upload=upload(b.multi_sco_12()), actor=administrator)
    assert package.storage_prefix == f"scorm/{package.pk}/"
    assert package.title == "Работа с читателями" and package.version == "1.2"
    assert [sco["identifier"] for sco in package.scos] == ["ITEM-1", "ITEM-2", "ITEM-3"]
    assert package.file_count == 5 and package.uploaded_by == administrator and len(package.checksum) == 64
    prefix = f"scorm/{package.pk}/"
    assert stored_files(media) == [prefix + name for name in (
        "imsmanifest.xml", "sco1/index.html", "sco2/index.html", "sco3/start.html", "shared/api.js")]
    assert default_storage.open(prefix + "sco1/index.html").read().decode() == b.SCO_HTML
    assert package.launch_path(2) == prefix + "sco3/start.html?mode=test"


def test_a_title_given_at_upload_wins(media, administrator):
    package = scorm_package_store(upload=upload(b.sco_2004()), actor=administrator, title="  Мой курс ")
    assert package.title == "Мой курс" and package.version == "2004 4th"


def test_refused_package_writes_nothing(media, administrator):
    with pytest.raises(ScormPackageError) as refusal:
        scorm_package_store(upload=upload(b.build_zip({"Курс/imsmanifest.xml": "<manifest/>"})), actor=administrator)
    assert "Упакуйте содержимое папки, а не саму папку" in refusal.value.errors[0]
    assert ScormPackage.objects.count() == 0 and stored_files(media) == []


def test_same_zip_is_stored_once(media, administrator):
    data = b.single_sco_12()
    scorm_package_store(upload=upload(data), actor=administrator)
    with pytest.raises(ScormPackageError, match="Этот пакет уже загружен: «Основы каталогизации»"):
        scorm_package_store(upload=upload(data), actor=administrator)
    assert ScormPackage.objects.count() == 1 and len(stored_files(media)) == 3


def test_damaged_member_found_while_unpacking_leaves_nothing(media, administrator):
    data = bytearray(b.build_zip({"imsmanifest.xml": _manifest_of(b.single_sco_12()),
                                  "index.html": b.SCO_HTML, "style.css": "p{color:red}" * 50},
                                 compression=zipfile.ZIP_STORED))
    data[data.index(b"p{color:red}") + 3] = ord("X")        # the CRC of style.css no longer matches
    with pytest.raises(ScormPackageError, match="Ничего не сохранено"):
        scorm_package_store(upload=upload(bytes(data)), actor=administrator)
    assert ScormPackage.objects.count() == 0 and stored_files(media) == []


def test_storage_failure_midway_deletes_what_was_written(media, administrator, monkeypatch):
    real_save, calls = default_storage.save, []

    def failing_save(name, content, *args, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(name, content, *args, **kwargs)

    monkeypatch.setattr(services.default_storage, "save", failing_save)
    with pytest.raises(ScormPackageError, match="хранилище недоступно"):
        scorm_package_store(upload=upload(b.multi_sco_12()), actor=administrator)
    assert len(calls) == 3
    assert ScormPackage.objects.count() == 0 and stored_files(media) == []


def next_package_pk() -> int:
    """The id the next package will get: PostgreSQL's sequence does not go back when a test's rows are rolled back."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [ScormPackage._meta.db_table])
            return cursor.fetchone()[0] + 1
    return (ScormPackage.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def test_leftover_files_in_the_folder_are_not_mixed_in(media, administrator):
    folder = f"scorm/{next_package_pk()}"
    (media / folder).mkdir(parents=True)
    (media / folder / "imsmanifest.xml").write_text("old")
    with pytest.raises(ScormPackageError, match="не пуста"):
        scorm_package_store(upload=upload(b.single_sco_12()), actor=administrator)
    assert ScormPackage.objects.count() == 0
    assert stored_files(media) == [f"{folder}/imsmanifest.xml"]


def test_delete_removes_row_and_files(media, administrator, django_capture_on_commit_callbacks):
    package = scorm_package_store(upload=upload(b.multi_sco_12()), actor=administrator)
    other = scorm_package_store(upload=upload(b.single_sco_12()), actor=administrator)
    with django_capture_on_commit_callbacks(execute=True):
        scorm_package_delete(package=package)
    assert list(ScormPackage.objects.all()) == [other]
    assert stored_files(media) == [f"scorm/{other.pk}/{name}" for name in ("imsmanifest.xml", "index.html",
                                                                            "style.css")]


def _manifest_of(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("imsmanifest.xml")
