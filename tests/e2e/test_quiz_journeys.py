"""A librarian takes a course's timed final quiz — answers, reloads, comes back after closing the browser, submits
with confirmation and sees her result — with and without JavaScript; a trainer imports a GIFT file through the
admin (upload, preview with the file's problems, confirm) and finds the questions in the course's bank."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_course_journeys import (
    COURSE_TITLE,
    DEMO_PASSWORD,
    TRAINER,
    check_page_quality,
)

pytestmark = pytest.mark.e2e


# --- The learner ------------------------------------------------------------------------------------------------------

def right_answer(entry: dict):
    """What a learner who knows the material gives for one served question (from the attempt's frozen copy)."""
    question = entry["question"]
    kind = question["type"]
    if kind == "multichoice":
        answers = question["answers"]
        right = [token for token, index in entry["tokens"].items() if (answers[index].get("fraction") or 0) > 0]
        return right if not question.get("single", True) else right[:1]
    if kind == "truefalse":
        return "true" if question["correct"] else "false"
    if kind == "shortanswer":
        return next(a["text"] for a in question["answers"] if a.get("fraction") == 1.0 and "*" not in a["text"])
    if kind == "numerical":
        value = next(a["value"] for a in question["answers"] if a.get("fraction") == 1.0)
        return str(int(value)) if float(value).is_integer() else str(value)
    if kind == "matching":
        pairs = question["pairs"]
        return {row: pairs[row]["answer"] for row in entry["rows"]}
    if kind == "essay":
        return "Провожу занятия по информационной культуре для школьников каждую четверть."
    return None


def give(page, index: int, entry: dict) -> None:
    answer = right_answer(entry)
    kind = entry["question"]["type"]
    if kind in ("multichoice", "truefalse"):
        for value in (answer if isinstance(answer, list) else [answer]):
            page.locator(f'input[name="q-{index}"][value="{value}"]').check()
    elif kind in ("shortanswer", "numerical", "essay"):
        page.locator(f'[name="q-{index}"]').fill(answer)
    elif kind == "matching":
        for row, text in answer.items():
            page.locator(f'select[name="q-{index}-{row}"]').select_option(label=text)


def shown(page, index: int, entry: dict) -> bool:
    """Whether the page, as the server drew it, shows the answer given to this question."""
    answer = right_answer(entry)
    kind = entry["question"]["type"]
    if kind in ("multichoice", "truefalse"):
        values = answer if isinstance(answer, list) else [answer]
        checked = page.locator(f'input[name="q-{index}"]:checked')
        return sorted(checked.evaluate_all("(inputs) => inputs.map((i) => i.value)")) == sorted(values)
    if kind in ("shortanswer", "numerical", "essay"):
        return page.locator(f'[name="q-{index}"]').input_value() == answer
    if kind == "matching":
        select = page.locator
        return all(select(f'select[name="q-{index}-{row}"] option:checked').inner_text().strip() == text
                   for row, text in answer.items())
    return True


def go(page, button: str, url_part: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    assert url_part in page.url, f"expected {url_part} in {page.url}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_learner_takes_a_timed_quiz_reloads_without_losing_answers_and_sees_her_result(
    live_server, new_context, log_in, page_weight, screenshot, javascript
):
    from courses import services
    from courses.models import Attempt, CoursePage, QuizPage
    from tests.factories import PASSWORD, UserFactory

    course = CoursePage.objects.get(title=COURSE_TITLE)
    quiz = QuizPage.objects.live().child_of(course).get()
    assert quiz.time_limit_minutes, "the demo's final quiz is timed"
    learner = UserFactory(email="sorokina.ev@example.org", last_name="Сорокина", first_name="Елена",
                          patronymic="Викторовна")
    services.enrolment_self(user=learner, course=course)

    context = new_context(javascript=javascript)
    page = context.new_page()
    log_in(page, learner.email, PASSWORD)

    # --- The quiz page: its rules, and the button that starts the clock ----------------------------------------------
    page.goto(quiz.url)
    assert page.locator("h1").inner_text().strip() == quiz.title
    assert f"{quiz.time_limit_minutes} минут" in page.locator(".facts-list").inner_text()
    assert page.locator("fieldset.question").count() == 0  # no question is served before the attempt starts
    go(page, "Начать тест", "/attempts/")
    attempt = Attempt.objects.get(quiz=quiz, user=learner, status=Attempt.Status.IN_PROGRESS)
    attempt_url = f"/attempts/{attempt.pk}/"
    per_page = quiz.questions_per_page
    entries = attempt.questions
    page_count = -(-len(entries) // per_page)
    assert page_count >= 3, "the journey needs a few pages of questions"

    def indexes(number: int) -> range:
        return range((number - 1) * per_page, min(number * per_page, len(entries)))

    deadline = page.locator(".deadline")
    assert deadline.is_visible() and re.search(r"\d{1,2}:\d{2}", deadline.inner_text()), "the time limit is shown"
    assert f"страница 1 из {page_count}" in page.locator(".breadcrumbs").inner_text()
    countdown = page.locator(".countdown")
    if javascript:  # the script counts down the server's remaining time; without it the deadline text is enough
        assert re.search(r"\b(29|30):\d\d$", countdown.inner_text().strip()), countdown.inner_text()
        assert "/js/attempt" in page.locator("script[src]").first.get_attribute("src")
    else:
        assert countdown.is_hidden()
    if javascript:
        check_page_quality(page, page.url.removeprefix(live_server.url), storage_state=context.storage_state(),
                           page_weight=page_weight, name="attempt page")
    screenshot(page, f"quiz-{javascript}-page-1")

    def answered() -> list[int]:
        attempt.refresh_from_db()
        return sorted(int(key) for key, value in attempt.answers.items() if value not in (None, "", [], {}))

    # --- Page 1: with the script each answer is saved as it is given, and a reload right away keeps them -------------
    for index in indexes(1):
        give(page, index, entries[index])
    if javascript:
        for _ in range(100):
            if answered() == list(indexes(1)):
                break
            page.wait_for_timeout(100)
        assert answered() == list(indexes(1)), "the answers were not saved as they were given"
        assert page.locator("[data-autosave-status]").is_visible()
        page.reload()
        assert all(shown(page, index, entries[index]) for index in indexes(1)), "page 1 lost answers on a reload"

    # --- Page 2, then back to page 1 at once (each move saves the page; a save in flight does not get in the way) ----
    go(page, "Следующая страница", "page=2")
    for index in indexes(2):
        give(page, index, entries[index])
    go(page, "Предыдущая страница", "page=1")
    assert "устарела" not in page.locator("main").inner_text(), "a move was taken for a replayed old page"
    assert answered() == [*indexes(1), *indexes(2)]

    # --- A reload draws the page from the server: the answers are there ---------------------------------------------
    page.reload()
    assert all(shown(page, index, entries[index]) for index in indexes(1)), "page 1 lost answers on a reload"

    # --- The browser is closed and opened again: the quiz page offers to continue -------------------------------------
    context.close()
    context = new_context(javascript=javascript)
    page = context.new_page()
    log_in(page, learner.email, PASSWORD)
    page.goto(quiz.url)
    with page.expect_navigation():
        page.get_by_role("link", name="Продолжить попытку", exact=True).click()
    assert page.url.endswith(attempt_url), page.url
    go(page, "2", "page=2")  # the page numbers are buttons too: moving by them saves as well
    assert all(shown(page, index, entries[index]) for index in indexes(2)), "page 2 lost answers"

    # --- The rest of the pages, then the confirmation ----------------------------------------------------------------
    for number in range(3, page_count + 1):
        go(page, "Следующая страница", f"page={number}")
        for index in indexes(number):
            give(page, index, entries[index])
    go(page, "Завершить попытку…", "/finish/")
    assert page.locator("h1").inner_text().strip() == "Завершение попытки"
    assert "Вы ответили на все вопросы." in page.locator("main").inner_text()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS, "nothing is submitted before the confirmation"
    screenshot(page, f"quiz-{javascript}-finish")
    go(page, "Отправить и завершить", "/result/")

    # --- The result, as the review options allow ---------------------------------------------------------------------
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED and attempt.marks == attempt.max_marks and attempt.passed
    assert page.locator("h1").inner_text().strip() == "Результат"
    lead = page.locator(".lead").inner_text()
    assert "(100%)" in lead and "Сдан" in lead, lead
    if javascript:
        check_page_quality(page, page.url.removeprefix(live_server.url), storage_state=context.storage_state(),
                           page_weight=page_weight, name="result page")
    screenshot(page, f"quiz-{javascript}-result")
    # The attempt cannot be changed any more: its page leads to the result.
    page.goto(attempt_url)
    assert page.url.endswith(f"{attempt_url}result/")
    page.goto(quiz.url)
    assert "100%" in page.locator("table").inner_text()



def test_when_the_time_runs_out_the_countdown_sends_the_page_and_opens_the_confirmation(
    live_server, new_context, log_in
):
    from datetime import timedelta

    from django.utils import timezone

    from courses import services
    from courses.quizzes import services as quiz_services
    from courses.models import Attempt, CoursePage, QuizPage
    from tests.factories import PASSWORD, UserFactory

    course = CoursePage.objects.get(title=COURSE_TITLE)
    quiz = QuizPage.objects.live().child_of(course).get()
    learner = UserFactory(email="timer@example.org")
    services.enrolment_self(user=learner, course=course)
    attempt = quiz_services.attempt_start(user=learner, quiz=quiz)

    page = new_context().new_page()
    log_in(page, learner.email, PASSWORD)
    # The few seconds left are set once the learner is in: a slow machine's log-in must not eat them.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=8))
    page.goto(f"/attempts/{attempt.pk}/")
    assert re.search(r"\b0:0[0-8]$", page.locator(".countdown").inner_text().strip())
    give(page, 0, attempt.questions[0])
    page.wait_for_url(f"**/attempts/{attempt.pk}/finish/", timeout=20_000)
    attempt.refresh_from_db()
    assert attempt.answers.get("0") not in (None, "", [], {}), "the answer given before the end was saved"
    assert attempt.status == Attempt.Status.IN_PROGRESS  # the learner still confirms (or the server submits)
    go(page, "Отправить и завершить", "/result/")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED and attempt.submitted_at <= attempt.deadline

# --- The trainer ------------------------------------------------------------------------------------------------------

GIFT_WITH_A_PROBLEM = """// Вопросы к уроку о краеведческих ресурсах
::Год основания::В каком году основана областная научная библиотека? {#1920:0}

::Без пары::Соотнесите ресурс и его владельца. {
    =Электронная библиотека -> ОНБ
}
"""

GIFT_FILE = """$CATEGORY: top/Краеведение

// [id:kraeved-e2e-1]
::Столица Кузбасса::Назовите административный центр Кемеровской области. {=Кемерово =Кемерово-на-Томи}

::Э(В)БК::Э(В)БК — корпоративный проект библиотек Кузбасса. {T}

::Стандарт описания::Какой стандарт устанавливает правила библиографического описания? {
    =ГОСТ Р 7.0.100–2018#Верно.
    ~ГОСТ 7.32–2017#Это отчёт о НИР.
}
"""
IMPORTED = ["Столица Кузбасса", "Э(В)БК", "Стандарт описания"]


def test_trainer_imports_a_gift_file_after_a_preview_and_finds_the_questions_in_the_bank(
    new_context, log_in, screenshot
):
    from courses.models import CoursePage, Question

    course = CoursePage.objects.get(title=COURSE_TITLE)
    before = Question.objects.filter(category__course=course).count()
    context = new_context()
    page = context.new_page()
    log_in(page, TRAINER, DEMO_PASSWORD)

    # --- From the course's question bank to the import screen -----------------------------------------------------
    page.goto("/admin/learning/question-bank/")
    page.get_by_label("Курс").select_option(label=COURSE_TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Показать", exact=True).click()
    assert page.get_by_role("cell", name=IMPORTED[0], exact=True).count() == 0
    with page.expect_navigation():
        page.get_by_role("link", name="Импорт вопросов", exact=True).click()

    def upload(name: str, text: str) -> None:
        form = page.locator("form", has=page.locator("input[type=file]"))
        form.get_by_label("Курс").select_option(label=COURSE_TITLE)
        form.get_by_label("Формат").select_option(label="GIFT")
        form.get_by_label("Файл").set_input_files(
            {"name": name, "mimeType": "text/plain", "buffer": text.encode("utf-8")})
        with page.expect_navigation():
            page.get_by_role("button", name="Предпросмотр", exact=True).click()

    # --- A file with a problem: the preview names it, and nothing can be imported ----------------------------------
    upload("kraeved-draft.gift", GIFT_WITH_A_PROBLEM)
    errors = page.locator(".quiz-import-errors li")
    assert errors.count() == 1, page.locator("main").inner_text()
    problem = errors.first.inner_text()
    assert problem.startswith("Строка 4: ") and problem.count("4") == 1, problem  # the line is named once
    assert page.get_by_role("button", name=re.compile(r"^Импортировать")).count() == 0
    screenshot(page, "trainer-import-error")
    assert Question.objects.filter(category__course=course).count() == before

    # --- The corrected file: the preview lists each question, the trainer confirms ----------------------------------
    upload("kraeved.gift", GIFT_FILE)
    assert page.locator(".quiz-import-errors").count() == 0
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == len(IMPORTED)
    assert [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(rows.count())] == IMPORTED
    assert rows.first.locator("td").nth(3).inner_text().strip() == "top/Краеведение"
    assert Question.objects.filter(category__course=course).count() == before, "a preview writes nothing"
    screenshot(page, "trainer-import-preview")
    with page.expect_navigation():
        page.get_by_role("button", name="Импортировать 3 вопроса", exact=True).click()

    # --- The bank of the course, with the new questions -------------------------------------------------------------
    assert "/admin/learning/question-bank/" in page.url and f"course={course.pk}" in page.url, page.url
    assert f"«{COURSE_TITLE}»: импортировано вопросов — 3." in page.locator("body").inner_text()
    for name in IMPORTED:
        assert page.get_by_role("link", name=name, exact=True).count() == 1, name
    screenshot(page, "trainer-import-bank")
    imported = Question.objects.filter(category__course=course, name__in=IMPORTED)
    assert imported.count() == 3 and Question.objects.filter(category__course=course).count() == before + 3
    assert {q.category.name for q in imported} == {"Краеведение"}
    assert imported.get(name="Столица Кузбасса").data["answers"][0]["text"] == "Кемерово"
