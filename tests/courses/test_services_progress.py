import pytest
from django.core import mail

from courses import services
from courses.models import CoursePage, Enrolment, LessonCompletion
from courses.signals import course_completed
from tests.factories import courses as pages

Status = Enrolment.Status


@pytest.fixture
def course_with_lessons(db):
    course = pages.course()
    first = pages.module(course)
    lessons = [pages.lesson(first), pages.lesson(first)]
    second = pages.module(course)
    lessons += [pages.lesson(second), pages.lesson(second, required=False)]
    return course, lessons


@pytest.fixture
def completions():
    received = []

    def receiver(sender, enrolment_id, **kwargs):
        received.append(enrolment_id)

    course_completed.connect(receiver)
    yield received
    course_completed.disconnect(receiver)


def test_progress_and_completion_by_required_lessons(learner, course_with_lessons, completions,
                                                     django_capture_on_commit_callbacks):
    course, lessons = course_with_lessons
    services.enrolment_self(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = services.lesson_complete(user=learner, lesson=lessons[0])
        assert enrolment.progress_percent == 25 and enrolment.status == Status.ACTIVE
        services.lesson_complete(user=learner, lesson=lessons[0])  # twice: nothing more
        services.lesson_complete(user=learner, lesson=lessons[1])
        enrolment = services.lesson_complete(user=learner, lesson=lessons[2])
    assert enrolment.status == Status.COMPLETED and enrolment.completed_at
    assert enrolment.progress_percent == 75  # the optional lesson is not needed to complete
    assert completions == [enrolment.pk]
    assert LessonCompletion.objects.filter(enrolment=enrolment).count() == 3
    assert "пройден" in mail.outbox[-1].subject.lower()
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=learner, lesson=lessons[3])
    assert completions == [enrolment.pk]  # the signal goes once per completion
    assert Enrolment.objects.get(pk=enrolment.pk).progress_percent == 100


def test_all_lessons_rule(learner, course_with_lessons):
    course, lessons = course_with_lessons
    CoursePage.objects.filter(pk=course.pk).update(completion_rule=CoursePage.CompletionRule.ALL_LESSONS)
    services.enrolment_self(user=learner, course=course)
    for lesson in lessons[:3]:
        enrolment = services.lesson_complete(user=learner, lesson=lesson)
    assert enrolment.status == Status.ACTIVE
    assert services.lesson_complete(user=learner, lesson=lessons[3]).status == Status.COMPLETED


def test_lessons_need_an_enrolment(learner, course_with_lessons):
    _course, lessons = course_with_lessons
    with pytest.raises(services.EnrolmentError):
        services.lesson_complete(user=learner, lesson=lessons[0])


def test_withdrawal_keeps_studied_lessons_for_a_return(learner, course_with_lessons):
    course, lessons = course_with_lessons
    enrolment = services.enrolment_self(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=lessons[0])
    services.enrolment_withdraw(enrolment=enrolment, actor=learner)
    back = services.enrolment_self(user=learner, course=course)
    assert back.status == Status.ACTIVE and back.progress_percent == 25


def test_progress_is_recounted_when_lessons_are_added(learner, course_with_lessons,
                                                      django_capture_on_commit_callbacks):
    course, lessons = course_with_lessons
    services.enrolment_self(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=lessons[0])
    new_lesson = pages.lesson(course, live=False)
    with django_capture_on_commit_callbacks(execute=True):
        new_lesson.save_revision().publish()
    assert Enrolment.objects.get(user=learner).progress_percent == 20


def test_visiting_a_lesson_remembers_where_the_learner_stopped(learner, course_with_lessons):
    course, lessons = course_with_lessons
    services.enrolment_self(user=learner, course=course)
    services.lesson_visit(user=learner, lesson=lessons[2], course=course)
    assert Enrolment.objects.get(user=learner).last_lesson_id == lessons[2].pk


def _course_with_required_quizzes(learner, count: int, *, passed: int):
    """A course of two lessons and `count` required quizzes; the learner has two finished attempts of each, and
    passed the first `passed` quizzes (a pass mark of 60 %: one attempt at 80 %, the other at 20 %)."""
    from courses.models import Attempt, QuizPage

    course = pages.course()
    pages.lesson(course), pages.lesson(course)
    enrolment = services.enrolment_self(user=learner, course=course)
    for number in range(count):
        quiz = QuizPage(title=f"Тест {number}", slug=f"quiz-{number}", live=True, is_required=True, pass_percent=60)
        course.add_child(instance=quiz)
        best = 8 if number < passed else 5
        for attempt_number, marks in ((1, 2), (2, best)):
            Attempt.objects.create(quiz=quiz, user=learner, number=attempt_number, status=Attempt.Status.FINISHED,
                                   marks=marks, max_marks=10)
    return Enrolment.objects.select_related("course").get(pk=enrolment.pk)


def test_progress_counts_passed_quizzes_with_the_same_queries_for_any_number_of_quizzes(learner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for count, passed in ((1, 1), (3, 2)):
        enrolment = _course_with_required_quizzes(learner, count, passed=passed)
        with CaptureQueriesContext(connection) as queries:
            services.enrolment_progress_refresh(enrolment=enrolment)
        counts[count] = len(queries)
        assert enrolment.progress_percent == round(100 * passed / (2 + count))  # two lessons not studied yet
    assert counts[1] == counts[3], counts
