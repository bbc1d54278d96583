from celery import shared_task

from . import notifications, services
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
