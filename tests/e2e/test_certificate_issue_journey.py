"""An administrator issues documents by hand from «Выдать документы», in the browser: the people whose documents
were revoked (completed, holding no valid one) are listed; she ticks the whole page with the header's checkbox
(Wagtail's script), unticks one, presses the button, and the others get new documents by e-mail."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ADMINISTRATOR = "admin@demo.kuzbass-lms.ru"
DEMO_PASSWORD = "kuzbass-demo-2026"


def test_administrator_issues_the_ticked_people_their_documents(new_context, log_in, screenshot):
    from django.core import mail
    from django.db.models import Exists, OuterRef

    from certificates.models import Certificate
    from certificates.services import certificate_issue, certificate_revoke
    from courses.models import CoursePage, Enrolment
    from lms.accounts.models import User

    admin = User.objects.get(email=ADMINISTRATOR)
    # the demo's finished courses have their certificates; two of them are revoked, so two people are left
    # completed without a valid document
    for enrolment in Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).select_related("user", "course"):
        if enrolment.course.certificate_kind != CoursePage.CertificateKind.NONE:
            certificate_issue(user=enrolment.user, course=enrolment.course)
    # documents of completions that still stand (a course reopened for recertification is studied again, so its
    # old document's revocation leaves nothing to issue)
    standing = Enrolment.objects.filter(user=OuterRef("user"), course=OuterRef("course"), cycle=OuterRef("cycle"),
                                        status=Enrolment.Status.COMPLETED)
    revoked = list(Certificate.objects.filter(Exists(standing), status=Certificate.Status.VALID, course__isnull=False)
                   .select_related("user").order_by("number")[:2])
    assert len(revoked) == 2, "the demo has fewer than two course certificates"
    for certificate in revoked:
        certificate_revoke(certificate=certificate, reason="Ошибка в ФИО", actor=admin)
    pending = Certificate.objects.filter(status=Certificate.Status.VALID).count()
    mail.outbox.clear()

    page = new_context().new_page()
    log_in(page, ADMINISTRATOR, DEMO_PASSWORD)
    page.goto("/admin/certificate_issue/")
    rows = page.locator("tr.pending-completion")
    listed = rows.count()
    assert listed >= 2
    for certificate in revoked:
        assert rows.filter(has_text=certificate.user.full_name).filter(has_text=certificate.facts["course"]).count()

    page.locator("input[data-w-bulk-target=all]").check()  # the whole page, by Wagtail's w-bulk controller
    assert page.locator("input[name=row]:checked").count() == listed
    kept = revoked[0]
    kept_row = rows.filter(has_text=kept.user.full_name).filter(has_text=kept.facts["course"])
    kept_row.locator("input[name=row]").uncheck()
    assert not page.locator("input[data-w-bulk-target=all]").is_checked()
    screenshot(page, "certificate-issue-ticked")
    page.locator("button.issue-selected").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/admin/certificate_issue/")
    screenshot(page, "certificate-issue-done")

    # the unticked one is still listed, alone; the others hold new valid documents, issued by her and e-mailed
    assert page.locator("tr.pending-completion").count() == 1
    assert kept.user.full_name in page.locator("tr.pending-completion").inner_text()
    for certificate in revoked[1:]:
        new = Certificate.objects.get(user=certificate.user, course=certificate.course, status="valid")
        assert new.issued_by == admin and new.number != certificate.number
    assert not Certificate.objects.filter(user=kept.user, course=kept.course, status="valid").exists()
    assert Certificate.objects.filter(status=Certificate.Status.VALID).count() == pending + listed - 1
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == listed - 1 and {c.user.email for c in revoked[1:]} <= set(recipients)
