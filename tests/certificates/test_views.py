import re

import pytest

from certificates import services
from certificates.models import Certificate
from tests.certificates.test_services import completed  # noqa: F401 - shared fixture
from tests.factories import UserFactory


def test_verification_page_shows_valid_revoked_and_replaced(client, completed):  # noqa: F811
    certificate = Certificate.objects.get()
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "действителен" in page and "Иванова Мария Петровна" in page and certificate.number in page
    assert certificate.user.email not in page  # no more personal data than needed
    new = services.certificate_reissue(certificate=certificate, actor=UserFactory())
    assert new.number in client.get(f"/verify/{certificate.code}/").content.decode()
    services.certificate_revoke(certificate=new, reason="Выдан по ошибке", actor=UserFactory())
    page = client.get(f"/verify/{new.code}/").content.decode()
    assert "отозван" in page and "Выдан по ошибке" in page


def test_unknown_codes_get_the_same_404(client, db):
    first = client.get("/verify/" + "x" * 32 + "/")
    second = client.get("/verify/short/")
    assert first.status_code == second.status_code == 404
    def main(response):  # the footer's language form carries the page's own address and a CSRF token
        return re.search(rb"<main.*</main>", response.content, re.S).group(0)

    assert main(first) == main(second)


def test_lookup_by_number_and_surname(client, completed):  # noqa: F811
    certificate = Certificate.objects.get()
    response = client.get("/verify/", {"number": certificate.number.lower(), "last_name": " иванова "})
    assert response.status_code == 302 and certificate.code in response["Location"]
    assert client.get("/verify/", {"number": certificate.number, "last_name": "Петрова"}).status_code == 404


def test_verification_is_rate_limited(client, db):
    statuses = [client.get("/verify/" + "y" * 32 + "/").status_code for _ in range(31)]
    assert statuses[-1] == 429 and set(statuses[:30]) == {404}


def test_my_documents_and_the_pdf(client, completed):  # noqa: F811
    learner, _course = completed
    certificate = Certificate.objects.get()
    client.force_login(learner)
    page = client.get("/my/documents/").content.decode()
    assert certificate.number in page and "Скачать PDF" in page
    response = client.get(f"/verify/{certificate.code}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(UserFactory())
    assert certificate.number not in client.get("/my/documents/").content.decode()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "file:///etc/passwd", "http://127.0.0.1:9/x.png"])
def test_hostile_names_are_shown_as_text(client, completed, name):  # noqa: F811
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(facts={**certificate.facts, "full_name": name})
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert name not in page or "<script>" not in name
    assert "<script>alert(1)</script>" not in page


def test_administrators_see_the_register_and_preview_a_template(client, completed):  # noqa: F811
    from django.contrib.auth.models import Group

    from certificates.models import CertificateTemplate
    from lms.accounts.roles import Role, roles_ensure

    roles_ensure()
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert Group.objects.get(name="Администраторы ОНБ").permissions.filter(codename="view_certificate").exists()
    client.force_login(admin)
    certificate = Certificate.objects.get()
    assert certificate.number in client.get("/admin/certificate_register/").content.decode()
    export = client.get("/admin/certificate_register/?export=csv")
    assert export.status_code == 200
    template = CertificateTemplate.objects.get()
    preview = client.get(f"/admin/certificates/templates/{template.pk}/preview/")
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    client.force_login(UserFactory())
    assert client.get(f"/admin/certificates/templates/{template.pk}/preview/").status_code in (302, 403)


def test_behind_our_proxy_the_limit_is_per_client_not_for_the_whole_site(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # nginx in front, appending the address it saw
    url = "/verify/" + "y" * 32 + "/"
    first = [client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code for _ in range(31)]
    assert first[-1] == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 404  # another library is not blocked
    # what a client wrote itself before our proxy's entry is not believed
    assert client.get(url, HTTP_X_FORWARDED_FOR="10.9.9.9, 10.0.0.1").status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    url = "/verify/" + "y" * 32 + "/"
    statuses = [client.get(url, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(31)]
    assert statuses[-1] == 429


@pytest.mark.parametrize("change", ["revoke", "reissue"])
def test_a_revoked_or_replaced_pdf_is_served_to_nobody(client, completed, administrator, change):  # noqa: F811
    learner, _course = completed
    certificate = Certificate.objects.get()
    assert client.get(f"/verify/{certificate.code}/pdf/").status_code == 200  # its clean file is stored
    if change == "revoke":
        services.certificate_revoke(certificate=certificate, reason="Выдан по ошибке", actor=administrator)
        explanation = "Выдан по ошибке"
    else:
        new = services.certificate_reissue(certificate=certificate, actor=administrator)
        explanation = new.number
    for who in (None, learner, administrator):  # the QR code's visitor, the holder, an administrator
        client.logout()
        if who is not None:
            client.force_login(who)
        response = client.get(f"/verify/{certificate.code}/pdf/")
        assert response.status_code == 410
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "PDF не выдаётся" in page and explanation in page
    client.force_login(learner)
    documents = client.get("/my/documents/").content.decode()
    assert f"/verify/{certificate.code}/pdf/" not in documents
    client.force_login(administrator)
    inspect = client.get(f"/admin/certificate_register/inspect/{certificate.pk}/").content.decode()
    assert certificate.pdf.name not in inspect and f"/verify/{certificate.code}/pdf/" not in inspect


def test_the_pdf_route_shares_the_check_pages_rate_limit(client, completed):  # noqa: F811
    certificate = Certificate.objects.get()
    for _ in range(15):
        assert client.get(f"/verify/{certificate.code}/").status_code == 200
    for _ in range(15):
        assert client.get(f"/verify/{certificate.code}/pdf/").status_code == 200
    assert client.get(f"/verify/{certificate.code}/pdf/").status_code == 429
    assert client.get(f"/verify/{certificate.code}/").status_code == 429
    assert client.get("/verify/", {"number": certificate.number, "last_name": "Иванова"}).status_code == 429


def test_unknown_codes_on_the_pdf_route_get_the_check_pages_answer(client, db):
    response = client.get("/verify/" + "z" * 32 + "/pdf/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_nobody_adds_or_edits_a_certificate_in_the_register(client, completed):  # noqa: F811
    certificate = Certificate.objects.get()
    client.force_login(UserFactory(is_superuser=True, email="root@example.org"))
    assert client.get("/admin/certificate_register/new/").status_code == 302  # Wagtail: permission denied
    assert client.post("/admin/certificate_register/new/", {"revoked_reason": "x"}).status_code == 302
    assert client.post(f"/admin/certificate_register/edit/{certificate.pk}/", {"revoked_reason": "x"}).status_code == 302
    assert client.post(f"/admin/certificate_register/delete/{certificate.pk}/").status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "" and Certificate.objects.count() == 1
    assert client.get(f"/admin/certificate_register/inspect/{certificate.pk}/").status_code == 200
