"""The library rating (certificates/rating.py): each component, the weights and their spreading, ties, libraries
without staff, the filters; the administrators' page, its drill-down and exports; the public page (no personal
data, cached); the weights' setting; a fixed number of queries at two sizes."""

import csv
import datetime
import io
import itertools
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import number_format

from certificates import rating
from certificates.models import Certificate, CertificateTemplate, RatingSettings
from certificates.rating_formula import CHANGE, COMPLIANCE, DOCUMENTS, HOURS, INTERNSHIP
from courses.models import Enrolment
from lms.accounts.roles import Role, roles_ensure
from lms.internships.models import Booking, Requirement
from tests.cms.admin_russian import english_leftovers, plural_mistakes, visible_text
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db

KEMEROVO = ZoneInfo("Asia/Novokuznetsk")
TODAY = datetime.date(2026, 6, 15)
_numbers = itertools.count(1)


def at(year, month, day):
    return datetime.datetime(year, month, day, 12, tzinfo=KEMEROVO)


def completed_course(user, programme, hours, when):
    course = pages.course(programme, academic_hours=hours)
    Enrolment.objects.create(user=user, course=course, source=Enrolment.Source.SELF,
                             status=Enrolment.Status.COMPLETED, completed_at=when)


def completed_internship(user, *, valid_until=None):
    # Completed long ago: it gives no hours this year or last (the arithmetic below stays on courses).
    session = SessionFactory(topic=TopicFactory())
    Booking.objects.create(user=user, session=session, topic=session.topic, status=Booking.Status.COMPLETED,
                           completed_at=at(2023, 5, 5), valid_until=valid_until)


def certificate(user, when, status=Certificate.Status.VALID):
    template = CertificateTemplate.objects.first() or CertificateTemplate.objects.create(
        name="Сертификат", kind="certificate", is_default=True)
    number = next(_numbers)
    return Certificate.objects.create(number=f"ОНБ-{when.year}-{number:05}", year=when.year, sequence=number,
                                      code=f"code-{number:020}", user=user, template=template, status=status,
                                      issued_at=when)


@pytest.fixture
def region():
    """Two libraries. «Алтайская» (Э(В)БК, a system with a branch): Петрова (24 h this year, 18 h last year by
    the date, a completed internship, a document) and Сидорова in the branch (12 h this year). «Березовская» (not
    Э(В)БК): Кузнецова (no hours, one document, one revoked, one of last year). An internship requirement for Э(В)БК
    staff, due next year."""
    programme = pages.programme(expected_hours=72, period_years=3)  # a yearly share of 24 hours
    north = MunicipalityFactory(name="Северный округ")
    south = MunicipalityFactory(name="Южный район")
    alpha = LibraryFactory(short_name="Алтайская", municipality=north, evbk_participant=True)
    branch = LibraryFactory(short_name="Алтайская, филиал", municipality=north, parent=alpha,
                            kind="branch")
    beta = LibraryFactory(short_name="Березовская", municipality=south)
    petrova = UserFactory(library=alpha, last_name="Петрова")
    sidorova = UserFactory(library=branch, last_name="Сидорова")
    kuznetsova = UserFactory(library=beta, last_name="Кузнецова")
    UserFactory(library=beta, last_name="Уволенная", is_active=False)
    completed_course(petrova, programme, 24, at(2026, 3, 1))
    completed_course(petrova, programme, 18, at(2025, 5, 1))
    completed_course(petrova, programme, 10, at(2025, 9, 1))  # after the same date last year: not compared
    completed_course(sidorova, programme, 12, at(2026, 4, 1))
    completed_internship(petrova)
    certificate(petrova, at(2026, 3, 2))
    certificate(kuznetsova, at(2026, 2, 2))
    certificate(kuznetsova, at(2026, 2, 3), status=Certificate.Status.REVOKED)
    certificate(kuznetsova, at(2025, 2, 2))
    Requirement.objects.create(title="Стажировка для участников Э(В)БК", evbk_only=True,
                               due_date=datetime.date(2027, 12, 1))
    return {"alpha": alpha, "beta": beta, "branch": branch, "north": north, "south": south,
            "people": [petrova, sidorova, kuznetsova]}


def test_each_component_and_the_score(region):
    result = rating.library_rating(today=TODAY)
    alpha, beta = result.rows
    assert (alpha.name, alpha.staff, alpha.evbk_staff) == ("Алтайская", 2, 2)  # the branch counts with its system
    assert result.yearly_target == 24
    assert alpha.components == {
        COMPLIANCE: 0.5,  # Петрова done, Сидорова not booked
        HOURS: 0.75,  # min(24/24, 1) and 12/24, averaged
        INTERNSHIP: 0.5,
        DOCUMENTS: 0.5,  # 1 document for 2 people against Березовская's 1 for 1
        CHANGE: 0.75,  # 18 h per person this year against 9 last year: doubled
    }
    # 100 × (30·0.5 + 25·0.75 + 20·0.5 + 15·0.5 + 10·0.75) / 100
    assert alpha.score == 58.8 and alpha.rank == 1
    assert (alpha.hours, alpha.hours_last_year, alpha.documents, alpha.internship_done) == (36, 18, 1, 1)
    assert beta.staff == 1  # the inactive person does not count
    assert beta.components == {COMPLIANCE: None, HOURS: 0.0, INTERNSHIP: None, DOCUMENTS: 1.0, CHANGE: 0.5}
    # Not applicable: compliance (30) and internship (20) are spread over the rest: (15·1 + 10·0.5) / 50
    assert beta.score == 40.0 and beta.rank == 2


def test_change_maps_to_zero_one_with_a_half_for_no_change():
    assert rating._change(0, 0) == 0.5
    assert rating._change(5, 5) == 0.5
    assert rating._change(10, 0) == 1.0
    assert rating._change(0, 10) == 0.0
    assert rating._change(10, 5) == 0.75


def test_an_expired_internship_does_not_count(region):
    petrova = region["people"][0]
    Booking.objects.filter(user=petrova).update(valid_until=TODAY - datetime.timedelta(days=1))
    alpha = next(row for row in rating.library_rating(today=TODAY).rows if row.name == "Алтайская")
    assert alpha.components[INTERNSHIP] == 0.0
    assert alpha.compliance.compliant == 0  # owed again: the compliance picture no longer counts it either


def test_weights_change_the_score_and_a_weight_of_zero_leaves_a_component_out(region):
    only_hours = {COMPLIANCE: 0, HOURS: 100, INTERNSHIP: 0, DOCUMENTS: 0, CHANGE: 0}
    rows = {row.name: row for row in rating.library_rating(today=TODAY, weights=only_hours).rows}
    assert rows["Алтайская"].score == 75.0 and rows["Березовская"].score == 0.0
    only_internship = {COMPLIANCE: 0, HOURS: 0, INTERNSHIP: 10, DOCUMENTS: 0, CHANGE: 0}
    rows = {row.name: row for row in rating.library_rating(today=TODAY, weights=only_internship).rows}
    assert rows["Алтайская"].score == 50.0
    assert rows["Березовская"].score == 0.0  # nothing weighted applies to it


def test_saved_weights_are_used(region):
    RatingSettings.objects.create(weight_compliance=0, weight_hours=1, weight_internship=0, weight_documents=0,
                                  weight_change=0)
    assert rating.rating_weights() == {COMPLIANCE: 0, HOURS: 1, INTERNSHIP: 0, DOCUMENTS: 0, CHANGE: 0}
    assert rating.library_rating(today=TODAY).rows[0].score == 75.0


def test_equal_scores_are_ordered_by_name_and_libraries_without_staff_are_not_ranked():
    pages.programme()
    for name in ("Яшкинская", "Анжерская", "Мысковская"):
        UserFactory(library=LibraryFactory(short_name=name))
    LibraryFactory(short_name="Пустая")
    UserFactory(library=LibraryFactory(short_name="Закрытая"), is_active=False)
    result = rating.library_rating(today=TODAY)
    assert [(row.rank, row.name) for row in result.rows] == [(1, "Анжерская"), (2, "Мысковская"), (3, "Яшкинская")]
    assert len({row.score for row in result.rows}) == 1 and result.ranked == 3


def test_without_a_programme_hours_do_not_apply():
    UserFactory(library=LibraryFactory())
    row = rating.library_rating(today=TODAY).rows[0]
    assert row.components[HOURS] is None and rating.library_rating(today=TODAY).yearly_target is None


def test_filters_keep_the_regional_score_and_place(region):
    south = rating.library_rating(today=TODAY, municipality_id=region["south"].pk).rows
    assert [(row.name, row.rank, row.score) for row in south] == [("Березовская", 2, 40.0)]
    evbk = rating.library_rating(today=TODAY, evbk_only=True).rows
    assert [row.name for row in evbk] == ["Алтайская"]
    assert rating.library_rating(today=TODAY, municipality_id=region["south"].pk, evbk_only=True).rows == []


def test_two_years_boundaries_are_kemerovo_time(region):
    # 00:30 on 1 January 2026 in Kemerovo is still 2025 in UTC: it is this year's.
    programme = pages.programme()
    completed_course(region["people"][2], programme, 24, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=KEMEROVO))
    beta = rating.library_rating(today=TODAY).library(region["beta"].pk)
    assert beta.hours == 24 and beta.components[HOURS] == 1.0


# --- pages ----------------------------------------------------------------------------------------------------------

@pytest.fixture
def administrator():
    roles_ensure()
    return UserFactory(role=Role.ADMINISTRATOR, library=None, last_name="Админова")


def score_now(library) -> str:
    """The library's score as the pages show it today (the pages count up to the real date)."""
    return number_format(rating.library_rating().library(library.pk).score, 1)


def test_the_admin_page_is_for_administrators(client, region, administrator):
    url = reverse("certificates_rating")
    assert client.get(url).status_code == 302  # to the log-in
    for role in (Role.LIBRARY_HEAD, Role.TRAINER, Role.LEARNER):
        client.force_login(UserFactory(role=role, library=region["alpha"]))
        assert client.get(url).status_code in (302, 403), role
        assert client.get(reverse("certificates_rating_library", args=[region["alpha"].pk])).status_code in (302, 403)
    client.force_login(administrator)
    page = client.get(url).content.decode()
    assert "Рейтинг библиотек" in page and "<svg" in page and "Алтайская" in page and score_now(region["alpha"]) in page
    assert reverse("certificates_rating_library", args=[region["alpha"].pk]) in page
    filtered = client.get(url, {"municipality": region["south"].pk}).content.decode()
    assert "Березовская" in filtered and 'href="/admin/reports/library-rating/%d/"' % region["alpha"].pk not in filtered


def test_the_admin_drill_down_shows_components_and_staff_counts(client, region, administrator):
    client.force_login(administrator)
    page = client.get(reverse("certificates_rating_library", args=[region["alpha"].pk])).content.decode()
    assert "Сотрудники по состоянию" in page and "Выполнили все требования" in page
    assert score_now(region["alpha"]) in page
    assert client.get(reverse("certificates_rating_library", args=[region["branch"].pk])).status_code == 404
    for url in (reverse("certificates_rating"), reverse("certificates_rating_library", args=[region["alpha"].pk])):
        text = visible_text(client.get(url).content.decode())
        assert not english_leftovers(text) and not plural_mistakes(text), url


def test_exports_csv_and_xlsx(client, region, administrator):
    client.force_login(administrator)
    response = client.get(reverse("certificates_rating"), {"export": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == ["Место в области", "Библиотека", "Муниципальное образование", "Участник Э(В)БК",
                           "Сотрудников", "Баллы"]
    assert rows[1][:6] == ["1", "Алтайская", "Северный округ", "да", "2", score_now(region["alpha"])]
    assert rows[2][6] == "" and len(rows) == 3  # compliance does not apply to Березовская
    evbk = client.get(reverse("certificates_rating"), {"export": "xlsx", "evbk": "on"})
    book = openpyxl.load_workbook(io.BytesIO(evbk.content))
    assert book.active.max_row == 2 and book.active["B2"].value == "Алтайская"
    assert book.active["F2"].value == rating.library_rating().library(region["alpha"].pk).score


def test_the_public_page_shows_libraries_and_the_formula_and_no_person(region):
    client = Client()
    page = client.get("/rating/").content.decode()
    assert "Рейтинг библиотек" in page and "Алтайская" in page and "Березовская" in page
    assert "вес 30" in page and "не относится" in page and 'class="stack' in page
    detail = client.get(reverse("library_rating_detail", args=[region["alpha"].pk])).content.decode()
    assert score_now(region["alpha"]) in detail and "место 1 из 2" in detail
    for text in (page, detail, client.get("/rating/", {"evbk": "on"}).content.decode()):
        for person in region["people"]:
            assert person.last_name not in text and person.email not in text
        assert "Сотрудники по состоянию" not in text  # the staff counts by status are the administrators'
    assert "Березовская" not in client.get("/rating/", {"evbk": "on"}).content.decode().split("<main")[1]
    assert client.get(reverse("library_rating_detail", args=[region["branch"].pk])).status_code == 404
    unknown = client.get("/rating/", {"municipality": "999999"}).content.decode()
    assert "Выберите корректный вариант" in unknown and "Березовская" in unknown  # said, and the whole ranking shown


def test_the_public_page_is_cached_and_linked_from_the_footer(region):
    client = Client()
    first = client.get("/rating/")
    assert first.headers["X-Page-Cache"] == "miss"
    assert client.get("/rating/").headers["X-Page-Cache"] == "hit"
    assert 'href="/rating/"' in client.get("/verify/").content.decode()
    # A visitor who is logged in is served live, from the rating kept for a few minutes (no recount).
    client.force_login(region["people"][0])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/rating/").status_code == 200
    assert not any("internships_booking" in q["sql"] for q in queries.captured_queries)


def test_the_public_page_weighs_little(region):
    for _ in range(60):
        UserFactory(library=LibraryFactory(), last_name="Много")
    response = Client().get("/rating/")
    assert len(response.content) < 100_000
    assert "?page=2" in response.content.decode()


# --- the weights' setting ------------------------------------------------------------------------------------------

def _settings_form(**weights):
    data = {"weight_compliance": 30, "weight_hours": 25, "weight_internship": 20, "weight_documents": 15,
            "weight_change": 10}
    data.update(weights)
    return data


def test_the_settings_show_the_formula_and_refuse_all_zero_or_negative(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("wagtailsettings:edit", args=["certificates", "ratingsettings"]), follow=True)
    url = response.redirect_chain[-1][0]  # the setting's one instance
    page = response.content.decode()
    assert "Формула" in page and "вес 30" in page and "вес 10" in page
    refused = client.post(url, _settings_form(weight_compliance=0, weight_hours=0, weight_internship=0,
                                              weight_documents=0, weight_change=0))
    assert "Хотя бы один вес должен быть больше нуля" in refused.content.decode()
    negative = client.post(url, _settings_form(weight_hours=-5))
    assert negative.status_code == 200 and "отрицательным" in negative.content.decode()
    assert RatingSettings.objects.filter(weight_hours=-5).count() == 0
    client.post(url, _settings_form(weight_hours=40))
    assert rating.rating_weights()[HOURS] == 40
    assert "вес 40" in client.get(url).content.decode()


# --- fixed number of queries ----------------------------------------------------------------------------------------

def _more_staff(region, number):
    programme = pages.programme()
    for index in range(number):
        library = LibraryFactory(evbk_participant=index % 2 == 0)
        for _ in range(3):
            person = UserFactory(library=library)
            completed_course(person, programme, 8, at(2026, 2, 1))
            certificate(person, at(2026, 2, 2))
        completed_internship(person)


def test_the_pages_do_a_fixed_number_of_queries(client, region, administrator):
    client.force_login(administrator)
    urls = [reverse("certificates_rating"), reverse("certificates_rating") + "?export=csv",
            reverse("certificates_rating") + "?export=xlsx",
            reverse("certificates_rating_library", args=[region["alpha"].pk])]
    anonymous = Client()

    def counts():
        result = []
        for url in [*urls, "/rating/", f"/rating/{region['alpha'].pk}/"]:
            from django.core.cache import cache

            cache.clear()  # the public page's kept rating and stored response: count a full build
            who = anonymous if url.startswith("/rating/") else client
            with CaptureQueriesContext(connection) as queries:
                assert who.get(url).status_code == 200, url
            result.append(len(queries))
        return result

    counts()
    small = counts()
    _more_staff(region, 8)
    assert counts() == small
