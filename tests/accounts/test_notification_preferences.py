"""Each person switches off the kinds of notice that concern their roles, on the profile page; defaults are on."""

import pytest

from lms.accounts.models import NotificationPreference
from lms.accounts.roles import Role
from lms.accounts.selectors import notice_kinds_for, notice_wanted, notification_settings, users_wanting_notice
from lms.accounts.services import AccountError, notification_preferences_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = NotificationPreference.Kind
PROFILE = "/accounts/profile/"
SAVE = "/accounts/profile/notifications/"
PROFILE_QUERIES = 5  # session, user, roles, the settings row, the library choices


def test_every_kind_is_on_until_switched_off():
    person, other = UserFactory(), UserFactory()
    assert all(notification_settings(person).values())
    notification_preferences_update(user=person, choices={Kind.WEEKLY_DIGEST: False})
    assert not notice_wanted(person.pk, Kind.WEEKLY_DIGEST) and notice_wanted(person.pk, Kind.ESSAYS_TO_GRADE)
    assert users_wanting_notice(Kind.WEEKLY_DIGEST, [person.pk, other.pk]) == {other.pk}
    notification_preferences_update(user=person, choices={Kind.ESSAYS_TO_GRADE: False})
    assert notification_settings(person) == {"course_requests": True, "booking_requests": True,
                                             "essays_to_grade": False, "weekly_digest": False,
                                             "expiring": True}


def test_an_unknown_kind_is_refused_in_russian():
    with pytest.raises(AccountError, match="Неизвестный вид уведомлений"):
        notification_preferences_update(user=UserFactory(), choices={"spam": False})
    assert not NotificationPreference.objects.exists()


def test_the_kinds_follow_the_roles():
    # anyone may hold training that expires (recertification): everyone may switch those reminders off
    assert notice_kinds_for(UserFactory()) == ["expiring"]
    assert notice_kinds_for(UserFactory(role=Role.LIBRARY_HEAD)) == ["booking_requests", "weekly_digest", "expiring"]
    assert notice_kinds_for(UserFactory(role=Role.TRAINER)) == ["course_requests", "essays_to_grade", "expiring"]
    assert notice_kinds_for(UserFactory(role=Role.ADMINISTRATOR)) == [
        "course_requests", "booking_requests", "essays_to_grade", "expiring"]


def test_a_head_switches_the_digest_off_on_the_profile_page(client):
    head = UserFactory(role=Role.LIBRARY_HEAD)
    client.force_login(head)
    page = client.get(PROFILE).content.decode()
    assert "Уведомления по электронной почте" in page
    assert "Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)" in page
    assert "Заявки на стажировку, ожидающие моего решения" in page
    assert "Эссе" not in page  # not a trainer
    assert page.count('checked') >= 2  # on by default
    response = client.post(SAVE, {"booking_requests": "on"})
    assert response.status_code == 302 and response["Location"].endswith("/accounts/profile/#notifications")
    assert notification_settings(head)["weekly_digest"] is False
    assert notification_settings(head)["booking_requests"] is True
    assert "Настройки уведомлений сохранены." in client.get(PROFILE).content.decode()
    # a kind outside the person's roles cannot be touched through the form
    client.post(SAVE, {"booking_requests": "on", "essays_to_grade": ""})
    assert notification_settings(head)["essays_to_grade"] is True


def test_a_learner_sees_only_the_expiry_reminders_and_the_save_needs_a_login_and_post(client):
    learner = UserFactory()
    assert client.post(SAVE, {}).status_code == 302 and not NotificationPreference.objects.exists()
    client.force_login(learner)
    page = client.get(PROFILE).content.decode()
    assert "Уведомления по электронной почте" in page and "Напоминания о том, что срок" in page
    assert "Эссе" not in page and "Еженедельная сводка" not in page
    assert client.get(SAVE).status_code == 405
    client.post(SAVE, {})
    assert notification_settings(learner)["expiring"] is False


def test_the_profile_with_settings_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    head = UserFactory(role=Role.LIBRARY_HEAD)
    client.force_login(head)
    client.get(PROFILE)
    with django_assert_max_num_queries(PROFILE_QUERIES):
        assert client.get(PROFILE).status_code == 200
    notification_preferences_update(user=head, choices={Kind.WEEKLY_DIGEST: False})
    with django_assert_max_num_queries(PROFILE_QUERIES):
        assert client.get(PROFILE).status_code == 200
