"""The building blocks of certificates: Russian names, dates and plurals, and the PDF renderer with its fetcher.

The PDF checks read the document the way a person's tools do: poppler-utils' pdftotext (text), pdffonts (fonts
embedded and subset) and pdfimages (images). Without poppler-utils they are skipped, except in CI, where they fail.
"""

import datetime as dt
import io
import os
import shutil
import socket
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from certificates import pdf as pdf_module
from certificates.pdf import URLRefused, ProjectFilesURLFetcher, html_to_pdf, render_pdf, resolve_project_file
from certificates.russian import (
    decline_full_name,
    detect_gender,
    format_date_ru,
    format_period_ru,
    hours_phrase,
    plural_ru,
)
from certificates.samples import sample_certificate_context

TEMPLATE = "certificates/pdf/base.html"
IN_CI = os.environ.get("CI", "").lower() == "true"

# --- names --------------------------------------------------------------------------------------------------------

DATIVE = [
    # men: -ов/-ев/-ёв/-ин/-ын
    (("Иванов", "Иван", "Иванович"), "Иванову Ивану Ивановичу"),
    (("Петров", "Пётр", "Петрович"), "Петрову Петру Петровичу"),
    (("Соловьёв", "Сергей", "Андреевич"), "Соловьёву Сергею Андреевичу"),
    (("Зайцев", "Дмитрий", "Юрьевич"), "Зайцеву Дмитрию Юрьевичу"),
    (("Пушкин", "Александр", "Сергеевич"), "Пушкину Александру Сергеевичу"),
    (("Кузьмин", "Илья", "Ильич"), "Кузьмину Илье Ильичу"),
    (("Птицын", "Никита", "Кузьмич"), "Птицыну Никите Кузьмичу"),
    (("Ломоносов", "Михаил", "Васильевич"), "Ломоносову Михаилу Васильевичу"),
    (("Фёдоров", "Лука", "Фомич"), "Фёдорову Луке Фомичу"),
    # men: adjective surnames
    (("Достоевский", "Фёдор", "Михайлович"), "Достоевскому Фёдору Михайловичу"),
    (("Трубецкой", "Николай", "Сергеевич"), "Трубецкому Николаю Сергеевичу"),
    (("Толстой", "Лев", "Николаевич"), "Толстому Льву Николаевичу"),
    (("Белый", "Андрей", "Николаевич"), "Белому Андрею Николаевичу"),
    (("Горький", "Максим", "Алексеевич"), "Горькому Максиму Алексеевичу"),
    (("Крайний", "Павел", "Павлович"), "Крайнему Павлу Павловичу"),
    (("Нагорный", "Евгений", "Олегович"), "Нагорному Евгению Олеговичу"),
    (("Лесной", "Олег", ""), "Лесному Олегу"),
    # men: -ых/-их, -ко/-енко, -аго/-яго and other undeclinable endings
    (("Черных", "Никита", "Сергеевич"), "Черных Никите Сергеевичу"),
    (("Долгих", "Игорь", "Владимирович"), "Долгих Игорю Владимировичу"),
    (("Шевченко", "Тарас", "Григорьевич"), "Шевченко Тарасу Григорьевичу"),
    (("Бондаренко", "Юрий", "Петрович"), "Бондаренко Юрию Петровичу"),
    (("Живаго", "Юрий", "Андреевич"), "Живаго Юрию Андреевичу"),
    (("Дубяго", "Александр", "Дмитриевич"), "Дубяго Александру Дмитриевичу"),
    (("Руставели", "Шота", ""), "Руставели Шоте"),
    (("Гёте", "Иоганн", ""), "Гёте Иоганну"),
    (("Дюма", "Александр", ""), "Дюма Александру"),
    (("Гарсиа", "Хосе", ""), "Гарсиа Хосе"),
    # men: consonant, -ь, -й and -а/-я surnames
    (("Шевчук", "Игорь", "Петрович"), "Шевчуку Игорю Петровичу"),
    (("Мельник", "Степан", "Богданович"), "Мельнику Степану Богдановичу"),
    (("Ким", "Виктор", "Алексеевич"), "Киму Виктору Алексеевичу"),
    (("Кох", "Роберт", ""), "Коху Роберту"),
    (("Гоголь", "Николай", "Васильевич"), "Гоголю Николаю Васильевичу"),
    (("Бугай", "Николай", "Иванович"), "Бугаю Николаю Ивановичу"),
    (("Кузьма", "Фома", "Лукич"), "Кузьме Фоме Лукичу"),
    (("Глинка", "Михаил", "Иванович"), "Глинке Михаилу Ивановичу"),
    (("Сковорода", "Григорий", "Саввич"), "Сковороде Григорию Саввичу"),
    (("Зозуля", "Дмитрий", "Кузьмич"), "Зозуле Дмитрию Кузьмичу"),
    (("Гарсия", "Хосе", ""), "Гарсии Хосе"),
    # men: double surnames, Turkic patronymic, no patronymic, capitals
    (("Римский-Корсаков", "Николай", "Андреевич"), "Римскому-Корсакову Николаю Андреевичу"),
    (("Мамин-Сибиряк", "Дмитрий", "Наркисович"), "Мамину-Сибиряку Дмитрию Наркисовичу"),
    (("Алиев", "Рашид", "Мамед оглы"), "Алиеву Рашиду Мамед оглы"),
    (("Гусев", "Никита", ""), "Гусеву Никите"),
    (("Сидоренко", "Илья", None), "Сидоренко Илье"),
    (("ИВАНОВ", "ИВАН", "ИВАНОВИЧ"), "ИВАНОВУ ИВАНУ ИВАНОВИЧУ"),
    (("Тарасов", "Василий", "Геннадьевич"), "Тарасову Василию Геннадьевичу"),
    # women: -ова/-ева/-ёва/-ина/-ына
    (("Иванова", "Мария", "Петровна"), "Ивановой Марии Петровне"),
    (("Петрова", "Анна", "Сергеевна"), "Петровой Анне Сергеевне"),
    (("Соловьёва", "Наталья", "Игоревна"), "Соловьёвой Наталье Игоревне"),
    (("Пушкина", "Любовь", "Ильинична"), "Пушкиной Любови Ильиничне"),
    (("Кузьмина", "Ольга", "Никитична"), "Кузьминой Ольге Никитичне"),
    (("Птицына", "Дарья", "Кузьминична"), "Птицыной Дарье Кузьминичне"),
    (("Лебедева", "Виктория", "Павловна"), "Лебедевой Виктории Павловне"),
    (("Новикова", "Ия", "Львовна"), "Новиковой Ии Львовне"),
    (("Морозова", "Лидия", "Фёдоровна"), "Морозовой Лидии Фёдоровне"),
    (("Волкова", "Галина", "Михайловна"), "Волковой Галине Михайловне"),
    (("Смирнова", "Анастасия", ""), "Смирновой Анастасии"),
    (("Иванова", "Нинель", "Ивановна"), "Ивановой Нинели Ивановне"),
    # women: adjective surnames
    (("Достоевская", "Анна", "Григорьевна"), "Достоевской Анне Григорьевне"),
    (("Трубецкая", "Екатерина", "Ивановна"), "Трубецкой Екатерине Ивановне"),
    (("Толстая", "Софья", "Андреевна"), "Толстой Софье Андреевне"),
    (("Крайняя", "Нина", "Павловна"), "Крайней Нине Павловне"),
    # women: undeclinable surnames, including those in a consonant or «ь»
    (("Черных", "Елена", "Викторовна"), "Черных Елене Викторовне"),
    (("Седых", "Ирина", "Васильевна"), "Седых Ирине Васильевне"),
    (("Шевченко", "Оксана", "Тарасовна"), "Шевченко Оксане Тарасовне"),
    (("Ткаченко", "Валентина", "Ивановна"), "Ткаченко Валентине Ивановне"),
    (("Бойко", "Надежда", "Николаевна"), "Бойко Надежде Николаевне"),
    (("Шевчук", "Анна", "Ильинична"), "Шевчук Анне Ильиничне"),
    (("Мельник", "Вера", "Степановна"), "Мельник Вере Степановне"),
    (("Ким", "Светлана", "Викторовна"), "Ким Светлане Викторовне"),
    (("Гоголь", "Татьяна", "Олеговна"), "Гоголь Татьяне Олеговне"),
    (("Дюма", "Мари", ""), "Дюма Мари"),
    (("Хасанова", "Гульназ", "Ринатовна"), "Хасановой Гульназ Ринатовне"),
    # women: -а/-я surnames, double surnames, Turkic patronymic, lower case
    (("Глинка", "Зоя", "Фоминична"), "Глинке Зое Фоминичне"),
    (("Зозуля", "Майя", "Саввична"), "Зозуле Майе Саввичне"),
    (("Гарсия", "Мария", ""), "Гарсии Марии"),
    (("Петрова-Водкина", "Юлия", "Петровна"), "Петровой-Водкиной Юлии Петровне"),
    (("Алиева", "Лейла", "Гасан кызы"), "Алиевой Лейле Гасан кызы"),
    (("сидорова", "елена", "петровна"), "сидоровой елене петровне"),
    (("Пономаренко", "Ксения", "Олеговна"), "Пономаренко Ксении Олеговне"),
    # gender unknown or given only by the surname
    (("Иванов", "", ""), "Иванову"),
    (("Иванова", "", ""), "Ивановой"),
    (("Иванов", "Саша", ""), "Иванову Саше"),
    (("Ким", "Женя", ""), "Ким Жене"),
    (("Шевчук", "", ""), "Шевчук"),
    (("Smith", "John", ""), "Smith John"),
    (("  Иванова ", " Мария  ", "  Петровна"), "Ивановой Марии Петровне"),
]


def test_the_table_is_large_and_has_both_genders():
    assert len(DATIVE) >= 60
    genders = [detect_gender(first, patronymic, last) for (last, first, patronymic), _ in DATIVE]
    assert genders.count("male") >= 25 and genders.count("female") >= 25


@pytest.mark.parametrize("parts,expected", DATIVE)
def test_decline_full_name_into_the_dative(parts, expected):
    assert decline_full_name(*parts) == expected


@pytest.mark.parametrize("parts,expected", [
    (("Иванова", "Мария", "Петровна"), "Ивановой Марии Петровны"),
    (("Иванов", "Иван", "Иванович"), "Иванова Ивана Ивановича"),
    (("Толстой", "Лев", "Николаевич"), "Толстого Льва Николаевича"),
    (("Достоевская", "Анна", "Григорьевна"), "Достоевской Анны Григорьевны"),
    (("Глинка", "Ольга", "Ильинична"), "Глинки Ольги Ильиничны"),
    (("Шевчук", "Игорь", "Павлович"), "Шевчука Игоря Павловича"),
    (("Шевчук", "Наталья", "Павловна"), "Шевчук Натальи Павловны"),
    (("Крайний", "Павел", "Петрович"), "Крайнего Павла Петровича"),
    (("Кузьма", "Илья", "Фомич"), "Кузьмы Ильи Фомича"),
    (("Гарсия", "Любовь", "Ивановна"), "Гарсии Любови Ивановны"),
])
def test_decline_full_name_into_the_genitive(parts, expected):
    assert decline_full_name(*parts, case="genitive") == expected


def test_nominative_only_tidies_the_spaces():
    assert decline_full_name(" Иванова ", "Мария", "Петровна", case="nominative") == "Иванова Мария Петровна"


def test_an_unknown_case_is_an_error():
    with pytest.raises(ValueError):
        decline_full_name("Иванов", "Иван", "Иванович", case="instrumental")


@pytest.mark.parametrize("first,patronymic,last,expected", [
    ("Мария", "Петровна", "", "female"),
    ("Иван", "Петрович", "", "male"),
    ("Саша", "Ильинична", "", "female"),   # the patronymic decides
    ("Никита", "", "", "male"),
    ("Любовь", "", "", "female"),
    ("Игорь", "", "", "male"),
    ("Женя", "", "", None),
    ("Женя", "", "Петрова", "female"),     # then an unambiguous surname
    ("", "Гасан кызы", "", "female"),
    ("", "", "Шевчук", None),
])
def test_detect_gender(first, patronymic, last, expected):
    assert detect_gender(first, patronymic, last) == expected


# --- numbers and dates --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number,expected", [
    (0, "часов"), (1, "час"), (2, "часа"), (4, "часа"), (5, "часов"), (10, "часов"), (11, "часов"),
    (12, "часов"), (14, "часов"), (15, "часов"), (21, "час"), (22, "часа"), (25, "часов"), (101, "час"),
    (111, "часов"), (112, "часов"), (1001, "час"), (-1, "час"), (Decimal("1.5"), "часа"), (2.0, "часа"),
])
def test_plural_ru(number, expected):
    assert plural_ru(number, "час", "часа", "часов") == expected


@pytest.mark.parametrize("number,expected", [
    (1, "1 академический час"),
    (2, "2 академических часа"),
    (4, "4 академических часа"),
    (5, "5 академических часов"),
    (11, "11 академических часов"),
    (12, "12 академических часов"),
    (14, "14 академических часов"),
    (16, "16 академических часов"),
    (21, "21 академический час"),
    (24, "24 академических часа"),
    (72, "72 академических часа"),
    (111, "111 академических часов"),
    (Decimal("36.00"), "36 академических часов"),
    (Decimal("1.5"), "1,5 академического часа"),
    (0.5, "0,5 академического часа"),
])
def test_hours_phrase(number, expected):
    assert hours_phrase(number) == expected


@pytest.mark.parametrize("value,expected", [
    (dt.date(2026, 11, 23), "23 ноября 2026 г."),
    (dt.date(2026, 1, 1), "1 января 2026 г."),
    (dt.date(2027, 2, 28), "28 февраля 2027 г."),
    (dt.date(2026, 3, 8), "8 марта 2026 г."),
    (dt.date(2026, 5, 9), "9 мая 2026 г."),
    (dt.date(2026, 8, 31), "31 августа 2026 г."),
    (dt.date(2026, 12, 31), "31 декабря 2026 г."),
    (dt.datetime(2026, 6, 12, 23, 59), "12 июня 2026 г."),
])
def test_format_date_ru(value, expected):
    assert format_date_ru(value) == expected


def test_format_period_ru():
    assert format_period_ru(dt.date(2026, 10, 1), dt.date(2026, 11, 20)) == "с 1 октября 2026 г. по 20 ноября 2026 г."
    assert format_period_ru(dt.date(2026, 4, 7), dt.date(2026, 4, 7)) == "7 апреля 2026 г."


# --- the URL fetcher ----------------------------------------------------------------------------------------------

@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    (root / "certificates").mkdir(parents=True)
    settings.MEDIA_ROOT = str(root)
    return root


def png_bytes(color=(31, 58, 95)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("url", [
    "http://example.org/x.png",
    "https://example.org/x.png",
    "http://127.0.0.1:9/x",
    "//example.org/x.png",
    "ftp://example.org/x.png",
    "file:///etc/passwd",
    "file://example.org/etc/passwd",
    "/etc/passwd",
    "file:///static/../../etc/passwd",
    "/static/../../../etc/passwd",
    "file:///static/%2e%2e/%2e%2e/etc/passwd",
    "file:///media/..%2f..%2fetc/passwd",
    "/static/css/does-not-exist.css",
    "javascript:alert(1)",
    "file:///etc/passwd\x00.png",
])
def test_the_fetcher_refuses_everything_but_project_files(url, media_root, caplog):
    fetcher = ProjectFilesURLFetcher()
    with caplog.at_level("WARNING", logger="certificates.pdf"):
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    assert "refused" in caplog.text


def test_the_fetcher_refuses_a_symbolic_link_out_of_media(media_root):
    (media_root / "certificates" / "leak.png").symlink_to("/etc/passwd")
    with pytest.raises(URLRefused):
        ProjectFilesURLFetcher().fetch("/media/certificates/leak.png")


def test_the_fetcher_serves_static_media_fonts_and_data(media_root):
    (media_root / "certificates" / "logo.png").write_bytes(png_bytes())
    fetcher = ProjectFilesURLFetcher()

    for url in ("/static/css/site.css", "file:///static/css/site.css"):  # STATICFILES_DIRS, as WeasyPrint joins it
        assert fetcher.fetch(url).read().strip(), url
    assert fetcher.fetch("/static/wagtailadmin/images/icons/home.svg").content_type == "image/svg+xml"  # an app's
    for url in ("/media/certificates/logo.png", "file:///media/certificates/logo.png",
                str(media_root / "certificates" / "logo.png"), (media_root / "certificates" / "logo.png").as_uri()):
        response = fetcher.fetch(url)
        assert response.read() == png_bytes() and response.content_type == "image/png", url
    assert fetcher.fetch("data:text/plain;base64,0J/RgNC40LLQtdGC").read() == "Привет".encode()
    font = pdf_module._font_files().get("DejaVuSans.ttf")
    if font:
        assert fetcher.fetch(Path(font).as_uri()).read()[:4] == b"\x00\x01\x00\x00"


def test_resolve_project_file_keeps_to_the_allowed_folders(media_root):
    (media_root / "certificates" / "bg.png").write_bytes(png_bytes())
    assert resolve_project_file("/media/certificates/bg.png") == (media_root / "certificates" / "bg.png").resolve()
    assert resolve_project_file("/media/certificates/../../../etc/passwd") is None
    assert resolve_project_file(str(media_root.parent / "elsewhere.png")) is None


# --- the PDF ------------------------------------------------------------------------------------------------------

def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} (Debian package poppler-utils) is needed to read the PDF"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_poppler(tool: str, pdf_bytes: bytes, tmp_path: Path, *args: str) -> str:
    target = tmp_path / "document.pdf"
    target.write_bytes(pdf_bytes)
    result = subprocess.run([poppler(tool), *args, str(target), "-"] if tool == "pdftotext"
                            else [poppler(tool), *args, str(target)],
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout


def pdf_text(pdf_bytes: bytes, tmp_path: Path) -> str:
    return run_poppler("pdftotext", pdf_bytes, tmp_path, "-enc", "UTF-8")


def page_count(pdf_bytes: bytes, tmp_path: Path) -> int:
    info = run_poppler("pdfinfo", pdf_bytes, tmp_path)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def fetches(monkeypatch):
    """Every URL the renderer asks the fetcher for, and every network connection attempted (none may be)."""
    asked: list[str] = []
    connections: list = []
    original = ProjectFilesURLFetcher.fetch

    def recording_fetch(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    def no_network(sock, address, *args, **kwargs):
        connections.append(address)
        raise OSError("network access during a PDF render")

    monkeypatch.setattr(ProjectFilesURLFetcher, "fetch", recording_fetch)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    return {"asked": asked, "connections": connections}


def test_the_sample_certificate_renders_with_its_facts_and_embedded_fonts(tmp_path, fetches):
    context = sample_certificate_context()
    render_pdf(TEMPLATE, context)  # the first render in a process also registers the fonts
    document = render_pdf(TEMPLATE, context)  # timings are measured by bench/certificate_render.py

    assert document.startswith(b"%PDF-")
    text = one_line(pdf_text(document, tmp_path))
    for expected in ("СЕРТИФИКАТ", "Ивановой Марии Петровне", "№ ОНБ-2026-00042",
                     "«Электронные ресурсы и сервисы в работе муниципальной библиотеки»",
                     "в объёме 16 академических часов", "с 1 октября 2026 г. по 20 ноября 2026 г.",
                     "Кемерово, 23 ноября 2026 г.", "С. В. Петрова", "Руководитель программы"):
        assert expected in text, expected
    assert page_count(document, tmp_path) == 1

    fonts = run_poppler("pdffonts", document, tmp_path).splitlines()[2:]
    assert fonts, "the PDF uses no font"
    for line in fonts:
        columns = line.split()
        emb, sub = columns[-5], columns[-4]
        assert (emb, sub) == ("yes", "yes"), line  # embedded, and only the glyphs used
    assert any("Certificate-Sans" in line for line in fonts) and any("Certificate-Serif" in line for line in fonts)

    assert all(url.startswith("data:") or resolve_project_file(url) for url in fetches["asked"]), fetches["asked"]
    assert fetches["connections"] == []


def test_static_and_media_images_are_embedded(tmp_path, media_root, fetches):
    (media_root / "certificates" / "signature.png").write_bytes(png_bytes((10, 10, 10)))
    (media_root / "certificates" / "logo.png").write_bytes(png_bytes())
    context = sample_certificate_context(
        logo_url="/media/certificates/logo.png",
        signatories=[{"position": "Директор", "name": "С. В. Петрова",
                      "signature_url": str(media_root / "certificates" / "signature.png")}],
    )
    document = render_pdf(TEMPLATE, context)
    images = run_poppler("pdfimages", document, tmp_path, "-list").splitlines()[2:]
    assert len(images) >= 2, images  # the logo and the signature (the QR code is vector SVG)
    assert "file:///media/certificates/logo.png" in fetches["asked"]
    assert fetches["connections"] == []


HOSTILE = {
    "html": '<img src=http://127.0.0.1:9/x> <script>alert(1)</script>',
    "file": '<img src="file:///etc/passwd"> file:///etc/passwd',
    "css": '<span style="background:url(http://example.org/x.png)">x</span>'
           '<style>@import url(http://example.org/x.css); body{background:url(http://example.org/x.png)}</style>',
    "link": '<link rel="stylesheet" href="http://example.org/x.css"><object data="/etc/passwd"></object>',
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_values_render_as_text_and_fetch_nothing(kind, tmp_path, fetches):
    value = HOSTILE[kind]
    context = sample_certificate_context(
        recipient_name=value, course_title=value, recipient_details=value, registry_number=value,
        signatories=[{"position": value, "name": value, "signature_url": ""}],
        logo_url="", background_url="",
    )
    document = render_pdf(TEMPLATE, context)

    assert document.startswith(b"%PDF-")
    text = one_line(pdf_text(document, tmp_path))
    assert one_line(value)[:40] in text  # shown as the characters typed, not interpreted
    assert all(url.startswith("data:") for url in fetches["asked"]), fetches["asked"]  # only the QR code
    assert fetches["connections"] == []


def test_a_five_thousand_character_name_renders(tmp_path, fetches):
    name = ("Константинопольская" * 300)[:5000]
    document = render_pdf(TEMPLATE, sample_certificate_context(recipient_name=name))

    assert document.startswith(b"%PDF-")
    assert name in "".join(pdf_text(document, tmp_path).split())  # wrapped over lines, but all there
    assert fetches["connections"] == []


def test_a_hostile_template_is_refused_every_fetch_and_still_renders(tmp_path, media_root, fetches, caplog):
    # The fetcher is the last line: even markup that is not escaped reads nothing outside the project's files.
    html = """<!DOCTYPE html><html lang="ru"><head>
      <link rel="stylesheet" href="http://example.org/x.css">
      <style>
        @import url("https://example.org/y.css");
        @font-face { font-family: X; src: url("file:///etc/passwd"); }
        body { background: url("http://example.org/bg.png"); font-family: X, "Certificate Sans"; }
      </style></head><body>
      <p>Проверка</p>
      <img src="http://127.0.0.1:9/x"><img src="file:///etc/passwd"><img src="/static/../../../../etc/passwd">
      <img src="/media/../../../etc/passwd"><img src="../../etc/hostname">
      <object data="file:///etc/shadow"></object>
    </body></html>"""
    with caplog.at_level("WARNING", logger="certificates.pdf"):
        document = html_to_pdf(html)

    assert document.startswith(b"%PDF-")
    assert "Проверка" in pdf_text(document, tmp_path)
    outside = [url for url in fetches["asked"] if not (url.startswith("data:") or resolve_project_file(url))]
    assert len(outside) >= 8, fetches["asked"]  # asked, and every one of them refused:
    assert caplog.text.count("refused") >= len(outside)
    assert fetches["connections"] == []
