"""The person's own data (152-ФЗ): the export as JSON and PDF, complete, only theirs, in a fixed number of queries."""

import datetime
import json
import subprocess

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from certificates.models import Certificate
from certificates.personal_data import COVERED, EXCLUDED, personal_data_collect
from certificates.views import PERSONAL_DATA_LIMIT
from courses import services as course_services
from courses.models import EnrolmentNotice
from courses.quizzes import services as quiz_services
from lms.accounts.models import StaffImport
from lms.accounts.roles import Role
from lms.internships import services as internship_services
from lms.internships.models import CalendarFeed, Interest, Notice
from tests.certificates.test_services import completed  # noqa: F401 - shared fixture
from tests.courses.quizzes.test_services import answer_all
from tests.courses.quizzes.test_services import setup as quiz_setup  # noqa: F401 - shared fixture
from tests.factories import UserFactory
from tests.factories import scorm as scorm_factories
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _owned_models() -> set:
    """Models that belong to one person: a (non-staff-work) relation to the user marks them."""
    User = get_user_model()
    owned = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (field.is_relation and field.concrete and field.related_model is User and not field.many_to_many
                    and (model._meta.label, field.name) in COVERED):
                owned.add(model)
    return owned


def test_every_relation_to_a_person_is_exported_or_left_out_with_a_reason():
    User = get_user_model()
    owned = _owned_models()
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete):
                continue
            if field.related_model is not User and field.related_model not in owned:
                continue
            key = (model._meta.label, field.name)
            page_key = ("*Page", field.name) if issubclass(model, Page) else None
            if key not in COVERED and key not in EXCLUDED and page_key not in EXCLUDED:
                missing.append(key)
    assert not missing, f"relations to a person neither exported nor excluded with a reason: {missing}"
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert not set(COVERED) & set(EXCLUDED)


@pytest.fixture
def rich(completed, quiz_setup, django_capture_on_commit_callbacks):  # noqa: F811
    """One learner with something in every section, and another person with data of their own."""
    learner, course = completed
    _quiz_course, _lesson, quiz, _other_learner = quiz_setup
    course_services.enrolment_self(user=learner, course=quiz.get_parent().specific)
    attempt = quiz_services.attempt_start(user=learner, quiz=quiz)
    quiz_services.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=attempt.sequence)
    attempt.refresh_from_db()
    quiz_services.attempt_submit(attempt=attempt, user=learner)
    admin = UserFactory(role=Role.ADMINISTRATOR, email="boss@example.org")
    session = SessionFactory(topic=TopicFactory(title="Краеведческие базы данных"))
    booking = internship_services.booking_add(admin=admin, user=learner, session=session)
    booking.report.save("report.txt", ContentFile("Отчёт о стажировке".encode()), save=True)
    Notice.objects.create(key=f"test-{booking.pk}", kind="approved", booking=booking, sent_at=timezone.now())
    Interest.objects.create(topic=TopicFactory(title="Детское чтение"), user=learner)
    CalendarFeed.objects.create(user=learner)
    StaffImport.objects.create(created_by=admin, file_name="штат.xlsx", rows=[
        {"line": 1, "email": learner.email, "last_name": "Иванова", "first_name": "Мария",
         "patronymic": "Петровна", "position": "ведущий библиотекарь", "library_id": learner.library_id},
        {"line": 2, "email": "other@example.org", "last_name": "Соседова", "first_name": "Анна",
         "patronymic": "", "position": "библиограф", "library_id": learner.library_id}])
    _interactive(learner, course, "Практикум по обслуживанию")
    other = UserFactory(email="other@example.org", last_name="Соседова", first_name="Анна", patronymic="")
    course_services.enrolment_self(user=other, course=course)
    internship_services.booking_add(admin=admin, user=other, session=session)
    return learner, other, admin, booking


def _interactive(learner, course, title: str) -> None:
    """A SCORM attempt with a saved place and an answer, and an H5P task done with its statement."""
    from courses.models import H5PContent, H5PResult, XAPIStatement
    from tests.factories import courses as pages

    lesson = scorm_factories.scorm_lesson(course, title=title)
    attempt = scorm_factories.attempt(user=learner, lesson=lesson, completion_status="completed")
    state = scorm_factories.sco_state(attempt, location="страница-4")
    scorm_factories.interaction(state, index=0, identifier="запись-читателя", learner_response="паспорт",
                                result="correct")
    content = H5PContent.objects.create(title=f"Задание: {title}", main_library="H5P.KuzbassQuiz 1.0",
                                        checksum=f"{lesson.pk:064x}", storage_prefix=f"h5p/{lesson.pk}/")
    h5p_lesson = pages.lesson(course)
    H5PResult.objects.create(user=learner, lesson=h5p_lesson, block_id="task-1", content=content, score=2,
                             max_score=3)
    XAPIStatement.objects.create(user=learner, content=content, lesson=h5p_lesson, block_id="task-1",
                                 verb="http://adlnet.gov/expapi/verbs/answered", statement={}, score_raw=2,
                                 score_max=3, is_top_level=True)


def _sections(user) -> dict:
    return {section.key: section for section in personal_data_collect(user=user)}


def test_the_export_holds_every_kind_of_data_of_the_person(rich):
    learner, _other, _admin, _booking = rich
    text = json.dumps({s.title: s.rows for s in personal_data_collect(user=learner)}, ensure_ascii=False,
                      default=str)
    for expected in (learner.email, "Иванова", "Мария", "Петровна", "Виртуальное справочное обслуживание",
                     "Итоговый тест", "ГОСТ Р 7.0.100–2018", "кемерово", "Краеведческие базы данных",
                     "Детское чтение", "штат.xlsx", "ведущий библиотекарь",
                     Certificate.objects.get(user=learner).number, "Ивановой Марии Петровне",
                     "Практикум по обслуживанию", "страница-4", "запись-читателя = паспорт (correct)",
                     "Задание: Практикум по обслуживанию", "answered", "2 / 3"):
        assert expected in text, expected
    sections = _sections(learner)
    assert sections["notices"].rows and sections["invitations"].rows == []
    consent = sections["account"].rows[0]
    assert "Согласие на обработку персональных данных дано" in consent


def test_other_peoples_data_is_never_included(rich):
    learner, _other, _admin, _booking = rich
    text = json.dumps({s.title: s.rows for s in personal_data_collect(user=learner)}, ensure_ascii=False,
                      default=str)
    assert "Соседова" not in text and "other@example.org" not in text and "библиограф" not in text
    assert "boss@example.org" not in text


def test_the_json_download_is_for_oneself_with_dates_in_kemerovo_time(client, rich):
    learner, other, _admin, _booking = rich
    client.force_login(other)
    response = client.get(reverse("certificates:my_data"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    dumped = json.dumps(data, ensure_ascii=False)
    assert "other@example.org" in dumped and learner.email not in dumped and "Иванова" not in dumped
    registered = data["Учётная запись и профиль"][0]["Дата регистрации"]
    assert registered.endswith("+07:00")


def test_the_downloads_need_login(client, db):
    for name in ("certificates:my_data", "certificates:my_data_pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_old_address_leads_to_the_full_export(client, learner):
    client.force_login(learner)
    response = client.get("/accounts/profile/data/")
    assert response.status_code == 302 and response["Location"] == reverse("certificates:my_data")


def test_the_pdf_is_readable_russian_with_the_name(client, rich, tmp_path):
    learner, _other, _admin, _booking = rich
    client.force_login(learner)
    response = client.get(reverse("certificates:my_data_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "data.pdf"
    pdf.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for expected in ("Иванова Мария Петровна", "Данные, которые платформа хранит о вас", "Итоговый тест",
                     "Краеведческие базы данных", "(время кемеровское)", " г.", "да"):
        assert expected in text, expected
    assert "True" not in text and "False" not in text and "None" not in text


def test_the_downloads_are_rate_limited(client, learner):
    client.force_login(learner)
    for _ in range(PERSONAL_DATA_LIMIT):
        assert client.get(reverse("certificates:my_data")).status_code == 200
    assert client.get(reverse("certificates:my_data")).status_code == 429
    assert client.get(reverse("certificates:my_data_pdf")).status_code == 429


def _grow(learner, admin, size: int) -> None:
    from tests.factories import courses as pages

    for index in range(size):
        course = pages.course(title=f"Курс {index}")
        lesson = pages.lesson(course)
        enrolment = course_services.enrolment_self(user=learner, course=course)
        course_services.lesson_complete(user=learner, lesson=lesson)
        EnrolmentNotice.objects.create(enrolment=enrolment, kind="enrolled", key=f"grow-{learner.pk}-{index}")
        start = timezone.localdate() + datetime.timedelta(days=40 + 3 * index)
        booking = internship_services.booking_add(admin=admin, user=learner,
                                                  session=SessionFactory(start_date=start))
        Notice.objects.create(key=f"grow-b-{booking.pk}", kind="approved", booking=booking)
        _interactive(learner, course, f"Практикум {index}")
        EmailAddress.objects.create(user=learner, email=f"more{index}@example.org")


def test_a_fixed_number_of_queries_whatever_the_amount_of_data(client, django_assert_max_num_queries, db):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    small, large = UserFactory(), UserFactory()
    _grow(small, admin, 1)
    _grow(large, admin, 6)
    counts = []
    for person in (small, large):
        client.force_login(person)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("certificates:my_data")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    client.force_login(large)
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("certificates:my_data"))


def test_profile_page_offers_both_downloads(client, learner):
    client.force_login(learner)
    html = client.get("/accounts/profile/").content.decode()
    assert reverse("certificates:my_data") in html and reverse("certificates:my_data_pdf") in html
    assert "PDF" in html and "JSON" in html



def test_external_training_and_a_completion_by_hand_are_in_the_export(db):
    """Training recorded from other organisations is the person's data too, and so is an administrator's mark that
    completed a course for them (with its reason)."""
    import datetime

    from certificates.personal_data import personal_data_collect
    from courses.models import Enrolment, ExternalTraining, ManualCompletion
    from tests.factories import UserFactory
    from tests.factories import courses as pages

    person = UserFactory()
    ExternalTraining.objects.create(user=person, title="Курсы ГПНТБ", organisation="ГПНТБ России", academic_hours=36,
                                    starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 20))
    enrolment = Enrolment.objects.create(user=person, course=pages.course(), source=Enrolment.Source.ADMIN)
    ManualCompletion.objects.create(enrolment=enrolment, reason="Прошла очно в ОНБ")
    sections = {section.key: section for section in personal_data_collect(user=person)}
    [external] = sections["external_training"].rows
    assert external["Обучение"] == "Курсы ГПНТБ" and external["Академические часы"] == 36
    [course] = sections["enrolments"].rows
    assert course["Отмечен как пройденный администратором"].endswith("Прошла очно в ОНБ")


def test_notification_choices_and_calls_to_act_are_in_the_export(db):
    from certificates.personal_data import personal_data_collect
    from courses.models import StaffNotice
    from lms.accounts.models import NotificationPreference
    from tests.factories import UserFactory

    head = UserFactory()
    NotificationPreference.objects.create(user=head, weekly_digest=False)
    StaffNotice.objects.create(recipient=head, kind=NotificationPreference.Kind.WEEKLY_DIGEST, key="digest:test")
    sections = {section.key: section for section in personal_data_collect(user=head)}
    choices = next(row for row in sections["account"].rows
                   if "Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)" in row)
    assert choices["Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)"] is False
    assert any(row.get("О чём") == "Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)"
               for row in sections["notices"].rows), sections["notices"].rows
