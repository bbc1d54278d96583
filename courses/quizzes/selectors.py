"""Reads for the quiz pages and the quiz screens of the admin, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Subquery

from courses.models import Attempt, CoursePage, Enrolment, Question, QuestionCategory
from courses.selectors import courses_managed_by
from lms import content_cache
from lms.accounts.models import User

# --- Quiz pages for learners ----------------------------------------------------------------------------------------

def quiz_attempts_of(quiz, user: User) -> list:
    """The person's attempts of the quiz in order, for the quiz page (its table, grade and buttons): one query."""

    if not user.is_authenticated:
        return []
    # The frozen questions and the answers are not shown here and can be large: they are left out. Each attempt
    # carries when the person's current cycle of the course opened (recertification), in the same query.
    course_paths = [quiz.path[:length] for length in range(quiz.steplen, len(quiz.path), quiz.steplen)]
    cycle_start = (Enrolment.objects.filter(user=user, course__path__in=course_paths)
                   .values("cycle_started_at")[:1])
    return list(Attempt.objects.filter(quiz=quiz, user=user).defer("questions", "answers", "grades")
                .annotate(cycle_started_at=Subquery(cycle_start)).order_by("number"))


def current_cycle_attempts(attempts: list) -> list:
    """Of the attempts from quiz_attempts_of, those of the course's current cycle (all of them unless the course
    was reopened for recertification)."""
    return [a for a in attempts if a.cycle_started_at is None or a.started_at >= a.cycle_started_at]


def learner_attempt(user: User, attempt_id: int):
    """One of the person's own attempts with its quiz (one query); another person's attempt is not found."""

    return Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=user).first()


def managed_attempt(user: User, attempt_id: int):
    """A submitted attempt of a quiz in a course the user manages (a trainer of it, an administrator), with its quiz
    and learner, for reviewing it in full; otherwise None. A fixed number of queries."""

    return attempts_managed_by(user).filter(pk=attempt_id).first()


def quiz_feedback_bands(quiz) -> list:
    """The quiz's overall feedback by grade boundaries: part of the published quiz (edited with it, so publishing
    starts a new content generation), kept in the content cache (one query when it is not there)."""

    from .models import QuizFeedbackBand

    return content_cache.cached(f"quiz-feedback-bands:{quiz.pk}", lambda: list(
        QuizFeedbackBand.objects.filter(quiz=quiz).order_by("min_percent", "sort_order")))


# --- Quiz admin screens: the question bank and the essay grading queue --------------------------------------------

def question_bank_category_paths(course: CoursePage) -> dict[int, str]:
    """Every category of the course's bank with its path («top/Раздел/Тема»), in one query."""

    rows = {pk: (parent_id, name) for pk, parent_id, name in
            QuestionCategory.objects.filter(course=course).values_list("pk", "parent_id", "name")}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        if pk not in paths:
            parent_id, name = rows[pk]
            paths[pk] = f"{path_of(parent_id)}/{name}" if parent_id in rows else name
        return paths[pk]

    for pk in rows:
        path_of(pk)
    return dict(sorted(paths.items(), key=lambda item: item[1].casefold()))


def question_bank_questions(course: CoursePage, *, category_ids=None) -> QuerySet:
    """The current versions of the course's questions, optionally of some categories only."""

    questions = Question.objects.filter(category__course=course, is_current=True)
    if category_ids is not None:
        questions = questions.filter(category_id__in=list(category_ids))
    return questions.select_related("category").order_by("category__name", "name", "pk")


def attempts_managed_by(user: User) -> QuerySet:
    """Submitted attempts of the quizzes in the courses the user manages (quizzes lie under their course)."""

    paths = list(courses_managed_by(user).values_list("path", flat=True))
    if not paths:
        return Attempt.objects.none()
    under = Q()
    for path in paths:
        under |= Q(quiz__path__startswith=path)
    return (Attempt.objects.filter(under).exclude(status=Attempt.Status.IN_PROGRESS)
            .select_related("user", "quiz").order_by("submitted_at", "pk"))


def course_titles_by_path(user: User) -> dict[str, str]:
    """The titles of the courses the user manages, by page path (one query), for `course_title_of`."""
    return dict(courses_managed_by(user).values_list("path", "title"))


def course_title_of(titles: dict[str, str], path: str) -> str:
    """The title of the course a quiz (or an attempt's quiz) lies under, by its page path."""
    return next((title for course_path, title in titles.items() if path.startswith(course_path)), "")
