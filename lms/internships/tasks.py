import datetime

from celery import shared_task

from . import leavers, notifications, quotas, services


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=30, time_limit=60)
def send_booking_notice_task(self, booking_id: int, kind: str, key: str) -> bool:
    try:
        return notifications.booking_notice_send(booking_id=booking_id, kind=kind, key=key)
    except OSError as exc:  # mail server unreachable
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=600)
def send_internship_reminders_task() -> int:
    """Daily (Celery beat): reminders 7 days and 1 day before a session; attendance not marked, to mentors."""
    plan = notifications.reminders_due()
    for booking_id, kind, key in plan:
        send_booking_notice_task.delay(booking_id, kind, key)
    for session_id, day in notifications.attendance_missing():
        send_attendance_reminder_task.delay(session_id, day.isoformat())
    return len(plan)


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=60, time_limit=120)
def send_attendance_reminder_task(self, session_id: int, day: str) -> int:
    try:
        return notifications.attendance_reminder_send(session_id=session_id, day=datetime.date.fromisoformat(day))
    except OSError as exc:
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=240)
def expire_seat_offers_task() -> int:
    """Every few minutes (Celery beat): offers not confirmed in time pass to the next person in the queue."""
    return services.offers_expire()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=240)
def release_kept_seats_task() -> int:
    """Every few minutes (Celery beat): seats kept for municipalities that nobody took by the session's release time
    go to the common queue, in its order."""
    return quotas.quotas_release_due()


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=60, time_limit=120)
def send_booking_awaiting_task(self, booking_id: int, event_id: int) -> int:
    """The library heads or the administrators of ОНБ are told that a booking waits for their decision."""
    try:
        return notifications.booking_awaiting_send(booking_id=booking_id, event_id=event_id)
    except OSError as exc:
        raise self.retry(exc=exc)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=240)
def cancel_bookings_of_deactivated_task(user_id: int) -> int:
    from lms.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=False).first()
    return leavers.bookings_cancel_for_deactivated(user=user) if user else 0  # active again: nothing to cancel
