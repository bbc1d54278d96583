"""Documents of recertification: valid_until frozen at issue, on the PDF and the check page; a document per
completion (cycle); the old one stays genuine and, after its date, says «Срок действия истёк»; the record and
«Мои документы» show it; reissue keeps the validity; query counts do not grow with the data."""

import datetime
import subprocess

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateTemplate
from certificates.selectors import training_record
from courses import recertification
from courses import services as course_services
from courses.models import Enrolment
from lms.dates import add_months
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(db):
    return CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)


def complete(user, course, lesson, capture):
    course_services.enrolment_self(user=user, course=course)
    with capture(execute=True):
        course_services.lesson_complete(user=user, lesson=lesson)
    return Enrolment.objects.get(user=user, course=course)


@pytest.fixture
def recert_course(db, template):
    course = pages.course(title="Правовые основы библиотечной деятельности", academic_hours=24, validity_months=36)
    return course, pages.lesson(course)


def test_the_certificate_freezes_valid_until_and_the_pdf_says_it(learner, recert_course, tmp_path,
                                                                  django_capture_on_commit_callbacks):
    course, lesson = recert_course
    enrolment = complete(learner, course, lesson, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.valid_until == enrolment.valid_until == add_months(timezone.localdate(), 36)
    assert certificate.facts["valid_until"] == certificate.valid_until.isoformat()
    assert certificate.cycle == 1
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(Certificate.objects.get(pk=certificate.pk).pdf.read())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    until = certificate.valid_until
    assert f"Действителен до {until.day} " in text and f"{until.year} г." in text


def test_a_document_without_expiry_says_nothing_of_it(learner, template, tmp_path,
                                                      django_capture_on_commit_callbacks):
    course = pages.course()
    complete(learner, course, pages.lesson(course), django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=learner)
    assert certificate.valid_until is None and not certificate.expired
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate.pdf.read())
    assert "Действител" not in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def test_verify_page_valid_expiring_and_expired(client, learner, recert_course, django_capture_on_commit_callbacks):
    course, lesson = recert_course
    complete(learner, course, lesson, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=learner)
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "Документ действителен." in page and "Действует до" in page and "истёк" not in page
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "Документ подлинный, но срок его действия истёк." in page
    assert 'role="status"' in page and "verify-expired" in page
    assert "Документ действителен." not in page
    # the PDF of an expired, genuine document is still served
    response = client.get(f"/verify/{certificate.code}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_new_cycle_gets_its_own_document_and_the_old_one_stays_genuine(
        client, learner, recert_course, django_capture_on_commit_callbacks):
    course, lesson = recert_course
    enrolment = complete(learner, course, lesson, django_capture_on_commit_callbacks)
    first = Certificate.objects.get(user=learner)
    assert recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    with pytest.raises(services.CertificateError):
        services.certificate_issue(user=learner, course=course)  # the new cycle is not completed yet
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(user=learner, lesson=lesson)
    second = Certificate.objects.exclude(pk=first.pk).get(user=learner, course=course)
    assert second.cycle == 2 and second.status == Certificate.Status.VALID
    first.refresh_from_db()
    assert first.status == Certificate.Status.VALID  # an early recertification leaves both genuine
    assert services.certificate_issue(user=learner, course=course).pk == second.pk  # idempotent per cycle
    # the database refuses a second valid document for the same cycle
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(number="X-1", year=2026, sequence=99999, code="x" * 30, user=learner,
                                   course=course, template=second.template, cycle=2)
    # after the first one's date its check page says it expired
    Certificate.objects.filter(pk=first.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert "срок его действия истёк" in client.get(f"/verify/{first.code}/").content.decode()
    assert "Документ действителен." in client.get(f"/verify/{second.code}/").content.decode()
    # the record lists both completions with their own documents
    record = training_record(learner)
    items = [item for year in record.years for item in year.items]
    assert len(items) == 2 and {item.certificate.pk for item in items} == {first.pk, second.pk}


def test_reissue_keeps_validity_and_cycle(learner, recert_course, administrator, django_capture_on_commit_callbacks):
    course, lesson = recert_course
    enrolment = complete(learner, course, lesson, django_capture_on_commit_callbacks)
    old = Certificate.objects.get(user=learner)
    recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    new = services.certificate_reissue(certificate=old, actor=administrator)  # a document of the earlier cycle
    assert (new.valid_until, new.cycle, new.facts["valid_until"]) == (old.valid_until, 1, old.facts["valid_until"])
    assert new.facts["date_to"] == old.facts["date_to"]
    revoked = services.certificate_revoke(certificate=new, reason="Ошибка", actor=administrator)
    assert revoked.status == Certificate.Status.REVOKED


def test_my_documents_and_the_record_say_expired(client, learner, recert_course, django_capture_on_commit_callbacks):
    course, lesson = recert_course
    complete(learner, course, lesson, django_capture_on_commit_callbacks)
    client.force_login(learner)
    page = client.get("/my/documents/").content.decode()
    assert "Действует до" in page and "Срок действия истёк" not in page
    past = timezone.localdate() - datetime.timedelta(days=1)
    Certificate.objects.filter(user=learner).update(valid_until=past)
    Enrolment.objects.filter(user=learner).update(valid_until=past)
    assert "Срок действия истёк" in client.get("/my/documents/").content.decode()
    assert "Срок действия истёк" in client.get("/my/record/").content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_query_counts_of_verify_and_my_documents_do_not_grow(client, learner, template,
                                                             django_capture_on_commit_callbacks):
    def add_documents(count):
        for _ in range(count):
            course = pages.course(validity_months=12)
            complete(learner, course, pages.lesson(course), django_capture_on_commit_callbacks)

    add_documents(1)
    client.force_login(learner)
    code = Certificate.objects.first().code
    _queries(client, "/my/documents/"), _queries(client, f"/verify/{code}/")  # warm the per-process caches
    small = (_queries(client, "/my/documents/"), _queries(client, f"/verify/{code}/"))
    add_documents(4)
    Certificate.objects.filter(pk=Certificate.objects.order_by("pk").last().pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert (_queries(client, "/my/documents/"), _queries(client, f"/verify/{code}/")) == small


def test_a_head_downloads_a_staff_record_that_says_expired(client, recert_course, django_capture_on_commit_callbacks,
                                                           tmp_path):
    from lms.accounts.roles import Role

    course, lesson = recert_course
    head = UserFactory(role=Role.LIBRARY_HEAD)
    person = UserFactory(library=head.library)
    complete(person, course, lesson, django_capture_on_commit_callbacks)
    Enrolment.objects.filter(user=person).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(head)
    response = client.get(f"/staff/{person.pk}/record/pdf/")
    assert response.status_code == 200
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert "Срок действия истёк" in text


def test_a_new_cycle_without_its_document_is_listed_for_issue(learner, recert_course,
                                                             django_capture_on_commit_callbacks):
    from certificates.selectors import completed_without_certificate

    course, lesson = recert_course
    enrolment = complete(learner, course, lesson, django_capture_on_commit_callbacks)
    assert not completed_without_certificate().exists()  # cycle 1 has its document
    recertification.enrolment_reopen(enrolment_id=enrolment.pk, today=enrolment.valid_until)
    course_services.lesson_complete(user=learner, lesson=lesson)  # no on-commit issue here: no document yet
    assert [row["id"] for row in completed_without_certificate()] == [enrolment.pk]
