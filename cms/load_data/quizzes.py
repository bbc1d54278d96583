"""The quizzes' side: each course's question bank and its draw, and attempts graded by the quiz services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from courses.models import Attempt, Question, QuestionCategory, QuizRandomDraw
from courses.quizzes import services as quiz_services

from .sizes import PASS_PERCENT, QUESTIONS_PER_ATTEMPT, QUESTIONS_PER_BANK
from .writing import bulk

if TYPE_CHECKING:
    from .pages import CourseTree
    from .records import Plan


def _bank_question(number: int, subject: str) -> dict:
    kind = number % 3
    common = {"name": f"Вопрос {number + 1:02d}", "text": f"<p>{subject}: вопрос {number + 1}.</p>"}
    if kind == 0:
        return {**common, "type": "multichoice", "single": True, "answers": [
            {"text": "Верный ответ", "fraction": 1.0, "feedback": "Верно."},
            {"text": "Неверный ответ", "fraction": 0.0, "feedback": "Неверно."},
            {"text": "Другой неверный ответ", "fraction": 0.0, "feedback": "Неверно."}]}
    if kind == 1:
        return {**common, "type": "truefalse", "correct": number % 2 == 0, "feedback_true": "",
                "feedback_false": ""}
    return {**common, "type": "shortanswer", "answers": [{"text": "Кемерово", "fraction": 1.0, "feedback": ""}]}


def question_banks_write(trees: list[CourseTree]) -> None:
    from courses.quizzes.question_bank import _question_fields

    categories = bulk(QuestionCategory, [QuestionCategory(course=tree.course, name="top") for tree in trees])
    children = bulk(QuestionCategory, [QuestionCategory(course=tree.course, parent=top, name="Итоговый тест")
                                       for tree, top in zip(trees, categories, strict=True)])
    questions = []
    for tree, category in zip(trees, children, strict=True):
        for number in range(QUESTIONS_PER_BANK):
            questions.append(Question(category=category, **_question_fields(_bank_question(number, tree.course.title))))
    questions = bulk(Question, questions)
    for index, tree in enumerate(trees):
        tree.questions = questions[index * QUESTIONS_PER_BANK:(index + 1) * QUESTIONS_PER_BANK]
    bulk(QuizRandomDraw, [QuizRandomDraw(quiz=tree.quiz, category=category, count=QUESTIONS_PER_ATTEMPT,
                                         sort_order=0) for tree, category in zip(trees, children, strict=True)])


def _answers(entries: list[dict], correct: int, rng: random.Random) -> dict:
    right = set(rng.sample(range(len(entries)), correct))
    answers = {}
    for index, entry in enumerate(entries):
        question = entry["question"]
        good = index in right
        if question["type"] == "multichoice":
            indexes = [i for i, a in enumerate(question["answers"]) if (a["fraction"] >= 1) == good]
            answers[str(index)] = rng.choice(indexes)
        elif question["type"] == "truefalse":
            answers[str(index)] = question["correct"] if good else not question["correct"]
        else:
            answers[str(index)] = "Кемерово" if good else "Новокузнецк"
    return answers


def attempt_make(plan: Plan, number: int, passed: bool, started: datetime.datetime, rng: random.Random) -> Attempt:
    quiz = plan.tree.quiz
    served = [quiz_services._freeze(question, Decimal("1.00"), quiz.shuffle_answers)
              for question in rng.sample(plan.tree.questions, QUESTIONS_PER_ATTEMPT)]
    rng.shuffle(served)
    pass_mark = -(-PASS_PERCENT * QUESTIONS_PER_ATTEMPT // 100)
    correct = rng.randint(pass_mark, QUESTIONS_PER_ATTEMPT) if passed else rng.randint(2, pass_mark - 1)
    attempt = Attempt(quiz=quiz, user_id=plan.user.pk, number=number, started_at=started,
                      deadline=started + datetime.timedelta(minutes=quiz.time_limit_minutes),
                      submitted_at=started + datetime.timedelta(minutes=rng.randint(6, 28)), questions=served,
                      answers=_answers(served, correct, rng), grades={}, sequence=rng.randint(2, 4))
    quiz_services._grade(attempt)  # the services' own grading: marks, status and passed as a submit sets them
    return attempt
