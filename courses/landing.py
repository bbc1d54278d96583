"""Reads for the staff's landing panels on the admin dashboard (cms/dashboard.py): a trainer's courses and the
learners behind in them, a library head's staff overdue on assigned courses. Each a fixed number of queries, each
scoped to what the viewer may see: a trainer reads the courses linked to them, a head the staff of own library."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from lms.accounts.models import User
from lms.accounts.selectors import staff_visible_to

from .models import CoursePage, Enrolment
from .selectors import ASSIGNED_SOURCES

Status = Enrolment.Status
SOON_DAYS = 7  # «due soon»: the due date falls within this many days


@dataclass(frozen=True)
class Slice:
    """The first rows of a list and how long the whole list is."""

    total: int
    rows: list


def trainer_courses(user: User, *, today: datetime.date) -> list[CoursePage]:
    """The courses the user trains (linked as a trainer), each with `learners` (enrolled, active or completed),
    `completed` and `behind` (active past the due date): one query."""
    learner = Q(enrolments__status__in=(Status.ACTIVE, Status.COMPLETED))
    return list(
        CoursePage.objects.filter(trainer_links__user=user).annotate(
            learners=Count("enrolments", filter=learner, distinct=True),
            completed=Count("enrolments", filter=Q(enrolments__status=Status.COMPLETED), distinct=True),
            behind=Count("enrolments", filter=Q(enrolments__status=Status.ACTIVE, enrolments__due_date__lt=today),
                         distinct=True),
        ).only("pk", "title", "path").order_by("path")
    )


@dataclass(frozen=True)
class Behind:
    overdue: int
    due_soon: int
    rows: list[Enrolment]  # the first ones, earliest due date first


def trainer_learners_behind(user: User, *, today: datetime.date, limit: int = 5) -> Behind:
    """Active enrolments in the user's own courses whose due date has passed or comes within SOON_DAYS: two
    queries (the counts, the first rows with learner and course)."""
    enrolments = Enrolment.objects.filter(
        course__in=CoursePage.objects.filter(trainer_links__user=user).values("pk"), status=Status.ACTIVE,
        due_date__lte=today + datetime.timedelta(days=SOON_DAYS),
    )
    counts = enrolments.aggregate(overdue=Count("pk", filter=Q(due_date__lt=today)),
                                  due_soon=Count("pk", filter=Q(due_date__gte=today)))
    rows = list(enrolments.select_related("user", "course").only(
        "due_date", "progress_percent", "course_id", "course__title", "user__last_name", "user__first_name",
        "user__patronymic", "user__email").order_by("due_date", "user__last_name", "pk")[:limit])
    return Behind(overdue=counts["overdue"], due_soon=counts["due_soon"], rows=rows)


def staff_overdue_assigned(head: User, *, today: datetime.date, limit: int = 5) -> Slice:
    """Assigned (mandatory, by an administrator or a cohort) courses that the staff visible to `head` have not
    finished by the due date: the count and the first rows, earliest due date first (two queries, plus the one
    that lists the head's library and its branches)."""
    enrolments = Enrolment.objects.filter(
        user__in=staff_visible_to(head).values("pk"), status=Status.ACTIVE, source__in=ASSIGNED_SOURCES,
        due_date__lt=today,
    )
    rows = list(enrolments.select_related("user", "course").only(
        "due_date", "progress_percent", "course_id", "course__title", "user__last_name", "user__first_name",
        "user__patronymic", "user__email").order_by("due_date", "user__last_name", "pk")[:limit])
    return Slice(total=enrolments.count(), rows=rows)
