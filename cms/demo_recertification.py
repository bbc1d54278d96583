"""Demo recertification: «Основы информационной культуры личности» is valid for three years and the internship
topic «Виртуальная справочная служба библиотеки» for two (lms/internships/demo.py). learner2 finishes the course
now (a certificate valid for three years); learner3 completed it almost three years ago and it expires within
60 days (reopened, the expiry as due date); learner4 completed it more than three years ago and it expired (reopened
and overdue; the old certificate says «Срок действия истёк»). staff01's internship expires within the topic's window
(«истекает» in the compliance picture).

Everything goes through the services; only the moment of the old completions is moved back in time (as a demo
needs), before the daily job's rule reopens them. Runs once: a second run changes nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses import recertification
from courses import services as course_services
from courses.models import CoursePage, Enrolment
from lms.accounts.models import User
from lms.dates import add_months
from lms.internships.models import Booking, Topic

COURSE_SLUG = "information-culture"
VALIDITY_MONTHS = 36
TOPIC_TITLE = "Виртуальная справочная служба библиотеки"


def _study_all(user: User, course: CoursePage) -> Enrolment:
    course_services.enrolment_self(user=user, course=course)
    for lesson in course_services.course_lessons(course):
        course_services.lesson_complete(user=user, lesson=lesson)
    return Enrolment.objects.get(user=user, course=course)


def _moved_back(enrolment: Enrolment, valid_until: datetime.date) -> None:
    """The completion (and its document) as if it had happened VALIDITY_MONTHS before `valid_until`."""
    completed_on = add_months(valid_until, -VALIDITY_MONTHS)
    moment = timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(11, 0)))
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=moment, valid_until=valid_until,
                                                     created_at=moment - datetime.timedelta(days=20))
    certificate = certificate_issue(user=enrolment.user, course=enrolment.course, issued_at=moment)
    facts = {**certificate.facts, "valid_until": valid_until.isoformat(), "date_to": completed_on.isoformat()}
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=valid_until, facts=facts, pdf="")


def recertification_demo_seed() -> int:
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.kuzbass-lms.ru")}
    if course is None or not {"learner2", "learner3", "learner4"} <= set(people):
        return 0
    if Enrolment.objects.filter(user=people["learner4"], course=course).exists():
        return 0  # done before
    changed = 0
    if course.validity_months is None:
        revision = course.specific
        revision.validity_months, revision.recertification_window_days = VALIDITY_MONTHS, 90
        revision.save_revision().publish()
        course = CoursePage.objects.get(pk=course.pk)
        changed += 1
    today = timezone.localdate()
    _study_all(people["learner2"], course)  # valid for three years from today
    _moved_back(_study_all(people["learner3"], course), today + datetime.timedelta(days=45))
    _moved_back(_study_all(people["learner4"], course), today - datetime.timedelta(days=20))
    changed += 3 + recertification.enrolments_reopen_due(today=today)

    # An internship about to expire: within the topic's window, not yet booked again.
    topic = Topic.objects.filter(title=TOPIC_TITLE, validity_months__isnull=False).first()
    booking = (Booking.objects.filter(topic=topic, status=Booking.Status.COMPLETED,
                                      user__email="staff01@demo.kuzbass-lms.ru").first() if topic else None)
    if booking is not None:
        until = today + datetime.timedelta(days=40)
        Booking.objects.filter(pk=booking.pk).update(valid_until=until)
        for certificate in Certificate.objects.filter(internship=booking):
            Certificate.objects.filter(pk=certificate.pk).update(
                valid_until=until, facts={**certificate.facts, "valid_until": until.isoformat()}, pdf="")
        changed += 1
    return changed
