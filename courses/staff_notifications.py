"""E-mails that call people to act on learning: a request to enrol waits for the course's deciders, essays wait for
the course's trainers. Each notice has a key per person and goes out once, however often its task runs; a person
who switched its kind off in the profile gets nothing, and nothing is recorded, so switching it on again brings
the notices that follow.

Who decides on a course request: the course's trainers (courses.services.user_can_manage_course), and the
administrators of ОНБ only when the course has no trainer, so that no request waits unseen. Essays: at most one
e-mail per trainer, course and day, listing every attempt that waits; the first submission of the day sends it at
once, the daily run (Celery beat) reminds of what still waits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lms.accounts.models import NotificationPreference, User
from lms.accounts.selectors import users_wanting_notice, users_with_permission

from .models import Attempt, CoursePage, Enrolment, QuizPage, StaffNotice

Kind = NotificationPreference.Kind


def staff_notice_send(*, recipient: User, kind: str, key: str, template: str, context: dict) -> bool:
    """Send `template` (courses/email/<template>.txt and <template>_subject.txt) to one person once per key.
    Returns whether it went out: not when the kind is switched off, nor when the key was sent before."""
    if not users_wanting_notice(kind, [recipient.pk]):
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice, _created = StaffNotice.objects.select_for_update().get_or_create(
                    key=key, defaults={"recipient": recipient, "kind": kind})
        except IntegrityError:  # another worker inserted it first; wait for its outcome
            notice = StaffNotice.objects.select_for_update().get(key=key)
        if notice.sent_at:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            context = {**context, "recipient": recipient, "site_name": settings.WAGTAIL_SITE_NAME}
            subject = " ".join(render_to_string(f"courses/email/{template}_subject.txt", context).split())
            body = render_to_string(f"courses/email/{template}.txt", context)
        send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [recipient.email])
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
        return True


def course_deciders(course: CoursePage) -> list[User]:
    """Who is told that a request or an essay of the course waits: its trainers, else the administrators."""
    trainers = list(User.objects.filter(is_active=True, course_links__course=course).order_by("pk"))
    return trainers or list(users_with_permission("courses.change_enrolment").order_by("pk"))


def enrolment_request_notify(*, enrolment_id: int) -> int:
    """Tell the deciders that a person asks to enrol (while the request still waits). Returns e-mails sent."""
    enrolment = Enrolment.objects.select_related("user", "user__library", "course").filter(pk=enrolment_id).first()
    if enrolment is None or enrolment.status != Enrolment.Status.REQUESTED:
        return 0
    stamp = enrolment.created_at.strftime("%Y%m%d%H%M%S%f")  # a new request after a withdrawal is a new notice
    context = {"enrolment": enrolment, "learner": enrolment.user, "course": enrolment.course,
               "requests_url": settings.SITE_URL + reverse("courses_enrolment_requests")}
    return sum(staff_notice_send(recipient=decider, kind=Kind.COURSE_REQUESTS,
                                 key=f"course-request:{enrolment.pk}:{stamp}:{decider.pk}",
                                 template="course_request", context=context)
               for decider in course_deciders(enrolment.course))


def essays_waiting(course: CoursePage) -> QuerySet[Attempt]:
    quizzes = QuizPage.objects.descendant_of(course)
    return (Attempt.objects.filter(quiz__in=quizzes, status=Attempt.Status.NEEDS_GRADING)
            .select_related("quiz", "user").order_by("submitted_at", "pk"))


def essays_waiting_notify(*, course_id: int, today: datetime.date | None = None) -> int:
    """Tell each trainer of the course (once a day) which submitted attempts wait for an essay grade."""
    today = today or timezone.localdate()
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return 0
    attempts = list(essays_waiting(course))
    if not attempts:
        return 0
    context = {"course": course, "attempts": attempts, "count": len(attempts),
               "queue_url": settings.SITE_URL + reverse("courses_quiz_essay_queue")}
    return sum(staff_notice_send(recipient=trainer, kind=Kind.ESSAYS_TO_GRADE,
                                 key=f"essays:{course.pk}:{today.isoformat()}:{trainer.pk}",
                                 template="essays_waiting", context=context)
               for trainer in course_deciders(course))


def courses_with_essays_waiting() -> list[int]:
    """Ids of the courses where some attempt waits for an essay grade (for the daily run)."""
    quiz_paths = list(Attempt.objects.filter(status=Attempt.Status.NEEDS_GRADING)
                  .values_list("quiz__path", flat=True).distinct())
    ids = set()
    for course in CoursePage.objects.only("pk", "path", "depth"):
        if any(path.startswith(course.path) for path in quiz_paths):
            ids.add(course.pk)
    return sorted(ids)
