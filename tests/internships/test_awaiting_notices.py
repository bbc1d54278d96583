"""E-mails to the people who must decide on an internship request: the heads of the person's library (or of its
parent system) while it waits for them, then the administrators of ОНБ; each once, to them only, and not to
someone who switched these letters off."""

import pytest
from django.core import mail

from lms.accounts.models import NotificationPreference
from lms.accounts.roles import Role
from lms.accounts.services import notification_preferences_update
from lms.internships import notifications, services
from lms.internships.models import Booking, Notice
from tests.factories import LibraryFactory, UserFactory
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    system = LibraryFactory(short_name="ЦБС Топкинского района")
    branch = LibraryFactory(parent=system, short_name="Филиал № 2")
    head = UserFactory(role=Role.LIBRARY_HEAD, library=system, email="head@example.org", first_name="Елена")
    other_head = UserFactory(role=Role.LIBRARY_HEAD, library=LibraryFactory(), email="other-head@example.org")
    admin = UserFactory(role=Role.ADMINISTRATOR, email="onb@example.org", first_name="Светлана")
    learner = UserFactory(library=branch, last_name="Петрова", first_name="Анна", patronymic="Ивановна")
    session = SessionFactory()
    session.topic.head_approval_first = True
    session.topic.save()
    return head, other_head, admin, learner, session


def letters_to(user):
    return [m for m in mail.outbox if m.to == [user.email] and "ждёт вашего решения" in m.subject]


def test_a_request_waits_for_the_head_then_for_the_administrators(people, django_capture_on_commit_callbacks):
    head, other_head, admin, learner, session = people
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_request(user=learner, session=session)
    assert booking.status == Booking.Status.HEAD_REVIEW
    [to_head] = letters_to(head)
    assert "Заявка на стажировку ждёт вашего решения: Петрова А. И." in to_head.subject
    assert "Как руководитель библиотеки" in to_head.body and "/internships/staff/" in to_head.body
    assert "Петрова Анна Ивановна" in to_head.body and "г." in to_head.body
    assert letters_to(other_head) == [] and letters_to(admin) == []  # not yet the administrators' turn

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_head_decide(head=head, booking=booking, approve=True)
    [to_admin] = letters_to(admin)
    assert "ждёт решения администраторов" in to_admin.body and "/admin/internships/requests/" in to_admin.body
    assert len(letters_to(head)) == 1 and letters_to(other_head) == []
    assert learner.email not in {m.to[0] for m in mail.outbox if "ждёт вашего решения" in m.subject}

    # the tasks run again: nothing more
    for event in booking.events.all():
        assert notifications.booking_awaiting_send(booking_id=booking.pk, event_id=event.pk) == 0
    assert len(letters_to(head)) == 1 and len(letters_to(admin)) == 1


def test_a_request_decided_before_the_letter_left_is_not_announced(people):
    head, _other_head, admin, learner, session = people
    booking = services.booking_request(user=learner, session=session)  # its tasks have not run
    event = booking.events.get()
    services.booking_head_decide(head=head, booking=booking, approve=False, reason="Нет замены")
    assert notifications.booking_awaiting_send(booking_id=booking.pk, event_id=event.pk) == 0
    assert mail.outbox == [] and not Notice.objects.filter(kind__startswith="awaiting").exists()


def test_a_nomination_goes_straight_to_the_administrators(people, django_capture_on_commit_callbacks):
    head, _other_head, admin, learner, session = people
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_nominate(head=head, user=learner, session=session)
    assert len(letters_to(admin)) == 1 and letters_to(head) == []


def test_switched_off_letters_are_not_sent_nor_recorded(people, django_capture_on_commit_callbacks):
    head, _other_head, _admin, learner, session = people
    notification_preferences_update(user=head, choices={NotificationPreference.Kind.BOOKING_REQUESTS: False})
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_request(user=learner, session=session)
    assert letters_to(head) == []
    assert not Notice.objects.filter(kind="awaiting_head").exists()
    notification_preferences_update(user=head, choices={NotificationPreference.Kind.BOOKING_REQUESTS: True})
    event = booking.events.get()
    assert notifications.booking_awaiting_send(booking_id=booking.pk, event_id=event.pk) == 1
