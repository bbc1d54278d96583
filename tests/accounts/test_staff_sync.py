"""The staff list keeps the staff true: it creates, updates (field by field) and, when asked, deactivates people of
the listed libraries missing from it; the preview shows all of it first and confirming applies all or nothing."""

import pytest
from django.core import mail
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from lms.accounts import services
from lms.accounts.models import Invitation, StaffImport, User
from lms.accounts.roles import Role
from lms.libraries.models import Library
from lms.libraries.services import library_directory_seed
from tests.factories import UserFactory

HEADER = "ФИО;E-mail;Библиотека;Должность\n"
LIST = (
    "Иванова Мария Петровна;maria@example.org;ЦБС Топкинского района;ведущий библиотекарь\n"
    "Петров Сергей Александрович;sergey@example.org;ЦБС г. Новокузнецка;библиограф\n"
    "Сидорова Анна Ивановна;anna@example.org;ЦБС Топкинского района;методист\n"
)


@pytest.fixture
def directory(db):
    library_directory_seed()
    return {library.code: library for library in Library.objects.all()}


@pytest.fixture
def admin(directory):
    return UserFactory(role=Role.ADMINISTRATOR, library=directory["onb"], email="admin@example.org",
                       last_name="Админова")


def preview(admin, text=LIST, deactivate_missing=False) -> StaffImport:
    return services.staff_import_preview(data=(HEADER + text).encode(), filename="staff.csv", created_by=admin,
                                         deactivate_missing=deactivate_missing)


def confirm(admin, staff_import, capture) -> int:
    with capture(execute=True):
        return services.staff_import_confirm(staff_import_id=staff_import.pk, confirmed_by=admin)


def test_known_people_are_updated_field_by_field_and_new_ones_invited(directory, admin,
                                                                     django_capture_on_commit_callbacks):
    maria = UserFactory(email="maria@example.org", last_name="Иванова", first_name="Мария", patronymic="",
                        position="библиотекарь", library=directory["cbs-kemerovo"])
    staff_import = preview(admin)
    assert staff_import.can_confirm
    assert [item["email"] for item in staff_import.plan["creations"]] == ["sergey@example.org", "anna@example.org"]
    (update,) = staff_import.plan["updates"]
    assert update["user_id"] == maria.pk and update["line"] == 2
    assert [(c["field"], c["old_text"], c["new_text"]) for c in update["changes"]] == [
        ("patronymic", "", "Петровна"),
        ("position", "библиотекарь", "ведущий библиотекарь"),
        ("library", "ЦБС г. Кемерово", "ЦБС Топкинского района"),
    ]
    maria.refresh_from_db()
    assert maria.position == "библиотекарь"  # the preview writes nothing

    assert confirm(admin, staff_import, django_capture_on_commit_callbacks) == 3
    maria.refresh_from_db()
    assert (maria.patronymic, maria.position, maria.library.code) == ("Петровна", "ведущий библиотекарь",
                                                                      "cbs-topkinsky")
    assert maria.has_usable_password()  # an update leaves the account as it was
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "sergey@example.org"]
    staff_import.refresh_from_db()
    assert (staff_import.created_count, staff_import.updated_count, staff_import.deactivated_count) == (2, 1, 0)


def test_the_same_list_again_changes_nothing(directory, admin, client, django_capture_on_commit_callbacks):
    confirm(admin, preview(admin, deactivate_missing=True), django_capture_on_commit_callbacks)
    before = list(User.objects.order_by("pk").values_list("pk", "last_name", "position", "library_id", "is_active"))
    again = preview(admin, deactivate_missing=True)
    assert not again.has_changes and not again.can_confirm
    assert again.plan["unchanged"] == 3
    client.force_login(admin)
    page = client.get(f"/admin/staff/import/{again.pk}/").content.decode()
    assert "Изменений нет" in page and "Применить изменения" not in page
    with pytest.raises(services.AccountError, match="Изменений нет"):
        confirm(admin, again, django_capture_on_commit_callbacks)
    after = list(User.objects.order_by("pk").values_list("pk", "last_name", "position", "library_id", "is_active"))
    assert after == before


def test_a_deactivated_person_in_the_list_is_active_again(directory, admin, django_capture_on_commit_callbacks):
    anna = UserFactory(email="anna@example.org", last_name="Сидорова", first_name="Анна", patronymic="Ивановна",
                       position="методист", library=directory["cbs-topkinsky"], is_active=False)
    staff_import = preview(admin)
    (update,) = staff_import.plan["updates"]
    assert [(c["field"], c["old_text"], c["new_text"]) for c in update["changes"]] == [("is_active", "нет", "да")]
    confirm(admin, staff_import, django_capture_on_commit_callbacks)
    anna.refresh_from_db()
    assert anna.is_active


def test_missing_people_are_deactivated_only_when_asked_and_only_in_the_listed_libraries(
        directory, admin, django_capture_on_commit_callbacks):
    gone = UserFactory(email="gone@example.org", library=directory["cbs-topkinsky"], last_name="Ушедшая")
    elsewhere = UserFactory(email="other@example.org", library=directory["cbs-belovo"])
    not_asked = preview(admin)
    assert not_asked.plan["deactivations"] == [] and not_asked.plan["skipped"] == []
    Invitation.objects.create(user=gone, token_hash="x" * 64)

    staff_import = preview(admin, deactivate_missing=True)
    assert [p["email"] for p in staff_import.plan["deactivations"]] == ["gone@example.org"]
    confirm(admin, staff_import, django_capture_on_commit_callbacks)
    gone.refresh_from_db()
    elsewhere.refresh_from_db()
    assert not gone.is_active and elsewhere.is_active
    assert Invitation.objects.get(user=gone).token_hash is None  # an unused link stops working
    staff_import.refresh_from_db()
    assert staff_import.deactivated_count == 1


def test_the_importer_and_staff_roles_are_never_deactivated_and_the_preview_says_why(
        directory, django_capture_on_commit_callbacks):
    topki = directory["cbs-topkinsky"]
    importer = UserFactory(role=Role.ADMINISTRATOR, library=topki, email="me@example.org")
    trainer = UserFactory(role=Role.TRAINER, library=topki, email="trainer@example.org")
    head = UserFactory(role=Role.LIBRARY_HEAD, library=topki, email="head@example.org")
    learner = UserFactory(library=topki, email="learner@example.org")
    staff_import = preview(importer, deactivate_missing=True)
    assert [p["user_id"] for p in staff_import.plan["deactivations"]] == [learner.pk]
    reasons = {p["user_id"]: p["reason"] for p in staff_import.plan["skipped"]}
    assert set(reasons) == {importer.pk, trainer.pk, head.pk}
    assert "ваша" in reasons[importer.pk].lower()
    assert "«Преподаватели»" in reasons[trainer.pk] and "«Руководители библиотек»" in reasons[head.pk]
    confirm(importer, staff_import, django_capture_on_commit_callbacks)
    assert User.objects.filter(pk__in=[importer.pk, trainer.pk, head.pk], is_active=True).count() == 3
    assert not User.objects.get(pk=learner.pk).is_active


def test_a_failing_row_writes_nothing_and_is_named(directory, admin, django_capture_on_commit_callbacks):
    maria = UserFactory(email="maria@example.org", position="библиотекарь", library=directory["cbs-kemerovo"])
    gone = UserFactory(email="gone@example.org", library=directory["cbs-topkinsky"])
    text = LIST + "Кузнецова Ольга Петровна;olga@example.org;ЦБС г. Белово;библиотекарь\n"
    staff_import = preview(admin, text, deactivate_missing=True)
    assert staff_import.can_confirm
    Library.objects.filter(code="cbs-belovo").update(is_active=False)  # line 5's library leaves the directory
    with pytest.raises(services.AccountError) as error:
        confirm(admin, staff_import, django_capture_on_commit_callbacks)
    assert "Строка 5" in str(error.value) and "olga@example.org" in str(error.value)
    assert "ничего не импортировано" in str(error.value).lower()
    maria.refresh_from_db()
    gone.refresh_from_db()
    assert maria.position == "библиотекарь" and gone.is_active  # lines 2-4 were rolled back
    assert not User.objects.filter(email__in=["sergey@example.org", "anna@example.org", "olga@example.org"]).exists()
    assert not mail.outbox
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW


def test_people_changed_after_the_preview_stop_the_import(directory, admin, django_capture_on_commit_callbacks):
    maria = UserFactory(email="maria@example.org", position="библиотекарь", library=directory["cbs-topkinsky"])
    staff_import = preview(admin)
    User.objects.filter(pk=maria.pk).update(position="заведующая")  # edited meanwhile: the plan shown is stale
    with pytest.raises(services.AccountError, match="изменились"):
        confirm(admin, staff_import, django_capture_on_commit_callbacks)
    assert not User.objects.filter(email="sergey@example.org").exists()


def test_the_preview_page_shows_the_three_sections_with_plural_counts(directory, admin, client):
    UserFactory(email="maria@example.org", position="библиотекарь", library=directory["cbs-topkinsky"],
                last_name="Иванова", first_name="Мария", patronymic="Петровна")
    UserFactory(email="gone@example.org", library=directory["cbs-topkinsky"], last_name="Ушедшая")
    UserFactory(role=Role.TRAINER, email="trainer@example.org", library=directory["cbs-topkinsky"])
    staff_import = preview(admin, deactivate_missing=True)
    client.force_login(admin)
    page = client.get(f"/admin/staff/import/{staff_import.pk}/").content.decode()
    assert "Будут приглашены 2 новых сотрудника" in page
    assert "Будут изменены данные 1 сотрудника" in page
    assert "Будет отключена 1 учётная запись" in page
    assert "1 учётная запись не будет отключена" in page
    assert "библиотекарь</del> → <ins>ведущий библиотекарь" in page
    assert "Ушедшая" in page and "Применить изменения" in page


def test_the_upload_form_offers_the_deactivation_option(directory, admin, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    assert "Отключить учётные записи" in client.get("/admin/staff/import/").content.decode()
    response = client.post("/admin/staff/import/", {
        "file": SimpleUploadedFile("staff.csv", (HEADER + LIST).encode()), "deactivate_missing": "on"})
    staff_import = StaffImport.objects.get()
    assert response.status_code == 302 and staff_import.deactivate_missing
    response = client.post(f"/admin/staff/import/{staff_import.pk}/confirm/", follow=True)
    assert "Приглашено: 3, изменено: 0, отключено: 0." in response.content.decode()


def test_the_preview_page_queries_do_not_grow_with_the_list(directory, admin, client):
    def big_list(count: int) -> str:
        return "".join(f"Иванова Мария Петровна;p{n}@example.org;ЦБС Топкинского района;библиотекарь\n"
                       for n in range(count))

    for n in range(40):
        UserFactory(email=f"p{n}@example.org", position="старый", library=directory["cbs-kemerovo"])
    for n in range(20):
        UserFactory(email=f"missing{n}@example.org", library=directory["cbs-topkinsky"])
    client.force_login(admin)
    counts = []
    for size in (3, 80):
        reset_queries()  # the connection keeps at most 9,000 queries: a full log would count nothing
        with CaptureQueriesContext(connection) as building:
            staff_import = preview(admin, big_list(size), deactivate_missing=True)
        client.get(f"/admin/staff/import/{staff_import.pk}/")
        reset_queries()
        with CaptureQueriesContext(connection) as page:
            response = client.get(f"/admin/staff/import/{staff_import.pk}/")
        assert response.status_code == 200
        counts.append((len(building), len(page)))
    assert counts[0] == counts[1] and counts[1][0] <= 8 and counts[1][1] <= 15
