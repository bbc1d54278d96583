from celery import shared_task

from . import services


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60, soft_time_limit=30, time_limit=60)
def send_invitation_task(self, invitation_id: int) -> bool:
    """Send one invitation e-mail; a second run finds it sent and does nothing."""
    try:
        return services.invitation_send(invitation_id=invitation_id)
    except OSError as exc:  # the mail server is unreachable: try again later
        raise self.retry(exc=exc)
