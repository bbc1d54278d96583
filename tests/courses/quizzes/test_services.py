from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from courses import services
from courses.quizzes import question_bank
from courses.quizzes import services as quiz
from courses.models import Attempt, Enrolment, Question, QuizOverride, QuizPage, QuizRandomDraw, QuizSlot
from lms.accounts.roles import Role
from tests.factories import UserFactory
from tests.factories import courses as pages

QUESTIONS = [
    {"type": "multichoice", "name": "Стандарт", "text": "Какой ГОСТ описывает запись?", "single": True,
     "idnumber": "q1", "answers": [
         {"text": "ГОСТ Р 7.0.100–2018", "fraction": 1.0, "feedback": "Верно"},
         {"text": "ГОСТ 7.1–84", "fraction": 0.0, "feedback": "Устаревший"}]},
    {"type": "truefalse", "name": "Э(В)БК", "text": "Э(В)БК — корпоративный проект.", "correct": True,
     "feedback_true": "", "feedback_false": ""},
    {"type": "shortanswer", "name": "Город", "text": "Где находится ОНБ?", "answers": [
        {"text": "Кемерово", "fraction": 1.0, "feedback": ""}]},
    {"type": "essay", "name": "Эссе", "text": "Опишите свою библиотеку."},
]


@pytest.fixture
def setup(db):
    course = pages.course(slug="quiz-course")
    lesson = pages.lesson(course)
    question_bank.import_into_bank("quiz-course", None, QUESTIONS[:3])
    page = QuizPage(title="Итоговый тест", slug="final-test", pass_percent=60, live=True)
    course.add_child(instance=page)
    for order, question in enumerate(Question.objects.order_by("pk")):
        QuizSlot.objects.create(quiz=page, question=question, sort_order=order)
    learner = UserFactory()
    services.enrolment_self(user=learner, course=course)
    return course, lesson, page, learner


def token_for(entry, text):
    answers = entry["question"]["answers"]
    return next(token for token, index in entry["tokens"].items() if answers[index]["text"] == text)


def answer_all(attempt, right=True):
    responses = {}
    for index, entry in enumerate(attempt.questions):
        kind = entry["question"]["type"]
        if kind == "multichoice":
            responses[str(index)] = token_for(entry, "ГОСТ Р 7.0.100–2018" if right else "ГОСТ 7.1–84")
        elif kind == "truefalse":
            responses[str(index)] = "true" if right else "false"
        elif kind == "shortanswer":
            responses[str(index)] = " кемерово " if right else "Томск"
        elif kind == "essay":
            responses[str(index)] = "Наша библиотека — центр местного сообщества."
    return responses


def test_start_freezes_questions_with_opaque_tokens(setup):
    _course, _lesson, page, learner = setup
    attempt = quiz.attempt_start(user=learner, quiz=page)
    assert attempt.number == 1 and len(attempt.questions) == 3 and attempt.max_marks == 3
    choice = next(e for e in attempt.questions if e["question"]["type"] == "multichoice")
    assert all(len(token) >= 12 for token in choice["tokens"])
    assert quiz.attempt_start(user=learner, quiz=page).pk == attempt.pk  # one in progress


def test_right_answers_pass_and_complete_the_course(setup):
    course, lesson, page, learner = setup
    attempt = quiz.attempt_start(user=learner, quiz=page)
    attempt = quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=0)
    services.lesson_complete(user=learner, lesson=lesson)
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.ACTIVE  # the quiz is still required
    done = quiz.attempt_submit(attempt=attempt, user=learner)
    assert (done.status, done.marks, done.passed) == (Attempt.Status.FINISHED, 3, True)
    assert quiz.attempt_submit(attempt=attempt, user=learner).submitted_at == done.submitted_at  # idempotent
    assert Enrolment.objects.get(user=learner).status == Enrolment.Status.COMPLETED


def test_wrong_answers_fail_and_attempt_limits_hold(setup):
    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(attempts_allowed=1, attempt_delay_minutes=0)
    page.refresh_from_db()
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt, right=False), sequence=0)
    result = quiz.attempt_submit(attempt=attempt, user=learner)
    assert result.marks == 0 and result.passed is False
    with pytest.raises(quiz.AttemptError, match="попытки"):
        quiz.attempt_start(user=learner, quiz=page)
    QuizOverride.objects.create(quiz=page, user=learner, extra_attempts=1)
    assert quiz.attempt_start(user=learner, quiz=page).number == 2


def test_delay_between_attempts(setup):
    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(attempt_delay_minutes=30)
    page.refresh_from_db()
    quiz.attempt_submit(attempt=quiz.attempt_start(user=learner, quiz=page), user=learner)
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_start(user=learner, quiz=page)


def test_an_old_page_or_another_person_cannot_change_answers(setup):
    _course, _lesson, page, learner = setup
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=0)
    with pytest.raises(quiz.AttemptError, match="устарела"):
        quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt, right=False), sequence=0)
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_save(attempt=attempt, user=UserFactory(), responses={}, sequence=1)
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_submit(attempt=attempt, user=UserFactory())
    assert quiz.attempt_submit(attempt=attempt, user=learner).marks == 3


def test_unknown_tokens_and_hostile_values_are_ignored(setup):
    _course, _lesson, page, learner = setup
    attempt = quiz.attempt_start(user=learner, quiz=page)
    attempt = quiz.attempt_save(attempt=attempt, user=learner, sequence=0,
                                responses={"0": "0", "1": ["x"], "2": {"a": 1}, "99": "x", "abc": "y"})
    assert quiz.attempt_submit(attempt=attempt, user=learner).marks == 0


def test_time_limit_is_kept_by_the_server(setup):
    _course, _lesson, page, learner = setup
    QuizPage.objects.filter(pk=page.pk).update(time_limit_minutes=10)
    page.refresh_from_db()
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start):
        attempt = quiz.attempt_start(user=learner, quiz=page)
    assert attempt.deadline == start + timedelta(minutes=10)
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=9)):
        attempt = quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=0)
    late = start + timedelta(minutes=11)
    with mock.patch("django.utils.timezone.now", return_value=late):
        with pytest.raises(quiz.AttemptError, match="Время"):
            quiz.attempt_save(attempt=attempt, user=learner, responses={}, sequence=1)
        assert quiz.attempts_close_overdue() == 1  # the browser was closed: the server submits
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.FINISHED and attempt.marks == 3
    assert attempt.submitted_at == attempt.deadline


def test_random_draw_and_versions_keep_what_was_served(setup):
    course, _lesson, page, learner = setup
    QuizSlot.objects.filter(quiz=page).delete()
    category = Question.objects.first().category
    QuizRandomDraw.objects.create(quiz=page, category=category, count=2)
    attempt = quiz.attempt_start(user=learner, quiz=page)
    assert len(attempt.questions) == 2
    served = Question.objects.get(pk=attempt.questions[0]["question_id"])
    question_bank.question_new_version(question=served, user=None, text="Совсем другой вопрос")
    attempt.refresh_from_db()
    assert attempt.questions[0]["question"]["text"] == served.text



def test_fixed_questions_are_served_in_their_latest_version(setup):
    _course, _lesson, page, learner = setup
    slots = list(QuizSlot.objects.filter(quiz=page).select_related("question").order_by("sort_order"))
    first, second = slots[0].question, slots[1].question
    edited = question_bank.question_new_version(question=first, user=None, text="Правка 1")
    question_bank.question_new_version(question=edited, user=None, text="Правка 2")  # two edits of one slot
    QuizSlot.objects.create(quiz=page, question=edited, sort_order=9)              # a slot on a middle version
    question_bank.question_new_version(question=second, user=None, text="Правка другого")
    attempt = quiz.attempt_start(user=learner, quiz=page)
    texts = [entry["question"]["text"] for entry in attempt.questions]
    assert texts == ["Правка 2", "Правка другого", slots[2].question.text, "Правка 2"]
    assert [entry["version"] for entry in attempt.questions] == [3, 2, 1, 3]

def test_essays_wait_for_the_trainer(setup):
    course, _lesson, page, learner = setup
    question_bank.import_into_bank("quiz-course", None, QUESTIONS[3:])
    QuizSlot.objects.create(quiz=page, question=Question.objects.get(qtype="essay"), sort_order=9)
    attempt = quiz.attempt_start(user=learner, quiz=page)
    quiz.attempt_save(attempt=attempt, user=learner, responses=answer_all(attempt), sequence=0)
    result = quiz.attempt_submit(attempt=attempt, user=learner)
    assert result.status == Attempt.Status.NEEDS_GRADING and result.passed is None
    essay = next(i for i, e in enumerate(result.questions) if e["question"]["type"] == "essay")
    trainer = UserFactory(role=Role.TRAINER)
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_grade_essay(attempt=result, index=essay, fraction=1.0, grader=trainer)
    services.course_trainer_add(course=course, user=trainer)
    graded = quiz.attempt_grade_essay(attempt=result, index=essay, fraction=0.5, grader=trainer)
    assert graded.status == Attempt.Status.FINISHED and graded.marks == 3.5 and graded.passed


def test_not_enrolled_cannot_start(setup):
    _course, _lesson, page, _learner = setup
    with pytest.raises(quiz.AttemptError):
        quiz.attempt_start(user=UserFactory(), quiz=page)
