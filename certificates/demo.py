"""Demo compliance in every colour: the staff who completed their internship also finished the mandatory course
(marked complete by hand through the service, «обучение по ведомости»), and some of those completions were made
nearly a year ago and expire soon, so that the compliance report shows green, amber, in progress and red.
A second run changes nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from courses import services as course_services
from courses.models import AssignmentRule, Enrolment
from lms.accounts.models import User
from lms.internships.models import Booking

REASON = "Курс пройден очно в ОНБ, ведомость № 12."
# Completions made earlier (days ago) and valid for a year: the first two fall inside the course's recertification
# window (amber, «истекает»), the third does not (green).
BACKDATED = (330, 300, 40)


@transaction.atomic
def compliance_demo_seed() -> int:
    admin = User.objects.filter(email="admin@demo.kuzbass-lms.ru").first()
    rule = AssignmentRule.objects.filter(is_active=True, evbk_only=True).select_related("course").order_by("pk").first()
    if admin is None or rule is None:
        return 0
    done_internship = list(User.objects.filter(pk__in=Booking.objects.filter(status=Booking.Status.COMPLETED)
                                               .values("user_id")).order_by("email"))
    finished = set(Enrolment.objects.filter(course=rule.course, status=Enrolment.Status.COMPLETED)
                   .values_list("user_id", flat=True))
    changed = 0
    for person in done_internship[:6]:
        if person.pk in finished:
            continue
        course_services.enrolment_complete_by_hand(user=person, course=rule.course, actor=admin, reason=REASON)
        changed += 1
    if changed:
        # History: when those people studied. Recertification (Enrolment.valid_until) stamps a year's validity on
        # a completion of a course that expires; these completions happened before the demo was built.
        today = timezone.localdate()
        for person, days_ago in zip(done_internship, BACKDATED, strict=False):
            completed = today - datetime.timedelta(days=days_ago)
            Enrolment.objects.filter(user=person, course=rule.course).update(
                completed_at=timezone.make_aware(datetime.datetime.combine(completed, datetime.time(12))),
                valid_until=completed + datetime.timedelta(days=365))
    return changed
