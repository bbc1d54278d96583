import pytest

from lms.libraries.directory import LIBRARIES
from lms.libraries.models import Library, Municipality
from lms.libraries.services import library_directory_seed


@pytest.mark.django_db
def test_seed_creates_the_directory_named_in_the_founding_documents():
    library_directory_seed()
    assert Library.objects.count() == len(LIBRARIES)
    names = set(Library.objects.values_list("short_name", flat=True))
    for expected in ("ОНБ им. В.Д. Федорова", "ЦБС г. Кемерово", "ЦБС г. Новокузнецка", "ЦБС Топкинского района",
                     "МЦРБ п. Ижморский", "Областная библиотека для детей и юношества"):
        assert expected in names
    evbk = set(Library.objects.filter(evbk_participant=True).values_list("code", flat=True))
    assert evbk == {"cbs-kemerovsky", "cbs-topkinsky", "cbs-novokuznetsk"}
    assert Municipality.objects.get(name="Ижморский район").kind == Municipality.Kind.DISTRICT
    assert Municipality.objects.get(name="Междуреченск").kind == Municipality.Kind.CITY


@pytest.mark.django_db
def test_seed_twice_changes_nothing():
    assert library_directory_seed() > 0
    snapshot = list(Library.objects.order_by("code").values())
    assert library_directory_seed() == 0
    assert list(Library.objects.order_by("code").values()) == snapshot


@pytest.mark.django_db
def test_seed_restores_a_changed_flag_but_keeps_added_libraries():
    from tests.factories import LibraryFactory

    library_directory_seed()
    Library.objects.filter(code="cbs-topkinsky").update(evbk_participant=False)
    extra = LibraryFactory()
    assert library_directory_seed() == 1
    assert Library.objects.get(code="cbs-topkinsky").evbk_participant
    assert Library.objects.filter(pk=extra.pk).exists()


@pytest.mark.django_db
def test_short_names_are_unique():
    from django.db import IntegrityError

    from tests.factories import LibraryFactory

    LibraryFactory(short_name="ЦБС Тест")
    with pytest.raises(IntegrityError):
        LibraryFactory(short_name="ЦБС Тест")


@pytest.mark.django_db
def test_administrators_manage_the_directory_in_the_admin(client):
    from lms.accounts.roles import Role
    from tests.factories import MunicipalityFactory, UserFactory

    library_directory_seed()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    listing = client.get("/admin/libraries/?evbk_participant=true").content.decode()
    assert "ЦБС Топкинского района" in listing and "ЦБС г. Кемерово" not in listing
    municipality = MunicipalityFactory(name="Юргинский район")
    response = client.post("/admin/libraries/new/", {
        "name": "Централизованная библиотечная система Юргинского района", "short_name": "ЦБС Юргинского района",
        "code": "cbs-yurginsky", "municipality": municipality.pk, "kind": Library.Kind.SYSTEM,
        "evbk_participant": "on", "is_active": "on",
    })
    assert response.status_code == 302
    assert Library.objects.get(code="cbs-yurginsky").evbk_participant


@pytest.mark.django_db
def test_learners_and_heads_cannot_change_the_directory(client):
    from lms.accounts.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.LIBRARY_HEAD))
    assert client.get("/admin/libraries/new/").status_code in (302, 403)
