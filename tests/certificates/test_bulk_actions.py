"""Bulk reissue and revocation from the register of certificates: the services (all or nothing) and the admin's
bulk actions over HTTP (selection in the register, confirmation page, permission)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail

from certificates import services
from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from courses import services as course_services
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

REGISTER = "/admin/certificate_register/"
REISSUE = "/admin/bulk/certificates/certificate/reissue/"
REVOKE = "/admin/bulk/certificates/certificate/revoke/"


@pytest.fixture
def certificates(db):
    """Three valid certificates of three people for one course."""
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    course = pages.course(title="Работа с детской аудиторией", academic_hours=12)
    lesson = pages.lesson(course)
    issued = []
    for last_name in ("Орлова", "Смирнова", "Фёдорова"):
        person = UserFactory(last_name=last_name, first_name="Ольга", patronymic="Ивановна")
        course_services.enrolment_self(user=person, course=course)
        course_services.lesson_complete(user=person, lesson=lesson)
        issued.append(services.certificate_issue(user=person, course=course))
    mail.outbox.clear()
    return issued


@pytest.fixture
def admin_client(client, db):
    from lms.accounts.roles import roles_ensure

    roles_ensure()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, email="onb.admin@example.org"))
    return client


def ids_query(certificates_) -> str:
    return "?" + "&".join(f"id={c.pk}" for c in certificates_) + f"&next={REGISTER}"


def statuses(certificates_) -> list[str]:
    return [Certificate.objects.get(pk=c.pk).status for c in certificates_]


# --- the services ---------------------------------------------------------------------------------------------------

def test_reissue_many_replaces_each_and_numbers_the_new_ones(certificates):
    admin = UserFactory()
    new = services.certificate_reissue_many(certificate_ids=[c.pk for c in certificates], actor=admin)
    assert len(new) == 3 and {c.status for c in new} == {Certificate.Status.VALID}
    for old in certificates:
        old.refresh_from_db()
        assert old.status == Certificate.Status.REPLACED and old.replaced_by in new
    assert sorted(c.sequence for c in Certificate.objects.all()) == [1, 2, 3, 4, 5, 6]
    assert {c.issued_by for c in new} == {admin}


def test_revoke_many_needs_a_reason_and_revokes_all(certificates):
    admin = UserFactory()
    with pytest.raises(services.CertificateError):
        services.certificate_revoke_many(certificate_ids=[c.pk for c in certificates], reason=" \n ", actor=admin)
    assert set(statuses(certificates)) == {Certificate.Status.VALID}
    revoked = services.certificate_revoke_many(certificate_ids=[c.pk for c in certificates],
                                               reason="Курс засчитан ошибочно", actor=admin)
    assert {c.status for c in revoked} == {Certificate.Status.REVOKED}
    assert {c.revoked_reason for c in revoked} == {"Курс засчитан ошибочно"}


def test_one_refusal_changes_nothing(certificates, django_capture_on_commit_callbacks):
    admin = UserFactory()
    services.certificate_revoke(certificate=certificates[1], reason="Дубликат", actor=admin)
    counter_before = RegistryCounter.objects.get().last_number
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.CertificateError) as refused:
            services.certificate_reissue_many(certificate_ids=[c.pk for c in certificates], actor=admin)
    assert certificates[1].number in str(refused.value)
    # the first certificate (reissued before the refusal) is valid again; no number was taken, no task dispatched
    assert statuses(certificates) == [Certificate.Status.VALID, Certificate.Status.REVOKED, Certificate.Status.VALID]
    assert Certificate.objects.count() == 3 and RegistryCounter.objects.get().last_number == counter_before
    assert callbacks == [] and mail.outbox == []


def test_an_empty_or_vanished_selection_is_refused(certificates):
    admin = UserFactory()
    with pytest.raises(services.CertificateError):
        services.certificate_reissue_many(certificate_ids=[], actor=admin)
    with pytest.raises(services.CertificateError):
        services.certificate_revoke_many(certificate_ids=[certificates[0].pk, 987654], reason="x", actor=admin)
    assert set(statuses(certificates)) == {Certificate.Status.VALID}


# --- the register in the admin ----------------------------------------------------------------------------------------

def test_administrators_see_checkboxes_and_both_bulk_actions(admin_client, certificates):
    page = admin_client.get(REGISTER).content.decode()
    assert page.count("data-bulk-action-checkbox") == 3
    assert REISSUE in page and REVOKE in page
    assert 'data-bulk-action-footer="CERTIFICATE"' in page
    assert "data-bulk-action-num-objects-in-listing" not in page  # no «select all in the listing»


def test_bulk_reissue_confirms_then_reissues_and_emails_the_holders(admin_client, certificates,
                                                                    django_capture_on_commit_callbacks):
    chosen = certificates[:2]
    confirmation = admin_client.get(REISSUE + ids_query(chosen))
    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert all(c.number in text for c in chosen) and certificates[2].number not in text
    assert set(statuses(certificates)) == {Certificate.Status.VALID}  # asking changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(REISSUE + ids_query(chosen))
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert statuses(certificates) == [Certificate.Status.REPLACED, Certificate.Status.REPLACED,
                                      Certificate.Status.VALID]
    new = [Certificate.objects.get(pk=c.pk).replaced_by for c in chosen]
    assert all(n.status == Certificate.Status.VALID and n.pdf for n in new)
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(c.user.email for c in chosen)


def test_bulk_revoke_requires_the_reason(admin_client, certificates):
    form_page = admin_client.get(REVOKE + ids_query(certificates)).content.decode()
    assert 'name="reason"' in form_page

    refused = admin_client.post(REVOKE + ids_query(certificates), {"reason": "   "})
    assert refused.status_code == 200 and 'name="reason"' in refused.content.decode()
    assert set(statuses(certificates)) == {Certificate.Status.VALID}

    done = admin_client.post(REVOKE + ids_query(certificates), {"reason": "Обучение не подтверждено"})
    assert done.status_code == 302
    assert set(statuses(certificates)) == {Certificate.Status.REVOKED}
    verification = admin_client.get(f"/verify/{certificates[0].code}/").content.decode()
    assert "отозван" in verification and "Обучение не подтверждено" in verification


def test_a_selection_with_a_revoked_certificate_is_refused_whole(admin_client, certificates):
    services.certificate_revoke(certificate=certificates[0], reason="Дубликат", actor=UserFactory())
    confirmation = admin_client.get(REISSUE + ids_query(certificates)).content.decode()
    assert 'role="alert"' in confirmation and certificates[0].number in confirmation  # warned before confirming

    response = admin_client.post(REISSUE + ids_query(certificates))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and certificates[0].number in errors[0]
    assert certificates[0].number in response.content.decode()
    assert statuses(certificates) == [Certificate.Status.REVOKED, Certificate.Status.VALID, Certificate.Status.VALID]
    assert Certificate.objects.count() == 3 and mail.outbox == []


def test_only_those_with_the_permission_may_act(client, certificates):
    from lms.accounts.roles import roles_ensure

    roles_ensure()
    # someone who may look at the register (and into the admin) but not reissue or revoke
    viewer = UserFactory(role=Role.LIBRARY_HEAD)
    viewers = Group.objects.create(name="Смотрят реестр")
    viewers.permissions.add(Permission.objects.get(codename="view_certificate"))
    viewer.groups.add(viewers)
    client.force_login(viewer)
    register = client.get(REGISTER)
    assert register.status_code == 200 and certificates[0].number in register.content.decode()
    assert "data-bulk-action-checkbox" not in register.content.decode()
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard and a message
    for response in (client.get(REISSUE + ids_query(certificates)),
                     client.post(REVOKE + ids_query(certificates), {"reason": "Нет"})):
        assert (response.status_code, response["Location"]) == (302, "/admin/")

    client.force_login(UserFactory(role=Role.LEARNER))  # no access to the admin at all
    assert client.post(REISSUE + ids_query(certificates)).status_code in (302, 403)
    assert set(statuses(certificates)) == {Certificate.Status.VALID}

    # the permissions are the administrators' role's
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert admin.has_perm("certificates.reissue_certificate") and admin.has_perm("certificates.revoke_certificate")


def test_junk_ids_select_nothing(admin_client, certificates):
    page = admin_client.get(REISSUE + "?id=all&id=x1&next=" + REGISTER)
    assert page.status_code == 200 and not any(c.number in page.content.decode() for c in certificates)
    assert admin_client.post(REISSUE + "?id=all").status_code == 200
    assert set(statuses(certificates)) == {Certificate.Status.VALID}
