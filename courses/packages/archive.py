"""The zip of a package, checked before anything is read from it or stored.

Refused: not a zip or a damaged one, encrypted members, compression methods Python cannot read, member paths that
are absolute (``/x``, ``C:\\x``) or climb out (``../``), symbolic links, and archive bombs: too many members, too
much uncompressed data, a large member squeezed beyond the allowed compression ratio. The limits are settings
(``SCORM_MAX_MEMBERS``, ``SCORM_MAX_UNCOMPRESSED_BYTES``, ``SCORM_MAX_COMPRESSION_RATIO``). The sizes in a zip's
directory are what its author claims: whoever extracts members reads them through ``read_member`` (or counts the
bytes it writes), which stops at the claimed size instead of trusting it.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_MEMBERS = 5_000
DEFAULT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 100
# Small files of repeated characters (blank CSS, empty JSON) compress far beyond any sane ratio and harm nobody:
# the ratio is checked on members at least this large.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")


class ArchiveRefused(Exception):
    """The zip cannot be accepted; the message is the translated reason."""


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_uncompressed_bytes: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        return cls(
            max_members=getattr(settings, "SCORM_MAX_MEMBERS", DEFAULT_MAX_MEMBERS),
            max_uncompressed_bytes=getattr(settings, "SCORM_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES),
            max_compression_ratio=getattr(settings, "SCORM_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO),
        )


@dataclass
class ArchiveListing:
    """The files of a checked zip: member name (with ``/`` separators) -> its ``ZipInfo``."""

    members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    total_bytes: int = 0

    def __contains__(self, name: str) -> bool:
        return name in self.members


def normalise_member_name(name: str) -> str:
    # Zips written on Windows by older tools separate folders with backslashes.
    return name.replace("\\", "/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _mb(size: int) -> int:
    return max(1, size // (1024 * 1024))


def open_archive(source: str | BinaryIO) -> zipfile.ZipFile:
    """The zip at ``source`` (a path or a binary file object), or ``ArchiveRefused``."""
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise ArchiveRefused(_("The file was not found.")) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise ArchiveRefused(_("The file is not a zip archive or the archive is damaged. Export the package "
                               "from the authoring tool again.")) from None


def list_members(archive: zipfile.ZipFile, limits: ArchiveLimits | None = None) -> ArchiveListing:
    """Check every member's path, kind and size against ``limits``; ``ArchiveRefused`` at the first problem."""
    limits = limits or ArchiveLimits.from_settings()
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveRefused(_("The archive has %(count)d files, more than the %(limit)d allowed for a package.")
                             % {"count": len(infos), "limit": limits.max_members})
    listing = ArchiveListing()
    for info in infos:
        name = normalise_member_name(info.filename)
        if name.startswith("/") or _DRIVE.match(name):
            raise ArchiveRefused(_("The archive is refused: the file «%(name)s» has an absolute path. A package "
                                   "holds only paths inside itself.") % {"name": info.filename})
        if ".." in name.split("/"):
            raise ArchiveRefused(_("The archive is refused: the path «%(name)s» leads outside the package (../).")
                                 % {"name": info.filename})
        if _is_symlink(info):
            raise ArchiveRefused(_("The archive is refused: «%(name)s» is a symbolic link. Pack the files "
                                   "themselves.") % {"name": info.filename})
        if info.flag_bits & 0x1:
            raise ArchiveRefused(_("The archive is refused: «%(name)s» is encrypted. Pack the package without "
                                   "a password.") % {"name": info.filename})
        if info.compress_type not in READABLE_METHODS:
            raise ArchiveRefused(_("The archive is refused: «%(name)s» is packed with a compression method that "
                                   "cannot be read. Pack the package again as an ordinary zip.")
                                 % {"name": info.filename})
        listing.total_bytes += info.file_size
        if listing.total_bytes > limits.max_uncompressed_bytes:
            raise ArchiveRefused(_("The archive is refused: unpacked, it would take more than %(limit)d MB.")
                                 % {"limit": _mb(limits.max_uncompressed_bytes)})
        if (info.file_size >= RATIO_CHECKED_FROM_BYTES
                and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1)):
            raise ArchiveRefused(_("The archive is refused: «%(name)s» is compressed more than %(ratio)d times, "
                                   "which is how archive bombs are made.")
                                 % {"name": info.filename, "ratio": limits.max_compression_ratio})
        if info.is_dir():
            continue
        if name in listing.members:
            raise ArchiveRefused(_("The archive is refused: the file «%(name)s» occurs twice in it.")
                                 % {"name": info.filename})
        listing.members[name] = info
    return listing


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes:
    """The content of one member, refusing it when it is larger than claimed, than ``max_bytes`` or damaged."""
    if info.file_size > max_bytes:
        raise ArchiveRefused(_("The file «%(name)s» is larger than %(limit)d MB.")
                             % {"name": info.filename, "limit": _mb(max_bytes)})
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError, ValueError):
        raise ArchiveRefused(_("The file «%(name)s» in the archive is damaged. Export the package again.")
                             % {"name": info.filename}) from None
    if len(data) > info.file_size:
        raise ArchiveRefused(_("The file «%(name)s» in the archive is damaged. Export the package again.")
                             % {"name": info.filename})
    return data
