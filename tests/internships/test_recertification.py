"""Recertification of internships: valid_until frozen at completion from the topic; the topic may be booked again
once the last completion's window has opened (not before, never for a completion without expiry); the compliance
picture counts a completion as done until its window, «истекает» inside it and overdue after the date."""

import datetime

import pytest
from django.utils import timezone

from courses import recertification
from lms.accounts.roles import Role
from lms.dates import add_months
from lms.internships import compliance, services
from lms.internships.models import Booking, Requirement, Session
from lms.internships.services import BookingError
from tests.factories import UserFactory
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
S = Booking.Status


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR)


def held_session(topic):
    start = timezone.localdate() - datetime.timedelta(days=3 + 3 * Session.objects.count())  # never overlapping
    return SessionFactory(topic=topic, start_date=start, end_date=start + datetime.timedelta(days=1),
                          booking_deadline=timezone.now() - datetime.timedelta(days=5), status=Session.Status.CLOSED)


def complete(admin, user, topic) -> Booking:
    session = held_session(topic)
    booking = services.booking_add(admin=admin, user=user, session=session)
    for day in session.days:
        services.attendance_mark(actor=admin, booking=booking, day=day, mark="present")
    services.booking_evaluate(actor=admin, booking=booking, evaluation="passed")
    booking.refresh_from_db()
    assert booking.status == S.COMPLETED
    return booking


def set_valid_until(booking, until):
    Booking.objects.filter(pk=booking.pk).update(valid_until=until)


def test_completion_freezes_valid_until_from_the_topic(admin):
    topic = TopicFactory(report_required=False, min_attendance_percent=0, validity_months=24)
    booking = complete(admin, UserFactory(), topic)
    assert booking.valid_until == add_months(timezone.localdate(booking.completed_at), 24)
    plain = complete(admin, UserFactory(), TopicFactory(report_required=False, min_attendance_percent=0))
    assert plain.valid_until is None


def test_booking_again_opens_with_the_window(admin):
    topic = TopicFactory(report_required=False, min_attendance_percent=0, validity_months=24,
                         recertification_window_days=60)
    person = UserFactory()
    booking = complete(admin, person, topic)
    upcoming = SessionFactory(topic=topic, capacity=5)
    with pytest.raises(BookingError, match="записаться снова для переаттестации можно с"):
        services.booking_request(user=person, session=upcoming)
    set_valid_until(booking, timezone.localdate() + datetime.timedelta(days=60))  # the window opens today
    again = services.booking_request(user=person, session=upcoming)
    assert again.status in (S.REQUESTED, S.APPROVED)
    with pytest.raises(BookingError):  # still one open booking per topic
        services.booking_request(user=person, session=SessionFactory(topic=topic, capacity=5))


def test_a_completion_without_expiry_keeps_the_topic_closed(admin):
    topic = TopicFactory(report_required=False, min_attendance_percent=0)
    person = UserFactory()
    complete(admin, person, topic)
    with pytest.raises(BookingError, match="Вы уже прошли эту стажировку"):
        services.booking_request(user=person, session=SessionFactory(topic=topic, capacity=5))
    with pytest.raises(BookingError, match="уже пройдена"):
        services.booking_add(admin=admin, user=person, session=SessionFactory(topic=topic, capacity=5))


def test_compliance_done_expiring_then_overdue(admin):
    topic = TopicFactory(report_required=False, min_attendance_percent=0, validity_months=12,
                         recertification_window_days=90)
    Requirement.objects.create(title="Все", evbk_only=False,
                               due_date=timezone.localdate() + datetime.timedelta(days=30))
    person = UserFactory()
    booking = complete(admin, person, topic)
    today = timezone.localdate()

    def standing():
        return {p.user.pk: (p.status, p.due) for p in compliance.compliance_picture(viewer=admin).people}[person.pk]

    assert standing()[0] == compliance.DONE
    set_valid_until(booking, today + datetime.timedelta(days=40))
    assert standing() == (compliance.EXPIRING, today + datetime.timedelta(days=40))
    picture = compliance.compliance_picture(viewer=admin)
    assert picture.totals.counts[compliance.EXPIRING] == 1 and picture.totals.done_share > 0  # still compliant
    set_valid_until(booking, today - datetime.timedelta(days=1))
    assert standing() == (compliance.OVERDUE, today - datetime.timedelta(days=1))
    # a new completion puts the person back to done
    again = complete(admin, person, topic)
    assert again.pk != booking.pk and standing()[0] == compliance.DONE


def test_internship_reminders_follow_the_last_completion(admin):
    topic = TopicFactory(report_required=False, min_attendance_percent=0, validity_months=12)
    person = UserFactory()
    booking = complete(admin, person, topic)
    today = timezone.localdate()
    set_valid_until(booking, today + datetime.timedelta(days=30))
    plan = [r for r in recertification.expiry_reminders_due(today=today) if r.kind == "internship"]
    assert [(r.object_id, r.step) for r in plan] == [(booking.pk, 30)]
    assert recertification.expiry_reminder_send(user_id=person.pk, kind="internship", object_id=booking.pk,
                                                 step=30, today=today)
    assert not recertification.expiry_reminder_send(user_id=person.pk, kind="internship", object_id=booking.pk,
                                                     step=30, today=today)  # once
    complete(admin, person, topic)  # done again: the old completion is no longer reminded of
    assert not [r for r in recertification.expiry_reminders_due(today=today) if r.kind == "internship"]


def test_a_head_may_nominate_staff_whose_internship_is_in_its_window(admin):
    from lms.internships.selectors import nominable_staff

    topic = TopicFactory(report_required=False, min_attendance_percent=0, validity_months=24,
                         recertification_window_days=60)
    head = UserFactory(role=Role.LIBRARY_HEAD)
    person = UserFactory(library=head.library)
    booking = complete(admin, person, topic)
    upcoming = SessionFactory(topic=topic, capacity=5)
    assert person not in nominable_staff(head, upcoming)
    set_valid_until(booking, timezone.localdate() + datetime.timedelta(days=59))
    assert person in nominable_staff(head, upcoming)
    services.booking_nominate(head=head, user=person, session=upcoming)
    assert person not in nominable_staff(head, upcoming)  # now booked
