"""Mandatory course rules stay true as the staff list changes: they are applied again after a staff import, after an
administrator edits a person, and when a library's Э(В)БК participation or parent system changes; a deactivated
person owes nothing. One rule of Э(В)БК participation serves internships and mandatory courses alike."""

import pytest
from django.utils import timezone

from courses import services
from courses.models import AssignmentRule, CoursePage, Enrolment
from lms.accounts import services as account_services
from lms.accounts.models import User
from lms.accounts.roles import Role, role_group
from lms.internships.compliance import person_standing
from lms.internships.models import Requirement
from lms.libraries.models import Library
from lms.libraries.selectors import evbk_participant_libraries
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages

Status, Source = Enrolment.Status, Enrolment.Source
pytestmark = pytest.mark.django_db


@pytest.fixture
def evbk_course():
    course = pages.course(enrolment_policy=CoursePage.Policy.ASSIGNED)
    AssignmentRule.objects.create(course=course, title="Участники Э(В)БК", evbk_only=True)
    return course


def mandatory(course) -> set[int]:
    return set(Enrolment.objects.filter(course=course, source=Source.MANDATORY, status=Status.ACTIVE)
               .values_list("user_id", flat=True))


def test_a_staff_import_applies_the_rules_to_new_moved_and_deactivated_people(evbk_course,
                                                                             django_capture_on_commit_callbacks):
    evbk, plain = LibraryFactory(evbk_participant=True, short_name="ЦБС-участница"), LibraryFactory()
    admin = UserFactory(role=Role.ADMINISTRATOR, library=plain)
    moving = UserFactory(email="moving@example.org", library=plain, last_name="Иванова", first_name="Мария",
                         patronymic="Петровна", position="библиотекарь")
    leaving = UserFactory(email="leaving@example.org", library=evbk)
    done_course = pages.course()
    services.enrolment_create(user=leaving, course=evbk_course, source=Source.MANDATORY)
    finished = services.enrolment_create(user=leaving, course=done_course, source=Source.ADMIN)
    Enrolment.objects.filter(pk=finished.pk).update(status=Status.COMPLETED, completed_at=timezone.now())
    text = ("ФИО;E-mail;Библиотека;Должность\n"
            "Иванова Мария Петровна;moving@example.org;ЦБС-участница;библиотекарь\n"
            "Новикова Ольга Ивановна;new@example.org;ЦБС-участница;библиограф\n")
    staff_import = account_services.staff_import_preview(data=text.encode(), filename="staff.csv",
                                                         created_by=admin, deactivate_missing=True)
    assert [p["user_id"] for p in staff_import.plan["deactivations"]] == [leaving.pk]
    with django_capture_on_commit_callbacks(execute=True):
        account_services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin)
    newcomer = User.objects.get(email="new@example.org")
    assert mandatory(evbk_course) == {moving.pk, newcomer.pk}
    # The one who left owes nothing any more; what they completed stays theirs.
    assert Enrolment.objects.get(user=leaving, course=evbk_course).status == Status.WITHDRAWN
    assert Enrolment.objects.get(pk=finished.pk).status == Status.COMPLETED
    # Applying the rules again changes nothing, and never reaches the deactivated person.
    rule = AssignmentRule.objects.get(course=evbk_course)
    assert services.assignment_rule_apply(rule=rule) == 0
    assert Enrolment.objects.filter(course=evbk_course).count() == 3


def test_an_administrators_edit_of_a_person_applies_the_rules(client, evbk_course,
                                                              django_capture_on_commit_callbacks):
    evbk, plain = LibraryFactory(evbk_participant=True), LibraryFactory()
    admin = UserFactory(role=Role.ADMINISTRATOR, email="admin@example.org")
    person = UserFactory(library=plain, email="person@example.org")
    client.force_login(admin)

    def edit(**changes):
        data = {"email": person.email, "first_name": person.first_name, "last_name": person.last_name,
                "patronymic": person.patronymic, "library": plain.pk, "position": person.position,
                "is_active": "on", "groups": [role_group(Role.LEARNER).pk], **changes}
        data = {key: value for key, value in data.items() if value is not None}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/users/edit/{person.pk}/", data)
        assert response.status_code == 302, response.content.decode()[:3000]

    edit(library=evbk.pk)
    assert mandatory(evbk_course) == {person.pk}
    edit(library=evbk.pk, position="ведущий библиотекарь")  # again: no second enrolment
    assert Enrolment.objects.filter(user=person).count() == 1
    edit(library=evbk.pk, is_active=None)  # switched off by the administrator
    assert Enrolment.objects.get(user=person).status == Status.WITHDRAWN


def test_a_library_joining_evbk_brings_the_course_to_its_and_its_branches_staff(evbk_course,
                                                                               django_capture_on_commit_callbacks):
    system = LibraryFactory()
    branch = LibraryFactory(parent=system, kind=Library.Kind.BRANCH)
    at_system, at_branch = UserFactory(library=system), UserFactory(library=branch)
    elsewhere = UserFactory(library=LibraryFactory())
    assert mandatory(evbk_course) == set()
    with django_capture_on_commit_callbacks(execute=True):
        system.evbk_participant = True
        system.save()
    assert mandatory(evbk_course) == {at_system.pk, at_branch.pk}
    with django_capture_on_commit_callbacks(execute=True):
        system.save()  # nothing changed: nothing announced, nothing doubled
    assert Enrolment.objects.filter(course=evbk_course).count() == 2
    assert elsewhere.pk not in mandatory(evbk_course)


def test_a_library_moved_under_a_participant_system_brings_the_course(client, evbk_course,
                                                                     django_capture_on_commit_callbacks):
    system = LibraryFactory(evbk_participant=True)
    village = LibraryFactory(kind=Library.Kind.BRANCH)
    person = UserFactory(library=village)
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    data = {"name": village.name, "short_name": village.short_name, "code": village.code,
            "municipality": village.municipality_id, "kind": village.kind, "parent": system.pk, "address": "",
            "is_active": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/libraries/edit/{village.pk}/", data)
    assert response.status_code == 302
    assert mandatory(evbk_course) == {person.pk}


def test_branches_of_a_participant_system_take_part_in_internships_and_mandatory_courses(evbk_course):
    system = LibraryFactory(evbk_participant=True)
    branch = LibraryFactory(parent=system, kind=Library.Kind.BRANCH)
    outsider_library = LibraryFactory()
    at_branch, outsider = UserFactory(library=branch), UserFactory(library=outsider_library)
    assert set(evbk_participant_libraries()) == {system, branch}
    Requirement.objects.create(title="Стажировка участников Э(В)БК", evbk_only=True, due_months=12)
    assert person_standing(at_branch) is not None  # the internship requirement covers the branch
    assert person_standing(outsider) is None
    services.assignment_rule_apply(rule=AssignmentRule.objects.get(course=evbk_course))
    assert mandatory(evbk_course) == {at_branch.pk}  # and so does the mandatory course


def test_a_deactivated_person_owes_no_internship_and_gets_no_course(evbk_course):
    evbk = LibraryFactory(evbk_participant=True)
    person = UserFactory(library=evbk, is_active=False)
    Requirement.objects.create(title="Стажировка участников Э(В)БК", evbk_only=True, due_months=12)
    assert person_standing(person) is None
    assert services.assignment_rules_apply_for_user(user=person) == 0
    assert services.assignment_rule_apply(rule=AssignmentRule.objects.get(course=evbk_course)) == 0
    assert not Enrolment.objects.filter(user=person).exists()
