"""The same person's hours are the same on every page that shows them («Моё обучение», the training record, its PDF,
the «behind» report), since all read courses/hours.py; and the two reports' charts show the figures of their
filters, in a fixed number of queries."""

import datetime
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from courses.models import Enrolment
from lms.accounts.roles import Role
from lms.internships.models import Booking
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db

KEMEROVO = ZoneInfo("Asia/Novokuznetsk")
BEHIND = "/admin/reports/behind/"
LEARNERS = "/admin/reports/learners/"


def complete_course(user, programme, hours, at, title=None, status=Enrolment.Status.COMPLETED):
    course = pages.course(programme, academic_hours=hours, **({"title": title} if title else {}))
    Enrolment.objects.create(user=user, course=course, source=Enrolment.Source.SELF, status=status, completed_at=at)
    return course


def complete_internship(user, hours, at):
    session = SessionFactory(topic=TopicFactory(academic_hours=hours, title="Электронный архив периодики"))
    return Booking.objects.create(user=user, session=session, topic=session.topic, status=Booking.Status.COMPLETED,
                                  completed_at=at)


@pytest.fixture
def person(db):
    """This year a course of 18 hours and an internship of 16 (34), last year a course of 8 (the period: 42 of 72),
    four years ago a course of 36 (before the period); a course withdrawn; the certificate of this year's course
    revoked."""
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    programme = pages.programme(expected_hours=72, period_years=3)
    year = timezone.localdate().year
    person = UserFactory(last_name="Сверкина", library=LibraryFactory())
    course = complete_course(person, programme, 18, timezone.now() - datetime.timedelta(minutes=5), "Краеведение")
    complete_internship(person, 16, timezone.now() - datetime.timedelta(minutes=1))
    complete_course(person, programme, 8, datetime.datetime(year - 1, 12, 31, 23, 0, tzinfo=KEMEROVO))
    complete_course(person, programme, 36, datetime.datetime(year - 3, 6, 1, tzinfo=KEMEROVO))
    complete_course(person, programme, 72, None, status=Enrolment.Status.WITHDRAWN)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    certificate = services.certificate_issue(user=person, course=course)
    services.certificate_revoke(certificate=certificate, reason="Ошибка в фамилии", actor=admin)
    return person, admin, year


def quota(text):
    found = re.search(r"Часы по программе: (\d+) из (\d+) академических часов за (\d{4})–(\d{4})\sгг\.", text)
    assert found, text[:2000]
    return tuple(int(group) for group in found.groups())


def test_the_same_person_s_hours_agree_on_every_page(client, person, tmp_path):
    person, admin, year = person
    expected_quota = (42, 72, year - 2, year)
    client.force_login(person)

    dashboard = client.get("/learning/").content.decode()
    assert re.search(r"В этом году вы набрали (\d+) академических часа", dashboard).group(1) == "34"
    assert quota(dashboard) == expected_quota

    record = client.get("/my/record/").content.decode()
    assert quota(record) == expected_quota
    years = dict(re.findall(r"<h2>(\d{4}) — (\d+) академическ", record))
    assert years == {str(year): "34", str(year - 1): "8", str(year - 3): "36"}
    assert "Осталось 30." in record
    assert Certificate.objects.get(user=person).status == Certificate.Status.REVOKED  # no document, hours stay
    assert 'aria-label="Часы по программе: 42 из 72 академических часов' in record

    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(client.get("/my/record/pdf/").content)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert quota(text) == expected_quota
    assert f"{year} — 34 академических часа" in text and f"{year - 1} — 8 академических часов" in text

    client.force_login(admin)
    behind = client.get(BEHIND).content.decode()
    row = re.search(r"Сверкина.*?<td>(\d+)</td></tr>", behind, re.DOTALL)
    assert row and row.group(1) == "42"


def test_a_quota_met_says_so_and_fills_the_bar(client, person):
    person, _admin, year = person
    complete_course(person, None, 40, timezone.now())
    client.force_login(person)
    record = client.get("/my/record/").content.decode()
    assert quota(record) == (82, 72, year - 2, year) and "Часы программы набраны." in record
    assert 'width="100.0" height="6" rx="3" fill="#2e7d32"' in record
    assert client.get("/admin/reports/behind/").status_code in (302, 403)


def test_the_behind_report_charts_people_by_municipality_and_by_library(client, person):
    _person, admin, _year = person
    north, south = MunicipalityFactory(name="Юрга"), MunicipalityFactory(name="Мариинск")
    for number in range(3):
        UserFactory(library=LibraryFactory(municipality=north, short_name=f"Юргинская {number}"))
    UserFactory(library=LibraryFactory(municipality=south, short_name="Мариинская ЦБС"))
    client.force_login(admin)
    page = client.get(BEHIND).content.decode()
    chart = re.search(r'<figure class="chart".*?</figure>', page, re.DOTALL).group(0)
    assert "Отстающие по муниципалитетам" in chart and 'class="w-sr-only"' in chart
    cells = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', chart)
    assert cells[0] == ("Юрга", "3 человека") and ("Мариинск", "1 человек") in cells
    # Filtered to one municipality, the picture is by library.
    page = client.get(f"{BEHIND}?municipality={north.pk}").content.decode()
    chart = re.search(r'<figure class="chart".*?</figure>', page, re.DOTALL).group(0)
    assert "Отстающие по библиотекам" in chart
    assert re.findall(r'<th scope="row">(.*?)</th>', chart) == ["Юргинская 0", "Юргинская 1", "Юргинская 2"]


def test_the_behind_report_does_a_fixed_number_of_queries(client, person):
    _person, admin, _year = person
    client.force_login(admin)

    def count() -> int:
        client.get(BEHIND)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BEHIND)
        assert response.status_code == 200
        return len(queries)

    UserFactory(library=LibraryFactory())
    small = count()
    for _number in range(15):
        someone = UserFactory(library=LibraryFactory(municipality=MunicipalityFactory()))
        complete_course(someone, None, 8, timezone.now())
    assert count() == small


def test_the_learners_report_charts_the_filtered_enrolments_by_status(client, person):
    person, admin, _year = person
    course = pages.course(title="Справочная служба")
    for status in (Enrolment.Status.ACTIVE, Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED):
        Enrolment.objects.create(user=UserFactory(library=LibraryFactory()), course=course, status=status,
                                 source=Enrolment.Source.ADMIN)
    client.force_login(admin)

    def chart_rows(url):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        chart = re.search(r'<figure class="chart".*?</figure>', page, re.DOTALL).group(0)
        assert "Зачисления по статусам" in chart and 'class="w-sr-only"' in chart
        return re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', chart), len(queries)

    rows, _queries = chart_rows(f"{LEARNERS}?course={course.pk}")
    assert rows == [("Обучается", "2 зачисления"), ("Пройден", "1 зачисление")]
    client.get(LEARNERS)
    everyone, few = chart_rows(LEARNERS)
    assert ("Пройден", "4 зачисления") in everyone and ("Выбыл", "1 зачисление") in everyone
    for _number in range(10):
        Enrolment.objects.create(user=UserFactory(), course=course, source=Enrolment.Source.ADMIN)
    _rows, many = chart_rows(LEARNERS)
    assert many == few
    export = client.get(f"{LEARNERS}?export=csv")
    assert export.status_code == 200 and "Зачисления по статусам" not in b"".join(export.streaming_content).decode()


def test_dates_on_the_learners_pages_are_written_with_the_year_word(client, person):
    """«3 декабря 2026 г.», as Russian writes a date (Django's Russian DATE_FORMAT), in the record's table and among
    the completed courses on «Моё обучение»."""
    person, _admin, year = person
    client.force_login(person)
    # the day of this year's course as the pages write it (Kemerovo calendar): a few minutes after midnight it is
    # yesterday, not today
    completed = (Enrolment.objects.filter(user=person, completed_at__isnull=False)
                 .order_by("-completed_at").values_list("completed_at", flat=True).first())
    day = timezone.localtime(completed).date()
    written = f"{day.day} "
    for address in ("/my/record/", "/learning/"):
        text = client.get(address).content.decode()
        dates = re.findall(rf"{written}[а-я]+ {day.year}(?:\xa0|\s)?г?\.?", text)
        assert dates and all(date.endswith("г.") for date in dates), (address, dates)
