"""The demo's SCORM lesson (cms/demo_scorm.py) in the browser: the demo learner, half way through «Библиографическая
компетентность», finds it in the course's syllabus before the final quiz, plays it through and it counts."""

from __future__ import annotations

import pytest

from tests.e2e import scorm_play

pytestmark = pytest.mark.e2e

LEARNER = "learner@demo.kuzbass-lms.ru"
DEMO_PASSWORD = "kuzbass-demo-2026"


def test_demo_learner_plays_the_demo_scorm_lesson_and_it_counts(new_context, log_in):
    from cms.demo_scorm import COURSE_SLUG, PAGES, TITLE
    from courses.models import CoursePage, Enrolment, ScormAttempt, ScormLessonPage
    from lms.accounts.models import User

    course = CoursePage.objects.get(slug=COURSE_SLUG)
    lesson = ScormLessonPage.objects.get(title=TITLE)
    learner = User.objects.get(email=LEARNER)
    before = Enrolment.objects.get(user=learner, course=course).progress_percent

    context = new_context()
    page = context.new_page()
    log_in(page, LEARNER, DEMO_PASSWORD)
    page.goto(course.url)
    page.get_by_role("link", name=TITLE, exact=True).click()
    page.wait_for_url(f"**{lesson.url}")
    assert page.get_by_role("link", name="Итоговый тест →").count() == 1  # the quiz comes next
    sco = page.frame_locator("#scorm-frame")
    sco.locator("body[data-sco-ready]").wait_for()
    assert sco.locator("h1").inner_text() == TITLE
    scorm_play.play_through(sco, {"pages": PAGES})
    page.wait_for_url("**closed=1**")
    assert page.locator("#scorm-result").get_by_text("Вы изучили этот урок.").is_visible()

    attempt = ScormAttempt.objects.get(user=learner, lesson=lesson)
    assert attempt.success_status == "passed" and attempt.score_percent == 100
    assert Enrolment.objects.get(user=learner, course=course).progress_percent > before
