"""The directory in the admin: what deleting does when records still refer to a library or a municipality."""

from lms.libraries.models import Library, Municipality
from tests.factories import UserFactory


def test_a_library_with_staff_is_kept_with_a_message_instead_of_an_error(client, administrator):
    library = UserFactory().library
    client.force_login(UserFactory(is_superuser=True, email="root@example.org"))
    response = client.post(f"/admin/libraries/delete/{library.pk}/", follow=True)
    assert response.status_code == 200
    assert Library.objects.filter(pk=library.pk).exists()
    assert "нельзя удалить" in response.content.decode()


def test_a_municipality_with_libraries_is_kept(client, db):
    library = UserFactory().library
    client.force_login(UserFactory(is_superuser=True, email="root@example.org"))
    response = client.post(f"/admin/municipalities/delete/{library.municipality_id}/", follow=True)
    assert response.status_code == 200
    assert Municipality.objects.filter(pk=library.municipality_id).exists()


def test_an_unused_municipality_is_deleted(client, db):
    municipality = Municipality.objects.create(name="Тестовый округ", kind=Municipality.Kind.DISTRICT)
    client.force_login(UserFactory(is_superuser=True, email="root@example.org"))
    client.post(f"/admin/municipalities/delete/{municipality.pk}/")
    assert not Municipality.objects.filter(pk=municipality.pk).exists()
