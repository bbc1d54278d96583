"""Anonymising a person who left (152-ФЗ): exactly the personal data go, the registry's facts stay, audited,
typed confirmation, administrators only, never a superuser or oneself, idempotent."""

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from certificates.anonymisation import AnonymisationError, person_anonymise
from certificates.models import Certificate, PersonalDataErasure
from courses.models import Enrolment
from lms.accounts.models import Invitation, StaffImport
from lms.accounts.roles import Role
from lms.internships import services as internship_services
from lms.internships.models import Booking, CalendarFeed, Interest
from tests.certificates.test_services import completed  # noqa: F401 - shared fixture
from tests.factories import PASSWORD, UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def leaver(completed):  # noqa: F811
    """A learner with a certificate, an uploaded internship report, a profile picture, a calendar feed, an interest,
    an invitation, a line in a staff list; and an administrator."""
    learner, course = completed
    admin = UserFactory(role=Role.ADMINISTRATOR, email="boss@example.org")
    booking = internship_services.booking_add(admin=admin, user=learner, session=SessionFactory())
    booking.report.save("report.txt", ContentFile("Отчёт Ивановой".encode()), save=True)
    profile = UserProfile.get_for_user(learner)
    profile.avatar.save("face.png", ContentFile(b"\x89PNG fake"), save=True)
    CalendarFeed.objects.create(user=learner)
    Interest.objects.create(topic=TopicFactory(), user=learner)
    Invitation.objects.create(user=learner, invited_by=admin, token_hash="a" * 64)
    StaffImport.objects.create(created_by=admin, file_name="штат.csv", rows=[
        {"line": 1, "email": learner.email, "last_name": "Иванова", "first_name": "Мария", "patronymic": "Петровна",
         "position": "библиотекарь", "library_id": learner.library_id},
        {"line": 2, "email": "stays@example.org", "last_name": "Остаётся", "first_name": "Ольга",
         "patronymic": "", "position": "библиограф", "library_id": learner.library_id}],
        plan={"updates": [{"line": 1, "user_id": learner.pk, "name": "Иванова Мария Петровна",
                           "email": learner.email, "library": "ЦБС",
                           "changes": [{"field": "position", "old": "библиотекарь", "new": "ведущий"}]}],
              "creations": [], "deactivations": [], "skipped": [], "unchanged": 0})
    return learner, admin, booking, course


def test_anonymisation_erases_the_personal_data_and_keeps_the_registry_facts(leaver, client,
                                                                            django_capture_on_commit_callbacks):
    learner, admin, booking, course = leaver
    certificate = Certificate.objects.get(user=learner)
    facts_before = dict(certificate.facts)
    report_name, avatar_name = booking.report.name, UserProfile.get_for_user(learner).avatar.name
    assert default_storage.exists(report_name) and default_storage.exists(avatar_name)
    old_email = learner.email
    ModelLogEntry.objects.log_action(learner, "wagtail.edit", user=admin)  # the admin's history names the account

    with django_capture_on_commit_callbacks(execute=True):
        erasure = person_anonymise(person=learner, actor=admin, confirmation="  иванова ")

    learner.refresh_from_db()
    assert (learner.last_name, learner.first_name, learner.patronymic, learner.position) == ("", "", "", "")
    assert learner.email.endswith("@anonymised.invalid") and old_email not in learner.email
    assert not learner.is_active and not learner.has_usable_password()
    assert learner.library_id is not None  # the library stays
    assert not EmailAddress.objects.filter(user=learner).exists()
    assert not Invitation.objects.filter(user=learner).exists()
    assert not CalendarFeed.objects.filter(user=learner).exists()
    assert not Interest.objects.filter(user=learner).exists()
    booking.refresh_from_db()
    # The booking stays as a record, its file goes; the session has not started, so the seat went back to the queue
    # (a deactivated person keeps no seat: lms/internships/leavers.py).
    assert not booking.report and booking.status == Booking.Status.CANCELLED
    assert not default_storage.exists(report_name) and not default_storage.exists(avatar_name)
    assert not UserProfile.get_for_user(learner).avatar
    assert [entry.label for entry in ModelLogEntry.objects.all()] == [f"#{learner.pk}"]
    staff_list = StaffImport.objects.get()
    dumped = str(staff_list.rows) + str(staff_list.plan)
    assert old_email not in dumped and "Иванова" not in dumped and "Петровна" not in dumped
    assert "Остаётся" in dumped and "stays@example.org" in dumped  # other people's lines stay
    # The registry keeps the frozen facts; the check page still works and shows them.
    certificate.refresh_from_db()
    assert certificate.facts == facts_before and certificate.status == Certificate.Status.VALID
    assert Enrolment.objects.filter(user=learner, course=course, status="completed").exists()
    response = client.get(reverse("certificates:verify", args=[certificate.code]))
    assert response.status_code == 200 and facts_before["full_name"] in response.content.decode()
    assert "Иванова Мария Петровна" in response.content.decode()
    # The audit: who, when, which account, none of the erased data.
    assert erasure.person_id == learner.pk and erasure.erased_by == admin and erasure.erased_at
    assert erasure.summary["files"] == 2 and erasure.summary["staff_lists"] == 1
    assert old_email not in str(erasure.summary) and "Иванова" not in str(erasure.summary)


def test_the_person_can_no_longer_log_in(leaver, client):
    learner, admin, _booking, _course = leaver
    email = learner.email
    assert client.login(email=email, password=PASSWORD)
    client.logout()
    person_anonymise(person=learner, actor=admin, confirmation=email)
    assert not client.login(email=email, password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_an_open_session_of_the_person_ends(leaver, client):
    learner, admin, _booking, _course = leaver
    client.force_login(learner)
    assert client.get("/accounts/profile/").status_code == 200
    person_anonymise(person=learner, actor=admin, confirmation=learner.email)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_wrong_confirmation_changes_nothing(leaver):
    learner, admin, booking, _course = leaver
    for typed in ("", "Петрова", "other@example.org", "Мария"):
        with pytest.raises(AnonymisationError, match="введите точно фамилию или e-mail"):
            person_anonymise(person=learner, actor=admin, confirmation=typed)
    learner.refresh_from_db()
    booking.refresh_from_db()
    assert learner.last_name == "Иванова" and learner.is_active and booking.report
    assert not PersonalDataErasure.objects.exists()


def test_refused_for_non_administrators_superusers_and_oneself(leaver):
    learner, admin, _booking, _course = leaver
    trainer = UserFactory(role=Role.TRAINER)
    with pytest.raises(AnonymisationError, match="только администраторы"):
        person_anonymise(person=learner, actor=trainer, confirmation=learner.last_name)
    with pytest.raises(AnonymisationError, match="собственную"):
        person_anonymise(person=admin, actor=admin, confirmation=admin.last_name)
    root = UserFactory(is_superuser=True, is_staff=True, last_name="Корнева")
    with pytest.raises(AnonymisationError, match="суперпользователя"):
        person_anonymise(person=root, actor=admin, confirmation="Корнева")
    assert not PersonalDataErasure.objects.exists()


def test_anonymising_twice_changes_nothing_more(leaver):
    learner, admin, _booking, _course = leaver
    first = person_anonymise(person=learner, actor=admin, confirmation=learner.last_name)
    learner.refresh_from_db()
    email = learner.email
    second = person_anonymise(person=learner, actor=UserFactory(role=Role.ADMINISTRATOR), confirmation="")
    learner.refresh_from_db()
    assert second.pk == first.pk and learner.email == email and PersonalDataErasure.objects.count() == 1


def test_scans_of_external_training_go_and_the_confirmed_hours_stay(leaver, django_capture_on_commit_callbacks):
    import datetime

    from courses.models import ExternalTraining

    learner, admin, _booking, _course = leaver
    entry = ExternalTraining.objects.create(
        user=learner, title="Курсы ГПНТБ", organisation="ГПНТБ России", academic_hours=36,
        starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 20),
        status=ExternalTraining.Status.CONFIRMED)
    entry.document.save("scan.pdf", ContentFile(b"%PDF-1.4 Ivanova"), save=True)
    name = entry.document.name
    with django_capture_on_commit_callbacks(execute=True):
        person_anonymise(person=learner, actor=admin, confirmation=learner.last_name)
    entry.refresh_from_db()
    assert not entry.document and not default_storage.exists(name)
    assert entry.academic_hours == 36 and entry.status == ExternalTraining.Status.CONFIRMED


# --- the admin's page --------------------------------------------------------------------------------------------

def test_the_confirmation_page_explains_and_needs_the_typed_surname(leaver, client):
    learner, admin, _booking, _course = leaver
    client.force_login(admin)
    url = reverse("person_anonymise", args=[learner.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    for words in ("Что будет удалено", "Что сохранится", "реестр выданных документов", "Обезличить",
                  learner.email):
        assert words in html, words
    assert client.post(url, {"confirmation": "Петрова"}).status_code == 400
    learner.refresh_from_db()
    assert learner.is_active and learner.last_name == "Иванова"
    response = client.post(url, {"confirmation": "Иванова"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert not learner.is_active and learner.last_name == ""
    again = client.get(url).content.decode()
    assert "уже обезличена" in again and "<form" not in again.split('class="nice-padding"')[1]


def test_the_page_is_for_administrators_only(leaver, client):
    learner, _admin, _booking, _course = leaver
    url = reverse("person_anonymise", args=[learner.pk])
    for role in (Role.TRAINER, Role.LIBRARY_HEAD):
        client.force_login(UserFactory(role=role))
        assert client.get(url).status_code in (302, 403)
        assert client.post(url, {"confirmation": "Иванова"}).status_code in (302, 403)
    client.force_login(learner)
    assert client.get(url).status_code in (302, 403)
    learner.refresh_from_db()
    assert learner.is_active


def test_the_page_refuses_a_superuser_and_oneself(leaver, client):
    _learner, admin, _booking, _course = leaver
    root = UserFactory(is_superuser=True, is_staff=True, last_name="Корнева")
    client.force_login(admin)
    for person, words in ((root, "суперпользователя"), (admin, "собственную")):
        url = reverse("person_anonymise", args=[person.pk])
        assert words in client.get(url).content.decode()
        assert client.post(url, {"confirmation": person.last_name}).status_code == 400
        person.refresh_from_db()
        assert person.is_active


def test_the_users_edit_page_offers_the_action(leaver, client):
    learner, admin, _booking, _course = leaver
    client.force_login(admin)
    html = client.get(reverse("wagtailusers_users:edit", args=[learner.pk])).content.decode()
    assert reverse("person_anonymise", args=[learner.pk]) in html and "Обезличить" in html
    own = client.get(reverse("wagtailusers_users:edit", args=[admin.pk])).content.decode()
    assert reverse("person_anonymise", args=[admin.pk]) not in own


def test_the_confirmation_page_reads_in_russian(leaver, client):
    from tests.cms.admin_russian import english_leftovers, visible_text

    learner, admin, _booking, _course = leaver
    client.force_login(admin)
    url = reverse("person_anonymise", args=[learner.pk])
    for response in (client.get(url), client.post(url, {"confirmation": "нет"})):
        text = visible_text(response.content.decode()).replace(learner.email, "")
        assert english_leftovers(text) == [], english_leftovers(text)
