"""A person's permissions come from one query (lms/accounts/backends.py) and are exactly what Django's model backend
finds: own permissions, their groups' permissions, nothing for an inactive person, everything for a superuser."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.accounts.backends import PermissionsBackend
from lms.accounts.models import User
from lms.accounts.roles import Role
from tests.factories import UserFactory


def _fresh(user) -> User:
    return User.objects.get(pk=user.pk)  # no permission sets kept from before


def test_the_same_permissions_as_django_for_every_kind_of_person(db):
    extra = Permission.objects.get(content_type__app_label="libraries", codename="change_library")
    mixed = Group.objects.create(name="Проверка прав")
    mixed.permissions.add(Permission.objects.get(content_type__app_label="courses", codename="change_enrolment"))
    people = [UserFactory(), UserFactory(role=Role.TRAINER), UserFactory(role=Role.LIBRARY_HEAD),
              UserFactory(role=Role.ADMINISTRATOR), UserFactory(role=Role.TRAINER), UserFactory(is_active=False)]
    people[4].user_permissions.add(extra)  # own permission beside a role
    people[4].groups.add(mixed)  # and a second group
    people[5].groups.add(mixed)
    for person in people:
        ours = PermissionsBackend().get_all_permissions(_fresh(person))
        assert ours == ModelBackend().get_all_permissions(_fresh(person)), person
    assert not PermissionsBackend().get_all_permissions(_fresh(people[5]))  # inactive
    assert "libraries.change_library" in PermissionsBackend().get_all_permissions(_fresh(people[4]))
    assert "courses.change_enrolment" in PermissionsBackend().get_all_permissions(_fresh(people[4]))


def test_a_superuser_still_has_every_permission(db):
    boss = UserFactory(is_superuser=True)
    assert _fresh(boss).has_perm("accounts.view_user") and _fresh(boss).get_all_permissions()


def test_one_query_for_a_persons_permissions_asked_many_times(db):
    head = _fresh(UserFactory(role=Role.LIBRARY_HEAD))
    with CaptureQueriesContext(connection) as queries:
        assert head.has_perm("accounts.view_library_staff")
        assert not head.has_perm("accounts.view_user")  # the other backends answer from the same set
        assert head.has_module_perms("accounts")
    assert len(queries) == 1


def test_a_role_given_later_counts_on_the_next_request(db):
    person = UserFactory()
    assert not _fresh(person).has_perm("wagtailadmin.access_admin")
    from lms.accounts.services import role_assign

    role_assign(user=person, role=Role.TRAINER)
    assert _fresh(person).has_perm("wagtailadmin.access_admin")
