import logging

from celery import shared_task

from . import services
from .models import Certificate

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30, soft_time_limit=30, time_limit=60)
def render_certificate_pdf_task(self, certificate_id: int) -> None:
    certificate = (Certificate.objects.select_related(
        "template", "template__logo", "template__background_image", "template__signatory_1_signature",
        "template__signatory_2_signature").filter(pk=certificate_id).first())
    if certificate is None or certificate.pdf:
        return  # deleted, or already rendered: running twice changes nothing
    services.certificate_render_pdf(certificate=certificate)


@shared_task(acks_late=True, soft_time_limit=30, time_limit=60)
def issue_course_certificate_task(enrolment_id: int) -> int | None:
    from courses.models import CoursePage, Enrolment

    enrolment = Enrolment.objects.select_related("user", "course").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.COMPLETED:
        return None
    if enrolment.course.certificate_kind == CoursePage.CertificateKind.NONE:
        return None
    try:
        return services.certificate_issue(user=enrolment.user, course=enrolment.course).pk
    except services.CertificateError as exc:
        # No template of the course's kind yet: the completion stands, and an administrator can issue later.
        logger.warning("certificate for enrolment %s not issued: %s", enrolment_id, exc)
        return None


@shared_task(acks_late=True, soft_time_limit=30, time_limit=60)
def issue_internship_certificate_task(booking_id: int) -> int | None:
    from lms.internships.models import Booking

    booking = Booking.objects.filter(pk=booking_id, status=Booking.Status.COMPLETED).first()
    if booking is None:
        return None
    try:
        return services.certificate_issue_for_internship(booking=booking).pk
    except services.CertificateError as exc:
        logger.warning("certificate for internship booking %s not issued: %s", booking_id, exc)
        return None


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=120, soft_time_limit=30, time_limit=60)
def notify_certificate_issued_task(self, certificate_id: int) -> bool:
    try:
        return services.certificate_notify_issued(certificate_id=certificate_id)
    except OSError as exc:  # mail server unreachable
        raise self.retry(exc=exc)
