"""Bounds on uploaded files, checked before a file is parsed, and on what parsing may produce.

A small upload must not become a large one on the way in: an XLSX workbook is a zip archive whose members can
unpack to a thousand times their size, a CSV or a question file can hold one cell or field of megabytes, and
whatever is read is shown on a preview page and kept in the session until it is confirmed. Every reader of
uploads (the staff list, the GIFT and Moodle XML question files) refuses, with a message in the uploader's
language, a file over these bounds before it stores or shows anything of it.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

# XLSX (a zip archive): a staff list of 5,000 people unpacks to 2 or 3 MB; Excel writes 10 to 20 members.
MAX_ARCHIVE_MEMBERS = 200
MAX_ARCHIVE_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
# A cell or field of a table: the longest real value is a library's full name (about 200 characters).
MAX_CELL_CHARS = 500
# Only the first columns of a table are read: a staff list has four to seven.
MAX_COLUMNS = 50
# Everything kept of one table (the preview and the session hold it until it is confirmed).
MAX_TABLE_CHARS = 2_000_000


class UploadRefused(ValueError):
    """The file is over a bound; ``str(error)`` is the message for the person who uploaded it."""


def check_zip_archive(data: bytes, *, max_members: int = MAX_ARCHIVE_MEMBERS,
                      max_uncompressed: int = MAX_ARCHIVE_UNCOMPRESSED_BYTES) -> None:
    """Refuse an archive with too many members or whose members would unpack to more than ``max_uncompressed``.

    Reads only the archive's central directory. The sizes it declares are what Python's zipfile (and so openpyxl)
    will unpack at most: a member that inflates past its declared size fails its check instead."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(_("The file is not a readable archive (XLSX is a zip archive).")) from exc
    if len(members) > max_members:
        raise UploadRefused(_("The file is refused: it holds %(count)d parts, at most %(max)d are accepted.")
                            % {"count": len(members), "max": max_members})
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise UploadRefused(_("The file is refused: unpacked it would take %(size)d MB, at most %(max)d MB are "
                              "accepted.") % {"size": total // 2**20, "max": max_uncompressed // 2**20})


class TableBudget:
    """Counts the cells read from a table and refuses one that is too long, or a table that holds too much."""

    def __init__(self, *, max_cell: int = MAX_CELL_CHARS, max_total: int = MAX_TABLE_CHARS):
        self.max_cell, self.max_total, self.total = max_cell, max_total, 0

    def row(self, line: int, cells: list[str]) -> list[str]:
        for column, cell in enumerate(cells, start=1):
            if len(cell) > self.max_cell:
                raise UploadRefused(_("The file is refused: the cell on line %(line)d, column %(column)d, holds "
                                      "%(length)d characters, at most %(max)d are accepted.")
                                    % {"line": line, "column": column, "length": len(cell), "max": self.max_cell})
            self.total += len(cell)
        if self.total > self.max_total:
            raise UploadRefused(_("The file is refused: it holds more than %(max)d characters of text.")
                                % {"max": self.max_total})
        return cells
