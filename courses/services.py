"""Rules of learning: enrolment (self, approval, bulk, mandatory rules), progress and completion, trainers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission, Page

from lms.accounts.models import User
from lms.dates import valid_until_for
from lms.fixed_queries import FixedQuery

from .completion import contributed_items, lesson_requirements
from .models import (
    AssignmentRule,
    CoursePage,
    CourseTrainer,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ManualCompletion,
)
from .signals import course_completed

Status, Source = Enrolment.Status, Enrolment.Source
ACTIVE_STATUSES = (Status.REQUESTED, Status.ACTIVE, Status.COMPLETED)


class EnrolmentError(Exception):
    """A rule of enrolment was broken; the message is Russian and safe to show."""


# --- Reading helpers used by the rules ---------------------------------------------------------------------------

def course_lessons(course: CoursePage) -> QuerySet[LessonPage]:
    """The course's live lessons in the order of the page tree (modules included)."""
    return LessonPage.objects.live().descendant_of(course).order_by("path")


def course_for_lesson(lesson: LessonPage) -> CoursePage:
    from .selectors import lesson_course  # the published structure, kept in the content cache

    course = lesson_course(lesson)
    if course is None:
        raise EnrolmentError(_("This lesson does not belong to a course."))
    return course


def user_can_manage_course(user: User, course: CoursePage) -> bool:
    """Administrators manage every course; a trainer manages the courses assigned to them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("courses.change_enrolment"):
        return True
    return CourseTrainer.objects.filter(course=course, user=user).exists()


# --- Enrolment ---------------------------------------------------------------------------------------------------

def _notify(enrolment: Enrolment, kind: str, key_suffix: str = "") -> None:
    from .tasks import send_enrolment_notice_task

    stamp = key_suffix or timezone.now().strftime("%Y%m%d%H%M%S%f")
    send_enrolment_notice_task.delay_on_commit(enrolment.pk, kind, f"{enrolment.pk}:{kind}:{stamp}")
    if kind == "requested":  # the people who decide are told too (courses/staff_notifications.py)
        from .tasks import send_enrolment_request_notice_task

        send_enrolment_request_notice_task.delay_on_commit(enrolment.pk)


def _seats_taken(course: CoursePage) -> int:
    return Enrolment.objects.filter(course=course, status__in=Enrolment.SEAT_STATUSES).count()


def _check_capacity(course: CoursePage, extra: int = 1) -> None:
    if course.capacity is not None and _seats_taken(course) + extra > course.capacity:
        raise EnrolmentError(_("There are no free places on this course."))


def _missing_prerequisites(user: User, course: CoursePage) -> list[CoursePage]:
    required = list(course.prerequisites.all())
    if not required:
        return []
    # A course reopened for recertification (cycle > 1) was completed before: it still counts as a prerequisite.
    done = set(Enrolment.objects.filter(Q(status=Status.COMPLETED) | Q(cycle__gt=1), user=user, course__in=required)
               .values_list("course_id", flat=True))
    return [c for c in required if c.pk not in done]


def _check_self_enrolment(user: User, course: CoursePage) -> None:
    if not course.live:
        raise EnrolmentError(_("This course is not published."))
    if course.enrolment_policy == CoursePage.Policy.ASSIGNED:
        raise EnrolmentError(_("This course is assigned by the administrator; you cannot enrol yourself."))
    if not course.enrolment_is_open():
        raise EnrolmentError(_("Enrolment in this course is closed."))
    missing = _missing_prerequisites(user, course)
    if missing:
        raise EnrolmentError(
            _("First complete: %(courses)s.") % {"courses": ", ".join(f"«{c.title}»" for c in missing)}
        )


def enrolment_create(
    *,
    user: User,
    course: CoursePage,
    source: str,
    due_date: date | None = None,
    actor: User | None = None,
) -> Enrolment:
    """Enrol once: a second call (or a concurrent one) returns the existing enrolment.

    Self-enrolment follows the course's policy (open: studying at once; by approval: a request; assigned only:
    refused), its enrolment window and prerequisites. A limited course never takes more people than its capacity,
    except through a mandatory rule. A withdrawn or rejected person can enrol again.
    """
    try:
        with transaction.atomic():
            course = CoursePage.objects.select_for_update().get(pk=course.pk)  # serialises seats and duplicates
            existing = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
            if existing is not None and existing.status == Status.REQUESTED and source != Source.SELF:
                # An administrator's or a rule's assignment settles a pending request: the seat is already held.
                existing.source, existing.status, existing.due_date = source, Status.ACTIVE, due_date
                existing.decided_by, existing.decided_at = actor, timezone.now()
                existing.save(update_fields=["source", "status", "due_date", "decided_by", "decided_at"])
                _notify(existing, "assigned")
                return existing
            if existing is not None and existing.status in ACTIVE_STATUSES:
                if due_date and source != Source.SELF and existing.status == Status.ACTIVE and (
                        existing.due_date is None or due_date < existing.due_date):
                    existing.due_date = due_date
                    existing.save(update_fields=["due_date"])
                return existing
            if source == Source.SELF:
                _check_self_enrolment(user, course)
            if source != Source.MANDATORY:
                _check_capacity(course)
            status = (Status.REQUESTED if source == Source.SELF
                      and course.enrolment_policy == CoursePage.Policy.APPROVAL else Status.ACTIVE)
            if existing is None:
                enrolment = Enrolment.objects.create(user=user, course=course, source=source, status=status,
                                                     due_date=due_date, decided_by=actor if actor else None)
            else:
                enrolment = existing
                enrolment.source, enrolment.status, enrolment.due_date = source, status, due_date
                enrolment.created_at, enrolment.completed_at = timezone.now(), None
                enrolment.decided_by, enrolment.decided_at = actor, None
                enrolment.save()
                enrolment_progress_refresh(enrolment=enrolment)
            kind = {Status.REQUESTED: "requested"}.get(status, "enrolled" if source == Source.SELF else "assigned")
            _notify(enrolment, kind)
            return enrolment
    except IntegrityError:
        # Another request created it between our check and insert (possible only without row locks).
        return Enrolment.objects.get(user=user, course=course)


def enrolment_self(*, user: User, course: CoursePage) -> Enrolment:
    return enrolment_create(user=user, course=course, source=Source.SELF)


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, approve: bool, actor: User) -> Enrolment:
    """An administrator or the course's trainer approves or rejects a request; the learner is told."""
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    if not user_can_manage_course(actor, enrolment.course):
        raise EnrolmentError(_("You cannot decide on requests for this course."))
    if enrolment.status != Status.REQUESTED:
        raise EnrolmentError(_("This request has already been decided."))
    enrolment.status = Status.ACTIVE if approve else Status.REJECTED
    enrolment.decided_by, enrolment.decided_at = actor, timezone.now()
    enrolment.save(update_fields=["status", "decided_by", "decided_at"])
    _notify(enrolment, "approved" if approve else "rejected")
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, actor: User) -> Enrolment:
    """The learner leaves a course (or cancels a request); what they studied is kept for a return."""
    enrolment = Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
    is_manager = user_can_manage_course(actor, enrolment.course)
    if enrolment.user_id != actor.pk and not is_manager:
        raise EnrolmentError(_("You cannot change another person's enrolment."))
    if not is_manager and enrolment.source in (Source.MANDATORY, Source.ADMIN, Source.COHORT):
        raise EnrolmentError(_("This course was assigned to you; ask the administrator to withdraw you."))
    if enrolment.status not in (Status.REQUESTED, Status.ACTIVE):
        raise EnrolmentError(_("Only a current enrolment or request can be withdrawn."))
    enrolment.status = Status.WITHDRAWN
    enrolment.save(update_fields=["status"])
    return enrolment


def enrolment_bulk_create(
    *, course: CoursePage, users: Iterable[User], due_date: date | None, actor: User
) -> tuple[int, int]:
    """Enrol a group at once, or nobody: returns (newly enrolled, already enrolled)."""
    users = list(users)
    with transaction.atomic():
        course = CoursePage.objects.select_for_update().get(pk=course.pk)
        statuses = dict(Enrolment.objects.filter(course=course, user__in=users, status__in=ACTIVE_STATUSES)
                        .values_list("user_id", "status"))
        new = [user for user in users if statuses.get(user.pk) in (None, Status.REQUESTED)]
        pending = sum(1 for user in new if statuses.get(user.pk) == Status.REQUESTED)  # hold their seats already
        _check_capacity(course, extra=len(new) - pending)
        for user in new:
            enrolment_create(user=user, course=course, source=Source.COHORT, due_date=due_date, actor=actor)
    return len(new), len(users) - len(new)


# --- Mandatory assignment rules ----------------------------------------------------------------------------------

def rule_matching_users(rule: AssignmentRule) -> QuerySet[User]:
    # The conditions are shared with group enrolment in the admin (selectors.staff_matching).
    from .selectors import staff_matching

    return staff_matching(evbk_only=rule.evbk_only, library_id=rule.library_id,
                          municipality_id=rule.municipality_id, position_contains=rule.position_contains)


def rule_due_date(rule: AssignmentRule, user: User) -> date | None:
    if rule.due_date is not None:
        return rule.due_date
    if rule.due_in_days is not None:
        start = max(rule.created_at, user.date_joined)
        return timezone.localdate(start) + timedelta(days=rule.due_in_days)
    return None


def assignment_rule_apply(*, rule: AssignmentRule) -> int:
    """Enrol everyone the rule covers; people already enrolled get the rule's due date if it is earlier.
    Returns how many were newly enrolled (or had a pending request settled)."""
    if not rule.is_active:
        return 0
    settled = set(Enrolment.objects.filter(course_id=rule.course_id, status__in=(Status.ACTIVE, Status.COMPLETED))
                  .values_list("user_id", flat=True))
    count = 0
    for user in rule_matching_users(rule).order_by("pk").iterator():
        enrolment_create(user=user, course=rule.course, source=Source.MANDATORY, due_date=rule_due_date(rule, user))
        count += user.pk not in settled
    return count


def assignment_rules_apply_for_user(*, user: User) -> int:
    """Apply every active rule to one person (on joining, or when their library or position changes).
    Returns how many courses were newly assigned."""
    count = 0
    for rule in AssignmentRule.objects.filter(is_active=True).select_related("course"):
        if rule_matching_users(rule).filter(pk=user.pk).exists():
            settled = Enrolment.objects.filter(user=user, course=rule.course,
                                               status__in=(Status.ACTIVE, Status.COMPLETED)).exists()
            enrolment_create(user=user, course=rule.course, source=Source.MANDATORY,
                             due_date=rule_due_date(rule, user))
            count += not settled
    return count


def assignment_rules_apply_for_library(*, library_id: int) -> int:
    """Apply every active rule to the staff of a library and of its branches (the library's Э(В)БК participation or
    parent system changed). Idempotent. Returns how many courses were newly assigned."""
    count = 0
    here = Q(library_id=library_id) | Q(library__parent_id=library_id)
    for rule in AssignmentRule.objects.filter(is_active=True).select_related("course"):
        people = rule_matching_users(rule).filter(here)
        settled = set(Enrolment.objects.filter(course_id=rule.course_id, user__in=people,
                                               status__in=(Status.ACTIVE, Status.COMPLETED))
                      .values_list("user_id", flat=True))
        for user in people.order_by("pk").iterator():
            enrolment_create(user=user, course=rule.course, source=Source.MANDATORY, due_date=rule_due_date(rule, user))
            count += user.pk not in settled
    return count


@transaction.atomic
def enrolments_close_for_deactivated(*, user: User) -> int:
    """A deactivated person owes nothing: their pending requests and unfinished courses are withdrawn (which frees
    their seats, stops reminders and takes them out of overdue counts); completed courses and certificates stay.
    Should the account be active again, the rules assign its courses anew and the lessons studied still count.
    Returns how many enrolments were closed; an active person's are left alone."""
    if user.is_active:
        return 0
    return (Enrolment.objects.filter(user=user, status__in=(Status.REQUESTED, Status.ACTIVE))
            .update(status=Status.WITHDRAWN, decided_at=timezone.now()))


# --- Progress and completion -------------------------------------------------------------------------------------

def _rule_satisfied(course: CoursePage, items: dict, done: set) -> bool:
    if not items:
        return False
    if course.completion_rule == CoursePage.CompletionRule.ALL_LESSONS:
        needed = set(items)
    else:
        needed = {key for key, required in items.items() if required} or set(items)
    return needed <= done


def enrolment_progress_refresh(*, enrolment: Enrolment) -> Enrolment:
    """Recount progress from the studied lessons and what other content counts (passed required quizzes: see
    courses.completion); complete the course when its rule is met."""
    course = enrolment.course
    items = {("lesson", pk): required for pk, required in course_lessons(course).values_list("pk", "is_required")}
    done = {("lesson", pk) for pk in LessonCompletion.objects.filter(
        enrolment=enrolment, lesson_id__in=[pk for _kind, pk in items]).values_list("lesson_id", flat=True)}
    contributed = contributed_items(enrolment)
    items.update(contributed.items)
    done |= contributed.done
    percent = round(100 * len(done) / len(items)) if items else 0
    if percent != enrolment.progress_percent:
        enrolment.progress_percent = percent
        enrolment.save(update_fields=["progress_percent"])
    if enrolment.status == Status.ACTIVE and _rule_satisfied(course, items, done):
        _complete(enrolment)
    return enrolment


def _complete(enrolment: Enrolment) -> None:
    # The row is locked by the caller's transaction, so the transition (and the signal) happens once.
    now = timezone.now()
    validity = CoursePage.objects.filter(pk=enrolment.course_id).values_list("validity_months", flat=True).first()
    # Recertification: the completion counts until this date (Kemerovo calendar), frozen now; None: no expiry.
    valid_until = valid_until_for(timezone.localdate(now), validity)
    updated = Enrolment.objects.filter(pk=enrolment.pk, status=Status.ACTIVE).update(
        status=Status.COMPLETED, completed_at=now, valid_until=valid_until
    )
    if not updated:
        return
    enrolment.refresh_from_db(fields=["status", "completed_at", "valid_until"])
    enrolment_id = enrolment.pk
    _notify(enrolment, "completed", key_suffix=enrolment.completed_at.strftime("%Y%m%d%H%M%S%f"))
    transaction.on_commit(lambda: course_completed.send(sender=Enrolment, enrolment_id=enrolment_id))


# Every studied lesson, launch and SCORM commit (one every 30 s per learner in a SCORM lesson) locks the enrolment:
# SQL built once per process (lms/fixed_queries.py); the course is the caller's, not read again.
_LOCK_ENROLMENT_FOR_STUDY = FixedQuery(lambda user_id, course_id: Enrolment.objects.select_for_update().filter(
    user_id=user_id, course_id=course_id, status__in=(Status.ACTIVE, Status.COMPLETED)).order_by("pk")[:1], 2)


def _enrolment_for_study(user: User, course: CoursePage) -> Enrolment:
    found = _LOCK_ENROLMENT_FOR_STUDY.instances(user.pk, course.pk)
    if not found:
        raise EnrolmentError(_("Enrol in the course to study its lessons."))
    enrolment = found[0]
    enrolment.course = course
    return enrolment


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage) -> Enrolment:
    """Mark a lesson studied (idempotent) and move the course's progress and completion on. Refused while a
    requirement of the lesson's body is unmet (its required H5P tasks)."""
    enrolment = _enrolment_for_study(user, course_for_lesson(lesson))
    now = timezone.now()
    # What the lesson's body asks first (its required H5P tasks: courses.completion); a lesson already studied
    # stays studied.
    unmet = [requirement for requirement in lesson_requirements(lesson, enrolment) if not requirement.met]
    if unmet and not LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).exists():
        raise EnrolmentError(unmet[0].message)
    LessonCompletion.objects.get_or_create(enrolment=enrolment, lesson=lesson)
    enrolment.last_lesson, enrolment.last_activity_at = lesson, now
    enrolment.save(update_fields=["last_lesson", "last_activity_at"])
    return enrolment_progress_refresh(enrolment=enrolment)


VISIT_RESOLUTION = timedelta(minutes=5)


def lesson_visit(*, user: User, lesson: Page, course: CoursePage, enrolment: Enrolment | None = None) -> None:
    """Remember where the learner stopped («continue where you stopped»). One UPDATE, no locks; when the caller
    has the enrolment and this lesson was already the last one a few minutes ago, nothing is written (a reload
    or a return from a quiz should not cost a database write)."""
    if (enrolment is not None and enrolment.last_lesson_id == lesson.pk and enrolment.last_activity_at
            and timezone.now() - enrolment.last_activity_at < VISIT_RESOLUTION):
        return
    Enrolment.objects.filter(user=user, course=course, status__in=(Status.ACTIVE, Status.COMPLETED)).update(
        last_lesson=lesson, last_activity_at=timezone.now()
    )


def course_progress_recount(*, course: CoursePage) -> int:
    """After lessons are published or withdrawn: recount every current enrolment of the course."""
    count = 0
    for enrolment in Enrolment.objects.filter(course=course, status=Status.ACTIVE).select_related("course"):
        with transaction.atomic():
            locked = Enrolment.objects.select_for_update(of=("self",)).select_related("course").get(pk=enrolment.pk)
            enrolment_progress_refresh(enrolment=locked)
        count += 1
    return count


# --- Trainers ----------------------------------------------------------------------------------------------------

TRAINER_PAGE_PERMISSIONS = ("add_page", "change_page")  # publishing goes through moderation


def _trainer_group(course: CoursePage) -> Group:
    group, created = Group.objects.get_or_create(name=f"Преподаватели курса № {course.pk}")
    if created:
        for codename in TRAINER_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=course, permission=permission)
    return group


@transaction.atomic
def course_trainer_add(*, course: CoursePage, user: User) -> CourseTrainer:
    """Give a trainer the course: they may edit its pages (not publish) and see its learners."""
    from lms.accounts.roles import Role
    from lms.accounts.services import role_assign

    link, _created = CourseTrainer.objects.get_or_create(course=course, user=user)
    role_assign(user=user, role=Role.TRAINER)
    user.groups.add(_trainer_group(course))
    return link


@transaction.atomic
def course_trainer_remove(*, course: CoursePage, user: User) -> None:
    CourseTrainer.objects.filter(course=course, user=user).delete()
    user.groups.remove(_trainer_group(course))


# --- Completion by hand ------------------------------------------------------------------------------------------

@transaction.atomic
def enrolment_complete_by_hand(*, user: User, course: CoursePage, actor: User, reason: str) -> Enrolment:
    """An administrator marks a course complete for a person (studied on paper, a transfer from another system):
    the person is enrolled if need be and the completion goes through the same step as any other, so the hours and
    the certificate follow; who, when and why is kept in ManualCompletion."""
    if not actor.has_perm("courses.change_enrolment"):
        raise EnrolmentError(_("Only administrators mark a course complete by hand."))
    reason = (reason or "").strip()
    if not reason:
        raise EnrolmentError(_("Give the reason for marking the course complete."))
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("course")
                 .filter(user=user, course=course).first())
    if enrolment is not None and enrolment.status == Status.COMPLETED:
        raise EnrolmentError(_("This person has already completed the course."))
    if enrolment is None:
        enrolment = Enrolment.objects.create(user=user, course=course, source=Source.ADMIN, status=Status.ACTIVE,
                                             decided_by=actor, decided_at=timezone.now())
    elif enrolment.status != Status.ACTIVE:
        enrolment.status, enrolment.decided_by, enrolment.decided_at = Status.ACTIVE, actor, timezone.now()
        enrolment.save(update_fields=["status", "decided_by", "decided_at"])
    ManualCompletion.objects.create(enrolment=enrolment, completed_by=actor, reason=reason[:1000])
    _complete(enrolment)
    return enrolment
