import pytest
from django.core import mail
from django.utils import timezone

from lms.accounts import services
from lms.accounts.models import Invitation, User
from lms.accounts.roles import Role, user_roles
from tests.factories import UserFactory


def _link_token(body: str) -> str:
    line = next(line for line in body.splitlines() if "/accounts/invitation/" in line)
    return line.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def invite(db, library, administrator, django_capture_on_commit_callbacks):
    def make(email="new.person@example.org", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.invitation_create(
                email=email, last_name="Сидорова", first_name="Анна", patronymic="Игоревна", library=library,
                position="библиограф", invited_by=administrator, **extra,
            )
    return make


def test_invitation_creates_a_person_without_password_and_sends_a_link(invite):
    invitation = invite(email="  New.Person@Example.org ")
    user = invitation.user
    assert user.email == "new.person@example.org"
    assert not user.has_usable_password()
    assert user_roles(user) == {Role.LEARNER}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Анна" in message.body
    token = _link_token(message.body)
    invitation.refresh_from_db()
    assert invitation.sent_at and invitation.expires_at > timezone.now()
    assert invitation.token_hash and token not in invitation.token_hash  # only the hash is stored


def test_sending_twice_sends_once(invite):
    invitation = invite()
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def test_duplicate_email_is_refused_in_russian(invite, learner):
    with pytest.raises(services.AccountError, match="уже зарегистрирован"):
        invite(email=learner.email.upper())
    assert User.objects.filter(email=learner.email).count() == 1
    assert not mail.outbox


def test_accepting_sets_password_verifies_email_and_records_consent(invite, client):
    invitation = invite()
    token = _link_token(mail.outbox[0].body)
    response = client.post(f"/accounts/invitation/{token}/",
                           {"password1": "Kniga-Polka-77", "password2": "Kniga-Polka-77", "consent": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=invitation.user_id)
    assert user.check_password("Kniga-Polka-77")
    assert user.personal_data_consent_at is not None and user.personal_data_consent_version
    assert user.emailaddress_set.get().verified
    # the link works once
    assert client.get(f"/accounts/invitation/{token}/").status_code == 404
    with pytest.raises(services.AccountError):
        services.invitation_accept(token=token, password="Kniga-Polka-78")


def test_accept_without_consent_or_with_weak_password_changes_nothing(invite, client):
    invitation = invite()
    token = _link_token(mail.outbox[0].body)
    response = client.post(f"/accounts/invitation/{token}/",
                           {"password1": "Kniga-Polka-77", "password2": "Kniga-Polka-77"})
    assert response.status_code == 200
    assert "Согласие" in response.content.decode()
    response = client.post(f"/accounts/invitation/{token}/",
                           {"password1": "12345678", "password2": "12345678", "consent": "on"})
    assert response.status_code == 200
    invitation.user.refresh_from_db()
    assert not invitation.user.has_usable_password()


def test_expired_or_unknown_invitation_is_refused(invite, client):
    invitation = invite()
    token = _link_token(mail.outbox[0].body)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert client.get(f"/accounts/invitation/{token}/").status_code == 404
    assert client.get("/accounts/invitation/not-a-token/").status_code == 404


def test_resend_replaces_the_old_link(invite, administrator, django_capture_on_commit_callbacks):
    invitation = invite()
    old_token = _link_token(mail.outbox[0].body)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(user=invitation.user, invited_by=administrator)
    assert len(mail.outbox) == 2
    assert services.invitation_for_token(old_token) is None
    assert services.invitation_for_token(_link_token(mail.outbox[1].body)) is not None


def test_resend_is_refused_once_a_password_is_set(db, administrator):
    with pytest.raises(services.AccountError):
        services.invitation_resend(user=UserFactory(), invited_by=administrator)


def test_invite_staff_role_gives_admin_access(invite):
    invitation = invite(email="head@example.org", role=Role.LIBRARY_HEAD)
    assert invitation.user.is_staff
    assert invitation.user.has_perm("accounts.view_library_staff")
    assert not invitation.user.has_perm("accounts.invite_staff")
