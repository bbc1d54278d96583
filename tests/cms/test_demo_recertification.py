"""The demo's recertification (cms/demo_recertification.py): a course and a topic with validity, a learner with an
expired certificate, one whose certificate expires within 60 days (reopened, with due date); twice changes
nothing."""

import datetime

import pytest
from django.utils import timezone

from certificates.models import Certificate
from cms.demo import demo_seed
from courses.models import CourseCompletion, CoursePage, Enrolment
from lms.internships import compliance
from lms.internships.models import Booking

pytestmark = pytest.mark.django_db


def test_demo_recertification_states_and_idempotence():
    demo_seed()
    today = timezone.localdate()
    course = CoursePage.objects.get(slug="information-culture")
    assert course.validity_months == 36
    by_person = {e.user.email.split("@")[0]: e for e in Enrolment.objects.filter(course=course).select_related("user")}

    valid = by_person["learner2"]
    assert valid.status == "completed" and valid.valid_until > today + datetime.timedelta(days=365)

    expiring = by_person["learner3"]
    assert expiring.status == "active" and expiring.cycle == 2
    assert today < expiring.valid_until <= today + datetime.timedelta(days=60)
    assert expiring.due_date == expiring.valid_until
    assert not Certificate.objects.get(user=expiring.user, course=course).expired

    expired = by_person["learner4"]
    assert expired.status == "active" and expired.is_overdue
    old = Certificate.objects.get(user=expired.user, course=course)
    assert old.expired and old.status == Certificate.Status.VALID
    # issued when the course was completed, numbered in that year's registry: never issued after it expired
    for certificate in (old, Certificate.objects.get(user=expiring.user, course=course)):
        issued_on = timezone.localdate(certificate.issued_at)
        assert issued_on < certificate.valid_until and certificate.number.startswith(f"ОНБ-{issued_on.year}-")
    assert CourseCompletion.objects.filter(course=course).count() == 2

    staff01 = Booking.objects.get(user__email="staff01@demo.kuzbass-lms.ru", status="completed")
    assert today < staff01.valid_until <= today + datetime.timedelta(days=60)
    admin = staff01.user.__class__.objects.get(email="admin@demo.kuzbass-lms.ru")
    standing = {p.user.pk: p.status for p in compliance.compliance_picture(viewer=admin).people}
    assert standing[staff01.user_id] == compliance.EXPIRING

    before = (list(Enrolment.objects.order_by("pk").values_list("pk", "status", "valid_until", "cycle")),
              Certificate.objects.count(), CourseCompletion.objects.count())
    assert demo_seed().changed == 0
    assert (list(Enrolment.objects.order_by("pk").values_list("pk", "status", "valid_until", "cycle")),
            Certificate.objects.count(), CourseCompletion.objects.count()) == before
