import datetime

from celery import shared_task

from . import digest, notifications, services, staff_notifications
from .models import AssignmentRule, CoursePage


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=30, time_limit=60)
def send_enrolment_notice_task(self, enrolment_id: int, kind: str, key: str) -> bool:
    try:
        return notifications.enrolment_notice_send(enrolment_id=enrolment_id, kind=kind, key=key)
    except OSError as exc:  # mail server unreachable
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=600)
def send_enrolment_reminders_task() -> int:
    """Daily (Celery beat): reminders 7 days and 1 day before a due date, and when overdue."""
    plan = notifications.reminders_due()
    for enrolment_id, kind, key in plan:
        send_enrolment_notice_task.delay(enrolment_id, kind, key)
    return len(plan)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=240)
def apply_assignment_rules_for_user_task(user_id: int) -> int:
    from lms.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    return services.assignment_rules_apply_for_user(user=user) if user else 0


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def apply_assignment_rules_for_library_task(library_id: int) -> int:
    return services.assignment_rules_apply_for_library(library_id=library_id)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=240)
def close_enrolments_of_deactivated_task(user_id: int) -> int:
    from lms.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=False).first()
    return services.enrolments_close_for_deactivated(user=user) if user else 0  # active again: nothing to close


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def apply_assignment_rule_task(rule_id: int) -> int:
    rule = AssignmentRule.objects.select_related("course").filter(pk=rule_id).first()
    return services.assignment_rule_apply(rule=rule) if rule else 0


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def recount_course_progress_task(course_id: int) -> int:
    course = CoursePage.objects.filter(pk=course_id).first()
    return services.course_progress_recount(course=course) if course else 0


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=60, time_limit=120)
def send_enrolment_request_notice_task(self, enrolment_id: int) -> int:
    try:
        return staff_notifications.enrolment_request_notify(enrolment_id=enrolment_id)
    except OSError as exc:  # mail server unreachable
        raise self.retry(exc=exc)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=60, time_limit=120)
def send_essays_waiting_notice_task(self, course_id: int) -> int:
    try:
        return staff_notifications.essays_waiting_notify(course_id=course_id)
    except OSError as exc:
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=600)
def send_essays_waiting_reminders_task() -> int:
    """Daily (Celery beat): trainers are reminded of essays that still wait (at most once per course a day)."""
    course_ids = staff_notifications.courses_with_essays_waiting()
    for course_id in course_ids:
        send_essays_waiting_notice_task.delay(course_id)
    return len(course_ids)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=300, soft_time_limit=120, time_limit=240)
def send_head_digest_task(self, head_id: int, week: str) -> bool:
    try:
        return digest.head_digest_send(head_id=head_id, week=datetime.date.fromisoformat(week))
    except OSError as exc:
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=600)
def send_head_digests_task() -> int:
    """Weekly (Celery beat, Monday 09:00 Kemerovo time): each library head's digest of their staff."""
    week = digest.digest_week()
    head_ids = list(digest.library_heads().values_list("pk", flat=True))
    for head_id in head_ids:
        send_head_digest_task.delay(head_id, week.isoformat())
    return len(head_ids)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=30, time_limit=60)
def send_expiry_reminder_task(self, user_id: int, kind: str, object_id: int, step: int) -> bool:
    from .recertification import expiry_reminder_send

    try:
        return expiry_reminder_send(user_id=user_id, kind=kind, object_id=object_id, step=step)
    except OSError as exc:  # mail server unreachable
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=900)
def recertification_daily_task() -> int:
    """Daily (Celery beat): reopen the enrolments whose recertification window opened, then remind of what expires
    in 60, 30 and 7 days. Both are idempotent (a re-run reopens and sends nothing more)."""
    from .recertification import enrolments_reopen_due, expiry_reminders_due

    reopened = enrolments_reopen_due()
    plan = expiry_reminders_due()
    for reminder in plan:
        send_expiry_reminder_task.delay(reminder.user_id, reminder.kind, reminder.object_id, reminder.step)
    return reopened + len(plan)
