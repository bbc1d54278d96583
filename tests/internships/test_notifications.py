"""E-mails about internships: each kind once, reminders on the right mornings (time frozen), mentors told about
unmarked attendance, invitations updated and cancelled in the attached calendar files."""

import datetime
from unittest import mock

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from lms.accounts.roles import Role
from lms.internships import notifications, services, tasks
from lms.internships.models import Session
from tests.factories import UserFactory
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int = 9):
    """A moment of a local day, for freezing timezone.now."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 5)))


def calendar_of(message):
    for _name, content, mimetype in message.attachments:
        if mimetype.startswith("text/calendar"):
            return icalendar.Calendar.from_ical(content)
    return None


@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    session = SessionFactory(start_date=timezone.localdate() + datetime.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    mail.outbox.clear()
    return admin, session, booking


def test_reminders_go_seven_days_and_one_day_before_once(approved):
    _admin, session, booking = approved
    start = session.start_date
    sent_on = {}
    for offset in range(10, -1, -1):
        day = start - datetime.timedelta(days=offset)
        with mock.patch("django.utils.timezone.now", return_value=at(day)):
            tasks.send_internship_reminders_task.delay()
            tasks.send_internship_reminders_task.delay()  # beat firing twice changes nothing
        for message in mail.outbox:
            sent_on.setdefault(message.subject, day)
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2, subjects
    assert sent_on[subjects[0]] == start - datetime.timedelta(days=7)
    assert sent_on[subjects[1]] == start - datetime.timedelta(days=1)
    assert all(m.to == [booking.user.email] for m in mail.outbox)
    assert calendar_of(mail.outbox[0]) is not None


def test_a_moved_session_reminds_again_for_its_new_date(approved):
    admin, session, booking = approved
    assert len(notifications.reminders_due(today=session.start_date - datetime.timedelta(days=7))) == 1
    key = notifications.reminders_due(today=session.start_date - datetime.timedelta(days=7))[0][2]
    notifications.booking_notice_send(booking_id=booking.pk, kind="reminder_7", key=key)
    Session.objects.filter(pk=session.pk).update(start_date=session.start_date + datetime.timedelta(days=3),
                                                 end_date=session.end_date + datetime.timedelta(days=3))
    moved = notifications.reminders_due(today=session.start_date - datetime.timedelta(days=4))
    assert moved and moved[0][2] != key


def test_change_and_cancel_mails_carry_update_and_cancel(approved, django_capture_on_commit_callbacks):
    admin, session, booking = approved
    previous = {"start_date": session.start_date, "end_date": session.end_date, "day_starts": session.day_starts,
                "day_ends": session.day_ends, "room": session.room}
    Session.objects.filter(pk=session.pk).update(day_starts=datetime.time(10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        services.session_changed(admin=admin, session=session, previous=previous)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(admin=admin, session=session, reason="Карантин")
    changed, cancelled = mail.outbox
    request, cancel = calendar_of(changed), calendar_of(cancelled)
    assert str(request["METHOD"]) == "REQUEST" and str(cancel["METHOD"]) == "CANCEL"
    first, second = request.walk("VEVENT")[0], cancel.walk("VEVENT")[0]
    assert str(first["UID"]) == str(second["UID"])
    assert int(first["SEQUENCE"]) == 1 and int(second["SEQUENCE"]) == 2
    assert "Карантин" in cancelled.body


def test_queued_and_offered_people_get_no_invitation(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        holder = services.booking_request(user=UserFactory(), session=session)
        services.booking_request(user=UserFactory(), session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=holder.user, booking=holder)
    kinds = [m.subject for m in mail.outbox]
    assert len(kinds) == 4  # received, queued, cancelled, seat offered
    assert all(calendar_of(m) is None for m in mail.outbox)
    assert any("подтвердите" in m.body.lower() or "confirm it by" in m.body.lower() for m in mail.outbox)


def test_mentors_are_told_once_about_unmarked_attendance():
    admin = UserFactory(role=Role.ADMINISTRATOR)
    mentor = UserFactory(role=Role.TRAINER, email="mentor@example.org")
    start = timezone.localdate() - datetime.timedelta(days=2)
    session = SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1),
                             status=Session.Status.CLOSED)
    session.topic.mentors.add(mentor)
    booking = services.booking_add(admin=admin, user=UserFactory(), session=session)
    services.attendance_mark(actor=admin, booking=booking, day=start, mark="present")
    missing = notifications.attendance_missing()
    assert missing == [(session.pk, start + datetime.timedelta(days=1))]
    mail.outbox.clear()
    tasks.send_internship_reminders_task.delay()
    tasks.send_internship_reminders_task.delay()
    assert [m.to for m in mail.outbox] == [["mentor@example.org"]]
    assert "/roster/" in mail.outbox[0].body
