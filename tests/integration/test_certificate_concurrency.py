"""Races of certificates that PostgreSQL has to settle: the same completion triggering the issue many times at once,
and many people issued at once taking registry numbers.

Each call runs in a thread of its own, with its own database connection (closed when the thread ends); the threads
are released together by a barrier. Tasks run eagerly (the root conftest): the PDF is rendered and the e-mail sent
in the thread that committed, into a temporary MEDIA_ROOT and mail.outbox.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from certificates.tasks import issue_course_certificate_task
from courses import services as course_services
from courses.models import Enrolment
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.helpers import run_at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NUMBER = re.compile(r"^ОНБ-(?P<year>\d{4})-(?P<sequence>\d{5})$")


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def completed_people(count: int, wagtail_tree) -> tuple[list, object]:
    """`count` people who completed one course, with no certificate yet: the template is created only afterwards,
    so the issue that completion triggers finds none and leaves the completion standing (as in production when
    a course's template is missing)."""
    course = pages.course(pages.programme(), title="Библиотечное обслуживание людей с ОВЗ", academic_hours=24)
    lesson = pages.lesson(course)
    people = [UserFactory(last_name="Кузнецова", first_name="Елена", patronymic="Петровна",
                          email=f"reader{i}@example.org") for i in range(count)]
    for person in people:
        course_services.enrolment_self(user=person, course=course)
        course_services.lesson_complete(user=person, lesson=lesson)
    assert Certificate.objects.count() == 0
    assert Enrolment.objects.filter(course=course, status=Enrolment.Status.COMPLETED).count() == count
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    mail.outbox.clear()
    return people, course


def test_ten_triggers_at_once_give_one_certificate_and_take_one_number(wagtail_tree, monkeypatch):
    assert connection.vendor == "postgresql"
    (learner,), course = completed_people(1, wagtail_tree)
    numbers_taken = []
    take_number = services._next_number
    monkeypatch.setattr(services, "_next_number", lambda year: numbers_taken.append(year) or take_number(year))
    enrolment = Enrolment.objects.get(user=learner, course=course)

    def trigger(i: int):
        # half call the service (an administrator's «issue»), half run the task as a worker would (completion)
        if i % 2:
            return services.certificate_issue(user=learner, course=course)
        return issue_course_certificate_task(enrolment.pk)

    outcomes = run_at_once(10, trigger)

    certificate = Certificate.objects.get(user=learner, course=course)  # one row at all, not only one valid
    unexpected = [o for o in outcomes if not (o == certificate.pk or (isinstance(o, Certificate)
                                                                       and o.pk == certificate.pk))]
    assert unexpected == [], f"calls that did not give the one certificate: {outcomes!r}"
    assert certificate.status == Certificate.Status.VALID
    # The threads really raced: several got past the check for an existing certificate and took a number, and the
    # database's constraint turned all but one away; their numbers were rolled back: the registry has number 1
    # and nothing after it.
    assert len(numbers_taken) >= 2, "no two calls raced to the constraint"
    assert (certificate.sequence, RegistryCounter.objects.get().last_number) == (1, 1)
    assert NUMBER.match(certificate.number)["sequence"] == "00001"
    # rendered once and the holder e-mailed once, by whichever thread committed
    assert certificate.pdf and certificate.pdf.read().startswith(b"%PDF-")
    assert [m.to for m in mail.outbox] == [[learner.email]]


def test_many_people_at_once_get_gapless_unique_numbers(wagtail_tree):
    people, course = completed_people(15, wagtail_tree)
    year = timezone.localdate().year

    # every person's completion triggers twice at once (the task and an administrator), 30 threads in all
    outcomes = run_at_once(30, lambda i: services.certificate_issue(user=people[i // 2], course=course))

    assert [o for o in outcomes if not isinstance(o, Certificate)] == [], outcomes
    certificates = list(Certificate.objects.order_by("sequence"))
    assert len(certificates) == 15
    assert sorted(c.user_id for c in certificates) == sorted(p.pk for p in people)  # one each
    assert {c.status for c in certificates} == {Certificate.Status.VALID}
    # both calls of one person got that person's certificate
    for i, outcome in enumerate(outcomes):
        assert outcome.user_id == people[i // 2].pk
    sequences = [c.sequence for c in certificates]
    assert sequences == list(range(1, 16)), sequences  # no gaps, no duplicates
    numbers = [c.number for c in certificates]
    assert len(set(numbers)) == 15
    assert all(NUMBER.match(n) and int(NUMBER.match(n)["sequence"]) == c.sequence and int(NUMBER.match(n)["year"])
               == year for n, c in zip(numbers, certificates))
    assert RegistryCounter.objects.get(year=year).last_number == 15
    assert len(mail.outbox) == 15 and all(c.pdf for c in certificates)


def test_reissues_racing_with_issues_keep_the_registry_gapless(wagtail_tree):
    """A bulk reissue by an administrator while new certificates are being issued: the numbers of both interleave
    without gaps, and each person keeps exactly one valid certificate."""
    people, course = completed_people(10, wagtail_tree)
    first_five = [services.certificate_issue(user=person, course=course) for person in people[:5]]
    admin = UserFactory(email="admin@example.org")

    def call(i: int):
        if i == 0:
            return services.certificate_reissue_many(certificate_ids=[c.pk for c in first_five], actor=admin)
        return services.certificate_issue(user=people[4 + i], course=course)

    outcomes = run_at_once(6, call)

    assert isinstance(outcomes[0], list) and len(outcomes[0]) == 5, outcomes[0]
    assert all(isinstance(o, Certificate) for o in outcomes[1:]), outcomes
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == list(range(1, 16))
    for person in people:
        assert Certificate.objects.filter(user=person, status=Certificate.Status.VALID).count() == 1
    assert Certificate.objects.filter(status=Certificate.Status.REPLACED).count() == 5
