"""E-mails about enrolments. Each notice has a key and goes out once, however often its task runs."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Enrolment, EnrolmentNotice

KINDS = ("enrolled", "requested", "approved", "rejected", "assigned", "due_7", "due_1", "overdue", "completed",
         "reopened")


def enrolment_notice_send(*, enrolment_id: int, kind: str, key: str) -> bool:
    """Send the notice `kind` about an enrolment unless a notice with this key was sent. Returns whether it was."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    with transaction.atomic():
        enrolment = Enrolment.objects.select_related("user", "course").filter(pk=enrolment_id).first()
        if enrolment is None:
            return False
        try:
            with transaction.atomic():
                notice, _created = EnrolmentNotice.objects.select_for_update().get_or_create(
                    key=key, defaults={"enrolment": enrolment, "kind": kind}
                )
        except IntegrityError:
            notice = EnrolmentNotice.objects.select_for_update().get(key=key)
        if notice.sent_at:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "kind": kind,
                "enrolment": enrolment, "user": enrolment.user, "course": enrolment.course,
                "course_url": settings.SITE_URL + (enrolment.course.url or ""),
                "dashboard_url": settings.SITE_URL + "/learning/",
                "site_name": settings.WAGTAIL_SITE_NAME,
            }
            subject = " ".join(render_to_string("courses/email/notice_subject.txt", context).split())
            body = render_to_string("courses/email/notice.txt", context)
        send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [enrolment.user.email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        return True


def reminders_due(*, today=None) -> list[tuple[int, str, str]]:
    """The reminders to send today: (enrolment id, kind, key); the key carries the due date, so each goes once."""
    today = today or timezone.localdate()
    plan = []
    active = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, due_date__isnull=False, user__is_active=True)
    for kind, days in (("due_7", 7), ("due_1", 1)):
        for pk, due in active.filter(due_date=today + timedelta(days=days)).values_list("pk", "due_date"):
            plan.append((pk, kind, f"{pk}:{kind}:{due.isoformat()}"))
    for pk, due in active.filter(due_date__lt=today).values_list("pk", "due_date"):
        plan.append((pk, "overdue", f"{pk}:overdue:{due.isoformat()}"))
    return plan
