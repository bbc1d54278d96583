from celery import shared_task

from . import services


# The name it has had since before quizzes were a package of their own: Celery beat's schedule (and any task still
# queued during a release) call it by this name.
@shared_task(name="courses.tasks.close_overdue_attempts_task", acks_late=True, soft_time_limit=120, time_limit=240)
def close_overdue_attempts_task() -> int:
    """Every minute (Celery beat): submit attempts whose time ran out, also when the browser was closed."""
    return services.attempts_close_overdue()
