"""The certificates of completed courses and the notes of completed internships, numbered as the registry numbers
them, with the facts the certificate services freeze (no PDF: the worker renders it on demand)."""

from __future__ import annotations

import datetime
import secrets

from django.utils import timezone

from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from certificates.russian import decline_full_name, format_date_ru, format_period_ru, hours_phrase
from certificates.services import NUMBER_PREFIX
from courses.models import Enrolment, ProgrammePage
from lms.accounts.models import User
from lms.internships.models import Booking

from .records import Plan
from .writing import bulk


def _templates() -> dict[str, CertificateTemplate]:
    from ..demo_courses import _certificate_templates

    _certificate_templates()
    return {kind: (CertificateTemplate.objects.filter(kind=kind, is_default=True).first()
                   or CertificateTemplate.objects.filter(kind=kind).first())
            for kind in CertificateTemplate.Kind.values}


def _facts(user: User, title: str, programme: str, hours: int, start: datetime.date, end: datetime.date,
           period_word: str) -> dict:
    """The facts the certificate services freeze (`_course_facts`, `_internship_facts`)."""
    return {
        "full_name": user.full_name,
        "name_dative": decline_full_name(user.last_name, user.first_name, user.patronymic, case="dative"),
        "library": user.library.name if user.library_id else "", "position": user.position,
        "course": title, "programme": programme, "hours": hours, "hours_phrase": hours_phrase(hours),
        "date_from": start.isoformat(), "date_to": end.isoformat(),
        "period_text": f"{period_word} " + format_period_ru(start, end),
    }


def certificates_write(plans: list[Plan], programme: ProgrammePage, bookings: list[Booking]) -> int:
    templates = _templates()
    pending = []  # (issued_at, user, course, booking, template, facts)
    for plan in plans:
        if plan.status != Enrolment.Status.COMPLETED:
            continue
        course, enrolment = plan.tree.course, plan.enrolment
        pending.append((enrolment.completed_at + datetime.timedelta(minutes=1), plan.user, course, None,
                        templates[course.certificate_kind], _facts(
                            plan.user, course.title, programme.title, course.academic_hours,
                            timezone.localdate(enrolment.created_at), timezone.localdate(enrolment.completed_at),
                            "обучение")))
    for booking in bookings:
        if booking.status != Booking.Status.COMPLETED:
            continue
        session, topic = booking.session, booking.session.topic
        pending.append((booking.completed_at + datetime.timedelta(minutes=1), booking.user, None, booking,
                        templates[CertificateTemplate.Kind.INTERNSHIP], _facts(
                            booking.user, topic.title, "Стажировка в ОНБ им. В.Д. Федорова, " + topic.host_department,
                            topic.academic_hours, session.start_date, session.end_date, "стажировка")))
    pending.sort(key=lambda item: item[0])
    counters = {c.year: c for c in RegistryCounter.objects.select_for_update().all()}
    certificates = []
    for issued_at, user, course, booking, template, facts in pending:
        year = timezone.localdate(issued_at).year
        counter = counters.setdefault(year, RegistryCounter(year=year, last_number=0))
        counter.last_number += 1
        number = f"{NUMBER_PREFIX}-{year}-{counter.last_number:05d}"
        certificates.append(Certificate(
            number=number, year=year, sequence=counter.last_number, code=secrets.token_urlsafe(24), user=user,
            course=course, internship=booking, template=template, issued_at=issued_at, notified_at=issued_at,
            facts={**facts, "number": number, "issued_on": format_date_ru(timezone.localdate(issued_at)),
                   "issuer": template.issuer},
        ))
    bulk(Certificate, certificates, 1000)
    for counter in counters.values():
        counter.save()
    return len(certificates)
