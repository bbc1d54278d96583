"""After logging in each role lands on its work (lms/accounts/adapter.py), unless the login form carried ?next=."""

import pytest

from lms.accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(client, user, query: str = ""):
    return client.post(f"/accounts/login/{query}", {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(("role", "landing"), [
    (Role.LEARNER, "/learning/"),
    (Role.TRAINER, "/admin/"),
    (Role.LIBRARY_HEAD, "/admin/"),
    (Role.ADMINISTRATOR, "/admin/"),
])
def test_each_role_lands_on_its_work(client, role, landing):
    response = log_in(client, UserFactory(role=role))
    assert (response.status_code, response["Location"]) == (302, landing)
    assert client.get(landing).status_code == 200


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.ADMINISTRATOR])
def test_an_explicit_next_is_respected(client, role):
    response = log_in(client, UserFactory(role=role), "?next=/internships/")
    assert (response.status_code, response["Location"]) == (302, "/internships/")


def test_a_next_to_another_site_is_not_followed(client):
    response = log_in(client, UserFactory(role=Role.LEARNER), "?next=https://evil.example.org/")
    assert (response.status_code, response["Location"]) == (302, "/learning/")


def test_a_superuser_without_a_role_lands_on_the_admin(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    response = log_in(client, user)
    assert response["Location"] == "/admin/"
