"""Reading a staff list (CSV or XLSX) into rows with their problems. Writes nothing. A person is matched by e-mail:
a new address is a new person, a known one is an update of that person (see staff_sync.py).

Columns (header row, any order, case-insensitive): «ФИО» — or «Фамилия», «Имя», «Отчество» —, «E-mail»,
«Библиотека» (full or short name, or the directory code), «Должность».
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lms.libraries.models import Library
from lms.uploads import MAX_COLUMNS, TableBudget, UploadRefused, check_zip_archive

from .validators import normalize_name, validate_person_name

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

HEADER_ALIASES = {
    "full_name": {"фио", "ф.и.о.", "ф. и. о.", "full name", "name"},
    "last_name": {"фамилия", "surname", "last name"},
    "first_name": {"имя", "first name"},
    "patronymic": {"отчество", "patronymic"},
    "email": {"e-mail", "email", "электронная почта", "эл. почта", "почта"},
    "library": {"библиотека", "library", "учреждение"},
    "position": {"должность", "position"},
}


class StaffFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


@dataclass
class StaffRow:
    line: int
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    email: str = ""
    library_text: str = ""
    library_id: int | None = None
    library_name: str = ""
    position: str = ""
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _decode(data: bytes) -> str:
    # Russian spreadsheets are saved as UTF-8 or as Windows-1251 (Excel's «CSV» on Russian Windows).
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="strict") if _looks_like_cp1251(data) else None
    if text is None:
        raise StaffFileError(_("The file is neither UTF-8 nor Windows-1251 text. Save it as «CSV UTF-8» and try again."))
    return text


def _looks_like_cp1251(data: bytes) -> bool:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return False
    # Real Windows-1251 text is Cyrillic letters, ASCII and common punctuation; binary junk is not.
    allowed = sum(
        1 for ch in text
        if (ch.isascii() and (ch.isprintable() or ch in "\t\r\n")) or "\u0400" <= ch <= "\u04ff" or ch in "«»—–№’"
    )
    return allowed / max(len(text), 1) > 0.98


def _read_csv(data: bytes) -> list[list[str]]:
    text = _decode(data)
    if "\x00" in text:
        raise StaffFileError(_("The file contains binary data and is not a CSV table."))
    if text.count("\n") > MAX_ROWS + 1000:  # before parsing: a row per line, give or take blank lines
        raise StaffFileError(_("At most %(max)d people per file.") % {"max": MAX_ROWS})
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text.count(";") > text.count(",") else ","
    budget, rows = TableBudget(), []
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            rows.append(budget.row(len(rows) + 1, row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise StaffFileError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc
    except UploadRefused as exc:
        raise StaffFileError(str(exc)) from exc
    return rows


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        check_zip_archive(data)  # before openpyxl unpacks anything
    except UploadRefused as exc:
        raise StaffFileError(str(exc)) from exc
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise StaffFileError(_("The file is not a readable Excel (XLSX) workbook.")) from exc
    budget, rows = TableBudget(), []
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append(budget.row(len(rows) + 1, ["" if value is None else str(value) for value in values]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except UploadRefused as exc:
        raise StaffFileError(str(exc)) from exc
    finally:
        workbook.close()


def read_table(*, data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_FILE_BYTES:
        raise StaffFileError(_("The file is larger than 5 MB."))
    if not data.strip():
        raise StaffFileError(_("The file is empty."))
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(data)
    raise StaffFileError(_("Upload a CSV or XLSX file."))


def _header_map(header: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        key = " ".join(title.strip().lower().split())
        for field_name, aliases in HEADER_ALIASES.items():
            if key in aliases and field_name not in mapping:
                mapping[field_name] = index
    has_name = "full_name" in mapping or {"last_name", "first_name"} <= mapping.keys()
    missing = []
    if not has_name:
        missing.append("ФИО")
    if "email" not in mapping:
        missing.append("E-mail")
    if "library" not in mapping:
        missing.append("Библиотека")
    if "position" not in mapping:
        missing.append("Должность")
    if missing:
        raise StaffFileError(
            _("The header row lacks the columns: %(columns)s. Expected: ФИО, E-mail, Библиотека, Должность.")
            % {"columns": ", ".join(missing)}
        )
    return mapping


def _library_index() -> dict[str, Library]:
    index: dict[str, Library] = {}
    for library in Library.objects.filter(is_active=True):
        for key in (library.code, library.name, library.short_name):
            index[_library_key(key)] = library
    return index


def _library_key(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace('"', "«").lower().split())


def parse_staff_rows(*, table: list[list[str]]) -> list[StaffRow]:
    """Turn the table into rows, each with the problems that would stop it from being imported. An address that
    already has an account is no problem: that person's data is updated (lms.accounts.staff_sync)."""
    from .models import normalize_email

    non_empty = [(number, row) for number, row in enumerate(table, start=1) if any(cell.strip() for cell in row)]
    if not non_empty:
        raise StaffFileError(_("The file is empty."))
    header_line, header = non_empty[0]
    mapping = _header_map(header)
    body = non_empty[1:]
    if not body:
        raise StaffFileError(_("The file has a header but no people."))
    if len(body) > MAX_ROWS:
        raise StaffFileError(_("At most %(max)d people per file.") % {"max": MAX_ROWS})

    libraries = _library_index()
    seen_emails: dict[str, int] = {}
    rows = []
    for line, cells in body:
        def cell(name: str) -> str:
            index = mapping.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row = StaffRow(line=line)
        if "full_name" in mapping:
            parts = normalize_name(cell("full_name")).split(" ")
            parts = [p for p in parts if p]
            if len(parts) > 3:
                row.problems.append(_("Full name must be surname, first name and patronymic."))
            row.last_name, row.first_name, row.patronymic = (parts + ["", "", ""])[:3] if len(parts) <= 3 else (
                parts[0], parts[1], " ".join(parts[2:]))
        else:
            row.last_name = normalize_name(cell("last_name"))
            row.first_name = normalize_name(cell("first_name"))
            row.patronymic = normalize_name(cell("patronymic"))
        if not row.last_name or not row.first_name:
            row.problems.append(_("Surname and first name are required."))
        for label, value in ((_("surname"), row.last_name), (_("first name"), row.first_name),
                             (_("patronymic"), row.patronymic)):
            if value:
                try:
                    validate_person_name(value)
                except ValidationError:
                    row.problems.append(_("Invalid characters in the %(part)s.") % {"part": label})

        row.email = normalize_email(cell("email"))
        if not row.email:
            row.problems.append(_("E-mail is missing."))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                row.problems.append(_("Invalid e-mail address."))
            else:
                if row.email in seen_emails:
                    row.problems.append(
                        _("Duplicate e-mail: the same address is on line %(line)d.") % {"line": seen_emails[row.email]}
                    )
                seen_emails.setdefault(row.email, line)

        row.library_text = cell("library")
        library = libraries.get(_library_key(row.library_text)) if row.library_text else None
        if library is None:
            row.problems.append(_("Unknown library: «%(name)s».") % {"name": row.library_text[:150]}
                                if row.library_text else _("Library is missing."))
        else:
            row.library_id, row.library_name = library.pk, library.short_name

        row.position = " ".join(cell("position").split())
        if not row.position:
            row.problems.append(_("Position is missing."))
        elif len(row.position) > 200:
            row.problems.append(_("Position is too long (at most 200 characters)."))
        rows.append(row)
    return rows
