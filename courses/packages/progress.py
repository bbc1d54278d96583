"""The SCORM lessons' part in a course's progress (registered with courses.completion when the app is ready): every
live SCORM lesson of the course counts like a lesson (required or not, as the trainer set it), and is done once an
attempt of the current recertification cycle has met the lesson's rule (``ScormAttempt.satisfied_at``)."""

from __future__ import annotations

from courses.completion import Contribution
from courses.models import ScormAttempt, ScormLessonPage
from lms import content_cache


def scorm_progress(enrolment) -> Contribution:
    # Which SCORM lessons the course has is its published structure, the same for everyone: kept in the content cache.
    lessons = content_cache.cached(f"scorm-lessons:{enrolment.course_id}", lambda: list(
        ScormLessonPage.objects.live().descendant_of(enrolment.course).only("pk", "is_required")))
    if not lessons:
        return Contribution()
    satisfied = ScormAttempt.objects.filter(lesson__in=lessons, user_id=enrolment.user_id, satisfied_at__isnull=False)
    if enrolment.cycle_started_at is not None:  # reopened for recertification: the lessons are studied anew
        satisfied = satisfied.filter(started_at__gte=enrolment.cycle_started_at)
    done = set(satisfied.values_list("lesson_id", flat=True))
    contribution = Contribution()
    for lesson in lessons:
        contribution.items[("scorm", lesson.pk)] = lesson.is_required
        if lesson.pk in done:
            contribution.done.add(("scorm", lesson.pk))
    return contribution
