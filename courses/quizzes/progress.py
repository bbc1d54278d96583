"""The quizzes' part in a course's progress (registered with courses.completion when the app is ready): every
required live quiz of the course counts, and is done once the person's grade reaches its pass mark. An optional
quiz is practice and does not count."""

from __future__ import annotations

from courses.completion import Contribution
from courses.models import Attempt, QuizPage
from lms import content_cache

from .services import quiz_passed


def quiz_progress(enrolment) -> Contribution:
    # Which quizzes count is the published course's structure, the same for everyone: kept in the content cache.
    quizzes = content_cache.cached(f"required-quizzes:{enrolment.course_id}", lambda: list(
        QuizPage.objects.live().descendant_of(enrolment.course).filter(is_required=True).only(
            "pk", "is_required", "grading_method", "pass_percent")))
    if not quizzes:
        return Contribution()
    finished: dict[int, list] = {quiz.pk: [] for quiz in quizzes}
    attempts = Attempt.objects.filter(quiz__in=quizzes, user_id=enrolment.user_id, status=Attempt.Status.FINISHED)
    if enrolment.cycle_started_at is not None:  # reopened for recertification: the quizzes are passed anew
        attempts = attempts.filter(started_at__gte=enrolment.cycle_started_at)
    for attempt in attempts.only(
            "pk", "quiz_id", "number", "status", "marks", "max_marks"):
        finished[attempt.quiz_id].append(attempt)
    contribution = Contribution()
    for quiz in quizzes:
        contribution.items[("quiz", quiz.pk)] = True
        if quiz_passed(quiz=quiz, user=enrolment.user, attempts=finished[quiz.pk]):
            contribution.done.add(("quiz", quiz.pk))
    return contribution
