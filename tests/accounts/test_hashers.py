"""Passwords are stored with Argon2id at a cost a small server can afford at a morning's log-in peak; older
hashes still work and are replaced at the next log-in."""

import importlib

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = importlib.import_module("lms.settings").PASSWORD_HASHERS


def test_new_passwords_are_argon2id_with_the_chosen_cost(production_hashers):
    encoded = make_password("Пароль-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("Пароль-2026", encoded) and not check_password("пароль-2026", encoded)


def test_an_older_pbkdf2_password_still_logs_in_and_is_rehashed(client, production_hashers, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    person = UserFactory(email="old@example.org")
    person.password = PBKDF2PasswordHasher().encode("Старый-пароль-1", PBKDF2PasswordHasher().salt(), iterations=1000)
    person.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"login": "old@example.org", "password": "Старый-пароль-1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert identify_hasher(person.password).algorithm == "argon2"
