"""Recertification: a completion of a course (or an internship) with a validity period counts until its
``valid_until``; from ``recertification_window_days`` before that date the person is assigned again.

The rules
---------
* **Who is reopened.** Every *completed* enrolment whose ``valid_until`` is set (the course had a validity when it
  was completed) and whose person is *active*, once ``valid_until - course.recertification_window_days <= today``.
  Whether a mandatory rule still covers the person does not matter: a course with a validity is one people must
  keep, and a person who no longer needs it can be withdrawn by an administrator. Deactivated people are left alone
  (they owe nothing, as everywhere else).
* **What reopening does** (``enrolment_reopen``, one transaction, the enrolment row locked): the completion is
  archived as a ``CourseCompletion`` (its moment, its ``valid_until``, the course's hours), so the hours stay in
  their year and the training record lists it; the enrolment becomes *active* again with ``due_date =
  valid_until``, its ``valid_until`` KEPT (the person stays compliant until then), a new ``cycle`` from now
  (quiz attempt limits and grades count the current cycle only) and the lesson progress reset. The certificate of
  the previous cycle stays valid until its date. A new completion sets a new ``valid_until`` and gets its own
  certificate (``Certificate.cycle``).
* **Race with a completion.** ``lesson_complete`` and the quiz submission lock the same enrolment row, so either
  the completion comes first (then the enrolment is completed with a new ``valid_until``, outside the window, and
  the job leaves it) or the reopening comes first (then the completion belongs to the new cycle). Nothing is lost.
* **Reminders**: 60, 30 and 7 days before ``valid_until`` of a course's last completion and of an internship's
  (the person's last completed booking of a topic with a validity), each once (``StaffNotice`` key with the date
  and the step); a person who switched «expiring» off in the profile gets none. When the job missed a day, only
  the nearest step is sent (a person 20 days before gets the 30-day notice, not the 60-day one as well).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from lms.accounts.models import NotificationPreference, User
from lms.internships.models import Booking

from .models import CourseCompletion, CoursePage, Enrolment, LessonCompletion
from .staff_notifications import staff_notice_send

Status = Enrolment.Status
REMINDER_DAYS = (60, 30, 7)
DIGEST_WITHIN_DAYS = 60


def window_opens(valid_until: datetime.date, window_days: int) -> datetime.date:
    return valid_until - datetime.timedelta(days=window_days)


def enrolments_to_reopen(*, today: datetime.date | None = None) -> list[int]:
    """The completed enrolments of active people whose recertification window has opened (ids, two queries: the
    widest window, then the candidates within it, each checked against its own course's window)."""
    today = today or timezone.localdate()
    widest = (CoursePage.objects.filter(validity_months__isnull=False)
              .aggregate(widest=Max("recertification_window_days"))["widest"])
    candidates = Enrolment.objects.filter(status=Status.COMPLETED, valid_until__isnull=False, user__is_active=True)
    if widest is not None:  # a course whose validity was removed later still has its frozen dates
        candidates = candidates.filter(valid_until__lte=today + datetime.timedelta(days=widest))
    return [pk for pk, until, window in candidates.order_by("pk")
            .values_list("pk", "valid_until", "course__recertification_window_days")
            if window_opens(until, window) <= today]


@transaction.atomic
def enrolment_reopen(*, enrolment_id: int, today: datetime.date | None = None) -> bool:
    """Reopen one completed enrolment for recertification when its window has opened. Idempotent: an enrolment
    already reopened (active), completed again (a later valid_until, window not open) or of an inactive person is
    left as it is. Returns whether it was reopened."""
    today = today or timezone.localdate()
    enrolment = (Enrolment.objects.select_for_update(of=("self",)).select_related("course", "user")
                 .filter(pk=enrolment_id).first())
    if (enrolment is None or enrolment.status != Status.COMPLETED or enrolment.valid_until is None
            or enrolment.completed_at is None or not enrolment.user.is_active
            or window_opens(enrolment.valid_until, enrolment.course.recertification_window_days) > today):
        return False
    now = timezone.now()
    CourseCompletion.objects.get_or_create(
        enrolment=enrolment, cycle=enrolment.cycle,
        defaults={"user_id": enrolment.user_id, "course_id": enrolment.course_id,
                  "completed_at": enrolment.completed_at, "valid_until": enrolment.valid_until,
                  "hours": enrolment.course.academic_hours})
    LessonCompletion.objects.filter(enrolment=enrolment).delete()  # the new cycle is studied anew
    enrolment.status, enrolment.due_date = Status.ACTIVE, enrolment.valid_until
    enrolment.cycle, enrolment.cycle_started_at = enrolment.cycle + 1, now
    enrolment.completed_at, enrolment.progress_percent, enrolment.last_lesson = None, 0, None
    enrolment.save(update_fields=["status", "due_date", "cycle", "cycle_started_at", "completed_at",
                                  "progress_percent", "last_lesson"])
    from .services import _notify

    _notify(enrolment, "reopened", key_suffix=f"cycle{enrolment.cycle}")
    return True


def enrolments_reopen_due(*, today: datetime.date | None = None) -> int:
    """Reopen every enrolment whose window has opened, each in its own transaction. Returns how many."""
    return sum(enrolment_reopen(enrolment_id=pk, today=today) for pk in enrolments_to_reopen(today=today))


# --- Internships -----------------------------------------------------------------------------------------------------

def latest_internship_completions():
    """Each person's last completed booking per topic whose completion expires (a query of bookings)."""
    later = Booking.objects.filter(user=OuterRef("user"), topic=OuterRef("topic"), status=Booking.Status.COMPLETED,
                                   completed_at__gt=OuterRef("completed_at"))
    return (Booking.objects.filter(status=Booking.Status.COMPLETED, valid_until__isnull=False,
                                   completed_at__isnull=False)
            .filter(~Exists(later)))


# --- Reminders -------------------------------------------------------------------------------------------------------

def reminder_step(days_left: int) -> int | None:
    """The nearest step (60, 30, 7) not yet passed for `days_left` days before expiry, or None (too early, or
    expired)."""
    if days_left < 0:
        return None
    steps = [step for step in REMINDER_DAYS if days_left <= step]
    return min(steps) if steps else None


@dataclass(frozen=True)
class ExpiryReminder:
    user_id: int
    kind: str  # "course" or "internship"
    object_id: int  # the enrolment or the booking
    title: str
    valid_until: datetime.date
    step: int

    @property
    def key(self) -> str:
        return f"expiring:{self.kind}:{self.object_id}:{self.valid_until.isoformat()}:{self.step}"


def expiry_reminders_due(*, today: datetime.date | None = None) -> list[ExpiryReminder]:
    """The reminders to send today (two queries). An enrolment completed again has a later valid_until and is
    reminded only when that one nears; an internship done again (a later completed booking) replaces the older."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    plan = []
    for pk, user_id, title, until in (
            Enrolment.objects.filter(status__in=(Status.ACTIVE, Status.COMPLETED), user__is_active=True,
                                     valid_until__gte=today, valid_until__lte=horizon)
            .values_list("pk", "user_id", "course__title", "valid_until").order_by("pk")):
        step = reminder_step((until - today).days)
        if step:
            plan.append(ExpiryReminder(user_id, "course", pk, title, until, step))
    for pk, user_id, title, until in (
            latest_internship_completions().filter(user__is_active=True, valid_until__gte=today,
                                                   valid_until__lte=horizon)
            .values_list("pk", "user_id", "topic__title", "valid_until").order_by("pk")):
        step = reminder_step((until - today).days)
        if step:
            plan.append(ExpiryReminder(user_id, "internship", pk, title, until, step))
    return plan


def expiry_reminder_send(*, user_id: int, kind: str, object_id: int, step: int,
                         today: datetime.date | None = None) -> bool:
    """Send one reminder once (the key holds the date and the step); re-reads the record, so a completion that
    happened since (a later valid_until) sends nothing."""
    today = today or timezone.localdate()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    if kind == "course":
        record = Enrolment.objects.select_related("course").filter(pk=object_id, user=user).first()
        title, url = (record.course.title, settings.SITE_URL + (record.course.url or "")) if record else ("", "")
    else:
        record = latest_internship_completions().select_related("topic").filter(pk=object_id, user=user).first()
        title, url = (record.topic.title, settings.SITE_URL + reverse("internships:topics")) if record else ("", "")
    if record is None or record.valid_until is None or reminder_step((record.valid_until - today).days) != step:
        return False
    reminder = ExpiryReminder(user.pk, kind, object_id, title, record.valid_until, step)
    return staff_notice_send(recipient=user, kind=NotificationPreference.Kind.EXPIRING, key=reminder.key,
                             template="expiring", context={"reminder": reminder, "url": url,
                                                           "is_internship": kind == "internship",
                                                           "reopened": kind == "course"
                                                           and record.status == Status.ACTIVE})


# --- The library head's digest ----------------------------------------------------------------------------------------

def staff_expiring(staff_ids, today: datetime.date) -> list[ExpiryReminder]:
    """The head's staff whose training expires within 60 days (and has not been renewed), soonest first."""
    horizon = today + datetime.timedelta(days=DIGEST_WITHIN_DAYS)
    rows = [ExpiryReminder(user_id, "course", pk, title, until, 0) for pk, user_id, title, until in
            Enrolment.objects.filter(Q(status__in=(Status.ACTIVE, Status.COMPLETED)), user_id__in=staff_ids,
                                     valid_until__gte=today, valid_until__lte=horizon)
            .values_list("pk", "user_id", "course__title", "valid_until")]
    rows += [ExpiryReminder(user_id, "internship", pk, title, until, 0) for pk, user_id, title, until in
             latest_internship_completions().filter(user_id__in=staff_ids, valid_until__gte=today,
                                                    valid_until__lte=horizon)
             .values_list("pk", "user_id", "topic__title", "valid_until")]
    return sorted(rows, key=lambda row: (row.valid_until, row.user_id, row.title))


def digest_section(head: User, staff_ids: list[int], today: datetime.date):
    """The head's weekly digest: staff whose training expires within 60 days (registered in CoursesConfig.ready)."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from .digest import DigestSection

    rows = staff_expiring(staff_ids, today)
    if not rows:
        return None
    people = {person.pk: person.full_name for person in User.objects.filter(pk__in={row.user_id for row in rows})}
    count = len(rows)
    title = ngettext("%(count)d training expires within 60 days (recertification):",
                     "%(count)d trainings expire within 60 days (recertification):", count) % {"count": count}
    lines = [_("%(name)s: «%(title)s», valid until %(date)s") % {
        "name": people.get(row.user_id, ""), "title": row.title,
        "date": date_format(row.valid_until, "DATE_FORMAT")} for row in rows]
    return DigestSection(title=title, lines=lines)
