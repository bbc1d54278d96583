"""Rules of quiz attempts: start (frozen questions, opaque option tokens), save, submit, grade, time limits.

Integrity: right answers never leave the server before review is allowed (the browser sees only opaque tokens
made for this attempt); one attempt in progress per person and quiz (a database constraint plus a lock on the
enrolment row); submit is idempotent; answers after the deadline (server time, small grace) are refused; an old
page cannot overwrite newer answers (the sequence number); nobody reads or changes another person's attempt.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    Attempt,
    CoursePage,
    Enrolment,
    Question,
    QuizOverride,
    QuizPage,
)
from lms.accounts.models import User

from . import grading

GRACE = timedelta(seconds=30)  # network latency and a slow last click
MAX_TEXT = 20_000


class AttemptError(Exception):
    """The action is not allowed now; the message is Russian and safe to show."""


def _course_of(quiz: QuizPage) -> CoursePage:
    course = CoursePage.objects.ancestor_of(quiz).first()
    if course is None:
        raise AttemptError(_("This quiz does not belong to a course."))
    return course


def _current_versions(questions: list[Question]) -> list[Question]:
    """The version the bank offers now of each question (a slot keeps pointing at the version it was given).

    Follows all the chains together, one query per step of the longest chain of edits: the number of queries does
    not grow with the number of fixed questions. A chain that ends without a current version (the latest one was
    deleted) stops at its last version."""
    latest = {question.pk: question for question in questions}  # slot's question id -> latest version so far
    pending = {q.pk: q.pk for q in questions if not q.is_current}  # id of the version to follow -> slot's id
    while pending:
        following = {}
        for newer in Question.objects.filter(previous_id__in=list(pending)):
            origin = pending[newer.previous_id]
            latest[origin] = newer
            if not newer.is_current:
                following[newer.pk] = origin
        pending = following
    return [latest[question.pk] for question in questions]


def question_exchange(question: Question) -> dict:
    """A question version in the exchange form (what an attempt freezes and grading reads)."""
    return {"type": question.qtype, "name": question.name, "text": question.text,
            "text_format": question.text_format, "general_feedback": question.general_feedback,
            **question.data}


def graded_question(entry: dict) -> dict:
    """The question an attempt's entry is graded against: the version it served, or the version a regrade
    (courses.quizzes.regrade) put in its place as the answer key; the served question itself never changes."""
    regraded = entry.get("regraded")
    return regraded["question"] if isinstance(regraded, dict) and "question" in regraded else entry["question"]


def question_served(*, question: Question, marks: Decimal, shuffle: bool) -> dict:
    """A question as an attempt serves it (the trainer's preview shows the same)."""
    return _freeze(question, marks, shuffle)


def _freeze(question: Question, marks: Decimal, shuffle: bool) -> dict:
    exchange = question_exchange(question)
    entry = {"question_id": question.pk, "version": question.version, "marks": str(marks), "question": exchange}
    answers = exchange.get("answers") or []
    if question.qtype in (Question.Type.MULTICHOICE,):
        order = list(range(len(answers)))
        if shuffle:
            random.shuffle(order)
        entry["order"] = order
        entry["tokens"] = {secrets.token_urlsafe(9): index for index in order}
    elif question.qtype == Question.Type.MATCHING:
        pairs = exchange.get("pairs") or []
        choices = sorted({pair.get("answer", "") for pair in pairs if pair.get("answer")})
        if shuffle:
            random.shuffle(choices)
        entry["choices"] = {secrets.token_urlsafe(9): text for text in choices}
        entry["rows"] = [index for index, pair in enumerate(pairs) if (pair.get("question") or "").strip()]
    return entry


def _serve_questions(quiz: QuizPage) -> list[dict]:
    served, used = [], set()
    slots = list(quiz.slots.select_related("question").order_by("sort_order"))
    for slot, question in zip(slots, _current_versions([slot.question for slot in slots]), strict=True):
        served.append(_freeze(question, slot.marks, quiz.shuffle_answers))
        used.add(question.pk)
    for draw in quiz.draws.select_related("category").order_by("sort_order"):
        pool = list(Question.objects.filter(category=draw.category, is_current=True)
                    .exclude(pk__in=used).exclude(qtype=Question.Type.DESCRIPTION))
        if len(pool) < draw.count:
            raise AttemptError(_("The quiz is not ready: its question bank has too few questions."))
        for question in random.sample(pool, draw.count):
            served.append(_freeze(question, draw.marks, quiz.shuffle_answers))
            used.add(question.pk)
    if not served:
        raise AttemptError(_("The quiz has no questions yet."))
    if quiz.shuffle_questions:
        random.shuffle(served)
    return served


def _override(quiz: QuizPage, user: User) -> QuizOverride | None:
    return QuizOverride.objects.filter(quiz=quiz, user=user).first()


def attempt_start(*, user: User, quiz: QuizPage) -> Attempt:
    """Start an attempt, or return the one in progress. Questions are chosen and frozen here."""
    now = timezone.now()
    course = _course_of(quiz)
    try:
        with transaction.atomic():
            # The enrolment row serialises one person's starts; other people are not held up.
            enrolment = (Enrolment.objects.select_for_update()
                         .filter(user=user, course=course,
                                 status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)).first())
            if enrolment is None:
                raise AttemptError(_("Enrol in the course to take its quizzes."))
            current = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
            if current is not None:
                return current
            if not quiz.live:
                raise AttemptError(_("This quiz is not published."))
            if quiz.opens_at and now < quiz.opens_at:
                raise AttemptError(_("The quiz is not open yet."))
            if quiz.closes_at and now > quiz.closes_at:
                raise AttemptError(_("The quiz is closed."))
            override = _override(quiz, user)
            # Only what the limits need: earlier attempts' frozen questions can be large.
            previous = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("-number")
                            .only("pk", "number", "submitted_at", "started_at"))
            allowed = quiz.attempts_allowed + (override.extra_attempts if override else 0)
            # A course reopened for recertification starts a new cycle: only its attempts count against the limit.
            this_cycle = [a for a in previous if enrolment.cycle_started_at is None
                          or a.started_at >= enrolment.cycle_started_at]
            if quiz.attempts_allowed and len(this_cycle) >= allowed:
                raise AttemptError(_("You have used all your attempts."))
            if previous and quiz.attempt_delay_minutes and previous[0].submitted_at:
                ready = previous[0].submitted_at + timedelta(minutes=quiz.attempt_delay_minutes)
                if now < ready:
                    raise AttemptError(_("The next attempt is possible from %(time)s.")
                                       % {"time": timezone.localtime(ready).strftime("%d.%m.%Y %H:%M")})
            deadline = None
            if quiz.time_limit_minutes:
                minutes = quiz.time_limit_minutes + (override.extra_minutes if override else 0)
                deadline = now + timedelta(minutes=minutes)
                if quiz.closes_at:
                    deadline = min(deadline, quiz.closes_at)
            served = _serve_questions(quiz)
            return Attempt.objects.create(
                quiz=quiz, user=user, number=(previous[0].number + 1 if previous else 1), started_at=now,
                deadline=deadline, questions=served,
                max_marks=sum((Decimal(entry["marks"]) for entry in served
                               if entry["question"]["type"] != Question.Type.DESCRIPTION), Decimal(0)),
            )
    except IntegrityError:
        # A simultaneous start won the race (possible where rows cannot be locked, e.g. SQLite).
        current = Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.IN_PROGRESS).first()
        if current is None:
            raise
        return current


def _clean_response(entry: dict, raw):
    """Turn what the form posted for one question into the stored response; unknown tokens are ignored."""
    qtype = entry["question"]["type"]
    if qtype == Question.Type.MULTICHOICE:
        tokens = entry.get("tokens", {})
        if entry["question"].get("single", True):
            return tokens.get(raw) if isinstance(raw, str) else None
        values = raw if isinstance(raw, list) else [raw]
        return sorted({tokens[value] for value in values if isinstance(value, str) and value in tokens})
    if qtype == Question.Type.TRUEFALSE:
        return {"true": True, "false": False}.get(raw) if isinstance(raw, str) else None
    if qtype == Question.Type.MATCHING:
        choices = entry.get("choices", {})
        rows = set(entry.get("rows", []))
        if not isinstance(raw, dict):
            return {}
        return {str(row): choices[token] for row, token in raw.items()
                if str(row).isdigit() and int(row) in rows and token in choices}
    if qtype in (Question.Type.SHORTANSWER, Question.Type.NUMERICAL):
        return raw.strip()[:1000] if isinstance(raw, str) else None
    if qtype == Question.Type.ESSAY:
        return raw[:MAX_TEXT] if isinstance(raw, str) else None
    return None


def _check_owner(attempt: Attempt, user: User) -> None:
    if attempt.user_id != user.pk:
        raise AttemptError(_("This is not your attempt."))


def attempt_save(*, attempt: Attempt, user: User, responses: dict, sequence: int) -> Attempt:
    """Save the answers given on one page. `sequence` is the number the page was drawn with: a page drawn
    before a later save (another tab, a replayed request) is refused instead of overwriting newer answers."""
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_owner(attempt, user)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise AttemptError(_("This attempt has been submitted; answers can no longer be changed."))
        if attempt.deadline and now > attempt.deadline + GRACE:
            raise AttemptError(_("Time is up: answers given after the deadline are not accepted."))
        if sequence != attempt.sequence:
            raise AttemptError(_("This page is out of date: your answers were saved from another page. "
                                 "Open the attempt again."))
        for key, raw in responses.items():
            if not str(key).isdigit() or int(key) >= len(attempt.questions):
                continue
            attempt.answers[str(int(key))] = _clean_response(attempt.questions[int(key)], raw)
        attempt.sequence += 1
        attempt.save(update_fields=["answers", "sequence"])
        return attempt


def _grade(attempt: Attempt) -> None:
    fold_yo = attempt.quiz.fold_yo
    items = []
    for index, entry in enumerate(attempt.questions):
        question = entry["question"]
        if question["type"] == Question.Type.DESCRIPTION:
            continue
        key = str(index)
        if question["type"] == Question.Type.ESSAY:
            fraction = attempt.grades.get(key)  # set by a trainer; None until graded
        else:
            fraction = grading.grade(graded_question(entry), _for_grading(entry, attempt.answers.get(key)),
                                     fold_yo=fold_yo).fraction
            attempt.grades[key] = fraction
        items.append((fraction, float(entry["marks"])))
    marks, max_marks, complete = grading.attempt_score(items)
    attempt.marks = Decimal(str(round(marks, 2)))
    attempt.max_marks = Decimal(str(round(max_marks, 2)))
    attempt.status = Attempt.Status.FINISHED if complete else Attempt.Status.NEEDS_GRADING
    attempt.passed = (attempt.percent or 0) >= attempt.quiz.pass_percent if complete else None


def attempt_recompute(attempt: Attempt) -> None:
    """Grade the attempt again from its stored responses, in memory only (grades, marks, status, passed): the
    regrade's dry run and its apply use it; nothing is saved here."""
    _grade(attempt)


def attempt_result_followed(*, attempt: Attempt) -> None:
    """Let course progress and completion follow a finished attempt's result (as after a submission)."""
    if attempt.status == Attempt.Status.FINISHED:
        _after_result(attempt)


def _for_grading(entry: dict, response):
    if entry["question"]["type"] == Question.Type.MATCHING and isinstance(response, dict):
        return {int(row): text for row, text in response.items()}
    return response


def attempt_submit(*, attempt: Attempt, user: User | None) -> Attempt:
    """Finish and grade the attempt. Idempotent: a second submit (double click, the deadline task) returns it."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
        if user is not None:
            _check_owner(attempt, user)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            return attempt
        now = timezone.now()
        attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
        _grade(attempt)
        attempt.save(update_fields=["submitted_at", "grades", "marks", "max_marks", "status", "passed"])
        if attempt.status == Attempt.Status.FINISHED:
            _after_result(attempt)
        elif attempt.status == Attempt.Status.NEEDS_GRADING:  # the course's trainers are told (once a day)
            from courses.tasks import send_essays_waiting_notice_task

            send_essays_waiting_notice_task.delay_on_commit(_course_of(attempt.quiz).pk)
        return attempt


def attempt_grade_essay(*, attempt: Attempt, index: int, fraction: float, grader: User) -> Attempt:
    """A trainer grades an essay; the attempt's result is final once every essay is graded."""
    from courses.services import user_can_manage_course

    if not 0 <= fraction <= 1:
        raise AttemptError(_("A grade is a share from 0 to 1."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
        if not user_can_manage_course(grader, _course_of(attempt.quiz)):
            raise AttemptError(_("You cannot grade attempts of this course."))
        if attempt.status == Attempt.Status.IN_PROGRESS:
            raise AttemptError(_("The attempt has not been submitted yet."))
        if not 0 <= index < len(attempt.questions) or attempt.questions[index]["question"]["type"] != "essay":
            raise AttemptError(_("There is no essay with this number in the attempt."))
        attempt.grades[str(index)] = fraction
        _grade(attempt)
        attempt.save(update_fields=["grades", "marks", "max_marks", "status", "passed"])
        if attempt.status == Attempt.Status.FINISHED:
            _after_result(attempt)
        return attempt


def _after_result(attempt: Attempt) -> None:
    """A finished attempt may complete the course (a passed required quiz counts toward its rule)."""
    from courses.services import enrolment_progress_refresh

    course = _course_of(attempt.quiz)
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("course")
                 .filter(user=attempt.user, course=course).first())
    if enrolment is not None:
        enrolment_progress_refresh(enrolment=enrolment)


def attempts_close_overdue(*, now=None) -> int:
    """Submit the attempts whose time ran out (the browser may have been closed): the server decides."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=now - GRACE)
    count = 0
    for attempt in overdue:
        attempt_submit(attempt=attempt, user=None)
        count += 1
    return count


def quiz_grade(*, quiz: QuizPage, user: User, attempts: list[Attempt] | None = None) -> float | None:
    """The person's grade for the quiz in per cent, by the quiz's grading method (finished attempts only).
    `attempts`: the person's attempts of this quiz when the caller has them already (no query then)."""
    if attempts is None:
        attempts = list(Attempt.objects.filter(quiz=quiz, user=user, status=Attempt.Status.FINISHED)
                        .only("pk", "number", "status", "marks", "max_marks"))
    finished = sorted((a for a in attempts if a.status == Attempt.Status.FINISHED), key=lambda a: a.number)
    return grading.overall_grade([a.percent for a in finished], quiz.grading_method)


def quiz_passed(*, quiz: QuizPage, user: User, attempts: list[Attempt] | None = None) -> bool:
    grade = quiz_grade(quiz=quiz, user=user, attempts=attempts)
    return grade is not None and grade >= quiz.pass_percent
