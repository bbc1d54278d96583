"""The Content-Security-Policy in a real browser: the learner site works under its strict policy, and the Wagtail
admin under its relaxed one (the conftest's `csp_violations` fails a test on anything the browser refused).

What the admin does that the strict policy would refuse is printed (report-only): docs/security.md names it.
"""

from collections import Counter

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LEARNER = "learner@demo.kuzbass-lms.ru"
ADMINISTRATOR = "admin@demo.kuzbass-lms.ru"


def test_the_learner_site_runs_under_the_strict_policy(new_context, log_in, csp_violations):
    from courses.models import CoursePage, LessonPage, QuizPage
    from cms.demo import DEMO_PASSWORD

    page = new_context().new_page()
    course = CoursePage.objects.live().order_by("path").first()
    for path in ("/", course.url, "/verify/", "/internships/"):
        page.goto(path)
    log_in(page, LEARNER, DEMO_PASSWORD)
    lesson = LessonPage.objects.live().descendant_of(course).first()
    quiz = QuizPage.objects.live().first()
    for path in ("/learning/", course.url, lesson.url, quiz.url, "/my/documents/", "/my/record/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    assert csp_violations["report_only"] == []


def test_the_wagtail_admin_works_under_its_policy(new_context, log_in, csp_violations, capsys):
    from courses.models import CoursePage, LessonPage
    from cms.demo import DEMO_PASSWORD
    from lms.internships.models import Session

    page = new_context().new_page()
    log_in(page, ADMINISTRATOR, DEMO_PASSWORD)
    course = CoursePage.objects.live().first()
    lesson = LessonPage.objects.live().descendant_of(course).first()
    session = Session.objects.first()
    for path in ("/admin/", f"/admin/pages/{course.pk}/edit/", f"/admin/pages/{lesson.pk}/edit/",
                 f"/admin/internship_sessions/edit/{session.pk}/", "/admin/certificate_register/"):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # The editor's widgets came up (they are built by Wagtail's scripts): the lesson's body and the date pickers.
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.wait_for_selector("[data-streamfield-stream-container], .w-field--stream_field, [data-block]")
    with capsys.disabled():
        kinds = Counter(text.split(" violates ")[0] for text in csp_violations["report_only"])
        print("\nReport-only in the admin (what Wagtail needs beyond the strict policy):",
              *(f"{count} × {kind}" for kind, count in sorted(kinds.items())), sep="\n  ")
