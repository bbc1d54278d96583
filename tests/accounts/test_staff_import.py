import io

import pytest
from django.core import mail
from openpyxl import Workbook

from lms.accounts import services
from lms.accounts.models import StaffImport, User
from lms.libraries.services import library_directory_seed
from tests.factories import UserFactory

HEADER = "ФИО;E-mail;Библиотека;Должность\n"
GOOD_ROWS = (
    "Иванова Мария Петровна;maria@example.org;ЦБС Топкинского района;библиотекарь\n"
    "Петров Сергей Александрович;sergey@example.org;ЦБС г. Новокузнецка;ведущий библиограф\n"
    "О’Коннор Анна-Мария;anna@example.org;cbs-kemerovsky;методист\n"
)


@pytest.fixture
def directory(db):
    library_directory_seed()


def preview(data: bytes, filename="staff.csv", user=None):
    return services.staff_import_preview(data=data, filename=filename, created_by=user or UserFactory())


def problems(staff_import: StaffImport) -> dict[int, list[str]]:
    return {row["line"]: row["problems"] for row in staff_import.rows if row["problems"]}


def test_a_clean_list_is_previewed_without_creating_anyone(directory):
    admin = UserFactory()
    before = User.objects.count()
    staff_import = preview((HEADER + GOOD_ROWS).encode(), user=admin)
    assert User.objects.count() == before
    assert staff_import.can_confirm
    first = staff_import.rows[0]
    assert (first["last_name"], first["first_name"], first["patronymic"]) == ("Иванова", "Мария", "Петровна")
    assert first["library_name"] == "ЦБС Топкинского района"
    third = staff_import.rows[2]
    assert (third["last_name"], third["first_name"], third["patronymic"]) == ("О’Коннор", "Анна-Мария", "")


def test_windows_1251_csv_with_commas_and_separate_name_columns(directory):
    text = "Фамилия,Имя,Отчество,Email,Библиотека,Должность\r\nФёдорова,Анна,Михайловна,anna@example.org,ОНБ им. В.Д. Федорова,библиотекарь\r\n"
    staff_import = preview(text.encode("cp1251"))
    assert staff_import.can_confirm
    assert staff_import.rows[0]["last_name"] == "Фёдорова"


def test_utf8_with_bom_is_read(directory):
    staff_import = preview((HEADER + GOOD_ROWS).encode("utf-8-sig"))
    assert staff_import.can_confirm


def test_every_row_problem_is_reported(directory):
    registered = UserFactory(email="taken@example.org")
    rows = (
        "Иванова Мария Петровна;not-an-email;ЦБС Топкинского района;библиотекарь\n"
        "Петров Сергей;same@example.org;Библиотека на Луне;библиограф\n"
        "Сидоров Иван;same@example.org;ЦБС г. Кемерово;библиограф\n"
        f"Кузнецова Ольга;{registered.email.upper()};ЦБС г. Кемерово;директор\n"
        "<script>alert(1)</script> Иван;x@example.org;ЦБС г. Кемерово;библиограф\n"
        "Смирнова;y@example.org;ЦБС г. Кемерово;\n"
    )
    staff_import = preview((HEADER + rows).encode())
    found = problems(staff_import)
    assert set(found) == {2, 3, 4, 6, 7}  # line 5: a registered person is updated, not refused
    assert any("e-mail" in p.lower() for p in found[2])
    assert any("Луне" in p for p in found[3])
    assert any("строке 3" in p or "line 3" in p for p in found[4])
    assert found[6]
    assert len(found[7]) == 2  # no first name, no position
    assert not staff_import.can_confirm
    with pytest.raises(services.AccountError):
        services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=registered)
    assert User.objects.count() == 2  # the uploader and the registered person


@pytest.mark.parametrize(
    "data,filename,fragment",
    [
        (b"", "staff.csv", "пуст"),
        (HEADER.encode(), "staff.csv", "нет ни одного"),
        ("Имя;Почта\nАнна;a@example.org\n".encode(), "staff.csv", "Библиотека"),
        ((HEADER + GOOD_ROWS).encode("utf-16"), "staff.csv", "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "staff.csv", "UTF-8"),
        (b"PK\x03\x04 definitely not a workbook", "staff.xlsx", "XLSX"),
        (b"name,email", "staff.pdf", "CSV"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(directory, data, filename, fragment):
    with pytest.raises(services.AccountError) as error:
        preview(data, filename)
    assert fragment in str(error.value)
    assert not StaffImport.objects.exists()


def test_oversized_file_is_refused(directory):
    with pytest.raises(services.AccountError, match="5"):
        preview(b"a" * (5 * 1024 * 1024 + 1))


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_list_is_read(directory):
    data = _xlsx([["ФИО", "E-mail", "Библиотека", "Должность"],
                  ["Иванова Мария Петровна", "maria@example.org", "ЦБС Топкинского района", "библиотекарь"],
                  [None, None, None, None],
                  ["Петров Сергей Александрович", "sergey@example.org", "ЦБС г. Белово", "библиограф"]])
    staff_import = preview(data, "Сотрудники.xlsx")
    assert staff_import.can_confirm
    assert [row["email"] for row in staff_import.rows] == ["maria@example.org", "sergey@example.org"]


def test_confirm_creates_everyone_once_and_sends_invitations(directory, django_capture_on_commit_callbacks):
    admin = UserFactory()
    staff_import = preview((HEADER + GOOD_ROWS).encode(), user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin) == 3
    people = User.objects.filter(email__in=["maria@example.org", "sergey@example.org", "anna@example.org"])
    assert people.count() == 3
    assert all(not person.has_usable_password() for person in people)
    assert sorted(message.to[0] for message in mail.outbox) == ["anna@example.org", "maria@example.org",
                                                                "sergey@example.org"]
    with pytest.raises(services.AccountError):
        services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin)
    assert User.objects.count() == 4


def test_confirm_is_all_or_nothing_when_someone_registered_meanwhile(directory, django_capture_on_commit_callbacks):
    admin = UserFactory()
    staff_import = preview((HEADER + GOOD_ROWS).encode(), user=admin)
    UserFactory(email="anna@example.org")  # registers between preview and confirmation
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AccountError):
        services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin)
    assert not User.objects.filter(email__in=["maria@example.org", "sergey@example.org"]).exists()
    assert not mail.outbox
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW


# --- bounds: a small upload does not become a large one (lms/uploads.py) --------------------------------------------

def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    import zipfile

    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx_with_cells(rows: list[list[str]]) -> bytes:
    """A workbook written by hand (openpyxl cuts cells at Excel's 32,767 characters; an attacker's file need not)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(column: int, row: int, text: str) -> str:
        return f'<c r="{"ABCD"[column]}{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>'
             + "".join(f'<row r="{r}">' + "".join(cell(c, r, t) for c, t in enumerate(cells)) + "</row>"
                       for r, cells in enumerate(rows, start=1))
             + "</sheetData></worksheet>")
    original = zipfile.ZipFile(io.BytesIO(_xlsx([["x"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in original.infolist():
            content = sheet.encode() if member.filename == "xl/worksheets/sheet1.xml" else original.read(member)
            archive.writestr(member.filename, content)
    return buffer.getvalue()


def test_an_xlsx_that_would_unpack_to_40_mb_is_refused_before_it_is_opened(directory, monkeypatch):
    header = ["ФИО", "E-mail", "Библиотека", "Должность"]
    bomb = _xlsx_with_cells([header, ["Иванова Мария Петровна", "maria@example.org", "x" * (40 * 2**20), "б"]])
    assert len(bomb) < 100 * 1024  # a few dozen kilobytes on the wire
    import openpyxl

    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    with pytest.raises(services.AccountError, match="40 МБ"):
        preview(bomb, "staff.xlsx")
    assert not opened and not StaffImport.objects.exists()


def test_an_xlsx_with_a_padding_member_is_refused(directory):
    data = _with_member(_xlsx([["ФИО", "E-mail", "Библиотека", "Должность"]]), "xl/padding.bin", b"\0" * (30 * 2**20))
    with pytest.raises(services.AccountError, match="30"):
        preview(data, "staff.xlsx")
    assert not StaffImport.objects.exists()


def test_an_xlsx_with_thousands_of_members_is_refused(directory):
    data = _xlsx([["ФИО", "E-mail", "Библиотека", "Должность"]])
    for number in range(250):
        data = _with_member(data, f"xl/extra{number}.xml", b"<a/>")
    with pytest.raises(services.AccountError, match="259"):
        preview(data, "staff.xlsx")


@pytest.mark.parametrize("filename", ["staff.csv", "staff.xlsx"])
def test_a_cell_longer_than_500_characters_refuses_the_file(directory, filename):
    long_position = "библиотекарь " * 50
    if filename.endswith(".csv"):
        data = (HEADER + f"Иванова Мария Петровна;maria@example.org;ЦБС Топкинского района;{long_position}\n").encode()
    else:
        data = _xlsx_with_cells([["ФИО", "E-mail", "Библиотека", "Должность"],
                                 ["Иванова Мария Петровна", "maria@example.org", "ЦБС Топкинского района",
                                  long_position]])
    with pytest.raises(services.AccountError) as error:
        preview(data, filename)
    assert "строке 2" in str(error.value) and "столбце 4" in str(error.value) and "500" in str(error.value)
    assert not StaffImport.objects.exists()


def test_a_csv_with_more_lines_than_people_allowed_is_refused_before_parsing(directory, monkeypatch):
    import csv

    monkeypatch.setattr(csv, "reader", lambda *a, **k: pytest.fail("parsed"))
    data = (HEADER + "a;b;c;d\n" * 7000).encode()
    with pytest.raises(services.AccountError, match="5000"):
        preview(data)


def test_only_the_first_columns_of_a_wide_sheet_are_read(directory):
    wide = ["ФИО", "E-mail", "Библиотека", "Должность"] + [f"c{n}" for n in range(200)]
    data = _xlsx([wide, ["Иванова Мария Петровна", "maria@example.org", "ЦБС Топкинского района", "библиотекарь"]
                  + ["x"] * 200])
    staff_import = preview(data, "staff.xlsx")
    assert staff_import.can_confirm


def test_the_upload_page_refuses_a_bomb_in_russian(client, directory):
    from lms.accounts.roles import Role
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    bomb = _xlsx_with_cells([["ФИО", "E-mail", "Библиотека", "Должность"], ["x" * (40 * 2**20), "", "", ""]])
    response = client.post("/admin/staff/import/", {"file": SimpleUploadedFile("staff.xlsx", bomb)})
    assert response.status_code == 200
    assert "Файл не принят" in response.content.decode()
    assert not StaffImport.objects.exists()
