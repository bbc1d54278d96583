"""The one rule of academic hours (courses/hours.py): what counts, in which year (Kemerovo time), the programme's
quota, and the bulk read for reports in one query."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses import hours
from courses.models import Enrolment, ProgrammePage
from lms.internships.models import Booking
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
KEMEROVO = ZoneInfo("Asia/Novokuznetsk")
Status = Enrolment.Status


def completed_course(user, hours_, at, *, status=Status.COMPLETED, programme=None):
    course = pages.course(programme, academic_hours=hours_)
    return Enrolment.objects.create(user=user, course=course, source=Enrolment.Source.SELF, status=status,
                                    completed_at=at)


def internship(user, hours_, at, *, status=Booking.Status.COMPLETED):
    session = SessionFactory(topic=TopicFactory(academic_hours=hours_))
    return Booking.objects.create(user=user, session=session, topic=session.topic, status=status, completed_at=at)


def test_courses_and_internships_count_in_the_year_of_completion():
    person = UserFactory()
    completed_course(person, 18, datetime.datetime(2026, 3, 5, 10, tzinfo=UTC))
    completed_course(person, 8, datetime.datetime(2025, 6, 1, 10, tzinfo=UTC))
    internship(person, 16, datetime.datetime(2026, 10, 2, 5, tzinfo=UTC))
    assert hours.hours_by_year(person) == {2026: 34, 2025: 8}
    entries = hours.hours_entries(person)
    assert [(e.kind, e.hours, e.completed_on) for e in entries] == [
        ("course", 8, datetime.date(2025, 6, 1)), ("course", 18, datetime.date(2026, 3, 5)),
        ("internship", 16, datetime.date(2026, 10, 2))]


def test_the_year_boundary_is_kemerovo_midnight_not_utc():
    person = UserFactory()
    # 23:30 on 31 December in Kemerovo (16:30 UTC): the old year; 00:30 on 1 January there (17:30 UTC, still
    # 31 December in UTC): the new year.
    completed_course(person, 8, datetime.datetime(2025, 12, 31, 23, 30, tzinfo=KEMEROVO))
    completed_course(person, 16, datetime.datetime(2025, 12, 31, 17, 30, tzinfo=UTC))
    internship(person, 24, datetime.datetime(2026, 12, 31, 23, 59, tzinfo=KEMEROVO))
    with timezone.override("UTC"):  # whatever zone a request activated, the year is Kemerovo's
        assert hours.hours_by_year(person) == {2025: 8, 2026: 40}
        assert [e.completed_on for e in hours.hours_entries(person)] == [
            datetime.date(2025, 12, 31), datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)]
    from lms.accounts.models import User
    assert User.objects.annotate(h=hours.hours_since(2026)).get(pk=person.pk).h == 40
    assert User.objects.annotate(h=hours.hours_since(2025)).get(pk=person.pk).h == 48


@pytest.mark.parametrize("status", [Status.REQUESTED, Status.ACTIVE, Status.WITHDRAWN, Status.REJECTED])
def test_a_course_not_completed_gives_no_hours(status):
    person = UserFactory()
    # Even with a completion moment left on the row (a withdrawn course keeps what was studied).
    completed_course(person, 18, timezone.now(), status=status)
    assert hours.hours_by_year(person) == {} and hours.hours_entries(person) == []


@pytest.mark.parametrize("status", [Booking.Status.APPROVED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW,
                                    Booking.Status.CANCELLED])
def test_an_internship_not_completed_gives_no_hours(status):
    person = UserFactory()
    internship(person, 16, timezone.now(), status=status)
    assert hours.hours_by_year(person) == {}


def test_a_completion_without_its_moment_cannot_be_placed_and_is_left_out():
    person = UserFactory()
    completed_course(person, 18, None)
    internship(person, 16, None)
    assert hours.hours_by_year(person) == {} and hours.hours_entries(person) == []


def test_the_quota_counts_the_programme_s_calendar_years_up_to_today():
    person = UserFactory()
    programme = pages.programme(expected_hours=72, period_years=3)
    for year, amount in ((2023, 36), (2024, 8), (2026, 16)):
        completed_course(person, amount, datetime.datetime(year, 5, 5, tzinfo=KEMEROVO), programme=programme)
    by_year = hours.hours_by_year(person)
    quota = hours.hours_quota(by_year, programme, today=datetime.date(2026, 12, 3))
    assert (quota.earned, quota.expected, quota.first_year, quota.last_year, quota.remaining) == (24, 72, 2024, 2026,
                                                                                                  48)
    assert quota.period_start == datetime.date(2024, 1, 1)
    ProgrammePage.objects.filter(pk=programme.pk).update(period_years=1, expected_hours=10)
    programme.refresh_from_db()
    one_year = hours.hours_quota(by_year, programme, today=datetime.date(2026, 12, 3))
    assert (one_year.earned, one_year.first_year, one_year.remaining) == (16, 2026, 0)
    assert hours.hours_quota(by_year, None) is None


def test_the_bulk_read_gives_each_person_s_figures_in_one_query():
    people = [UserFactory() for _ in range(3)]
    for number, person in enumerate(people):
        completed_course(person, 8 * (number + 1), datetime.datetime(2026, 2, 2, tzinfo=KEMEROVO))
        internship(person, 16, datetime.datetime(2025, 2, 2, tzinfo=KEMEROVO))
    nobody = UserFactory()

    def read(ids):
        with CaptureQueriesContext(connection) as queries:
            result = hours.hours_by_year_for(ids)
        return result, len(queries)

    _few, few_queries = read([people[0].pk])
    many, many_queries = read([p.pk for p in people] + [nobody.pk])
    assert few_queries == many_queries == 1
    assert many == {p.pk: hours.hours_by_year(p) for p in people}
    assert many[people[2].pk] == {2026: 24, 2025: 16} and nobody.pk not in many
    assert hours.hours_by_year(nobody) == {}  # one person: the SQL built once (lms/fixed_queries.py)
    assert hours.hours_by_year_for([]) == {}
    from lms.accounts.models import User
    with CaptureQueriesContext(connection) as queries:
        assert hours.hours_by_year_for(User.objects.filter(pk__in=[p.pk for p in people]).values("pk")) == many
    assert len(queries) == 1


@pytest.mark.parametrize(("expected", "first", "text"), [
    (72, 2024, "18 из 72 академических часов за 2024–2026\u00a0гг."),
    (21, 2026, "18 из 21 академического часа за 2026\u00a0г."),
    (1, 2026, "18 из 1 академического часа за 2026\u00a0г."),
    (3, 2025, "18 из 3 академических часов за 2025–2026\u00a0гг."),
])
def test_the_quota_reads_in_russian_with_the_noun_agreeing(expected, first, text):
    from django.utils import translation

    from courses.templatetags.hours_tags import quota_bar, quota_text

    quota = hours.HoursQuota(earned=18, expected=expected, first_year=first, last_year=2026)
    with translation.override("ru"):
        assert quota_text(quota) == text
        assert f'aria-label="Часы по программе: {text}"' in str(quota_bar(quota))


def test_hours_between_for_many_people_in_one_query_with_kemerovo_bounds():
    first, second = UserFactory(), UserFactory()
    completed_course(first, 8, datetime.datetime(2025, 3, 1, 10, tzinfo=KEMEROVO))
    internship(first, 16, datetime.datetime(2025, 6, 14, 23, 30, tzinfo=KEMEROVO))  # the last evening inside
    completed_course(first, 4, datetime.datetime(2025, 6, 15, 0, 30, tzinfo=KEMEROVO))  # the next day: outside
    completed_course(second, 2, datetime.datetime(2024, 12, 31, 23, 0, tzinfo=KEMEROVO))  # the year before
    start = datetime.datetime(2025, 1, 1, tzinfo=KEMEROVO)
    end = datetime.datetime(2025, 6, 15, tzinfo=KEMEROVO)
    with CaptureQueriesContext(connection) as queries:
        assert hours.hours_between_for([first.pk, second.pk], start, end) == {first.pk: 24}
    assert len(queries) == 1
    assert hours.hours_between_for([], start, end) == {}
