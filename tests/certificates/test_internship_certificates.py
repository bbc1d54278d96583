"""Internship notes (справки о стажировке): issued once when an internship is completed, with frozen facts; reissued
with history; counted in the training record and in the hours quota next to courses."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from certificates import services, tasks
from certificates.models import Certificate, CertificateTemplate
from certificates.selectors import people_behind, training_record
from courses.models import ProgrammePage
from lms import content_cache
from lms.accounts.roles import Role
from lms.internships import services as internship_services
from lms.internships.models import Session
from tests.certificates.test_services import completed  # noqa: F401 - shared fixture
from tests.factories import UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def finished(django_capture_on_commit_callbacks):
    """A completed internship, with the template of internship notes in place."""
    CertificateTemplate.objects.create(name="Справка", kind="internship", title="Справка", is_default=True,
                                       body_text="о прохождении стажировки по теме")
    admin = UserFactory(role=Role.ADMINISTRATOR)
    intern = UserFactory(last_name="Морозова", first_name="Наталья", patronymic="Сергеевна")
    start = timezone.localdate() - datetime.timedelta(days=3)
    session = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1),
                             status=Session.Status.CLOSED,
                             topic=TopicFactory(title="Электронный архив местной периодики", academic_hours=16,
                                                report_required=False))
    booking = internship_services.booking_add(admin=admin, user=intern, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        for day in session.days:
            internship_services.attendance_mark(actor=admin, booking=booking, day=day, mark="present")
        internship_services.booking_evaluate(actor=admin, booking=booking, evaluation="passed")
    booking.refresh_from_db()
    return admin, intern, booking


def test_completion_issues_one_note_with_frozen_facts(finished, tmp_path):
    admin, intern, booking = finished
    note = Certificate.objects.get(user=intern)
    assert note.internship == booking and note.course is None
    assert note.template.kind == "internship"
    assert note.facts["name_dative"] == "Морозовой Наталье Сергеевне"
    assert note.facts["course"] == "Электронный архив местной периодики"
    assert note.facts["hours_phrase"] == "16 академических часов"
    assert note.facts["period_text"].startswith("стажировка ")
    # The task and the service called again give the same note.
    assert tasks.issue_internship_certificate_task.delay(booking.pk).get() == note.pk
    assert services.certificate_issue_for_internship(booking=booking).pk == note.pk
    assert Certificate.objects.filter(internship=booking).count() == 1
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(Certificate.objects.get(pk=note.pk).pdf.read())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    for fact in ("СПРАВКА", "Морозовой Наталье Сергеевне", "Электронный архив местной периодики",
                 "16 академических часов", note.number, "выдана"):
        assert fact in text, fact


def test_an_unfinished_internship_gets_no_note(finished):
    admin, _intern, _booking = finished
    other = internship_services.booking_add(admin=admin, user=UserFactory(), session=SessionFactory())
    with pytest.raises(services.CertificateError):
        services.certificate_issue_for_internship(booking=other)
    assert tasks.issue_internship_certificate_task.delay(other.pk).get() is None


def test_reissue_keeps_the_internship_and_the_history(finished):
    admin, intern, booking = finished
    old = Certificate.objects.get(user=intern)
    type(intern).objects.filter(pk=intern.pk).update(last_name="Орлова")
    new = services.certificate_reissue(certificate=old, actor=admin)
    old.refresh_from_db()
    assert old.status == Certificate.Status.REPLACED and old.replaced_by == new
    assert new.internship == booking and new.facts["name_dative"].startswith("Орловой")


def test_record_and_hours_quota_count_internships_with_courses(finished, completed):  # noqa: F811
    _admin, intern, booking = finished
    learner, course = completed
    record = training_record(intern)
    items = [item for year in record.years for item in year.items]
    assert [(i.kind, i.title, i.hours) for i in items] == [("internship", "Электронный архив местной периодики", 16)]
    assert items[0].certificate.internship == booking
    ProgrammePage.objects.filter(pk=course.get_parent().pk).update(expected_hours=20, period_years=1)
    content_cache.generation_bump()  # as publishing the programme does (the live programme is kept in the cache)
    # The course's learner has 18 hours, the intern 16; a course of 18 hours more for the intern puts her over.
    behind = {u.pk: u.period_hours for u in people_behind()}
    assert behind[intern.pk] == 16 and behind[learner.pk] == 18
    from courses import services as course_services
    from tests.factories import courses as pages
    second = pages.course(title="Ещё курс", academic_hours=8)
    lesson = pages.lesson(second)
    course_services.enrolment_self(user=intern, course=second)
    course_services.lesson_complete(user=intern, lesson=lesson)
    assert intern.pk not in {u.pk for u in people_behind()}
    assert training_record(intern).period_hours == 24


@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_the_register_confirms_a_bulk_action_on_an_internship_note(client, finished, action):
    admin, intern, booking = finished
    note = Certificate.objects.get(user=intern)
    client.force_login(admin)
    page = client.get(f"/admin/bulk/certificates/certificate/{action}/?id={note.pk}&next=/admin/certificate_register/")
    assert page.status_code == 200
    assert "Электронный архив местной периодики" in page.content.decode()
    data = {"reason": "Ошибка в дате"} if action == "revoke" else {}
    response = client.post(f"/admin/bulk/certificates/certificate/{action}/?id={note.pk}&next=/admin/", data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == ("revoked" if action == "revoke" else "replaced")
