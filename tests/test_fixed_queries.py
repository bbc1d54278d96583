"""lms/fixed_queries.py: SQL built once, the same rows as the ORM's, on SQLite and on PostgreSQL."""

import pytest

from courses import services
from courses.models import Enrolment, LessonCompletion
from lms.fixed_queries import FixedQuery
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied():
    learner = UserFactory()
    course = pages.course(pages.programme())
    lessons = [pages.lesson(course) for _ in range(3)]
    services.enrolment_self(user=learner, course=course)
    for lesson in lessons[:2]:
        services.lesson_complete(user=learner, lesson=lesson)
    return learner, course, lessons


def test_instances_are_the_ones_the_orm_gives(studied, django_assert_num_queries):
    learner, course, _lessons = studied
    query = FixedQuery(lambda user_id, course_id: Enrolment.objects.filter(user_id=user_id, course_id=course_id), 2)
    (fixed,) = query.instances(learner.pk, course.pk)
    orm = Enrolment.objects.get(user=learner, course=course)
    fields = [field.attname for field in Enrolment._meta.concrete_fields]
    assert [getattr(fixed, name) for name in fields] == [getattr(orm, name) for name in fields]
    assert fixed.created_at.tzinfo is not None  # the database's converters ran (SQLite stores text)
    assert not fixed._state.adding and fixed._state.db == "default"
    fixed.progress_percent = 99
    fixed.save(update_fields=["progress_percent"])  # a real model instance
    assert Enrolment.objects.get(pk=orm.pk).progress_percent == 99
    with django_assert_num_queries(1):
        assert query.instances(learner.pk + 1000, course.pk) == []


def test_rows_are_the_ones_the_orm_gives(studied):
    learner, course, lessons = studied
    enrolment = Enrolment.objects.get(user=learner, course=course)
    query = FixedQuery(lambda enrolment_id: LessonCompletion.objects.filter(enrolment_id=enrolment_id)
                       .values_list("lesson_id"), 1)
    assert sorted(query.rows(enrolment.pk)) == sorted(
        LessonCompletion.objects.filter(enrolment=enrolment).values_list("lesson_id"))
    assert {row[0] for row in query.rows(enrolment.pk)} == {lessons[0].pk, lessons[1].pk}


def test_values_must_reach_the_sql_unchanged():
    changed = FixedQuery(lambda pk: Enrolment.objects.filter(pk=pk + 1), 1)
    with pytest.raises(ValueError, match="unchanged"):
        changed.rows(1)
    query = FixedQuery(lambda pk: Enrolment.objects.filter(pk=pk), 1)
    with pytest.raises(TypeError):
        query.rows(1, 2)


def test_constants_of_the_queryset_stay_and_text_values_are_given_as_text(studied):
    """A status list written in the queryset stays as it is; a value compared with a character column reaches the
    SQL as text (the SCORM commit's locks, courses/packages/runtime.py)."""
    learner, course, _lessons = studied
    active = FixedQuery(lambda user_id, course_id: Enrolment.objects.filter(
        user_id=user_id, course_id=course_id, status__in=(Enrolment.Status.ACTIVE, Enrolment.Status.COMPLETED)), 2)
    assert [e.pk for e in active.instances(learner.pk, course.pk)] == [Enrolment.objects.get(user=learner).pk]
    Enrolment.objects.update(status=Enrolment.Status.WITHDRAWN)
    assert active.instances(learner.pk, course.pk) == []
    by_status = FixedQuery(lambda user_id, status: Enrolment.objects.filter(user_id=user_id, status=status), 2)
    assert len(by_status.instances(learner.pk, Enrolment.Status.WITHDRAWN)) == 1
    assert by_status.instances(learner.pk, Enrolment.Status.ACTIVE) == []
