"""The whole dataset in one transaction (`load_seed`), and the learner whose pages the measurements use."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from courses.models import Attempt, Enrolment, ProgrammePage
from lms.accounts.models import User
from lms.libraries.models import Library

from .certificates import certificates_write
from .internships import internships_write
from .pages import home_ensure, pages_write
from .people import libraries_write, people_write
from .records import plans_make, records_write
from .scorm import scorm_lessons_write, scorm_records_write
from .sizes import LOAD_DOMAIN, LOAD_PASSWORD, NOTE_SHARE, PROGRAMME_SLUG, LoadSize


class LoadDataExists(Exception):
    """The dataset is there already; the message is Russian."""


@dataclass
class LoadResult:
    counts: dict[str, int]
    timings: list[tuple[str, float]]
    admin_email: str
    learner_email: str
    password: str = LOAD_PASSWORD
    programme_url: str = ""


class _Clock:
    def __init__(self, log):
        self.timings: list[tuple[str, float]] = []
        self.started = time.monotonic()
        self.last = self.started
        self.log = log

    def lap(self, name: str) -> None:
        now = time.monotonic()
        self.timings.append((name, now - self.last))
        self.log(f"  {name}: {now - self.last:.1f} с")
        self.last = now


def load_data_exists() -> bool:
    return (User.objects.filter(email__endswith="@" + LOAD_DOMAIN).exists()
            or ProgrammePage.objects.filter(slug=PROGRAMME_SLUG).exists())


def load_seed(size: LoadSize, *, seed: int = 2026, log=lambda message: None) -> LoadResult:
    """Build the dataset, all of it or nothing (one transaction). Refuses when it is there already."""
    if load_data_exists():
        raise LoadDataExists(
            "Нагрузочные данные уже созданы в этой базе (есть учётные записи @%s). Повторный запуск ничего не "
            "меняет; для нового набора возьмите чистую базу." % LOAD_DOMAIN)
    rng = random.Random(seed)
    now = timezone.now()
    clock = _Clock(log)
    with transaction.atomic():
        home = home_ensure()
        libraries = libraries_write(size, rng)
        clock.lap("библиотеки")
        admin, trainer, staff = people_write(size, libraries, rng, now)
        clock.lap("сотрудники")
        programme, trees = pages_write(size, home, rng, now, trainer)
        scorm_lessons_write(size, trees, trainer, now)
        clock.lap("страницы курсов")
        plans = plans_make(size, staff, trees, rng, now)
        counts = records_write(plans, rng, now)
        counts["scorm attempts"] = scorm_records_write(plans, rng, now)
        clock.lap("зачисления, уроки, попытки")
        note_target = round(size.certificates * NOTE_SHARE)
        bookings = internships_write(size, staff, admin, trainer, rng, now, note_target)
        clock.lap("стажировки")
        certificates = certificates_write(plans, programme, bookings)
        clock.lap("сертификаты")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        clock.lap("ANALYZE")
    learner = staff[0]
    counts.update({
        "libraries": Library.objects.count(), "staff": len(staff), "courses": len(trees),
        "lessons": sum(len(t.lessons) for t in trees), "scorm lessons": sum(1 for t in trees if t.scorm),
        "sessions": size.sessions,
        "bookings": len(bookings), "certificates": certificates,
    })
    clock.timings.append(("всего", time.monotonic() - clock.started))
    return LoadResult(counts=counts, timings=clock.timings, admin_email=admin.email, learner_email=learner.email,
                      programme_url=programme.url or "")


def busiest_learner() -> Enrolment:
    """In a loaded dataset, the enrolment of a learner in the middle of a course (lessons studied, an attempt
    left), preferring one under the internship requirement and then one with the most enrolments: the person whose
    pages have the most to show. The query budgets and `bench/load_pages.py` measure the pages as this person."""
    from lms.internships.compliance import person_standing

    candidates = (Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, progress_percent__gt=0,
                                           user__email__endswith="@" + LOAD_DOMAIN)
                  .select_related("user", "course").order_by("-progress_percent", "pk"))
    best = None
    for enrolment in candidates[:200]:
        if Attempt.objects.filter(user=enrolment.user, quiz__path__startswith=enrolment.course.path).count() >= 3:
            continue
        # under the internship requirement too, so that «Моё обучение» shows the person's standing
        under_requirement = person_standing(enrolment.user) is not None
        count = Enrolment.objects.filter(user=enrolment.user).count()
        if best is None or (under_requirement, count) > best[0]:
            best = ((under_requirement, count), enrolment)
    if best is None:
        raise LookupError("the dataset has no learner in the middle of a course")
    return best[1]
