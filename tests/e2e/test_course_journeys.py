"""A librarian studies a course from the catalogue to «Пройденные курсы»; a trainer writes a lesson that goes live
only after an administrator of ОНБ approves it — in the browser, as they would."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.axe import axe_report, axe_violations

pytestmark = pytest.mark.e2e

COURSE_TITLE = "Основы информационной культуры личности"
COURSE_HOURS = 16
SEARCH_WORD = "Виртуальное"
SEARCH_HIT = "Виртуальное справочное обслуживание"
TRAINER = "trainer@demo.kuzbass-lms.ru"
ADMINISTRATOR = "admin@demo.kuzbass-lms.ru"
DEMO_PASSWORD = "kuzbass-demo-2026"
TRAINER_SCREENS = Path("/tmp/e2e-trainer")
PAGE_WEIGHT_BUDGET = 100 * 1024  # document + CSS, as in test_page_weight.py


def catalogue_titles(page) -> list[str]:
    return [title.strip() for title in page.locator(".course-list .course-card h2").all_inner_texts()]


def messages_text(page) -> str:
    return page.locator(".messages").inner_text() if page.locator(".messages").count() else ""


def check_page_quality(page, path: str, *, storage_state, page_weight, name: str) -> None:
    """No serious or critical axe violations, and at most 100 KB of document + CSS on a first visit."""
    violations = axe_violations(page)
    assert not violations, f"axe on the {name} ({path}):\n{axe_report(violations)}"
    total, weights, foreign = page_weight(path, storage_state=storage_state)
    assert not foreign, f"the {name} ({path}) fetches from other sites: {foreign}"
    assert any(url.endswith(".css") for url in weights), f"no stylesheet on the {name}: {weights}"
    assert total <= PAGE_WEIGHT_BUDGET, f"the {name} ({path}): {total} bytes of document + CSS: {weights}"


# --- The learner ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_learner_finds_a_course_studies_every_lesson_and_sees_her_hours(
    live_server, new_context, log_in, page_weight, screenshot, javascript
):
    from courses.models import CoursePage, Enrolment, LessonCompletion
    from courses.services import course_lessons
    from tests.factories import PASSWORD, UserFactory

    # A librarian who has just signed up and confirmed her address: no enrolments yet.
    learner = UserFactory(email="novikova.lv@example.org", last_name="Новикова", first_name="Людмила",
                          patronymic="Владимировна")
    course = CoursePage.objects.get(title=COURSE_TITLE)
    lessons = list(course_lessons(course))
    from courses.models import QuizPage

    quiz = QuizPage.objects.live().descendant_of(course).first()
    assert len(lessons) >= 3, "the demo course is expected to have several lessons"

    context = new_context(javascript=javascript)
    page = context.new_page()
    checked = {}  # path -> name of the pages whose accessibility and weight were checked

    def check(name: str) -> None:
        if not javascript:
            return  # axe runs as a script in the page; the pages themselves are checked in the run with JS
        path = page.url.removeprefix(live_server.url)
        check_page_quality(page, path, storage_state=context.storage_state(), page_weight=page_weight, name=name)
        checked[path] = name

    # --- Logging in ---------------------------------------------------------------------------------------------------
    log_in(page, learner.email, PASSWORD)
    assert page.locator("header .user-name").inner_text().strip() == "Новикова Л. В."

    # --- The catalogue: the main menu, a search, a filter -------------------------------------------------------------
    page.locator(".main-nav").get_by_role("link", name="Курсы").click()
    page.wait_for_url("**/programme/")
    assert page.locator("h1").inner_text().strip() == course.get_parent().title
    assert COURSE_TITLE in catalogue_titles(page)
    check("catalogue")
    screenshot(page, f"learner-{javascript}-catalogue")

    page.get_by_role("searchbox", name="Поиск").fill(SEARCH_WORD)
    page.get_by_role("button", name="Показать", exact=True).click()
    page.wait_for_url(re.compile(r"/programme/\?.*q=", re.I))
    assert catalogue_titles(page) == [SEARCH_HIT]
    assert page.get_by_role("searchbox", name="Поиск").input_value() == SEARCH_WORD

    page.get_by_role("link", name="Сбросить").click()  # back to the whole catalogue
    page.wait_for_url("**/programme/")
    page.get_by_label("Формат").select_option(label="Дистанционный")
    page.get_by_role("button", name="Показать", exact=True).click()
    page.wait_for_url(re.compile(r"/programme/\?.*format=distance"))
    distance = set(CoursePage.objects.live().filter(format=CoursePage.Format.DISTANCE)
                   .values_list("title", flat=True))
    assert set(catalogue_titles(page)) == distance
    assert COURSE_TITLE in distance and len(distance) < CoursePage.objects.live().count()

    # --- The course: enrol, start -------------------------------------------------------------------------------------
    page.get_by_role("link", name=COURSE_TITLE, exact=True).click()
    page.wait_for_url(f"**{course.url}")
    assert page.locator("h1").inner_text().strip() == COURSE_TITLE
    # Before enrolling the syllabus shows the lessons' titles, not links to them.
    assert page.locator(".lessons a").count() == 0
    check("course page")
    page.get_by_role("button", name="Записаться", exact=True).click()
    page.wait_for_url(f"**{course.url}")
    assert "Вы записаны на курс" in messages_text(page)
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert (enrolment.status, enrolment.source) == (Enrolment.Status.ACTIVE, Enrolment.Source.SELF)

    page.get_by_role("link", name="Начать обучение", exact=True).click()
    page.wait_for_url(f"**{lessons[0].url}")

    # --- Every lesson, in order ---------------------------------------------------------------------------------------
    studied = []
    for number, lesson in enumerate(lessons, start=1):
        assert page.url == live_server.url + lesson.url, f"lesson {number}: expected {lesson.url}, at {page.url}"
        assert page.locator("h1").inner_text().strip() == lesson.title
        assert f"урок {number} из {len(lessons)}" in page.locator(".breadcrumbs").inner_text()
        if number == 1:
            check("lesson page")
            screenshot(page, f"learner-{javascript}-lesson")
        last = number == len(lessons)
        # After the last lesson comes the course's (optional) final quiz, where there is one.
        label = "Отметить как изученный" if last and quiz is None else "Отметить как изученный и продолжить"
        page.get_by_role("button", name=label, exact=True).click()
        target = ((quiz.url if quiz else course.url) if last else lessons[number].url)
        page.wait_for_url(f"**{target}")
        studied.append(lesson.pk)

    # The last one completes the course, and she is told so.
    assert "Урок изучен. Курс пройден!" in messages_text(page)
    page.goto(live_server.url + course.url)
    assert "Курс пройден" in page.locator(".enrol-box").inner_text()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.progress_percent == 100
    assert set(LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)) == \
        set(studied)

    # --- «Моё обучение» -----------------------------------------------------------------------------------------------
    page.locator(".account-nav").get_by_role("link", name="Моё обучение").click()
    page.wait_for_url("**/learning/")
    assert page.locator("h1").inner_text().strip() == "Моё обучение"
    completed = page.locator("section", has=page.get_by_role("heading", name="Пройденные курсы", exact=True))
    assert completed.count() == 1
    row = completed.locator("tbody tr", has_text=COURSE_TITLE)
    assert row.count() == 1
    assert row.locator("td").nth(1).inner_text().strip() == str(COURSE_HOURS)
    lead = page.locator(".lead").inner_text()
    assert re.search(rf"В этом году вы набрали {COURSE_HOURS} академических час", lead), lead
    check("dashboard")
    screenshot(page, f"learner-{javascript}-dashboard")

    if javascript:
        assert sorted(checked.values()) == ["catalogue", "course page", "dashboard", "lesson page"], checked


# --- The trainer and the administrator --------------------------------------------------------------------------------

NEW_LESSON_TITLE = "Информационная безопасность читателя в сети"
NEW_LESSON_TEXT = "Как распознать фишинговое письмо и не отдать мошенникам пароль от читательского билета."


def admin_screen(page, name: str) -> None:
    """Screenshots of the admin screens to /tmp/e2e-trainer/ when E2E_SCREENSHOTS is set (to see what changed
    when Wagtail's markup moves)."""
    if os.environ.get("E2E_SCREENSHOTS"):
        TRAINER_SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(TRAINER_SCREENS / f"{name}.png"), full_page=True)


def test_trainer_adds_a_lesson_that_goes_live_once_an_administrator_approves_it(new_context, log_in):
    from wagtail.models import WorkflowState

    from courses.models import CourseModulePage, CoursePage, Enrolment, LessonPage

    course = CoursePage.objects.get(title=COURSE_TITLE)
    module = CourseModulePage.objects.child_of(course).order_by("path").first()
    lessons_before = LessonPage.objects.count()
    lessons_in_course = LessonPage.objects.live().descendant_of(course).count()

    # --- The trainer writes the lesson and sends it for moderation ----------------------------------------------------
    context = new_context()
    page = context.new_page()
    log_in(page, TRAINER, DEMO_PASSWORD)
    page.wait_for_url("**/admin/")  # a trainer lands on the admin dashboard
    page.goto(f"/admin/pages/add/courses/lessonpage/{module.pk}/")
    assert page.locator("#id_title").is_visible()
    admin_screen(page, "1-add")
    page.locator("#id_title").fill(NEW_LESSON_TITLE)

    # StreamField «Содержание»: the «+» opens the block picker; «Текст» is the paragraph (Draftail) block.
    body = page.locator("[data-contentpath=body]")
    body.locator(".c-sf-add-button").first.click()
    admin_screen(page, "2-block-menu")
    page.get_by_role("option", name="Текст", exact=True).click()
    editor = body.locator(".public-DraftEditor-content[contenteditable=true]")
    editor.click()
    editor.press_sequentially(NEW_LESSON_TEXT)
    # Draftail writes the editor's state to the block's hidden input after a short delay: submit after that.
    page.wait_for_function(
        """(text) => [...document.querySelectorAll('input[type=hidden][name^="body-"][name$="-value"]')]
            .some((input) => input.value.includes(text))""",
        arg=NEW_LESSON_TEXT,
    )
    admin_screen(page, "3-filled")

    # The footer's primary action saves a draft; the workflow action is in its «more actions» menu.
    footer = page.locator("footer")
    footer.get_by_role("button", name="Больше действий").click()
    admin_screen(page, "4-footer-menu")
    submit = footer.get_by_role("button", name="Отправить в \"Публикация курсов\"", exact=True)
    with page.expect_navigation():
        submit.click()
    admin_screen(page, "5-submitted")
    if "/edit/" in page.url or "/add/" in page.url:  # the form came back: say what Wagtail objected to
        problems = page.locator(".error-message, .help-critical, .w-field__errors, [role=alert]").all_inner_texts()
        raise AssertionError(f"the form was not accepted: {page.url}: {problems}")

    assert LessonPage.objects.count() == lessons_before + 1
    lesson = LessonPage.objects.get(title=NEW_LESSON_TITLE)
    assert lesson.get_parent().pk == module.pk
    assert not lesson.live, "a trainer's lesson must not be live before an administrator approves it"
    assert lesson.has_unpublished_changes
    draft = lesson.get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["paragraph"]
    assert NEW_LESSON_TEXT in draft.body[0].value.source
    workflow_state = WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(lesson.pk))
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.workflow.name == "Публикация курсов"
    assert workflow_state.requested_by.email == TRAINER

    # --- A learner of the course does not see it yet ------------------------------------------------------------------
    studying = (Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE)
                .select_related("user").order_by("pk").first())
    assert studying is not None, "the demo has a learner studying the course"
    learner_email, studied = studying.user.email, studying.completions.count()
    assert studying.progress_percent == round(100 * studied / lessons_in_course)
    learner_context = new_context(javascript=False)
    learner_page = learner_context.new_page()
    log_in(learner_page, learner_email, DEMO_PASSWORD)
    learner_page.goto(course.url)
    assert learner_page.get_by_role("link", name=NEW_LESSON_TITLE).count() == 0
    assert learner_page.goto(lesson.url).status == 404

    # --- The administrator approves it from her dashboard -------------------------------------------------------------
    context = new_context()
    page = context.new_page()
    log_in(page, ADMINISTRATOR, DEMO_PASSWORD)
    page.goto("/admin/")
    admin_screen(page, "6-admin-dashboard")
    panel = page.locator("section", has=page.get_by_role("heading", name="В ожидании вашего отзыва"))
    row = panel.locator("tr", has_text=NEW_LESSON_TITLE)
    row.get_by_role("button", name="Действия").click()
    with page.expect_navigation():
        row.get_by_role("button", name="Одобрить", exact=True).click()
    admin_screen(page, "7-approved")

    lesson.refresh_from_db()
    assert lesson.live and not lesson.has_unpublished_changes
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    # Publishing a lesson recounts the progress of those studying the course (one more lesson to study).
    studying.refresh_from_db()
    assert studying.progress_percent == round(100 * studied / (lessons_in_course + 1))

    # --- …and now the learner studies it ------------------------------------------------------------------------------
    learner_page.goto(course.url)
    learner_page.get_by_role("link", name=NEW_LESSON_TITLE, exact=True).click()
    learner_page.wait_for_url(f"**{lesson.url}")
    assert learner_page.locator("h1").inner_text().strip() == NEW_LESSON_TITLE
    assert NEW_LESSON_TEXT in learner_page.locator(".stream").inner_text()
