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
    assert encoded.startswith("argon2$argon2id$v=19$m=12288,t=3,p=1$")
    assert check_password("Пароль-2026", encoded) and not check_password("пароль-2026", encoded)


def test_a_hash_of_the_earlier_argon2id_cost_logs_in_and_is_rehashed(client, production_hashers):
    """Hashes made at 19 MiB × 2 passes (before 2026-12-04) keep working and take the new cost at the next log-in."""
    import argon2

    person = UserFactory(email="earlier@example.org")
    earlier = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash("Пароль-прежний-1")
    person.password = "argon2" + earlier
    person.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"login": "earlier@example.org", "password": "Пароль-прежний-1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$argon2id$v=19$m=12288,t=3,p=1$")
    assert check_password("Пароль-прежний-1", person.password)


def test_an_older_pbkdf2_password_still_logs_in_and_is_rehashed(client, production_hashers, settings):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    person = UserFactory(email="old@example.org")
    person.password = PBKDF2PasswordHasher().encode("Старый-пароль-1", PBKDF2PasswordHasher().salt(), iterations=1000)
    person.save(update_fields=["password"])
    response = client.post("/accounts/login/", {"login": "old@example.org", "password": "Старый-пароль-1"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert identify_hasher(person.password).algorithm == "argon2"


def test_libsodium_and_argon2_cffi_agree_on_the_same_hashes(production_hashers):
    """A log-in is checked by libsodium when it can: it must accept exactly what argon2-cffi accepts, both ways."""
    import argon2
    from nacl.pwhash import argon2id as sodium

    from lms.accounts.hashers import Argon2idHasher

    hasher = Argon2idHasher()
    for password in ("Пароль-2026", "ёЁ й «кавычки» 𝔘", "x" * 200):
        ours = make_password(password)  # argon2-cffi makes it
        assert hasher.verify(password, ours)
        assert not hasher.verify(password + " ", ours) and not hasher.verify(password.upper() + "!", ours)
        # libsodium's own hash of the same parameters is read by argon2-cffi, and by us
        theirs = sodium.str(password.encode(), opslimit=3, memlimit=12 * 1024 * 1024).decode()
        assert theirs.startswith("$argon2id$v=19$m=12288,t=3,p=1$")
        assert argon2.PasswordHasher().verify(theirs, password)
        assert hasher.verify(password, "argon2" + theirs)
        assert not hasher.verify("не тот", "argon2" + theirs)


def test_a_log_in_check_of_our_hashes_is_libsodiums(production_hashers, monkeypatch):
    """Our own hashes never reach argon2-cffi's check: libsodium answers, yes and no."""
    import argon2

    from lms.accounts import hashers

    encoded = make_password("Пароль-2026")
    sodium_calls = []
    real = hashers._sodium_argon2id.verify

    def spy(stored, password):
        sodium_calls.append(stored)
        return real(stored, password)

    def refuse(*args, **kwargs):
        raise AssertionError("argon2-cffi was asked")

    monkeypatch.setattr(hashers._sodium_argon2id, "verify", spy)
    monkeypatch.setattr(argon2.PasswordHasher, "verify", refuse)
    assert check_password("Пароль-2026", encoded) and not check_password("Пароль-2027", encoded)
    assert len(sodium_calls) == 2 and sodium_calls[0].startswith(b"$argon2id$v=19$m=12288,t=3,p=1$")


def test_hashes_libsodium_cannot_take_are_checked_by_argon2_cffi(production_hashers):
    """Several lanes (Django's own default) or Argon2i: the check falls back to argon2-cffi, and rehashes follow."""
    import argon2

    from lms.accounts.hashers import Argon2idHasher

    hasher = Argon2idHasher()
    for kind, lanes in ((argon2.Type.ID, 8), (argon2.Type.I, 1)):
        encoded = "argon2" + argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=lanes,
                                                   type=kind).hash("Пароль-1")
        assert hasher.verify("Пароль-1", encoded) and not hasher.verify("Пароль-2", encoded)
        assert hasher.must_update(encoded)
    assert not hasher.verify("x", "argon2$argon2id$v=19$m=19456,t=2,p=1$bm90IGEgc2FsdA$bm90IGEgaGFzaA")
