"""The admin's listings of our models read their related rows in the listing's query: the number of queries does not
grow with the rows (Wagtail's ModelViewSet ignores a get_queryset(request); the viewsets pass their queryset to the
index view instead)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import AssignmentRule, CourseTrainer
from lms.accounts.roles import Role
from lms.internships.models import Requirement
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory

pytestmark = pytest.mark.django_db

LISTINGS = ["/admin/libraries/", "/admin/internship_sessions/", "/admin/internship_requirements/",
            "/admin/assignment_rules/", "/admin/course_trainers/"]


def add_rows(count: int, course) -> None:
    for _ in range(count):
        system = LibraryFactory()
        library = LibraryFactory(parent=system, municipality=MunicipalityFactory())
        SessionFactory()
        Requirement.objects.create(title="Стажировка", municipality=library.municipality, library=library,
                                   due_months=12)
        AssignmentRule.objects.create(title="Обязательный курс", course=course, library=library,
                                      municipality=library.municipality)
        CourseTrainer.objects.create(course=course, user=UserFactory(role=Role.TRAINER))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", LISTINGS)
def test_an_admin_listing_does_the_same_number_of_queries_for_2_and_for_12_rows(client, url):
    course = pages.course(pages.programme())
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    add_rows(2, course)
    client.get(url)  # warm: content types, permissions, settings
    few = queries(client, url)
    add_rows(10, course)
    assert queries(client, url) == few
