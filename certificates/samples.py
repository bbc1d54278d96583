"""Sample data for a certificate: the admin preview of a template, the tests and the render benchmark.

The keys are the context that templates/certificates/pdf/base.html reads; a certificate freezes the same keys at
issue (all strings, already declined and formatted), so that re-rendering it later gives the same document.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from certificates.russian import decline_full_name, format_date_ru, format_period_ru, hours_phrase

SAMPLE_VERIFICATION_URL = "https://lms.example.org/verify/3q2-Zk8vQfW1pXbN7yTcRg/"


def sample_certificate_context(**overrides) -> dict:
    context = {
        "document_title": "Сертификат",
        "registry_number": "ОНБ-2026-00042",
        "issuer_name": "Кузбасская областная научная библиотека им. В.Д. Федорова",
        "issued_verb": "выдан",
        "recipient_name": decline_full_name("Иванова", "Мария", "Петровна"),
        "recipient_details": "МБУК «Централизованная библиотечная система г. Новокузнецка», "
                             "библиотекарь отдела обслуживания",
        "achievement_text": "об успешном освоении курса",
        "course_title": "Электронные ресурсы и сервисы в работе муниципальной библиотеки",
        "programme_title": "Программа непрерывного образования специалистов библиотек Кемеровской области",
        "hours_text": "в объёме " + hours_phrase(16),
        "period_text": "обучение " + format_period_ru(dt.date(2026, 10, 1), dt.date(2026, 11, 20)),
        "issue_place": "Кемерово",
        "issue_date_text": format_date_ru(dt.date(2026, 11, 23)),
        "signatories": [
            {"position": "Директор", "name": "С. В. Петрова", "signature_url": ""},
            {"position": "Руководитель программы", "name": "А. Н. Кузнецов", "signature_url": ""},
        ],
        "qr_data_uri": placeholder_qr_data_uri(SAMPLE_VERIFICATION_URL),
        "verification_url": SAMPLE_VERIFICATION_URL,
        "lookup_url": "https://lms.example.org/verify/",
        "logo_url": "",
        "background_url": "",
        "orientation": "landscape",
    }
    context.update(overrides)
    return context


def placeholder_qr_data_uri(text: str) -> str:
    """An SVG that looks like a QR code (finder squares, modules from a hash of `text`) but does not decode.

    For previews and tests of the layout only; an issued certificate carries a real QR code.
    """
    size = 25
    digest = b"".join(hashlib.sha256(f"{text}:{i}".encode()).digest() for i in range(3))
    bits = "".join(f"{byte:08b}" for byte in digest)

    def in_finder(x: int, y: int) -> bool:
        return any(fx <= x < fx + 8 and fy <= y < fy + 8 for fx, fy in ((0, 0), (size - 8, 0), (0, size - 8)))

    cells = []
    for y in range(size):
        for x in range(size):
            if not in_finder(x, y) and bits[(y * size + x) % len(bits)] == "1":
                cells.append(f"M{x} {y}h1v1h-1z")
    for fx, fy in ((0, 0), (size - 7, 0), (0, size - 7)):
        cells.append(f"M{fx} {fy}h7v7h-7z M{fx + 1} {fy + 1}v5h5v-5z M{fx + 2} {fy + 2}h3v3h-3z")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 {size + 4} {size + 4}" '
           f'shape-rendering="crispEdges"><rect x="-2" y="-2" width="{size + 4}" height="{size + 4}" fill="#fff"/>'
           f'<path fill-rule="evenodd" fill="#000" d="{" ".join(cells)}"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
