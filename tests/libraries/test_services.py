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
