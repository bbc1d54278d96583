"""The review of a quiz attempt in the browser: a result page of 50 questions of every type with everything shown
weighs at most 100 KB, has no serious axe-core violation, and fits a 390 px wide phone without sideways scrolling;
the same for a trainer looking at the learner's attempt."""

from __future__ import annotations

import pytest

from tests.courses.quizzes.test_review import QUESTIONS, build, everything, take
from tests.e2e.test_course_journeys import check_page_quality

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def fifty_questions() -> list[dict]:
    return [{**QUESTIONS[number % len(QUESTIONS)], "name": f"{QUESTIONS[number % len(QUESTIONS)]['name']} #{number}"}
            for number in range(50)]


def fits_the_width(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_long_review_is_light_accessible_and_fits_a_phone(live_server, new_context, log_in, page_weight,
                                                              screenshot):
    from courses import services
    from lms.accounts.roles import Role
    from tests.factories import PASSWORD, UserFactory

    _course, quiz, learner = build(slug="review-e2e", questions=fifty_questions())
    everything(quiz)
    attempt = take(quiz, learner)
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=quiz.get_parent().specific, user=trainer)
    path = f"/attempts/{attempt.pk}/result/"

    for person, name in ((learner, "learner"), (trainer, "trainer")):
        context = new_context(javascript=True)
        page = context.new_page()
        log_in(page, person.email, PASSWORD)
        assert page.goto(path).status == 200
        assert page.locator("section.question").count() == 50
        assert page.locator("h2", has_text="Вопрос 50").count() == 1
        check_page_quality(page, path, storage_state=context.storage_state(), page_weight=page_weight,
                           name=f"review of 50 questions ({name})")
        screenshot(page, f"quiz-review-{name}-1280")
        page.set_viewport_size(PHONE)
        page.reload()
        assert fits_the_width(page), f"the review scrolls sideways at 390 px ({name})"
        screenshot(page, f"quiz-review-{name}-390")
