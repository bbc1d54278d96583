"""A large realistic dataset for load tests and query budgets (`seed_load`), written with bulk inserts.

The services do one person and one record at a time (locks, notices, tasks), which is right for people and far too
slow for 50,000 enrolments. Here the same records are written in batches, computed so that they satisfy what the
services guarantee:

- an enrolment's progress is the share of its course's items (lessons and the required final quiz) that are done,
  counted from its lesson completions and its finished attempts, as `enrolment_progress_refresh` counts it; an
  enrolment whose rule is met is completed and has `completed_at`; nobody studies a course they are not enrolled in;
- attempts carry frozen questions made by the quiz services' own `_freeze` from the course's bank, answers in the
  form the attempt page stores them, and are graded by the services' own `_grade`; numbers run 1, 2, 3 per person
  and quiz, never more than the quiz allows;
- internship bookings are in states reachable through the state machine, with their audit trail; a session never
  has more seat-holding bookings than seats; a person has one active booking per topic and no two overlapping
  sessions; attended and completed bookings have their attendance, completed ones the mentor's evaluation;
- certificates (course certificates and internship notes) have registry numbers without gaps per year, continuing
  the `RegistryCounter`, unique verification codes and frozen facts as the certificate services freeze them. Their
  PDFs are not rendered (that is the worker's job, about 0.1 s each): `pdf` stays empty.

Pages (programme, courses, modules, lessons, quizzes) are Wagtail pages, live and published: the programme and the
courses are added through treebeard (`add_child`, which also indexes them for search); a course's modules, lessons
and quiz are written in bulk with their tree paths computed the way treebeard computes them.

The package, by concern: `sizes` (the S, M, L datasets and the constants), `words` (names and texts), `writing`
(bulk inserts of rows and of Wagtail pages), `people` (libraries and staff), `pages` (programme, courses, modules,
lessons, final quizzes), `quizzes` (question banks and graded attempts), `records` (what each enrolment has done,
and its rows), `scorm` (a SCORM 1.2 package made in code, a SCORM lesson in some courses, and their attempts), `internships` (sessions, bookings, attendance), `certificates` and `seed` (the whole, in one
transaction; the learner the page measurements use).
"""

from .seed import LoadDataExists, LoadResult, busiest_learner, load_data_exists, load_seed
from .sizes import ATTEMPTS_ALLOWED, LOAD_DOMAIN, LOAD_PASSWORD, NOTE_SHARE, PROGRAMME_SLUG, SIZES, LoadSize, size_from

__all__ = ["ATTEMPTS_ALLOWED", "LOAD_DOMAIN", "LOAD_PASSWORD", "NOTE_SHARE", "PROGRAMME_SLUG", "SIZES",
           "LoadDataExists", "LoadResult", "LoadSize", "busiest_learner", "load_data_exists", "load_seed", "size_from"]
