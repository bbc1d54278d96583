"""A librarian does the H5P task of a demo lesson in Chromium: the real h5p-standalone player runs our own content
type from our own address under the site's Content-Security-Policy, its xAPI statement reaches the server, and the
lesson counts as studied. With JavaScript off the lesson says in Russian what the task needs."""

from __future__ import annotations

import pytest

from tests.e2e.axe import axe_report, axe_violations

pytestmark = pytest.mark.e2e

LEARNER = "learner@demo.kuzbass-lms.ru"
DEMO_PASSWORD = "kuzbass-demo-2026"


def demo_lesson():
    from cms.demo_h5p import LESSON_SLUG
    from courses.models import LessonPage

    return LessonPage.objects.get(slug=LESSON_SLUG)


def test_learner_answers_the_task_and_the_lesson_counts_as_studied(new_context, log_in, screenshot):
    from courses.models import Enrolment, H5PResult, LessonCompletion, XAPIStatement

    lesson = demo_lesson()
    page = new_context().new_page()
    log_in(page, LEARNER, DEMO_PASSWORD)
    page.goto(lesson.url)
    page.wait_for_selector("[data-h5p-ready]")
    state = page.locator("[data-h5p-state] [data-h5p-message]")
    assert "осталось 1 задание (выполнено 0 из 1)" in state.inner_text()
    assert page.get_by_role("button", name="Отметить как изученный").count() == 0
    violations = axe_violations(page)
    assert not violations, axe_report(violations)
    screenshot(page, "h5p-lesson")

    statements = page.locator(".kq-statement")
    statements.nth(0).get_by_label("Верно", exact=True).check()
    statements.nth(1).get_by_label("Неверно", exact=True).check()
    statements.nth(2).get_by_label("Верно", exact=True).check()
    with page.expect_response(lambda response: "/statements/" in response.url) as posted:
        page.get_by_role("button", name="Проверить").click()
    assert posted.value.status == 200
    page.locator("[data-h5p-done]").wait_for(state="visible")
    assert state.inner_text() == "Все задания урока выполнены: урок изучен."
    assert "Правильных ответов: 3 из 3." in page.locator(".kq-feedback").inner_text()
    violations = axe_violations(page)
    assert not violations, axe_report(violations)

    kept = XAPIStatement.objects.get(lesson=lesson)
    assert kept.is_top_level and kept.verb.endswith("/answered") and (kept.score_raw, kept.score_max) == (3, 3)
    assert kept.statement["actor"]["account"]["name"] == str(kept.user_id)
    assert H5PResult.objects.filter(lesson=lesson, user=kept.user).exists()
    enrolment = Enrolment.objects.get(user=kept.user, course__pk=lesson.get_parent().get_parent().pk)
    assert LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).exists()
    page.reload()
    assert "Вы изучили этот урок." in page.locator(".lesson-nav").inner_text()


def test_without_javascript_the_lesson_says_what_the_task_needs(new_context, log_in):
    lesson = demo_lesson()
    page = new_context(javascript=False).new_page()
    log_in(page, LEARNER, DEMO_PASSWORD)
    page.goto(lesson.url)
    text = page.locator(".h5p-task").inner_text()
    assert "Для этого интерактивного задания нужен JavaScript" in text
    assert "осталось 1 задание" in page.locator(".lesson-nav").inner_text()
