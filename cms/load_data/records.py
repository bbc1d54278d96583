"""The learning records: what each enrolment has done (decided first), then its enrolment, lesson completions and
attempts, written in bulk."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from courses.models import Attempt, CoursePage, Enrolment, LessonCompletion
from lms.accounts.models import User

from .pages import CourseTree
from .quizzes import attempt_make
from .sizes import ATTEMPTS_ALLOWED, NOTE_SHARE, LoadSize
from .writing import bulk


@dataclass
class Plan:
    """What one enrolment has done, decided before anything is written."""

    user: User
    tree: CourseTree
    status: str
    source: str
    lessons_done: int = 0
    attempts: int = 0
    passes: bool = False
    scorm_done: bool = False  # the course's SCORM lesson finished (only with the course completed)
    created_at: datetime.datetime | None = None
    enrolment: Enrolment | None = None


def _spread(total: int, slots: int, low: int, high: int, rng: random.Random) -> list[int]:
    """`slots` integers in [low, high] that add up to `total` (as near as the bounds allow)."""
    if slots == 0:
        return []
    values = [rng.randint(low, high) for _ in range(slots)]
    difference = total - sum(values)
    order = list(range(slots))
    while difference:
        rng.shuffle(order)
        moved = False
        for i in order:
            if difference > 0 and values[i] < high:
                values[i] += 1
                difference -= 1
                moved = True
            elif difference < 0 and values[i] > low:
                values[i] -= 1
                difference += 1
                moved = True
            if not difference:
                break
        if not moved:
            break
    return values


def plans_make(size: LoadSize, staff: list[User], trees: list[CourseTree], rng: random.Random, now) -> list[Plan]:
    course_count = len(trees)
    wanted = min(size.enrolments, len(staff) * course_count)
    per_person = _spread(wanted, len(staff), max(1, wanted // len(staff) // 2),
                         min(course_count, max(1, 2 * wanted // len(staff))), rng)
    plans = []
    for user, count in zip(staff, per_person, strict=True):
        for index in rng.sample(range(course_count), count):
            tree = trees[index]
            policy = tree.course.enrolment_policy
            source = (Enrolment.Source.MANDATORY if policy == CoursePage.Policy.ASSIGNED
                      else rng.choice([Enrolment.Source.SELF] * 4 + [Enrolment.Source.COHORT]))
            status = Enrolment.Status.ACTIVE
            roll = rng.random()
            if policy == CoursePage.Policy.APPROVAL and roll < 0.15:
                status = Enrolment.Status.REQUESTED
            elif source == Enrolment.Source.SELF and roll > 0.98:
                status = Enrolment.Status.WITHDRAWN
            created = max(user.date_joined, now - datetime.timedelta(days=700)) + datetime.timedelta(
                days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
            created = min(created, now - datetime.timedelta(days=1))
            plans.append(Plan(user=user, tree=tree, status=status, source=source, created_at=created))
    # The completed ones: as many as there are course certificates to issue.
    course_certificates = size.certificates - round(size.certificates * NOTE_SHARE)
    studying = [p for p in plans if p.status == Enrolment.Status.ACTIVE]
    for plan in rng.sample(studying, min(course_certificates, len(studying))):
        plan.status = Enrolment.Status.COMPLETED
        plan.lessons_done = len(plan.tree.lessons)
        plan.passes = True
        plan.attempts = 1
        plan.scorm_done = plan.tree.scorm is not None
    # Lessons studied by the others: the rest of the completions, in the order of the course.
    others = [p for p in plans if p.status in (Enrolment.Status.ACTIVE, Enrolment.Status.WITHDRAWN)]
    done = sum(p.lessons_done for p in plans)
    lessons = max((len(t.lessons) for t in trees), default=0)
    started = [p for p in others if rng.random() < 0.65]
    for plan, count in zip(started, _spread(max(0, size.completions - done), len(started), 1,
                                            max(1, lessons - 1), rng), strict=True):
        plan.lessons_done = count
    # Attempts: the completed (at least one, passed) and those far enough in the course.
    candidates = [p for p in plans if p.status == Enrolment.Status.COMPLETED]
    candidates += [p for p in others if p.status == Enrolment.Status.ACTIVE and p.lessons_done >= lessons // 2]
    remaining = size.attempts - sum(p.attempts for p in candidates)
    fresh = [p for p in candidates if p.attempts == 0]
    for plan in fresh[:max(0, remaining)]:
        plan.attempts = 1
        # some pass the quiz before finishing the lessons (never all of them: that would complete the course)
        plan.passes = plan.lessons_done < len(plan.tree.lessons) and rng.random() < 0.35
    remaining = size.attempts - sum(p.attempts for p in candidates)
    while remaining > 0:
        room = [p for p in candidates if 0 < p.attempts < ATTEMPTS_ALLOWED]
        if not room:
            break
        for plan in rng.sample(room, min(remaining, len(room))):
            plan.attempts += 1
            remaining -= 1
    return plans


def _progress(plan: Plan) -> int:
    """As `enrolment_progress_refresh` counts it: studied lessons, the passed required quiz and the finished SCORM
    lesson of all the items."""
    items = len(plan.tree.lessons) + 1 + (1 if plan.tree.scorm is not None else 0)
    return round(100 * (plan.lessons_done + (1 if plan.passes else 0) + (1 if plan.scorm_done else 0)) / items)


def _timeline(plan: Plan, rng: random.Random, now) -> list[datetime.datetime]:
    """The moments of an enrolment's events (lessons, then attempts), in order, between enrolling and now."""
    events = plan.lessons_done + plan.attempts
    span = min(now - datetime.timedelta(hours=2) - plan.created_at, datetime.timedelta(days=rng.randint(3, 120)))
    step = span / (events + 1)
    return [plan.created_at + step * (i + 1) for i in range(events)]


def records_write(plans: list[Plan], rng: random.Random, now) -> dict[str, int]:
    enrolments, attempts, lesson_times = [], [], []
    for plan in plans:
        moments = _timeline(plan, rng, now)
        lessons = plan.tree.lessons[:plan.lessons_done]
        lesson_times.append(moments[:plan.lessons_done])
        mine = []
        for number in range(1, plan.attempts + 1):
            passed = plan.passes and number == plan.attempts
            attempt = attempt_make(plan, number, passed, moments[plan.lessons_done + number - 1], rng)
            if attempt.status != Attempt.Status.FINISHED or bool(attempt.passed) != passed:
                raise AssertionError(f"the grading did not give the planned result: {attempt.marks}")
            mine.append(attempt)
        attempts += mine
        finished = max([plan.created_at, *moments[:plan.lessons_done], *(a.submitted_at for a in mine)])
        enrolment = Enrolment(
            user_id=plan.user.pk, course_id=plan.tree.course.pk, source=plan.source, status=plan.status,
            created_at=plan.created_at, progress_percent=_progress(plan),
            due_date=(timezone.localdate(plan.created_at) + datetime.timedelta(days=90)
                      if plan.source == Enrolment.Source.MANDATORY else None),
            last_lesson_id=lessons[-1].pk if lessons else None,
            last_activity_at=finished if (lessons or mine) else None,
            completed_at=(finished + datetime.timedelta(seconds=1)
                          if plan.status == Enrolment.Status.COMPLETED else None),
        )
        plan.enrolment = enrolment
        enrolments.append(enrolment)
    enrolments = bulk(Enrolment, enrolments)
    if enrolments and not enrolments[0].pk:  # a database that does not return ids from bulk inserts
        ids = {(user, course): pk for pk, user, course in Enrolment.objects.values_list("pk", "user_id", "course_id")}
        for enrolment in enrolments:
            enrolment.pk = ids[(enrolment.user_id, enrolment.course_id)]
    completions, written = [], 0
    for plan, moments in zip(plans, lesson_times, strict=True):
        for lesson, moment in zip(plan.tree.lessons, moments, strict=False):
            completions.append(LessonCompletion(enrolment_id=plan.enrolment.pk, lesson_id=lesson.pk,
                                                completed_at=moment))
        if len(completions) >= 20_000:
            written += len(bulk(LessonCompletion, completions, 5000))
            completions = []
    written += len(bulk(LessonCompletion, completions, 5000))
    bulk(Attempt, attempts, 1000)
    return {"enrolments": len(enrolments), "completions": written, "attempts": len(attempts)}
