import subprocess

import pytest
from django.core import mail  # noqa: F401

from certificates import services
from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from courses import services as course_services
from tests.factories import UserFactory
from tests.factories import courses as pages


@pytest.fixture
def completed(db, django_capture_on_commit_callbacks):
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True,
                                       signatory_1_name="С. В. Петрова", signatory_1_position="Директор")
    course = pages.course(title="Виртуальное справочное обслуживание", academic_hours=18)
    lesson = pages.lesson(course)
    learner = UserFactory(last_name="Иванова", first_name="Мария", patronymic="Петровна")
    course_services.enrolment_self(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(user=learner, lesson=lesson)
    return learner, course


def test_completion_issues_one_certificate_with_frozen_facts(completed):
    learner, course = completed
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.number.startswith("ОНБ-") and certificate.number.endswith("-00001")
    assert len(certificate.code) >= 22  # at least 128 bits
    assert certificate.facts["name_dative"] == "Ивановой Марии Петровне"
    assert certificate.facts["hours_phrase"] == "18 академических часов"
    assert services.certificate_issue(user=learner, course=course).pk == certificate.pk  # twice: one
    assert certificate.pdf or Certificate.objects.get(pk=certificate.pk).pdf


def test_the_pdf_holds_the_facts_and_a_qr_code_that_decodes_to_the_verification_page(completed, tmp_path):
    import zxingcpp
    from PIL import Image

    learner, course = completed
    certificate = Certificate.objects.get(user=learner)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate.pdf.read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for fact in ("Ивановой Марии Петровне", "Виртуальное справочное", "18 академических часов", certificate.number):
        assert fact in " ".join(text.split())
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]
    assert services.verification_url(certificate.code) in decoded


def test_numbers_are_sequential_per_year(completed):
    learner, course = completed
    other = pages.course()
    lesson = pages.lesson(other)
    course_services.enrolment_self(user=learner, course=other)
    course_services.lesson_complete(user=learner, lesson=lesson)
    services.certificate_issue(user=learner, course=other)
    numbers = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert numbers == [1, 2] and RegistryCounter.objects.get().last_number == 2


def test_reissue_keeps_history_and_revoke_needs_a_reason(completed):
    learner, course = completed
    admin = UserFactory()
    old = Certificate.objects.get()
    learner.last_name = "Петрова"
    learner.save()
    new = services.certificate_reissue(certificate=old, actor=admin)
    old.refresh_from_db()
    assert old.status == Certificate.Status.REPLACED and old.replaced_by == new
    assert new.facts["name_dative"] == "Петровой Марии Петровне" and new.number != old.number
    with pytest.raises(services.CertificateError):
        services.certificate_revoke(certificate=new, reason="  ", actor=admin)
    revoked = services.certificate_revoke(certificate=new, reason="Ошибка в документах", actor=admin)
    assert revoked.status == Certificate.Status.REVOKED
    with pytest.raises(services.CertificateError):
        services.certificate_reissue(certificate=revoked, actor=admin)


def test_not_completed_gets_no_certificate(db):
    CertificateTemplate.objects.create(name="С", kind="certificate", is_default=True)
    course = pages.course()
    with pytest.raises(services.CertificateError):
        services.certificate_issue(user=UserFactory(), course=course)


def test_the_holder_is_emailed_the_link_once(completed):
    learner, _course = completed
    certificate = Certificate.objects.get()
    letters = [m for m in mail.outbox if certificate.number in m.body]
    assert len(letters) == 1 and letters[0].to == [learner.email]
    assert services.verification_url(certificate.code) in letters[0].body
    assert services.certificate_notify_issued(certificate_id=certificate.pk) is False


def test_the_check_address_under_the_qr_code_stands_on_one_line(completed, tmp_path):
    learner, _course = completed
    certificate = Certificate.objects.get(user=learner)
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate.pdf.read())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    lookup = services.certificate_context(certificate)["lookup_url"]
    assert any(lookup in line for line in text.splitlines()), text
    assert certificate.code not in text  # the code is in the QR code only: no 32 characters broken over lines
