"""The review of a submitted attempt (courses/quizzes/review.py, the result page): each review option at each of
its three moments, every question type, the attempt's frozen questions, the trainer's full view, fixed queries."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import services
from courses.models import Attempt, Question, QuizPage, QuizSlot
from courses.quizzes import question_bank, review
from courses.quizzes import services as quiz_rules
from courses.quizzes.models import REVIEW_ITEMS, REVIEW_MOMENTS, QuizFeedbackBand
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

ITEMS = [item for item, _label in REVIEW_ITEMS]
MOMENTS = [moment for moment, _label in REVIEW_MOMENTS]

# One question of every type, with marks of 2 (the multiple choice: 1) and texts that say what they are.
QUESTIONS = [
    {"type": "description", "name": "Вводная", "text": "Прочитайте вопросы внимательно."},
    {"type": "multichoice", "name": "Стандарт", "text": "Какой ГОСТ описывает запись?", "single": True,
     "general_feedback": "ОБЩИЙ-ОТЗЫВ-ГОСТ", "answers": [
         {"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "ОТЗЫВ-ВЕРНЫЙ-ГОСТ"},
         {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": "ОТЗЫВ-УСТАРЕВШИЙ"}]},
    {"type": "multichoice", "name": "Фонды", "text": "Что относится к справочному аппарату?", "single": False,
     "answers": [{"text": "Каталог", "fraction": 0.5, "feedback": ""},
                 {"text": "Картотека", "fraction": 0.5, "feedback": ""},
                 {"text": "Касса", "fraction": -1.0, "feedback": ""}]},
    {"type": "truefalse", "name": "ЭВБК", "text": "Э(В)БК — корпоративный проект.", "correct": True,
     "feedback_true": "", "feedback_false": ""},
    {"type": "shortanswer", "name": "Город", "text": "Где находится ОНБ?", "answers": [
        {"text": "Кемерово", "fraction": 1.0, "feedback": ""}, {"text": "Кемерове", "fraction": 1.0, "feedback": ""}]},
    {"type": "numerical", "name": "Год", "text": "Год основания ОНБ?", "answers": [
        {"value": 1920.0, "tolerance": 0.0, "fraction": 1.0, "feedback": ""}]},
    {"type": "matching", "name": "Пары", "text": "Сопоставьте.", "pairs": [
        {"question": "Левое-А", "answer": "Правое-А"}, {"question": "Левое-Б", "answer": "Правое-Б"}]},
    {"type": "essay", "name": "Эссе", "text": "Опишите свою библиотеку."},
]
ESSAY_TEXT = "Наша библиотека —\nцентр местного сообщества."
OVERALL = "ИТОГОВЫЙ-ОТЗЫВ"


def build(*, slug: str = "review-course", marks: Decimal = Decimal(2), questions=QUESTIONS, **quiz_fields):
    course = pages.course(slug=slug)
    pages.lesson(course)
    question_bank.import_into_bank(None, None, questions, course=course)
    page = QuizPage(title="Итоговый тест", slug="final", live=True, questions_per_page=50, shuffle_answers=False,
                    **quiz_fields)
    course.add_child(instance=page)
    for order, question in enumerate(Question.objects.filter(category__course=course).order_by("pk")):
        QuizSlot.objects.create(quiz=page, question=question, sort_order=order,
                                marks=1 if question.name == "Фонды" else marks)
    QuizFeedbackBand.objects.create(quiz=page, min_percent=0, text="ОТЗЫВ-НИЗКИЙ", sort_order=0)
    QuizFeedbackBand.objects.create(quiz=page, min_percent=50, text=OVERALL, sort_order=1)
    learner = UserFactory()
    services.enrolment_self(user=learner, course=course)
    return course, page, learner


def token(entry: dict, text: str) -> str:
    answers = entry["question"]["answers"]
    return next(t for t, index in entry["tokens"].items() if answers[index]["text"] == text)


def take(page, learner, *, essay: bool = True) -> Attempt:
    """Answer as a middling learner: the first choice right, the multiple choice half right, true/false wrong,
    the short and numerical answers right, one matching row right, the essay written (or not): then submit."""
    attempt = quiz_rules.attempt_start(user=learner, quiz=page)
    responses = {}
    for index, entry in enumerate(attempt.questions):
        name = entry["question"]["name"].split(" #")[0]  # «Стандарт #12»: a copy of «Стандарт»
        if name == "Стандарт":
            responses[str(index)] = token(entry, "ГОСТ Р 7.0.100–2018")
        elif name == "Фонды":
            responses[str(index)] = [token(entry, "Картотека")]
        elif name == "ЭВБК":
            responses[str(index)] = "false"
        elif name == "Город":
            responses[str(index)] = "кемерово"
        elif name == "Год":
            responses[str(index)] = "1920"
        elif name == "Пары":
            by_text = {text: t for t, text in entry["choices"].items()}
            responses[str(index)] = {"0": by_text["Правое-А"], "1": by_text["Правое-А"]}
        elif name == "Эссе" and essay:
            responses[str(index)] = ESSAY_TEXT
    attempt = quiz_rules.attempt_save(attempt=attempt, user=learner, responses=responses, sequence=0)
    return quiz_rules.attempt_submit(attempt=attempt, user=learner)


def only(page, item: str | None, moment: str | None) -> None:
    """Switch every review option off, then `item` at `moment` on."""
    values = {f"review_{i}_{m}": (i == item and m == moment) for i in ITEMS for m in MOMENTS}
    QuizPage.objects.filter(pk=page.pk).update(**values)


def everything(page) -> None:
    QuizPage.objects.filter(pk=page.pk).update(**{f"review_{i}_{m}": True for i in ITEMS for m in MOMENTS})


def set_moment(page, attempt, moment: str) -> None:
    now = timezone.now()
    if moment == "after_submit":
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=now - timedelta(seconds=30))
    else:
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=now - timedelta(minutes=10))
    QuizPage.objects.filter(pk=page.pk).update(
        closes_at=now - timedelta(minutes=1) if moment == "after_close" else now + timedelta(days=3))


def result(client, attempt) -> str:
    response = client.get(f"/attempts/{attempt.pk}/result/")
    assert response.status_code == 200
    return response.content.decode()


# What each option shows, found by words only it puts on the page.
MARKERS = {
    "responses": ["Ваш ответ", "Левое-Б → Правое-А", "центр местного сообщества"],
    "correctness": ["Частично верно", "Ожидает проверки", 'class="overdue">Неверно<'],
    "score": ["из 2 баллов", "из 1 балла", "%)"],
    "feedback": ["ОТЗЫВ-ВЕРНЫЙ-ГОСТ"],
    "general_feedback": ["ОБЩИЙ-ОТЗЫВ-ГОСТ"],
    "answers": ["Правильный ответ", "Правильные ответы", "Принимаемые ответы", "Левое-Б → Правое-Б"],
    "overall_feedback": [OVERALL],
}


@pytest.fixture
def taken(db):
    _course, page, learner = build()
    return page, learner, take(page, learner)


@pytest.mark.parametrize("item", ITEMS)
def test_each_option_shows_its_part_at_its_moment_and_nothing_else(client, taken, item):
    page, learner, attempt = taken
    QuizFeedbackBand.objects.filter(quiz=page, text="ОТЗЫВ-НИЗКИЙ").delete()
    QuizFeedbackBand.objects.filter(quiz=page).update(min_percent=0)  # any score reaches the overall feedback
    if item == "overall_feedback":  # shown once the attempt has its final grade: the essay is graded first
        trainer = UserFactory(role=Role.TRAINER)
        services.course_trainer_add(course=page.get_parent().specific, user=trainer)
        essay = next(i for i, e in enumerate(attempt.questions) if e["question"]["type"] == "essay")
        attempt = quiz_rules.attempt_grade_essay(attempt=attempt, index=essay, fraction=0.5, grader=trainer)
    client.force_login(learner)
    for moment in MOMENTS:
        set_moment(page, attempt, moment)
        only(page, item, moment)
        html = result(client, attempt)
        for marker in MARKERS[item]:
            if item == "score" and marker == "%)":
                continue  # the attempt waits for its essay to be graded: no total yet
            assert marker in html, (item, moment, marker)
        for other, markers in MARKERS.items():
            if other != item:
                assert not [m for m in markers if m in html], (item, moment, other)
        assert "не позволяют показать ни баллы, ни ответы" not in html
        # the same option at the other moments shows nothing now
        for elsewhere in MOMENTS:
            if elsewhere != moment:
                only(page, item, elsewhere)
                html = result(client, attempt)
                assert not [m for m in MARKERS[item] if m in html], (item, moment, elsewhere)
                assert "не позволяют показать ни баллы, ни ответы" in html


def test_the_moment_follows_the_submission_and_the_closing(taken):
    page, _learner, attempt = taken
    now = attempt.submitted_at
    assert review.review_moment(page, attempt, now + timedelta(seconds=119)) == "after_submit"
    assert review.review_moment(page, attempt, now + timedelta(minutes=3)) == "later"
    page.closes_at = now + timedelta(minutes=1)
    assert review.review_moment(page, attempt, now + timedelta(seconds=30)) == "after_submit"
    assert review.review_moment(page, attempt, now + timedelta(minutes=1, seconds=1)) == "after_close"


def test_nothing_allowed_says_so_in_russian(client, taken):
    page, learner, attempt = taken
    only(page, None, None)
    client.force_login(learner)
    html = result(client, attempt)
    assert "Параметры просмотра этого теста сейчас не позволяют показать ни баллы, ни ответы." in html
    assert "Вопрос 2" not in html and "Какой ГОСТ" not in html


def test_a_learner_is_told_when_more_will_be_shown(client, taken):
    page, learner, attempt = taken
    set_moment(page, attempt, "later")
    only(page, "answers", "after_close")
    closes = datetime(2030, 11, 23, 11, 0, tzinfo=dt_timezone.utc)
    QuizPage.objects.filter(pk=page.pk).update(closes_at=closes)
    client.force_login(learner)
    html = result(client, attempt)
    # Kemerovo time (UTC+7), a Russian date
    assert "После закрытия теста (23 ноября 2030 г., 18:00) будет показано больше." in html


def test_everything_allowed_shows_every_type_from_the_frozen_questions(client, taken):
    page, learner, attempt = taken
    # The bank changes after the attempt: the review still shows what the attempt served.
    for question in Question.objects.filter(category__course__pk=page.get_parent().pk, is_current=True):
        question_bank.question_new_version(question=question, user=None, text="ИЗМЕНЁННЫЙ ТЕКСТ",
                                           general_feedback="НОВЫЙ ОТЗЫВ")
    everything(page)
    client.force_login(learner)
    html = result(client, attempt)
    assert "ИЗМЕНЁННЫЙ ТЕКСТ" not in html and "НОВЫЙ ОТЗЫВ" not in html
    for text in ("Прочитайте вопросы внимательно.", "Какой ГОСТ описывает запись?", "Опишите свою библиотеку."):
        assert text in html
    # in order, numbered as on the attempt's pages
    assert html.index("Информация") < html.index("Вопрос 2") < html.index("Вопрос 8")
    # the learner's answers of every type
    assert "ГОСТ Р 7.0.100–2018" in html and "Картотека" in html and "кемерово" in html and "1920" in html
    assert "Левое-А → Правое-А" in html and "Левое-Б → Правое-А" in html
    assert "Наша библиотека —<br>центр местного сообщества." in html
    # whether right, in words
    assert html.count("<dt>Результат</dt>") == 7
    for word in ("Верно", "Частично верно", "Неверно", "Ожидает проверки", "(верно)", "(неверно)"):
        assert word in html, word
    # marks with Russian plural forms
    assert "2 из 2 баллов" in html and "0,5 из 1 балла" in html and "0 из 2 баллов" in html
    assert "ещё не оценено (из 2 баллов)" in html
    # right answers: one, several, accepted alternatives, matching rows
    assert "Правильный ответ" in html and "Правильные ответы" in html and "Принимаемые ответы" in html
    assert "Левое-Б → Правое-Б" in html and "Кемерове" in html
    assert "ОТЗЫВ-ВЕРНЫЙ-ГОСТ" in html and "ОТЗЫВ-УСТАРЕВШИЙ" not in html and "ОБЩИЙ-ОТЗЫВ-ГОСТ" in html
    assert "<dl" in html and "English" not in html


def test_a_finished_attempt_shows_its_total_and_the_highest_overall_feedback_reached(client, db):
    _course, page, learner = build(slug="no-essay", questions=QUESTIONS[:-1], pass_percent=50)
    attempt = take(page, learner, essay=False)
    assert attempt.status == Attempt.Status.FINISHED
    client.force_login(learner)
    html = result(client, attempt)
    # 2 + 0.5 + 0 + 2 + 2 + 1 of 11: 68 %
    assert "7,5 из 11 баллов (68%)." in html and "Сдан" in html
    assert OVERALL in html and "ОТЗЫВ-НИЗКИЙ" not in html
    assert "Вопрос 7" in html and "Неверно" in html


def test_an_unanswered_question_says_no_answer(client, db):
    _course, page, learner = build(slug="blank", questions=QUESTIONS[:2])
    attempt = quiz_rules.attempt_submit(attempt=quiz_rules.attempt_start(user=learner, quiz=page), user=learner)
    client.force_login(learner)
    html = result(client, attempt)
    assert "нет ответа" in html and "Неверно" in html and "0 из 2 баллов" in html


def test_a_trainer_of_the_course_sees_a_learners_attempt_in_full(client, taken):
    page, learner, attempt = taken
    only(page, None, None)
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=page.get_parent().specific, user=trainer)
    client.force_login(trainer)
    html = result(client, attempt)
    assert learner.full_name in html and "Ответ слушателя" in html and "Ваш ответ" not in html
    for item, markers in MARKERS.items():
        for marker in markers:
            if marker not in ("Ваш ответ", "%)", OVERALL):
                assert marker in html, (item, marker)
    # once the essay is graded: the total and the overall feedback too
    essay = next(i for i, e in enumerate(attempt.questions) if e["question"]["type"] == "essay")
    quiz_rules.attempt_grade_essay(attempt=attempt, index=essay, fraction=1, grader=trainer)
    html = result(client, attempt)
    assert "9,5 из 13 баллов (73%)" in html and OVERALL in html and "Ожидает проверки" not in html


def test_others_do_not_find_the_attempt(client, taken):
    page, _learner, attempt = taken
    other_course = pages.course(slug="other-course")
    other_trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=other_course, user=other_trainer)
    for person in (UserFactory(), other_trainer):
        client.force_login(person)
        assert client.get(f"/attempts/{attempt.pk}/result/").status_code == 404


def test_an_attempt_in_progress_has_no_result_page_even_for_its_trainer(client, db):
    _course, page, learner = build(slug="in-progress")
    attempt = quiz_rules.attempt_start(user=learner, quiz=page)
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=page.get_parent().specific, user=trainer)
    for person in (learner, trainer):
        client.force_login(person)
        assert client.get(f"/attempts/{attempt.pk}/result/").status_code == 404


@pytest.mark.parametrize(("obtained", "total", "text"), [
    (1, 1, "1 из 1 балла"), (1, 2, "1 из 2 баллов"), (3, 5, "3 из 5 баллов"), (Decimal("20.5"), 21, "20,5 из 21 балла"),
    (Decimal("1.25"), Decimal("1.5"), "1,25 из 1,5 балла"), (0, 11, "0 из 11 баллов"), (2, 22, "2 из 22 баллов"),
])
def test_marks_take_the_russian_plural_forms(obtained, total, text):
    from django.utils import translation

    with translation.override("ru"):
        assert review.marks_text(obtained, total) == text


def many_questions(count: int) -> list[dict]:
    """`count` questions of the types graded at once (so that the attempt is finished and all is shown)."""
    kinds = QUESTIONS[1:-1]
    return [{**kinds[number % len(kinds)], "name": f"Вопрос {number:03d}"} for number in range(count)]


def review_queries(client, count: int, slug: str) -> tuple[int, int, int]:
    _course, page, learner = build(slug=slug, questions=many_questions(count))
    everything(page)
    attempt = take(page, learner)
    assert attempt.status == Attempt.Status.FINISHED
    trainer = UserFactory(role=Role.TRAINER)
    services.course_trainer_add(course=page.get_parent().specific, user=trainer)
    counts = []
    for person in (learner, trainer):
        client.force_login(person)
        result(client, attempt)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            html = result(client, attempt)
        counts.append(len(queries))
    return counts[0], counts[1], len(html.encode())


def test_the_result_page_does_the_same_queries_for_5_and_50_questions(client, db):
    small = review_queries(client, 5, "small")
    large = review_queries(client, 50, "large")
    assert small[:2] == large[:2], (small, large)
    assert max(large[:2]) <= 12
    assert large[2] < 100_000  # the page of 50 questions stays under 100 KB


def test_existing_quizzes_keep_what_they_showed(db):
    _course, page, _learner = build(slug="migrated", review_score_after_submit=False,
                                    review_feedback_after_submit=True, review_answers_after_close=False)
    QuizPage.objects.filter(pk=page.pk).update(**{f"review_{i}_{m}": False for m in MOMENTS
                                                  for i in ("correctness", "general_feedback", "overall_feedback")})
    migration = importlib.import_module("courses.migrations.0005_quiz_review_options_and_overall_feedback")
    migration.carry_over_review_options(apps, None)
    page.refresh_from_db()
    assert (page.review_score_later, page.review_correctness_after_submit, page.review_correctness_later) == (
        False, False, False)
    assert page.review_correctness_after_close and page.review_general_feedback_later
    assert page.review_overall_feedback_after_submit and not page.review_answers_later


def test_an_administrator_sets_the_review_options_and_overall_feedback_in_the_admin(client, db):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    _course, page, _learner = build(slug="admin-edit")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/pages/{page.pk}/edit/"
    form = client.get(url).content.decode()
    assert "review_overall_feedback_later" in form and "feedback_bands-TOTAL_FORMS" in form
    slots = [{"id": slot.pk, "question": slot.question_id, "marks": str(slot.marks), "ORDER": str(order)}
             for order, slot in enumerate(page.slots.order_by("sort_order"))]
    data = nested_form_data({
        "title": page.title, "slug": page.slug, "intro": rich_text(""),
        "slots": inline_formset(slots, initial=len(slots)), "draws": inline_formset([]),
        "feedback_bands": inline_formset([{"min_percent": "90", "text": "Отлично!", "ORDER": "0"}]),
        "comments": inline_formset([]),
        "pass_percent": "60", "attempts_allowed": "0", "attempt_delay_minutes": "0", "grading_method": "highest",
        "questions_per_page": "5", "is_required": "on",
        "review_responses_after_submit": "on", "review_answers_after_close": "on", "action-publish": "publish",
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    assert page.review_responses_after_submit and page.review_answers_after_close
    assert not page.review_score_after_submit and not page.review_overall_feedback_later
    assert (Decimal(90), "Отлично!") in [(band.min_percent, band.text) for band in page.feedback_bands.all()]


def test_numbers_are_written_with_a_decimal_comma():
    assert (review.number_text(Decimal("0.5")), review.number_text(2), review.number_text(Decimal("1.125"))) == (
        "0,5", "2", "1,13")
    # a numerical question's right answer is shown as given, not rounded to marks' two decimals
    assert review._right_answers({"type": "numerical", "answers": [
        {"value": 0.001, "tolerance": 0.0005, "fraction": 1.0}, {"value": 5.0, "tolerance": 0, "fraction": 0.5},
        {"value": None, "fraction": 0.0}]}) == ["0,001 ± 0,0005"]
