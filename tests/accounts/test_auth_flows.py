"""Sign-up, e-mail verification, log-in, reset: behaviour through HTTP, as a person meets it."""

import re

import pytest
from django.core import mail

from lms.accounts.models import User
from lms.accounts.roles import Role, user_roles
from lms.libraries.services import library_directory_seed
from lms.libraries.models import Library
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def directory(db):
    library_directory_seed()
    return Library.objects.get(code="cbs-topkinsky")


def signup_data(library_obj, **overrides):
    data = {
        "email": "maria@example.org", "last_name": "Иванова", "first_name": "Мария", "patronymic": "Петровна",
        "library": library_obj.pk, "position": "библиотекарь", "password1": "Kniga-Polka-77",
        "password2": "Kniga-Polka-77", "consent": "on",
    }
    data.update(overrides)
    return data


def test_signup_form_is_russian_and_lists_the_directory(client, directory):
    page = client.get("/accounts/signup/").content.decode()
    assert '<html lang="ru">' in page
    for label in ("Фамилия", "Имя", "Отчество", "Библиотека", "Должность"):
        assert label in page
    assert "ЦБС Топкинского района" in page


def test_signup_requires_email_verification_before_login(client, directory):
    response = client.post("/accounts/signup/", signup_data(directory))
    assert response.status_code == 302
    user = User.objects.get(email="maria@example.org")
    assert (user.last_name, user.first_name, user.patronymic) == ("Иванова", "Мария", "Петровна")
    assert user.library == directory and user.position == "библиотекарь"
    assert user.personal_data_consent_at and user.personal_data_consent_version
    assert user_roles(user) == {Role.LEARNER}
    assert not user.emailaddress_set.get().verified
    assert "_auth_user_id" not in client.session

    client.post("/accounts/login/", {"login": "maria@example.org", "password": "Kniga-Polka-77"})
    assert "_auth_user_id" not in client.session  # not before the address is confirmed

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 302
    assert user.emailaddress_set.get().verified
    client.post("/accounts/login/", {"login": "Maria@Example.org", "password": "Kniga-Polka-77"})
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("field,value", [
    ("last_name", "<script>alert(1)</script>"),
    ("first_name", "Мария1"),
    ("patronymic", "Петровна; DROP TABLE"),
    ("consent", ""),
    ("library", "999999"),
    ("position", ""),
])
def test_signup_refuses_bad_input_and_creates_nobody(client, directory, field, value):
    data = signup_data(directory, **{field: value})
    if not value:
        data.pop(field)
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert not User.objects.filter(email="maria@example.org").exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_signup_with_a_registered_address_does_not_reveal_it(client, directory):
    existing = UserFactory(email="maria@example.org")
    new = client.post("/accounts/signup/", signup_data(directory, email="new@example.org"))
    mail.outbox.clear()
    taken = client.post("/accounts/signup/", signup_data(directory))
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert User.objects.filter(email="maria@example.org").count() == 1
    assert User.objects.get(email="maria@example.org").pk == existing.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["maria@example.org"]  # the owner is told instead


def test_login_error_is_the_same_for_unknown_address_and_wrong_password(client, learner):
    wrong = client.post("/accounts/login/", {"login": learner.email, "password": "wrong-password"})
    unknown = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"})
    assert wrong.status_code == unknown.status_code == 200
    def errors(response):
        return sorted(str(e) for e in response.context["form"].non_field_errors())
    assert errors(wrong) == errors(unknown) and errors(wrong)


def test_password_reset_answers_the_same_for_unknown_addresses(client, learner):
    known = client.post("/accounts/password/reset/", {"email": learner.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_password_reset_lets_the_owner_set_a_new_password(client, learner):
    client.post("/accounts/password/reset/", {"email": learner.email})
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_path, {"password1": "Novyi-Parol-2026", "password2": "Novyi-Parol-2026"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("Novyi-Parol-2026")


def _too_many(response) -> bool:
    return any(error.code == "too_many_login_attempts"
               for error in response.context["form"].errors.as_data().get("__all__", []))


def test_failed_logins_are_rate_limited_per_account(client, learner):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
        assert response.status_code == 200 and not _too_many(response)
    blocked = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert _too_many(blocked)
    assert "Слишком много" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited_per_address(client, db):
    responses = [client.post("/accounts/login/", {"login": f"guess{n}@example.org", "password": "wrong"})
                 for n in range(11)]
    assert not any(_too_many(r) for r in responses[:10])
    assert _too_many(responses[10])


def test_behind_our_proxy_log_in_limits_count_per_visitor_and_ignore_what_the_client_wrote(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # nginx appends the address it saw to X-Forwarded-For

    def attempt(forwarded: str) -> int:
        return client.post("/accounts/login/", {"login": "", "password": ""},
                           HTTP_X_FORWARDED_FOR=forwarded).status_code

    statuses = [attempt("10.0.0.1") for _ in range(31)]
    assert statuses[-1] == 429
    assert attempt("10.0.0.2") != 429  # another library behind the same proxy is not blocked
    assert attempt("1.2.3.4, 10.0.0.1") == 429  # an address the client wrote itself changes nothing


def test_log_in_requests_are_rate_limited_per_address(client, db):
    statuses = [client.post("/accounts/login/", {"login": "", "password": ""}).status_code for _ in range(31)]
    assert statuses[-1] == 429
    assert "Слишком много попыток" in client.post("/accounts/login/", {}).content.decode()


def test_wagtail_admin_login_goes_through_the_rate_limited_form(client, db):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/admin/pages/" in response["Location"]
    response = client.get("/admin/", follow=True)  # through /admin/login/, which passes visitors on
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_learner_cannot_enter_the_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert client.get("/admin/staff/import/").status_code in (302, 403)


def test_profile_edit_and_personal_data_download(client, learner, directory):
    client.force_login(learner)
    response = client.post("/accounts/profile/", {
        "last_name": "Петрова", "first_name": "Мария", "patronymic": "Петровна", "library": directory.pk,
        "position": "  ведущий   библиотекарь ",
    })
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.last_name, learner.library, learner.position) == ("Петрова", directory, "ведущий библиотекарь")
    data = client.get("/accounts/profile/data/", follow=True).json()  # the old address leads to the full export
    profile = data["Учётная запись и профиль"][0]
    assert profile["Фамилия"] == "Петрова" and profile["E-mail"] == learner.email
    assert "Согласие на обработку персональных данных дано" in profile


def test_profile_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
