"""The library head's weekly digest: their own staff only, courses and the internship overdue or due within 60
days, requests waiting for the head; not sent when empty or switched off; once per head and week; scheduled on
Mondays at 09:00 Kemerovo time."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from courses import digest, services
from courses.models import Enrolment
from courses.tasks import send_head_digests_task
from lms.accounts.models import NotificationPreference
from lms.accounts.roles import Role
from lms.accounts.services import notification_preferences_update
from lms.internships.models import Booking, Requirement
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def enrol(user, course, due):
    return services.enrolment_create(user=user, course=course, source=Enrolment.Source.ADMIN, due_date=due)


@pytest.fixture
def library_with_head():
    library = LibraryFactory(short_name="ЦБС Топкинского района")
    branch = LibraryFactory(parent=library, short_name="Филиал № 1")
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library, first_name="Елена", email="head@example.org")
    return library, branch, head


def test_the_digest_lists_own_staff_only_with_russian_plurals(library_with_head):
    library, branch, head = library_with_head
    a = UserFactory(library=library, last_name="Агеева", first_name="Анна", patronymic="Олеговна")
    b = UserFactory(library=branch, last_name="Белова", first_name="Вера", patronymic="Павловна")
    c = UserFactory(library=library, last_name="Волкова", first_name="Нина", patronymic="Ильинична")
    stranger = UserFactory(last_name="Чужая", first_name="Ирина")  # another library
    first, second = pages.course(title="Основы краеведения", slug="k1"), pages.course(title="Э(В)БК", slug="k2")
    later = pages.course(title="Далёкий курс", slug="k3")
    enrol(a, first, days(-3))
    enrol(b, second, days(-10))
    enrol(c, first, days(20))
    enrol(stranger, first, days(-3))
    enrol(c, later, days(90))  # beyond 60 days: not mentioned
    Requirement.objects.create(title="Стажировка", evbk_only=False, library=library, due_date=days(-1))
    session = SessionFactory()
    session.topic.head_approval_first = True
    session.topic.save()
    Booking.objects.create(user=c, session=session, topic=session.topic, status=Booking.Status.HEAD_REVIEW)

    result = digest.head_digest(head=head)
    assert [e.user for e in result.overdue_courses] == [b, a]
    assert [e.user for e in result.due_courses] == [c]
    assert {p.user for p in result.overdue_internships} == {a, b, c}
    assert [booking.user for booking in result.awaiting_head] == [c]

    assert digest.head_digest_send(head_id=head.pk) is True
    assert digest.head_digest_send(head_id=head.pk) is False  # once a week
    [message] = mail.outbox
    assert message.to == [head.email]
    assert digest.digest_week().weekday() == 0
    assert "Сводка по сотрудникам на неделю с " in message.subject and message.subject.endswith(" г.")
    body = message.body
    assert "2 курса просрочены:" in body
    assert "1 курс со сроком в ближайшие 60 дней:" in body
    assert "3 сотрудника не прошли стажировку в срок:" in body
    assert "1 заявка на стажировку ждёт вашего решения:" in body
    assert "Агеева Анна Олеговна: «Основы краеведения»" in body and "Чужая" not in body
    assert "Далёкий курс" not in body and "г." in body
    assert "http://" in body and "/internships/staff/" in body
    assert not any(word in body for word in ("Hello", "course", "due", "staff member"))


def test_plural_forms_for_one_and_five(library_with_head):
    library, _branch, head = library_with_head
    course = pages.course(title="Курс", slug="one")
    for n in range(5):
        enrol(UserFactory(library=library, email=f"p{n}@example.org"), course, days(-2))
    one = pages.course(title="Ещё курс", slug="two")
    enrol(UserFactory(library=library, email="late@example.org"), one, days(5))
    Requirement.objects.create(title="Стажировка", evbk_only=False, library=library, due_date=days(30))
    assert digest.head_digest_send(head_id=head.pk)
    body = mail.outbox[0].body
    assert "5 курсов просрочено:" in body and "1 курс со сроком в ближайшие 60 дней:" in body
    assert "6 сотрудников должны пройти стажировку в ближайшие 60 дней:" in body
    assert ", нет заявки" in body  # where each stands


def test_an_empty_digest_is_not_sent(library_with_head):
    library, _branch, head = library_with_head
    done = enrol(UserFactory(library=library), pages.course(slug="done"), days(-5))
    Enrolment.objects.filter(pk=done.pk).update(status=Enrolment.Status.COMPLETED)
    assert digest.head_digest(head=head).is_empty
    assert digest.head_digest_send(head_id=head.pk) is False
    assert mail.outbox == []


def test_a_switched_off_digest_is_not_sent_and_can_come_back(library_with_head):
    library, _branch, head = library_with_head
    enrol(UserFactory(library=library), pages.course(slug="late"), days(-5))
    notification_preferences_update(user=head, choices={NotificationPreference.Kind.WEEKLY_DIGEST: False})
    assert digest.head_digest_send(head_id=head.pk) is False
    notification_preferences_update(user=head, choices={NotificationPreference.Kind.WEEKLY_DIGEST: True})
    assert digest.head_digest_send(head_id=head.pk) is True


def test_the_weekly_task_sends_each_head_their_own(library_with_head):
    library, _branch, head = library_with_head
    other_library = LibraryFactory()
    other_head = UserFactory(role=Role.LIBRARY_HEAD, library=other_library, email="other-head@example.org")
    quiet_head = UserFactory(role=Role.LIBRARY_HEAD, library=LibraryFactory(), email="quiet@example.org")
    course = pages.course(slug="c")
    enrol(UserFactory(library=library, last_name="Своя"), course, days(-5))
    enrol(UserFactory(library=other_library, last_name="Соседка"), course, days(-5))
    assert send_head_digests_task.delay().get() == 3
    send_head_digests_task.delay()  # beat firing twice sends nothing more
    by_head = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_head) == {head.email, other_head.email} and quiet_head.email not in by_head
    assert "Своя" in by_head[head.email] and "Соседка" not in by_head[head.email]
    assert "Соседка" in by_head[other_head.email] and "Своя" not in by_head[other_head.email]


def test_the_schedule_is_monday_nine_kemerovo_time():
    from lms.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["head-weekly-digest"]
    assert entry["task"] == "courses.tasks.send_head_digests_task"
    schedule = entry["schedule"]
    assert schedule.hour == {9} and schedule.minute == {0} and schedule.day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Novokuznetsk" == str(app.conf.timezone)
    assert str(schedule.tz) == "Asia/Novokuznetsk"  # the crontab reads its hours in the app's zone (Kemerovo)
    assert settings.CELERY_BEAT_SCHEDULE["essays-waiting"]["task"] == "courses.tasks.send_essays_waiting_reminders_task"


def test_a_digest_section_from_a_higher_layer_joins(library_with_head, monkeypatch):
    library, _branch, head = library_with_head
    UserFactory(library=library)
    monkeypatch.setattr(digest, "_SECTIONS", [])
    digest.digest_section_register(lambda head, staff, today: digest.DigestSection(
        "Истекает срок действия документов:", ["Иванова М. П.: удостоверение № 1"]))
    result = digest.head_digest(head=head)
    assert not result.is_empty
    assert digest.head_digest_send(head_id=head.pk)
    assert "Истекает срок действия документов:\n— Иванова М. П.: удостоверение № 1" in mail.outbox[0].body
