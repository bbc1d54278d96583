"""A learner requests a seat on an internship, an administrator approves it, the learner sees the approved booking
and downloads its calendar invitation; after the days at ОНБ the mentor marks attendance and the evaluation, the
learner uploads her report, and the compliance page shows her as done."""

from __future__ import annotations

import datetime

import icalendar
import pytest
import vobject

from cms.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEARNER = "learner3@demo.kuzbass-lms.ru"  # Морозова Наталья Сергеевна, ЦБС Кемеровского района (Э(В)БК)
ADMIN = "admin@demo.kuzbass-lms.ru"
TOPIC = "Создание электронных ресурсов: оцифровка и описание"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_request_approve_calendar_attendance_and_compliance(media_root, new_context, log_in, tmp_path):
    from django.utils import timezone

    from lms.internships.models import Booking, Session

    learner = new_context().new_page()
    log_in(learner, LEARNER, DEMO_PASSWORD)
    learner.goto("/internships/")
    learner.get_by_role("region", name=TOPIC).get_by_role("link", name="Подробнее").first.click()
    learner.get_by_role("button", name="Подать заявку").click()
    learner.wait_for_url("**/internships/my/")
    assert "Ожидает одобрения" in learner.locator("main").inner_text()

    admin = new_context().new_page()
    log_in(admin, ADMIN, DEMO_PASSWORD)
    admin.goto("/admin/internships/requests/")
    row = admin.locator("tr", has_text="Морозова Наталья Сергеевна")
    row.get_by_role("button", name="Одобрить").click()
    admin.wait_for_load_state()
    assert "Одобрено: Морозова Наталья Сергеевна" in admin.locator("body").inner_text()

    learner.reload()
    section = learner.get_by_role("region", name=TOPIC)
    assert "Одобрена" in section.inner_text()
    with learner.expect_download() as download_info:
        section.get_by_role("link", name="Добавить в мой календарь (.ics)").click()
    path = tmp_path / "invite.ics"
    download_info.value.save_as(path)
    data = path.read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert TOPIC in str(event["SUMMARY"])
    assert vobject.readOne(data.decode()).vevent.uid.value == str(event["UID"])

    # The session takes place: move it into the past three days (the days of the internship are over).
    booking = Booking.objects.select_related("session").get(user__email=LEARNER, session__topic__title=TOPIC)
    today = timezone.localdate()
    Session.objects.filter(pk=booking.session_id).update(
        start_date=today - datetime.timedelta(days=2), end_date=today, status=Session.Status.CLOSED,
        booking_deadline=timezone.now() - datetime.timedelta(days=5))

    admin.goto(f"/admin/internships/sessions/{booking.session_id}/roster/")
    grid_row = admin.locator("tr", has_text="Морозова Наталья Сергеевна").last
    for select in grid_row.locator("select[name^=day-]").all():
        select.select_option("present")
    grid_row.locator("select[name=evaluation]").select_option("passed")
    grid_row.get_by_role("button", name="Сохранить").click()
    admin.wait_for_load_state()
    assert "Сохранено: Морозова Наталья Сергеевна" in admin.locator("body").inner_text()

    learner.goto("/internships/my/")
    report = tmp_path / "otchet.txt"
    report.write_text("Отчёт о стажировке: освоены сканирование и описание.", encoding="utf-8")
    section = learner.get_by_role("region", name=TOPIC)
    section.locator("input[type=file]").set_input_files(str(report))
    section.get_by_role("button", name="Загрузить").click()
    learner.wait_for_load_state()
    assert "Пройдена" in learner.get_by_role("region", name=TOPIC).inner_text()

    admin.goto("/admin/reports/compliance/?requirement=internship&status=compliant")
    people = admin.locator("#people ~ table").inner_text()
    assert "Морозова Наталья Сергеевна" in people
