"""A librarian completes a course with a required final quiz, finds her certificate in «Мои документы», downloads the
PDF and follows its QR code to the public check, which says the document is valid — in the browser, as she would.

Tasks run eagerly in the live server's thread: the completion issues the certificate and renders its PDF (into a
temporary MEDIA_ROOT) within the request that completes the course. The QR code is read from the downloaded PDF
with a real decoder (poppler's pdftoppm, then zxing-cpp), and the link it holds is opened in the browser.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Основы информационной культуры личности"
QUIZ_FILE = Path(__file__).resolve().parents[2] / "cms" / "demo_data" / "quizzes" / "information-culture.gift"


def folded(text: str) -> str:
    return " ".join(text.replace("_____", "").split()).casefold()


def bank_questions() -> list[dict]:
    """The course's questions in the exchange form, read from the GIFT file the demo bank is imported from: the
    answers a learner who studied the lessons would know."""
    from courses.quizzes.formats import parse_gift_file

    return list(parse_gift_file(QUIZ_FILE.read_bytes(), QUIZ_FILE.name).questions)


def answer_the_page(page, questions: list[dict]) -> int:
    """Give the right answer to every question on the current attempt page, the way a person fills in the form."""
    answered = 0
    for fieldset in page.locator("fieldset.question").all():
        shown = folded(fieldset.locator(".question-text").inner_text())
        question = next((q for q in questions if folded(q["text"])[:60] in shown or shown[:60] in folded(q["text"])),
                        None)
        assert question is not None, f"a question not in the course's bank: {shown[:80]}"
        kind = question["type"]
        if kind == "multichoice":
            for answer in question["answers"]:
                if answer["fraction"] > 0:
                    fieldset.get_by_label(" ".join(answer["text"].split()), exact=True).check()
        elif kind == "truefalse":
            fieldset.get_by_label("Верно" if question["correct"] else "Неверно", exact=True).check()
        elif kind == "shortanswer":
            best = max(question["answers"], key=lambda a: a["fraction"])
            fieldset.locator("input[type=text]").fill(best["text"])
        elif kind == "numerical":
            value = question["answers"][0]["value"]
            fieldset.locator("input[type=text]").fill(f"{value:g}")
        elif kind == "matching":
            for pair in question["pairs"]:
                fieldset.get_by_label(pair["question"], exact=True).select_option(label=pair["answer"])
        else:
            raise AssertionError(f"no way to answer a {kind} question here")
        answered += 1
    return answered


def test_learner_completes_a_course_downloads_the_certificate_and_checks_its_qr_code(
    live_server, new_context, log_in, settings, tmp_path, screenshot
):
    import zxingcpp
    from PIL import Image

    from certificates.models import Certificate
    from courses.models import CoursePage, Enrolment, QuizPage
    from courses.services import course_lessons
    from tests.factories import PASSWORD, UserFactory

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = live_server.url  # the address the QR code carries: this test's server

    learner = UserFactory(email="zaitseva.ok@example.org", last_name="Зайцева", first_name="Ольга",
                          patronymic="Константиновна")
    course = CoursePage.objects.get(title=COURSE_TITLE)
    lessons = list(course_lessons(course))
    quiz = QuizPage.objects.live().descendant_of(course).get()
    # A trainer has made the final quiz required and published it: the course is completed only when it is passed.
    # (Publishing, as the admin does, starts a new content generation: which quizzes count is kept in the content
    # cache, so a bare UPDATE would not be seen.)
    quiz.is_required = True
    quiz.save_revision().publish()
    questions = bank_questions()

    page = new_context().new_page()
    log_in(page, learner.email, PASSWORD)

    # --- Enrol and study every lesson ---------------------------------------------------------------------------------
    page.goto(course.url)
    page.get_by_role("button", name="Записаться", exact=True).click()
    page.wait_for_url(f"**{course.url}")
    page.get_by_role("link", name="Начать обучение", exact=True).click()
    for number, lesson in enumerate(lessons, start=1):
        page.wait_for_url(f"**{lesson.url}")
        page.get_by_role("button", name="Отметить как изученный и продолжить", exact=True).click()
    page.wait_for_url(f"**{quiz.url}")  # after the last lesson: the quiz
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.ACTIVE, "completed before the required quiz was passed"
    assert not Certificate.objects.filter(user=learner).exists()

    # --- The required quiz: every page answered, then submitted ---------------------------------------------------------
    page.get_by_role("button", name="Начать тест", exact=True).click()
    page.wait_for_url(re.compile(r"/attempts/\d+/"))
    answered = 0
    while True:
        answered += answer_the_page(page, questions)
        next_page = page.get_by_role("button", name=re.compile("Следующая страница"))
        if next_page.count() == 0:
            break
        next_page.click()
        page.wait_for_load_state()
    assert answered == 10  # the quiz draws ten questions
    page.get_by_role("button", name="Завершить попытку…", exact=True).click()
    page.wait_for_url(re.compile(r"/attempts/\d+/finish/"))
    page.get_by_role("button", name="Отправить и завершить", exact=True).click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result/"))
    assert "Сдан" in page.locator("main").inner_text()
    screenshot(page, "certificate-journey-quiz-result")

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.status == Certificate.Status.VALID and certificate.pdf

    # --- «Мои документы»: the certificate and its PDF -------------------------------------------------------------------
    page.locator(".account-menu summary").click()  # the person's menu holds «Мои документы»
    page.locator(".account-nav").get_by_role("link", name="Мои документы").click()
    page.wait_for_url("**/my/documents/")
    row = page.locator("tbody tr", has_text=certificate.number)
    assert row.count() == 1
    assert COURSE_TITLE in row.inner_text() and "Действителен" in row.inner_text()
    screenshot(page, "certificate-journey-documents")
    link = row.get_by_role("link", name="Скачать PDF")
    response = page.request.get(link.get_attribute("href"))  # with her session, as the browser fetches it
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "downloaded.pdf"
    pdf.write_bytes(response.body())
    assert pdf.read_bytes().startswith(b"%PDF-")

    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for fact in ("Зайцевой Ольге Константиновне", COURSE_TITLE, certificate.number):
        assert fact in text, fact

    # --- The QR code, read from the PDF, leads to the public check ------------------------------------------------------
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]
    links = [value for value in decoded if value.startswith(live_server.url + "/verify/")]
    assert len(links) == 1, f"QR codes found: {decoded}"

    visitor = new_context().new_page()  # anyone with the paper document: not logged in
    visitor.goto(links[0])
    assert visitor.url == live_server.url + f"/verify/{certificate.code}/"
    main = visitor.locator("main").inner_text()
    assert "Документ действителен." in main
    assert certificate.number in main and "Зайцева Ольга Константиновна" in main and COURSE_TITLE in main
    assert learner.email not in visitor.content()
    screenshot(visitor, "certificate-journey-verify")


ADMINISTRATOR = "admin@demo.kuzbass-lms.ru"
DEMO_PASSWORD = "kuzbass-demo-2026"


def test_administrator_revokes_two_certificates_at_once_from_the_register(new_context, log_in, screenshot):
    from certificates.models import Certificate
    from certificates.services import certificate_issue
    from courses.models import CoursePage, Enrolment

    # the demo's finished courses have their certificates; make sure there are at least two valid ones
    for enrolment in Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).select_related("user", "course"):
        if enrolment.course.certificate_kind != CoursePage.CertificateKind.NONE:
            certificate_issue(user=enrolment.user, course=enrolment.course)
    chosen = list(Certificate.objects.filter(status=Certificate.Status.VALID).order_by("number")[:2])
    assert len(chosen) == 2, "the demo has fewer than two certificates"

    page = new_context().new_page()
    log_in(page, ADMINISTRATOR, DEMO_PASSWORD)
    page.goto("/admin/certificate_register/")
    for certificate in chosen:
        row = page.locator("tr", has=page.get_by_role("link", name=certificate.number, exact=True))
        row.locator("input[data-bulk-action-checkbox]").check()
    footer = page.locator("[data-bulk-action-footer]")
    assert footer.is_visible()
    screenshot(page, "certificate-bulk-register")
    # «Отозвать» (the button's label is the new «Revoke» msgid, Russian once the translation is compiled)
    footer.locator("a[href*='/bulk/certificates/certificate/revoke/']").click()
    page.wait_for_url("**/admin/bulk/certificates/certificate/revoke/**")
    assert all(page.locator("tr.bulk-certificate", has_text=c.number).count() == 1 for c in chosen)
    page.locator("textarea[name=reason]").fill("Документы о прохождении курса выданы ошибочно")
    screenshot(page, "certificate-bulk-confirm")
    page.locator("form.bulk-certificate-form button[type=submit]").click()
    page.wait_for_url("**/admin/certificate_register/**")
    screenshot(page, "certificate-bulk-done")

    for certificate in chosen:
        certificate.refresh_from_db()
        assert certificate.status == Certificate.Status.REVOKED
        assert certificate.revoked_reason == "Документы о прохождении курса выданы ошибочно"
