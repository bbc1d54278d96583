"""What a quiz page shows the person looking at it: their attempts, the one in progress, their grade and the
attempts left. The quiz page model calls this (pages never import views)."""

from __future__ import annotations

from courses.models import Attempt, QuizPage

from . import selectors
from . import services as quiz_rules


def quiz_context(request, quiz: QuizPage) -> dict:
    attempts = selectors.quiz_attempts_of(quiz, request.user)
    in_progress = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    # After a reopening for recertification the grade and the attempts left are those of the new cycle.
    current = selectors.current_cycle_attempts(attempts)
    used = len(current)
    return {
        "attempts": attempts,
        "in_progress": in_progress,
        "grade": quiz_rules.quiz_grade(quiz=quiz, user=request.user, attempts=current) if current else None,
        "attempts_left": (max(quiz.attempts_allowed - used, 0) if quiz.attempts_allowed else None),
    }
