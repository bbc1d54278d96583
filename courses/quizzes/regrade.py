"""Regrade (Moodle's «Переоценить»): after a question is fixed, the attempts that served an earlier version of it
are graded again against the current version.

Semantics. What an attempt served stays as it was: `entry["question"]` (the text, the choices in the learner's
order, their tokens) is history and is never changed. A regrade adds `entry["regraded"]` = {"question_id",
"version", "question": the current version in the exchange form}, the *answer key* the entry is graded against
from then on (services.graded_question): by the regrade itself, by a later essay grade, by the learner's review
page (right answers and feedback of the key). The stored responses are graded again through the same grading
service as a submission, so a response is read as the learner gave it: an index of a choice, a matching row, a
text or a number. That is only sound when the new version has the same shape as the served one: the same type,
for a multiple-choice question the same number of choices and the same single/several setting, for a matching
question the same number of pairs. An attempt whose served question differs in shape is listed as not
regradable and left alone (as Moodle does).

Which attempts: submitted ones (finished, or waiting for an essay grade) of the quizzes of the question's course
whose frozen questions include an earlier version of it and that are not yet graded against the current version.
Attempts in progress are left out: they are graded at submission against what they served.

Apply (atomic, the attempts locked) writes the key, the new grades and result, one AttemptRegrade row per
attempt (who, when, marks and passed before and after), then lets the course follow through the same service as
a submission (services.attempt_result_followed: a newly passed required quiz completes the course, whose
completion issues the certificate as usual). A lower result never takes a completion or a certificate back:
the plan and the result name the learners who already hold a valid document for the course, for the trainer to
decide. Idempotent: an attempt already graded against the current version is not planned again, so a second
apply changes nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Attempt, CoursePage, Enrolment, Question
from lms.accounts.models import User

from . import services
from .models import AttemptRegrade


class RegradeError(Exception):
    """The regrade cannot be done; the message is Russian and safe to show."""


@dataclass
class RegradeRow:
    attempt: Attempt
    old_marks: Decimal | None
    new_marks: Decimal | None
    old_passed: bool | None
    new_passed: bool | None
    new_status: str
    regradable: bool = True
    course_completed: bool = False
    holds_document: bool = False

    @property
    def changed(self) -> bool:
        return self.old_marks != self.new_marks or self.old_passed != self.new_passed

    @property
    def passed_changed(self) -> bool:
        return self.old_passed != self.new_passed

    @property
    def lowered(self) -> bool:
        return (self.old_marks or 0) > (self.new_marks or 0)


@dataclass
class RegradePlan:
    question: Question
    course: CoursePage
    rows: list[RegradeRow] = field(default_factory=list)

    @property
    def regradable(self) -> list[RegradeRow]:
        return [row for row in self.rows if row.regradable]

    @property
    def not_regradable(self) -> list[RegradeRow]:
        return [row for row in self.rows if not row.regradable]

    @property
    def changed(self) -> list[RegradeRow]:
        return [row for row in self.regradable if row.changed]

    @property
    def lowered_with_document(self) -> list[RegradeRow]:
        return [row for row in self.regradable if row.holds_document and (row.lowered or row.passed_changed)]


def course_of_question(question: Question) -> CoursePage:
    return question.category.course


def _earlier_versions(question: Question) -> set[int]:
    """The ids of the question's earlier versions, in one query (all the course's older versions, then the chain)."""
    previous_of = dict(Question.objects.filter(category__course_id=question.category.course_id, is_current=False)
                       .values_list("pk", "previous_id"))
    earlier, node = set(), question.previous_id
    while node is not None and node not in earlier:
        earlier.add(node)
        node = previous_of.get(node)
    return earlier


def _same_shape(served: dict, current: dict) -> bool:
    if served.get("type") != current.get("type"):
        return False
    if served["type"] == Question.Type.MULTICHOICE:
        return (len(served.get("answers") or []) == len(current.get("answers") or [])
                and bool(served.get("single", True)) == bool(current.get("single", True)))
    if served["type"] == Question.Type.MATCHING:
        return len(served.get("pairs") or []) == len(current.get("pairs") or [])
    return True


def _entries_to_regrade(attempt: Attempt, earlier: set[int], current: Question) -> list[int]:
    indexes = []
    for index, entry in enumerate(attempt.questions):
        regraded = entry.get("regraded") or {}
        if entry.get("question_id") in earlier and regraded.get("question_id") != current.pk:
            indexes.append(index)
    return indexes


def _candidates(question: Question, earlier: set[int], *, lock: bool = False) -> list[Attempt]:
    course = course_of_question(question)
    attempts = (Attempt.objects.filter(quiz__path__startswith=course.path)
                .exclude(status=Attempt.Status.IN_PROGRESS).select_related("user", "quiz")
                .order_by("quiz__title", "user__last_name", "user__first_name", "number", "pk"))
    if lock:
        attempts = attempts.select_for_update(of=("self",))
    return [attempt for attempt in attempts if _entries_to_regrade(attempt, earlier, question)]


def _regraded_copy(attempt: Attempt, indexes: list[int], current: Question) -> tuple[Attempt, bool]:
    """The attempt graded against the current version, in memory; False when a served question differs in shape."""
    key = services.question_exchange(current)
    clone = copy.copy(attempt)
    clone.questions = copy.deepcopy(attempt.questions)
    clone.grades = dict(attempt.grades)
    for index in indexes:
        entry = clone.questions[index]
        if not _same_shape(entry["question"], key):
            return clone, False
        entry["regraded"] = {"question_id": current.pk, "version": current.version, "question": key}
    services.attempt_recompute(clone)
    return clone, True


def _documents_held(course: CoursePage, user_ids: set[int]) -> tuple[set[int], set[int]]:
    """Who has completed the course, and who holds a valid document for it.

    Documents are issued by the certificates app, a layer above: it is read through the reverse relation it
    declares on the course (`certificates`), without importing it; without that app nobody holds one."""
    completed = set(Enrolment.objects.filter(course=course, user_id__in=user_ids,
                                             status=Enrolment.Status.COMPLETED).values_list("user_id", flat=True))
    holders: set[int] = set()
    documents = getattr(course, "certificates", None)
    if documents is not None and user_ids:
        holders = set(documents.filter(Q(status="valid"), user_id__in=user_ids).values_list("user_id", flat=True))
    return completed, holders


def _check_manager(user: User, course: CoursePage) -> None:
    from courses.services import user_can_manage_course

    if not user_can_manage_course(user, course):
        raise RegradeError(_("You cannot regrade attempts of this course."))


def question_regrade_plan(*, question: Question, user: User) -> RegradePlan:
    """The dry run: what a regrade would change, per attempt. Writes nothing."""
    question = _current(question)
    _check_manager(user, course_of_question(question))
    return _plan(question)[0]


def _plan(question: Question, *, lock: bool = False) -> tuple[RegradePlan, dict[int, Attempt]]:
    """The rows of the plan and, for each regradable attempt, its regraded copy (in memory)."""
    course = course_of_question(question)
    plan = RegradePlan(question=question, course=course)
    clones: dict[int, Attempt] = {}
    earlier = _earlier_versions(question)
    for attempt in _candidates(question, earlier, lock=lock):
        clone, regradable = _regraded_copy(attempt, _entries_to_regrade(attempt, earlier, question), question)
        plan.rows.append(RegradeRow(
            attempt=attempt, old_marks=attempt.marks, old_passed=attempt.passed, regradable=regradable,
            new_marks=clone.marks if regradable else attempt.marks,
            new_passed=clone.passed if regradable else attempt.passed,
            new_status=clone.status if regradable else attempt.status,
        ))
        if regradable:
            clones[attempt.pk] = clone
    completed, holders = _documents_held(course, {row.attempt.user_id for row in plan.rows})
    for row in plan.rows:
        row.course_completed = row.attempt.user_id in completed
        row.holds_document = row.attempt.user_id in holders
    return plan, clones


def _current(question: Question) -> Question:
    current = Question.objects.select_related("category", "category__course").filter(pk=question.pk).first()
    if current is None or not current.is_current:
        raise RegradeError(_("Only the latest version of a question can be used to regrade; open it."))
    return current


def question_regrade_apply(*, question: Question, user: User) -> RegradePlan:
    """Regrade every regradable attempt against the question's current version (see the module's docstring).
    Returns the plan that was carried out; applying it again finds nothing to do."""
    with transaction.atomic():
        locked = Question.objects.select_for_update().filter(pk=question.pk).first()
        if locked is None:
            raise RegradeError(_("Only the latest version of a question can be used to regrade; open it."))
        question = _current(locked)
        _check_manager(user, course_of_question(question))
        plan, clones = _plan(question, lock=True)
        now = timezone.now()
        for row in plan.regradable:
            attempt = clones[row.attempt.pk]
            attempt.save(update_fields=["questions", "grades", "marks", "max_marks", "status", "passed"])
            AttemptRegrade.objects.create(
                attempt=attempt, question=question, regraded_by=user, regraded_at=now, old_marks=row.old_marks,
                new_marks=attempt.marks, max_marks=attempt.max_marks, old_passed=row.old_passed,
                new_passed=attempt.passed,
            )
            services.attempt_result_followed(attempt=attempt)
        return plan


def question_regrade_log(*, question: Question, limit: int = 200) -> list[AttemptRegrade]:
    """The regrades done against any version of the question, newest first (one query)."""
    versions = _earlier_versions(question) | {question.pk}
    return list(AttemptRegrade.objects.filter(question_id__in=versions)
                .select_related("attempt", "attempt__user", "attempt__quiz", "regraded_by")[:limit])
