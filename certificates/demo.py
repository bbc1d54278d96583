"""Demo data read across courses and internships.

* The library rating (`rating_demo_seed`): staff in five more libraries of the directory, with courses completed this
  year (marked complete by an administrator: hours and documents follow) and training elsewhere confirmed last year,
  and a few courses completed by the Э(В)БК staff of the internship demo, so that the ranking has a spread worth
  reading.
* Compliance in every colour (`compliance_demo_seed`): the staff who completed their internship also finished the
  mandatory course (marked complete by hand through the service, «обучение по ведомости»), and some of those
  completions were made nearly a year ago and expire soon, so that the compliance report shows green, amber, in
  progress and red.

Everything goes through the services; a second run changes nothing (people who exist are left as they are)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from courses import external
from courses import services as course_services
from courses.models import AssignmentRule, CoursePage, Enrolment
from lms.accounts.models import User
from lms.accounts.services import user_create
from lms.internships.models import Booking
from lms.libraries.models import Library

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


# library code: (people: surname, first name, patronymic, position; courses completed this year per person (by
# index in the programme); academic hours elsewhere last year per person)
RATING_LIBRARIES = {
    "cbs-kemerovo": ([("Алексеева", "Марина", "Ивановна", "главный библиотекарь"),
                      ("Борисова", "Анна", "Сергеевна", "библиограф"),
                      ("Васильева", "Ольга", "Петровна", "библиотекарь")], [(0, 1, 2), (0, 1), (0, 3)], [16, 8, 8]),
    "cbs-prokopyevsk": ([("Григорьева", "Елена", "Олеговна", "методист"),
                         ("Дмитриева", "Наталья", "Юрьевна", "библиотекарь")], [(0,), ()], [24, 24]),
    "cbs-belovo": ([("Ефимова", "Татьяна", "Андреевна", "заведующая отделом"),
                    ("Захарова", "Светлана", "Игоревна", "библиотекарь"),
                    ("Исаева", "Юлия", "Викторовна", "библиограф")], [(0, 2), (1,), (0,)], [0, 0, 8]),
    "cbs-tashtagolsky": ([("Калинина", "Вера", "Николаевна", "библиотекарь"),
                          ("Ларионова", "Ирина", "Михайловна", "заведующая сельской библиотекой")],
                         [(), ()], [16, 8]),
    "mcrb-izhmorsky": ([("Миронова", "Галина", "Степановна", "директор"),
                        ("Носова", "Людмила", "Фёдоровна", "библиотекарь")], [(0, 1, 2, 3), (0, 2)], [8, 0]),
}
# The internship demo's staff (staff01@…): which of them also completed which course this year.
EVBK_COURSES = {1: (0,), 2: (0, 1), 4: (2,), 7: (0,), 9: (0, 3), 13: (1,)}


def _complete(person: User, course: CoursePage, admin: User) -> None:
    if Enrolment.objects.filter(user=person, course=course, status=Enrolment.Status.COMPLETED).exists():
        return
    course_services.enrolment_complete_by_hand(user=person, course=course, actor=admin,
                                               reason="Демонстрационные данные рейтинга библиотек.")


def rating_demo_seed(*, password: str) -> int:
    """Returns how many people were created."""
    admin = User.objects.filter(email="admin@demo.kuzbass-lms.ru").first()
    courses = list(CoursePage.objects.live().order_by("path"))
    if admin is None or len(courses) < 4:
        return 0
    last_year = timezone.localdate().year - 1
    libraries = {lib.code: lib for lib in Library.objects.filter(code__in=RATING_LIBRARIES)}
    created = 0
    number = 0
    for code, (people, completed, elsewhere) in RATING_LIBRARIES.items():
        for (last, first, patronymic, position), course_indexes, hours in zip(people, completed, elsewhere,
                                                                              strict=True):
            number += 1
            email = f"rating{number:02d}@demo.kuzbass-lms.ru"
            if User.objects.filter(email=email).exists() or code not in libraries:
                continue
            person = user_create(email=email, password=password, last_name=last, first_name=first,
                                 patronymic=patronymic, library=libraries[code], position=position)
            created += 1
            for index in course_indexes:
                _complete(person, courses[index], admin)
            if hours:
                entry = external.external_training_record(
                    person=person, actor=admin, title="Семинар «Библиотека в цифровой среде»",
                    organisation="Кузбасский институт повышения квалификации", academic_hours=hours,
                    starts_on=datetime.date(last_year, 1, 12), ends_on=datetime.date(last_year, 1, 14))
                external.external_training_confirm(entry=entry, actor=admin)
    for index, course_indexes in EVBK_COURSES.items():
        person = User.objects.filter(email=f"staff{index:02d}@demo.kuzbass-lms.ru").first()
        if person is None:
            continue
        for course_index in course_indexes:
            _complete(person, courses[course_index], admin)
    return created
