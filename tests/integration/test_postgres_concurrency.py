"""Races PostgreSQL has to settle: the same person invited at once, the same staff list confirmed twice.

Tasks run eagerly here (the root conftest), in the thread that committed; the e-mails land in mail.outbox.
"""


import pytest
from django.core import mail
from django.db import IntegrityError, connection

from lms.accounts.models import Invitation, StaffImport, User
from lms.accounts.services import AccountError, invitation_create, staff_import_confirm, staff_import_preview
from lms.libraries.services import library_directory_seed
from tests.factories import UserFactory
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]



def test_inviting_the_same_address_at_once_creates_one_person(transactional_db):
    assert connection.vendor == "postgresql"
    outcomes = run_at_once(10, lambda i: invitation_create(
        # the same address in different spellings: uniqueness ignores case and spaces
        email=f" Same.Person@Example.org{' ' * i}" if i % 2 else "same.person@example.org",
        last_name="Кузнецова", first_name="Елена", library=None, invited_by=None,
    ))

    invitations = [o for o in outcomes if isinstance(o, Invitation)]
    refused = [o for o in outcomes if isinstance(o, AccountError)]
    unexpected = [o for o in outcomes if not isinstance(o, (Invitation, AccountError))]
    assert unexpected == [], f"calls ended otherwise than with an invitation or AccountError: {unexpected!r}"
    assert len(invitations) == 1
    assert len(refused) == 9
    assert not any(isinstance(o, IntegrityError) for o in outcomes)
    # The threads really raced: refusals came from the unique constraint, not only from the pre-check.
    assert any(isinstance(o.__cause__, IntegrityError) for o in refused), "no call reached the constraint"
    # the same message, whichever check refused the call (the pre-check or the unique constraint)
    assert len({str(o) for o in refused}) == 1, refused

    assert User.objects.filter(email__iexact="same.person@example.org").count() == 1
    assert Invitation.objects.count() == 1
    assert Invitation.objects.get().pk == invitations[0].pk
    assert [m.to for m in mail.outbox] == [["same.person@example.org"]]


STAFF_CSV = (
    "ФИО;E-mail;Библиотека;Должность\n"
    "Иванова Мария Петровна;ivanova@example.org;onb;библиотекарь\n"
    "Петров Пётр Сергеевич;petrov@example.org;onb;заведующий отделом\n"
    "Смирнова Анна Олеговна;smirnova@example.org;onb;библиограф\n"
)


def test_confirming_the_same_staff_list_twice_at_once_creates_people_once(transactional_db):
    from lms.accounts.roles import Role

    library_directory_seed()
    admin = UserFactory(role=Role.ADMINISTRATOR, email="admin@example.org")
    staff_import = staff_import_preview(data=STAFF_CSV.encode(), filename="staff.csv", created_by=admin)
    assert staff_import.problem_count == 0, staff_import.rows
    assert len(staff_import.rows) == 3

    outcomes = run_at_once(2, lambda i: staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin))

    assert sorted(type(o).__name__ for o in outcomes) == ["AccountError", "int"], outcomes
    assert [o for o in outcomes if isinstance(o, int)] == [3]
    emails = ["ivanova@example.org", "petrov@example.org", "smirnova@example.org"]
    assert User.objects.filter(email__in=emails).count() == 3
    assert Invitation.objects.filter(user__email__in=emails).count() == 3
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.DONE
    assert staff_import.created_count == 3
    assert sorted(address for m in mail.outbox for address in m.to) == emails
