"""One rule of Э(В)БК participation, and its change announced once committed."""

import pytest

from lms.libraries.models import Library
from lms.libraries.selectors import evbk_participant_libraries, evbk_participation
from lms.libraries.signals import library_participation_changed
from tests.factories import LibraryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_flagged_library_and_the_branches_of_a_flagged_system_take_part():
    system = LibraryFactory(evbk_participant=True)
    branch = LibraryFactory(parent=system, kind=Library.Kind.BRANCH)
    other_system = LibraryFactory()
    LibraryFactory(parent=other_system, kind=Library.Kind.BRANCH)
    assert set(evbk_participant_libraries()) == {system, branch}
    person = UserFactory(library=branch)
    assert list(type(person).objects.filter(evbk_participation("library__"))) == [person]


@pytest.fixture
def heard():
    received = []

    def receiver(sender, library_id, **kwargs):
        received.append(library_id)

    library_participation_changed.connect(receiver, dispatch_uid="test.heard")
    yield received
    library_participation_changed.disconnect(dispatch_uid="test.heard")


def test_a_change_of_flag_or_parent_is_announced_on_commit_and_nothing_else(heard,
                                                                           django_capture_on_commit_callbacks):
    library, system = LibraryFactory(), LibraryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        library.name = "Новое название"
        library.save()
        library.evbk_participant = False
        library.save(update_fields=["evbk_participant"])  # unchanged value
    assert heard == []
    with django_capture_on_commit_callbacks(execute=True):
        library.evbk_participant = True
        library.save()
    assert heard == [library.pk]
    with django_capture_on_commit_callbacks(execute=True):
        library.parent = system
        library.save(update_fields=["parent"])
    assert heard == [library.pk, library.pk]
