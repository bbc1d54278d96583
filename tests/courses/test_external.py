"""Training outside the platform: recording (by the person or their library head), the rules with Russian messages,
confirmation and rejection by administrators only, the private scanned document, the pages and their queries; and
courses marked complete by hand."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import external, services
from courses.hours import EXTERNAL, hours_by_year, hours_entries
from courses.models import Enrolment, ExternalTraining, ManualCompletion
from lms.accounts.roles import Role
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db
KEMEROVO = ZoneInfo("Asia/Novokuznetsk")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def record(person, actor=None, **fields):
    data = {"title": "Семинар «Краеведение в библиотеке»", "organisation": "ГПНТБ СО РАН", "academic_hours": 24,
            "starts_on": days_ago(10), "ends_on": days_ago(8)} | fields
    return external.external_training_record(person=person, actor=actor or person, **data)


@pytest.fixture
def head(db):
    return UserFactory(role=Role.LIBRARY_HEAD, last_name="Заведующая")


@pytest.fixture
def staff_member(head):
    return UserFactory(library=head.library, last_name="Сотрудникова")


# --- rules ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "message"), [
    ({"academic_hours": 0}, "Число академических часов должно быть больше нуля."),
    ({"academic_hours": -4}, "Число академических часов должно быть больше нуля."),
    ({"starts_on": days_ago(3), "ends_on": days_ago(5)}, "Обучение не может закончиться раньше, чем началось."),
    ({"title": "  "}, "Укажите название обучения."),
    ({"organisation": ""}, "Укажите организацию, которая провела обучение."),
    ({"starts_on": days_ago(1), "ends_on": days_ago(-3)}, "Внесите обучение после его окончания."),
])
def test_broken_rules_are_refused_in_russian_and_nothing_is_stored(learner, fields, message):
    with pytest.raises(external.ExternalTrainingError, match=message):
        record(learner, **fields)
    assert not ExternalTraining.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("scan.pdf", b"MZ\x90\0 not a pdf at all", "Документ должен быть файлом PDF, JPEG или PNG."),
    ("scan.pdf", PNG, "Документ должен быть файлом PDF, JPEG или PNG."),  # the name says PDF, the content PNG
    ("scan.exe", PDF, "Документ должен быть файлом PDF, JPEG или PNG."),
    ("scan.pdf", b"", "Документ пуст."),
    ("scan.pdf", PDF + b"\0" * (5 * 1024 * 1024), "Документ больше 5 МБ."),
])
def test_documents_are_checked_by_content_and_size(learner, name, content, message):
    with pytest.raises(external.ExternalTrainingError, match=message):
        record(learner, document=SimpleUploadedFile(name, content))
    assert not ExternalTraining.objects.exists()


def test_a_pdf_jpeg_or_png_document_is_stored_outside_public_media(learner):
    jpeg = b"\xff\xd8\xff\xe0" + b"\0" * 20
    for name, content in (("diploma-scan.pdf", PDF), ("diploma-scan.PNG", PNG), ("diploma-scan.jpg", jpeg)):
        entry = record(learner, document=SimpleUploadedFile(name, content))
        # The stored name is random: the person's own file name (which may hold their surname) is not kept.
        assert entry.document.name.startswith("private/external_training/")
        assert "diploma-scan" not in entry.document.name
        assert entry.status == ExternalTraining.Status.PENDING


def test_a_head_records_for_own_staff_only(head, staff_member):
    entry = record(staff_member, actor=head)
    assert entry.user == staff_member and entry.created_by == head
    stranger = UserFactory(library=LibraryFactory())
    with pytest.raises(external.ExternalTrainingError, match="Вы не можете вносить обучение этого человека."):
        record(stranger, actor=head)
    with pytest.raises(external.ExternalTrainingError):
        record(head, actor=staff_member)  # a learner for someone else


def test_only_administrators_confirm_or_reject(learner, head, staff_member, administrator):
    entry = record(staff_member)
    for actor in (staff_member, head, UserFactory(role=Role.TRAINER)):
        with pytest.raises(external.ExternalTrainingError, match="только администраторы"):
            external.external_training_confirm(entry=entry, actor=actor)
        with pytest.raises(external.ExternalTrainingError, match="только администраторы"):
            external.external_training_reject(entry=entry, actor=actor, reason="нет")
    entry.refresh_from_db()
    assert entry.status == ExternalTraining.Status.PENDING
    with pytest.raises(external.ExternalTrainingError, match="Укажите причину отклонения."):
        external.external_training_reject(entry=entry, actor=administrator, reason="  ")
    rejected = external.external_training_reject(entry=entry, actor=administrator, reason="Нет подписи")
    assert (rejected.status, rejected.rejection_reason, rejected.decided_by) == ("rejected", "Нет подписи", administrator)
    with pytest.raises(external.ExternalTrainingError, match="уже принято решение"):
        external.external_training_confirm(entry=entry, actor=administrator)


def test_hours_count_only_once_confirmed_in_the_year_of_the_end_date_in_kemerovo(learner, administrator):
    year = timezone.localdate().year
    # Ends on 31 December of last year: last year's hours, whatever the hour in UTC.
    entry = record(learner, academic_hours=12, starts_on=datetime.date(year - 1, 12, 30),
                   ends_on=datetime.date(year - 1, 12, 31))
    assert entry.completed_at == datetime.datetime(year - 1, 12, 31, tzinfo=KEMEROVO)
    rejected = record(learner, academic_hours=40)
    assert hours_by_year(learner) == {}
    external.external_training_reject(entry=rejected, actor=administrator, reason="Чужой документ")
    assert hours_by_year(learner) == {}
    external.external_training_confirm(entry=entry, actor=administrator)
    assert hours_by_year(learner) == {year - 1: 12}
    [item] = hours_entries(learner)
    assert (item.kind, item.hours, item.completed_on) == (EXTERNAL, 12, datetime.date(year - 1, 12, 31))


# --- the scanned document: who may download it -------------------------------------------------------------------

def test_the_document_is_given_to_the_person_their_head_and_administrators_only(client, head, staff_member,
                                                                              administrator):
    entry = record(staff_member, document=SimpleUploadedFile("scan.pdf", PDF))
    url = f"/learning/external/{entry.pk}/document/"
    for viewer in (staff_member, head, administrator):
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF and "no-store" in response["Cache-Control"]
    other_head = UserFactory(role=Role.LIBRARY_HEAD, library=LibraryFactory())
    for viewer in (UserFactory(library=head.library), other_head, UserFactory(role=Role.TRAINER)):
        client.force_login(viewer)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- pages ---------------------------------------------------------------------------------------------------------

def test_a_learner_records_training_on_the_page_and_sees_its_status(client, learner, administrator):
    client.force_login(learner)
    page = client.get("/learning/external/").content.decode()
    assert "Обучение в других организациях" in page and "Вы ещё не внесли ни одного обучения." in page
    response = client.post("/learning/external/", {
        "title": "Курс «Цифровая библиотека»", "organisation": "РГБ", "academic_hours": "36",
        "starts_on": days_ago(20).isoformat(), "ends_on": days_ago(2).isoformat(),
        "document": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 302
    page = client.get("/learning/external/").content.decode()
    assert "Курс «Цифровая библиотека»" in page and "Ожидает подтверждения" in page
    assert "Обучение внесено. Администратор ОНБ его подтвердит." in page
    entry = ExternalTraining.objects.get()
    external.external_training_reject(entry=entry, actor=administrator, reason="Документ нечитаем")
    page = client.get("/learning/external/").content.decode()
    assert "Отклонено" in page and "Документ нечитаем" in page
    assert 'href="/learning/external/"' in client.get("/learning/").content.decode()


def test_the_form_shows_a_broken_rule_in_russian_and_stores_nothing(client, learner):
    client.force_login(learner)
    response = client.post("/learning/external/", {
        "title": "Семинар", "organisation": "РГБ", "academic_hours": "0",
        "starts_on": days_ago(2).isoformat(), "ends_on": days_ago(1).isoformat(),
        "document": SimpleUploadedFile("scan.png", b"GIF89a not png"),
    })
    assert response.status_code == 200
    assert "Число академических часов должно быть больше нуля." in response.content.decode()
    assert not ExternalTraining.objects.exists()


def test_a_head_records_for_staff_on_the_staff_page(client, head, staff_member):
    client.force_login(head)
    page = client.get("/learning/external/staff/").content.decode()
    assert "Сотрудникова" in page and f"/staff/{staff_member.pk}/record/pdf/" in page
    response = client.post("/learning/external/staff/", {
        "person": staff_member.pk, "title": "Вебинар РБА", "organisation": "РБА", "academic_hours": "4",
        "starts_on": days_ago(3).isoformat(), "ends_on": days_ago(3).isoformat(),
    })
    assert response.status_code == 302
    assert ExternalTraining.objects.get().user == staff_member
    stranger = UserFactory(library=LibraryFactory())
    response = client.post("/learning/external/staff/", {
        "person": stranger.pk, "title": "Вебинар", "organisation": "РБА", "academic_hours": "4",
        "starts_on": days_ago(3).isoformat(), "ends_on": days_ago(3).isoformat(),
    })
    assert response.status_code == 200 and ExternalTraining.objects.count() == 1
    client.force_login(staff_member)
    assert client.get("/learning/external/staff/").status_code == 403


def test_the_admin_listing_confirms_and_rejects_with_a_reason(client, administrator, learner):
    first, second = record(learner, title="Первое"), record(learner, title="Второе")
    client.force_login(administrator)
    page = client.get("/admin/learning/external/").content.decode()
    assert "2 записи ожидают подтверждения." in page and "Первое" in page and "Второе" in page
    client.post(f"/admin/learning/external/{first.pk}/decide/", {"decision": "confirm"})
    client.post(f"/admin/learning/external/{second.pk}/decide/", {"decision": "reject", "reason": ""})
    second.refresh_from_db()
    assert second.status == ExternalTraining.Status.PENDING  # no reason, no rejection
    client.post(f"/admin/learning/external/{second.pk}/decide/", {"decision": "reject", "reason": "Не по профилю"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "rejected")
    page = client.get("/admin/learning/external/").content.decode()
    assert "0 записей ожидают подтверждения." in page and "Не по профилю" in page
    head = UserFactory(role=Role.LIBRARY_HEAD, library=learner.library)
    client.force_login(head)
    assert client.get("/admin/learning/external/").status_code in (302, 403)
    third = record(learner)
    client.post(f"/admin/learning/external/{third.pk}/decide/", {"decision": "confirm"})
    third.refresh_from_db()
    assert third.status == ExternalTraining.Status.PENDING


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["administrator", "head", "learner"])
def test_the_listings_do_a_fixed_number_of_queries(client, administrator, head, who):
    viewer, url = {"administrator": (administrator, "/admin/learning/external/"),
                   "head": (head, "/learning/external/staff/"), "learner": (None, "/learning/external/")}[who]
    person = UserFactory(library=head.library)
    viewer = viewer or person
    client.force_login(viewer)

    def add(count: int) -> None:
        for _number in range(count):
            someone = person if who == "learner" else UserFactory(library=head.library)
            entry = record(someone, document=SimpleUploadedFile("scan.pdf", PDF))
            if who != "administrator":
                external.external_training_confirm(entry=entry, actor=administrator)
            external.external_training_reject(entry=record(someone), actor=administrator, reason="Нет печати")

    add(1)
    small = _queries(client, url)
    add(6)
    assert _queries(client, url) == small


# --- completion by hand --------------------------------------------------------------------------------------------

def test_an_administrator_completes_a_course_by_hand_with_an_audit(learner, administrator,
                                                                  django_capture_on_commit_callbacks):
    course = pages.course(academic_hours=20)
    pages.lesson(pages.module(course))
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.enrolment_complete_by_hand(user=learner, course=course, actor=administrator,
                                                        reason="Обучение в очной группе, приказ № 12")
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.source == Enrolment.Source.ADMIN
    audit = ManualCompletion.objects.get()
    assert (audit.enrolment, audit.completed_by, audit.reason) == (enrolment, administrator,
                                                                   "Обучение в очной группе, приказ № 12")
    assert hours_by_year(learner) == {timezone.localdate().year: 20}
    with pytest.raises(services.EnrolmentError, match="Этот человек уже прошёл курс."):
        services.enrolment_complete_by_hand(user=learner, course=course, actor=administrator, reason="ещё раз")


def test_completion_by_hand_needs_an_administrator_and_a_reason(learner, administrator):
    course = pages.course()
    services.enrolment_self(user=learner, course=course)
    with pytest.raises(services.EnrolmentError, match="только администраторы"):
        services.enrolment_complete_by_hand(user=learner, course=course, actor=learner, reason="сам")
    with pytest.raises(services.EnrolmentError, match="Укажите, на каком основании"):
        services.enrolment_complete_by_hand(user=learner, course=course, actor=administrator, reason=" ")
    assert Enrolment.objects.get().status == Enrolment.Status.ACTIVE and not ManualCompletion.objects.exists()


def test_the_admin_screen_marks_a_course_complete(client, administrator, learner):
    course = pages.course(title="Основы каталогизации")
    client.force_login(administrator)
    assert client.get("/admin/learning/complete-by-hand/").status_code == 200
    response = client.post("/admin/learning/complete-by-hand/", {
        "email": learner.email.upper(), "course": course.pk, "reason": "Перевод из другой системы"})
    assert response.status_code == 302
    page = client.get("/admin/learning/complete-by-hand/").content.decode()
    assert "Перевод из другой системы" in page and "Основы каталогизации" in page
    assert Enrolment.objects.get(user=learner, course=course).status == Enrolment.Status.COMPLETED
    response = client.post("/admin/learning/complete-by-hand/", {
        "email": "nobody@example.org", "course": course.pk, "reason": "—"})
    assert "Человека с такой электронной почтой нет." in response.content.decode()
    client.force_login(UserFactory(role=Role.TRAINER))
    assert client.get("/admin/learning/complete-by-hand/").status_code in (302, 403)


@pytest.mark.parametrize("starts, ends, text", [
    (datetime.date(2026, 11, 12), datetime.date(2026, 11, 12), "12 ноября 2026 г."),
    (datetime.date(2026, 11, 12), datetime.date(2026, 11, 14), "12–14 ноября 2026 г."),
    (datetime.date(2026, 10, 30), datetime.date(2026, 11, 2), "30 октября – 2 ноября 2026 г."),
    (datetime.date(2025, 12, 30), datetime.date(2026, 1, 2), "30 декабря 2025 г. – 2 января 2026 г."),
])
def test_the_dates_of_external_training_read_as_one_span(learner, client, starts, ends, text):
    entry = record(learner, starts_on=starts, ends_on=ends)
    assert entry.period_text == text
    client.force_login(learner)
    page = client.get("/learning/external/").content.decode()
    assert text in page and f"{text} –" not in page
