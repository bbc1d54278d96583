"""The demo's training outside the platform: one confirmed (its hours count), one waiting for an administrator
(recorded by the library head for her staff member) and one rejected with a reason. Through the services; running
it twice changes nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

from courses import external
from courses.models import ExternalTraining
from lms.accounts.models import User

# (person, recorded by, title, organisation, hours, started days ago, lasted days, decision, reason)
DEMO_EXTERNAL = [
    ("learner2@demo.kuzbass-lms.ru", "learner2@demo.kuzbass-lms.ru",
     "Вебинар «Библиотека как третье место: практики регионов»", "Российская государственная библиотека", 4,
     40, 1, "confirm", ""),
    ("learner@demo.kuzbass-lms.ru", "head@demo.kuzbass-lms.ru",
     "Семинар «Краеведческие фонды муниципальных библиотек»", "Кемеровский государственный институт культуры", 16,
     21, 3, "", ""),
    ("learner3@demo.kuzbass-lms.ru", "learner3@demo.kuzbass-lms.ru",
     "Курсы повышения квалификации «Работа с детской аудиторией»", "Центр дополнительного образования", 36,
     60, 5, "reject",
     "Приложите, пожалуйста, скан удостоверения: без него часы не засчитываются."),
]


def external_training_demo_seed() -> int:
    people = {user.email: user for user in User.objects.filter(
        email__in={row[0] for row in DEMO_EXTERNAL} | {row[1] for row in DEMO_EXTERNAL} | {"admin@demo.kuzbass-lms.ru"})}
    administrator = people.get("admin@demo.kuzbass-lms.ru")
    today = timezone.localdate()
    created = 0
    for email, actor, title, organisation, hours, ago, days, decision, reason in DEMO_EXTERNAL:
        person = people.get(email)
        if person is None or ExternalTraining.objects.filter(user=person, title=title).exists():
            continue
        starts = today - datetime.timedelta(days=ago)
        entry = external.external_training_record(
            person=person, actor=people[actor], title=title, organisation=organisation, academic_hours=hours,
            starts_on=starts, ends_on=starts + datetime.timedelta(days=days - 1))
        if decision == "confirm":
            external.external_training_confirm(entry=entry, actor=administrator)
        elif decision == "reject":
            external.external_training_reject(entry=entry, actor=administrator, reason=reason)
        created += 1
    return created
