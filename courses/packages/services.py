"""Storing a SCORM package: check it, then unpack it into the media storage, all or nothing."""

from __future__ import annotations

import hashlib
import logging
import posixpath
import zipfile
from typing import BinaryIO

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lms.accounts.models import User

from .archive import ArchiveRefused, list_members, open_archive
from .manifest import check_package
from .models import ScormPackage

logger = logging.getLogger(__name__)
STORAGE_ROOT = "scorm"


class ScormPackageError(Exception):
    """The package is refused; ``errors`` are translated reasons (the first is the message)."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0] if errors else "")
        self.errors = list(errors)


def _checksum(upload: BinaryIO) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for block in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(block)
    upload.seek(0)
    return digest.hexdigest()


class _Counted(File):
    """A member being unpacked: refuses to give more bytes than the zip's directory claimed for it."""

    def __init__(self, stream, name: str, limit: int):
        super().__init__(stream, name=name)
        self.size_limit, self.given = limit, 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.given += len(data)
        if self.given > self.size_limit:
            raise ArchiveRefused(_("The file «%(name)s» in the archive is damaged. Export the package again.")
                                 % {"name": self.name})
        return data

    def chunks(self, chunk_size=None):
        while block := self.read(chunk_size or self.DEFAULT_CHUNK_SIZE):
            yield block

    @property
    def size(self):
        return self.size_limit


def _unpack(archive: zipfile.ZipFile, prefix: str, written: list[str], *, skip=None) -> None:
    """Write every member under ``prefix`` (those ``skip(name)`` names left out), listing each in ``written`` before
    it is written, so that the caller can delete all of them after a failure. Also H5P content's (h5p/services.py)."""
    storage = default_storage
    for name, info in list_members(archive).members.items():
        if skip is not None and skip(name):
            continue
        target = prefix + name
        if storage.exists(target):  # debris of an earlier failure: never mix it in, never delete what is not ours
            raise ArchiveRefused(_("The storage folder %(folder)s is not empty. Try again.") % {"folder": prefix})
        # Listed before writing: a write that fails halfway (a damaged member, a full disk) leaves part of a file.
        written.append(target)
        with archive.open(info) as stream:
            saved = storage.save(target, _Counted(stream, posixpath.basename(name), info.file_size))
        if saved != target:
            written.append(saved)
            raise ArchiveRefused(_("The storage folder %(folder)s is not empty. Try again.") % {"folder": prefix})


def _delete(written: list[str]) -> None:
    for name in written:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except Exception:          # noqa: BLE001 - cleaning up after a failure must not hide the failure
            logger.exception("could not delete %s after a failed SCORM upload", name)


@transaction.atomic
def scorm_package_store(*, upload: BinaryIO, actor: User | None, title: str = "") -> ScormPackage:
    """Check ``upload`` (a zip file object), then store its row and unpack its files under ``scorm/<id>/``.

    Nothing survives a refusal or a failure: the row is rolled back and the files written so far are deleted.
    The same zip (by SHA-256) is stored once: a second upload is refused with the title of the first.
    """
    check = check_package(upload)
    if not check.ok:
        raise ScormPackageError(check.errors)
    checksum = _checksum(upload)
    existing = ScormPackage.objects.filter(checksum=checksum).first()
    if existing is not None:
        raise ScormPackageError([_("This package has already been uploaded: «%(title)s».")
                                 % {"title": existing.title}])
    written: list[str] = []
    try:
        with transaction.atomic():
            package = ScormPackage.objects.create(
                title=(title.strip() or check.title)[:300], version=check.version, checksum=checksum,
                scos=[sco.as_dict() for sco in check.scos], file_count=check.member_count,
                unpacked_bytes=check.total_bytes, uploaded_by=actor)
            package.storage_prefix = f"{STORAGE_ROOT}/{package.pk}/"
            package.save(update_fields=["storage_prefix"])
            upload.seek(0)
            with open_archive(upload) as archive:
                _unpack(archive, package.storage_prefix, written)
    except ArchiveRefused as refusal:
        _delete(written)
        raise ScormPackageError([str(refusal)]) from None
    except IntegrityError:
        _delete(written)
        raise ScormPackageError([_("This package has already been uploaded.")]) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        _delete(written)
        logger.warning("SCORM package could not be unpacked: %s", error)
        raise ScormPackageError([_("The archive could not be unpacked: it is damaged, or the storage is not "
                                   "available. Nothing was saved; try again.")]) from None
    except BaseException:
        _delete(written)
        raise
    return package


@transaction.atomic
def scorm_package_delete(*, package: ScormPackage) -> None:
    """Delete the package's row, then its files (after the commit, so a rollback keeps them). Refused while a SCORM
    lesson (published or a draft) plays it: its learners' attempts and the lesson itself would be lost."""
    using = list(package.lessons.order_by("path").values_list("title", flat=True)[:10])
    if using:
        raise ScormPackageError([_("The package is used in lessons: %(lessons)s. Remove it from them first.")
                                 % {"lessons": ", ".join(f"«{title}»" for title in using)}])
    prefix = package.storage_prefix
    names = _stored_names(prefix) if prefix else []
    package.delete()
    transaction.on_commit(lambda: _delete(names))


def _stored_names(prefix: str) -> list[str]:
    names, folders = [], [prefix.rstrip("/")]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError):
            continue
        names += [f"{folder}/{name}" for name in files]
        folders += [f"{folder}/{name}" for name in subfolders]
    return names
