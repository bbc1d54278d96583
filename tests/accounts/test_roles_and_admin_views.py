from django.core import mail

from lms.accounts.models import StaffImport, User
from lms.accounts.roles import ROLE_GROUP_NAMES, Role, user_roles
from lms.accounts.selectors import staff_visible_to
from lms.libraries.services import library_directory_seed
from lms.libraries.models import Library
from tests.factories import LibraryFactory, UserFactory


def test_role_groups_exist_with_permissions(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_GROUP_NAMES.values())
    admin = UserFactory(role=Role.ADMINISTRATOR)
    head = UserFactory(role=Role.LIBRARY_HEAD)
    trainer = UserFactory(role=Role.TRAINER)
    learner = UserFactory()
    assert admin.has_perm("accounts.invite_staff") and admin.has_perm("libraries.change_library")
    assert head.has_perm("accounts.view_library_staff") and not head.has_perm("accounts.invite_staff")
    assert trainer.has_perm("wagtailadmin.access_admin") and not trainer.has_perm("accounts.view_library_staff")
    assert not learner.has_perm("wagtailadmin.access_admin")
    assert user_roles(head) == {Role.LIBRARY_HEAD}


def test_library_head_sees_only_own_library_and_its_branches(db):
    system = LibraryFactory()
    branch = LibraryFactory(parent=system, kind=Library.Kind.BRANCH)
    other = LibraryFactory()
    head = UserFactory(library=system, role=Role.LIBRARY_HEAD)
    mine = [UserFactory(library=system), UserFactory(library=branch)]
    stranger = UserFactory(library=other)
    visible = set(staff_visible_to(head))
    assert visible == {head, *mine}
    assert stranger not in visible
    assert set(staff_visible_to(UserFactory(role=Role.ADMINISTRATOR))) >= {head, stranger, *mine}
    assert not staff_visible_to(stranger).exists()


def test_staff_list_page_for_a_head_shows_own_staff_only(client, db):
    system, other = LibraryFactory(), LibraryFactory()
    head = UserFactory(library=system, role=Role.LIBRARY_HEAD)
    UserFactory(library=system, last_name="Своя")
    UserFactory(library=other, last_name="Чужая")
    client.force_login(head)
    page = client.get("/admin/staff/").content.decode()
    assert "Своя" in page and "Чужая" not in page


def test_staff_list_queries_do_not_grow_with_staff(client, db, django_assert_max_num_queries):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    library = LibraryFactory()
    UserFactory.create_batch(3, library=library)
    client.get("/admin/staff/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/admin/staff/")
    UserFactory.create_batch(20, library=library)
    with CaptureQueriesContext(connection) as large:
        client.get("/admin/staff/")
    assert len(large) == len(small)


def test_admin_invites_a_person_from_the_admin(client, administrator, django_capture_on_commit_callbacks):
    library_directory_seed()
    library = Library.objects.get(code="onb")
    client.force_login(administrator)
    assert client.get("/admin/staff/invite/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/staff/invite/", {
            "last_name": "Сидорова", "first_name": "Анна", "patronymic": "", "email": "anna@example.org",
            "library": library.pk, "position": "методист", "role": Role.TRAINER,
        })
    assert response.status_code == 302
    anna = User.objects.get(email="anna@example.org")
    assert user_roles(anna) == {Role.TRAINER}
    assert mail.outbox[-1].to == ["anna@example.org"]
    again = client.post("/admin/staff/invite/", {
        "last_name": "Сидорова", "first_name": "Анна", "email": "ANNA@example.org", "library": library.pk,
        "position": "методист", "role": Role.LEARNER,
    })
    assert again.status_code == 200 and User.objects.filter(email="anna@example.org").count() == 1


def test_import_through_the_admin_preview_then_confirm(client, administrator, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    library_directory_seed()
    client.force_login(administrator)
    csv = "ФИО;E-mail;Библиотека;Должность\nИванова Мария Петровна;maria@example.org;ЦБС г. Белово;библиотекарь\n"
    response = client.post("/admin/staff/import/",
                           {"file": SimpleUploadedFile("staff.csv", csv.encode(), content_type="text/csv")})
    assert response.status_code == 302
    staff_import = StaffImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "maria@example.org" in preview and "ЦБС г. Белово" in preview
    assert not User.objects.filter(email="maria@example.org").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/staff/import/{staff_import.pk}/confirm/")
    assert response.status_code == 302
    assert User.objects.filter(email="maria@example.org").exists()


def test_import_of_a_broken_file_shows_the_error_in_the_form(client, administrator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(administrator)
    response = client.post("/admin/staff/import/",
                           {"file": SimpleUploadedFile("staff.xlsx", b"not a workbook")})
    assert response.status_code == 200
    assert "XLSX" in response.content.decode()
    assert not StaffImport.objects.exists()


def test_another_administrators_import_is_not_reachable(client, administrator, db):
    other = UserFactory(role=Role.ADMINISTRATOR)
    staff_import = StaffImport.objects.create(created_by=other, file_name="x.csv", rows=[])
    client.force_login(administrator)
    assert client.get(f"/admin/staff/import/{staff_import.pk}/").status_code == 404


def test_wagtail_user_screens_edit_the_profile_fields(client, db):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    person = UserFactory(patronymic="Петровна", position="библиотекарь")
    other_library = LibraryFactory()
    client.force_login(admin)
    page = client.get(f"/admin/users/edit/{person.pk}/").content.decode()
    assert 'name="patronymic"' in page and 'name="library"' in page and 'name="position"' in page
    response = client.post(f"/admin/users/edit/{person.pk}/", {
        "email": person.email, "first_name": "Мария", "last_name": "Иванова", "patronymic": "Ивановна",
        "library": other_library.pk, "position": "ведущий библиотекарь", "is_active": "on",
        "groups": list(person.groups.values_list("pk", flat=True)),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.patronymic, person.library, person.position) == ("Ивановна", other_library, "ведущий библиотекарь")
