"""The datasets' sizes (S, M, L) and the constants every part of the dataset shares."""

from __future__ import annotations

from dataclasses import dataclass, replace

LOAD_DOMAIN = "load.kuzbass-lms.ru"
LOAD_PASSWORD = "kuzbass-load-2026"
PROGRAMME_SLUG = "kursy"
BATCH = 2000
QUESTIONS_PER_BANK = 15
QUESTIONS_PER_ATTEMPT = 10
ATTEMPTS_ALLOWED = 3
PASS_PERCENT = 70
NOTE_SHARE = 0.15  # of the certificates, the share that are internship notes (справки)


@dataclass(frozen=True)
class LoadSize:
    libraries: int
    staff: int
    courses: int
    lessons_per_course: int
    enrolments: int
    completions: int
    attempts: int
    sessions: int
    certificates: int
    modules_per_course: int = 4
    # Courses with a SCORM 1.2 lesson (one each, in the last module), spread evenly over the courses.
    scorm_courses: int = 0


# S and M give every course its SCORM lesson: the query budgets compare the same kinds of pages at both sizes.
SIZES = {
    "L": LoadSize(libraries=300, staff=5000, courses=100, lessons_per_course=20, enrolments=50_000,
                  completions=300_000, attempts=30_000, sessions=500, certificates=3000, scorm_courses=10),
    "M": LoadSize(libraries=30, staff=600, courses=10, lessons_per_course=20, enrolments=5000,
                  completions=30_000, attempts=3000, sessions=50, certificates=300, scorm_courses=10),
    "S": LoadSize(libraries=10, staff=100, courses=5, lessons_per_course=20, enrolments=500,
                  completions=3000, attempts=300, sessions=5, certificates=30, scorm_courses=5),
}


def size_from(name: str, **overrides) -> LoadSize:
    return replace(SIZES[name], **overrides)
