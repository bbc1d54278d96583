"""External training and courses completed by hand, as the documents and the hours pictures see them: confirmed hours
agree on «Моё обучение», the training record, its PDF and the quota; a course completed by hand gets its certificate;
a staff member's record PDF is for their library head and administrators only."""

import datetime
import re
import subprocess

import pytest
from django.utils import timezone

from certificates.models import Certificate, CertificateTemplate
from courses import external, services
from lms.accounts.roles import Role
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db


def pdf_text(tmp_path, data: bytes) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())


def quota(text):
    found = re.search(r"Часы по программе: (\d+) из (\d+) академических часов", text)
    assert found, text[:2000]
    return int(found.group(1)), int(found.group(2))


def test_confirmed_external_hours_agree_on_the_dashboard_the_record_its_pdf_and_the_quota(client, learner,
                                                                                         administrator, tmp_path):
    pages.programme(expected_hours=72, period_years=3)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    entry = external.external_training_record(
        person=learner, actor=learner, title="Семинар РБА", organisation="РБА", academic_hours=22,
        starts_on=yesterday, ends_on=yesterday)
    client.force_login(learner)
    assert quota(client.get("/my/record/").content.decode()) == (0, 72)
    assert "Семинар РБА" not in client.get("/my/record/").content.decode()

    external.external_training_confirm(entry=entry, actor=administrator)
    dashboard = client.get("/learning/").content.decode()
    assert "В этом году вы набрали 22 академических часа" in dashboard and quota(dashboard) == (22, 72)
    record = client.get("/my/record/").content.decode()
    assert quota(record) == (22, 72) and "Обучение в другой организации: Семинар РБА" in record
    assert f"{yesterday.year} — 22 академических часа" in record
    text = pdf_text(tmp_path, client.get("/my/record/pdf/").content)
    assert quota(text) == (22, 72) and "Семинар РБА" in text


def test_a_course_completed_by_hand_gets_its_certificate(learner, administrator,
                                                        django_capture_on_commit_callbacks):
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    course = pages.course(title="Справочная служба", certificate_kind="certificate")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_complete_by_hand(user=learner, course=course, actor=administrator,
                                            reason="Очное обучение в ОНБ")
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.status == Certificate.Status.VALID


def test_a_staff_record_pdf_is_for_their_head_and_administrators_only(client, administrator, tmp_path):
    library = LibraryFactory()
    person = UserFactory(library=library, last_name="Карточкина")
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library)
    url = f"/staff/{person.pk}/record/pdf/"
    for viewer in (head, administrator):
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "Карточкина" in pdf_text(tmp_path, response.content)
    other_head = UserFactory(role=Role.LIBRARY_HEAD, library=LibraryFactory())
    for viewer in (other_head, UserFactory(library=library), person, UserFactory(role=Role.TRAINER)):
        client.force_login(viewer)
        assert client.get(url).status_code == 404
    client.force_login(head)
    assert client.get(f"/staff/{other_head.pk}/record/pdf/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
