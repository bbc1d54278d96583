"""Each role lands on its work: the panels of the admin dashboard for trainers, library heads and administrators
(cms/dashboard.py), their scope, their Russian plural forms, and a number of queries that does not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.dashboard import LandingPanel
from courses import services as course_services
from courses.models import AssignmentRule, Enrolment
from lms.accounts.roles import Role
from lms.internships import services as internship_services
from lms.internships.models import Booking, Requirement

# The essay fixture of the quiz admin tests (a submitted attempt awaiting grading, and its course's trainer).
from tests.courses.quizzes.test_admin import essay_attempt  # noqa: F401
from tests.courses.quizzes.test_services import setup  # noqa: F401
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db

ADMIN_HOME = "/admin/"
# About 30 on SQLite with Wagtail's own panels, menu and session included (29 to 31 on the demo data).
CEILING = 34


def today() -> datetime.date:
    return timezone.localdate()


def landing(client, user) -> tuple[dict[str, LandingPanel], str]:
    client.force_login(user)
    response = client.get(ADMIN_HOME)
    assert response.status_code == 200
    panels = {p.key: p for p in response.context["panels"] if isinstance(p, LandingPanel)}
    return panels, response.content.decode()


def count_queries(client, user) -> int:
    client.force_login(user)
    client.get(ADMIN_HOME)  # warm the per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ADMIN_HOME).status_code == 200
    return len(queries)


def texts(panel: LandingPanel) -> list[list[str]]:
    return [[cell.text for cell in row] for row in panel.rows]


# --- Trainer ------------------------------------------------------------------------------------------------------

def trainer_with_courses(trainer, number: int, *, overdue: int, soon: int, fine: int):
    """`number` courses taught by `trainer`; the first gets learners overdue, due soon and on time."""
    programme = pages.programme()
    courses = [pages.course(programme, title=f"Курс преподавателя {i}") for i in range(number)]
    for course in courses:
        course_services.course_trainer_add(course=course, user=trainer)
    first = courses[0]
    for i in range(overdue):
        course_services.enrolment_create(user=UserFactory(last_name=f"Опоздавшая{i}"), course=first,
                                         source=Enrolment.Source.ADMIN, due_date=today() - datetime.timedelta(days=3))
    for _i in range(soon):
        course_services.enrolment_create(user=UserFactory(), course=first, source=Enrolment.Source.ADMIN,
                                         due_date=today() + datetime.timedelta(days=2))
    for _i in range(fine):
        course_services.enrolment_create(user=UserFactory(), course=first, source=Enrolment.Source.ADMIN,
                                         due_date=today() + datetime.timedelta(days=60))
    return courses


def test_trainer_sees_own_courses_learners_behind_and_essays(client):
    trainer = UserFactory(role=Role.TRAINER)
    courses = trainer_with_courses(trainer, 2, overdue=1, soon=2, fine=1)
    stranger_course = pages.course(title="Чужой курс")
    course_services.enrolment_create(user=UserFactory(), course=stranger_course, source=Enrolment.Source.ADMIN,
                                     due_date=today() - datetime.timedelta(days=10))

    panels, html = landing(client, trainer)
    assert list(panels) == ["trainer-courses", "trainer-essays", "trainer-behind"]
    mine = panels["trainer-courses"]
    assert mine.facts == ["Вы ведёте 2 курса."]
    assert texts(mine) == [[courses[0].title, "4 слушателя", "завершили: 0", "просрочили: 1"],
                           [courses[1].title, "0 слушателей", "завершили: 0", "просрочили: 0"]]
    assert mine.rows[0][0].url == f"/admin/reports/learners/?course={courses[0].pk}"
    behind = panels["trainer-behind"]
    assert behind.facts == ["1 слушатель пропустил срок.", "У 2 слушателей срок истекает в ближайшую неделю."]
    assert [row[1] for row in texts(behind)] == [courses[0].title] * 3  # never the stranger's course
    assert texts(behind)[0][0].startswith("Опоздавшая0") and "просрочено" in texts(behind)[0][2]
    assert panels["trainer-essays"].rows == [] and "Эссе, ждущих проверки, нет." in html
    # Wagtail's site summary («N Страниц») gives way to the panels.
    assert response_has_no_site_summary(html)
    for heading in ("Мои курсы", "Эссе, ждущие проверки", "Отстающие слушатели"):
        assert heading in html


def response_has_no_site_summary(html: str) -> bool:
    return "w-summary__list" not in html


def test_trainer_without_courses_sees_russian_empty_states(client):
    panels, html = landing(client, UserFactory(role=Role.TRAINER))
    assert all(p.rows == [] and p.facts == [] for p in panels.values())
    assert "Вы пока не ведёте ни одного курса." in html
    assert "Отстающих нет" in html


def test_trainer_sees_the_essays_of_own_courses_only(client, essay_attempt):  # noqa: F811
    attempt, _essay, trainer = essay_attempt
    panels, _html = landing(client, trainer)
    essays = panels["trainer-essays"]
    assert essays.facts == ["1 эссе ждёт вашей оценки."]
    assert essays.rows[0][0].url == f"/admin/learning/essays/{attempt.pk}/"
    other, _html = landing(client, UserFactory(role=Role.TRAINER))
    assert other["trainer-essays"].rows == [] and other["trainer-essays"].facts == []


def test_trainer_landing_does_a_fixed_number_of_queries(client):
    trainer = UserFactory(role=Role.TRAINER)
    trainer_with_courses(trainer, 1, overdue=1, soon=0, fine=0)
    little = count_queries(client, trainer)
    trainer_with_courses(trainer, 8, overdue=9, soon=7, fine=5)
    much = count_queries(client, trainer)
    assert little == much <= CEILING, (little, much)


# --- Library head -------------------------------------------------------------------------------------------------

@pytest.fixture
def head_and_staff(administrator):
    library = LibraryFactory(evbk_participant=True)
    head = UserFactory(role=Role.LIBRARY_HEAD, library=library, last_name="Кузнецова")
    return head, library, administrator


def staff_data(library, administrator, *, requests: int, overdue: int, approved: int):
    """Requests awaiting the head, overdue mandatory courses and approved bookings of the library's staff."""
    course = pages.course(title="Обязательный курс")
    topic = TopicFactory(head_approval_first=True)
    session = SessionFactory(topic=topic)
    for i in range(requests):
        internship_services.booking_request(user=UserFactory(library=library, last_name=f"Заявка{i}"),
                                            session=session)  # awaits the head where the library has one
    for i in range(overdue):
        course_services.enrolment_create(user=UserFactory(library=library, last_name=f"Должница{i}"), course=course,
                                         source=Enrolment.Source.MANDATORY,
                                         due_date=today() - datetime.timedelta(days=i + 1))
    approved_session = SessionFactory(start_date=today() + datetime.timedelta(days=10), capacity=50)
    for i in range(approved):
        booking = internship_services.booking_add(admin=administrator, user=UserFactory(library=library,
                                                  last_name=f"Стажёр{i}"), session=approved_session)
        assert booking.status == Booking.Status.APPROVED
    return course, session


def test_head_sees_own_staff_only(client, head_and_staff):
    head, library, administrator = head_and_staff
    staff_data(library, administrator, requests=2, overdue=1, approved=1)
    staff_data(LibraryFactory(), administrator, requests=1, overdue=3, approved=2)  # another library's staff

    panels, html = landing(client, head)
    assert list(panels) == ["head-requests", "head-overdue", "head-internships", "head-compliance"]
    requests = panels["head-requests"]
    assert requests.facts == ["2 заявки ваших сотрудников на стажировку ждут вашего решения."]
    assert sorted(row[0] for row in texts(requests)) == ["Заявка0 Мария Петровна", "Заявка1 Мария Петровна"]
    assert requests.link_url == "/internships/staff/"
    overdue = panels["head-overdue"]
    assert overdue.facts == ["У ваших сотрудников просрочен 1 обязательный курс."]
    assert texts(overdue)[0][:2] == ["Должница0 Мария Петровна", "Обязательный курс"]
    coming = panels["head-internships"]
    assert coming.facts == ["1 одобренная заявка на ближайшие недели."]
    assert texts(coming)[0][0] == "Стажёр0 Мария Петровна"
    assert "г." in texts(coming)[0][2]
    # No rule or requirement covers anyone here: the compliance panel says so in Russian.
    assert panels["head-compliance"].facts == [] and "Соответствие требованиям" in html
    assert response_has_no_site_summary(html)


def test_head_sees_own_staff_behind_on_requirements(client, head_and_staff):
    head, library, _administrator = head_and_staff
    course = pages.course(title="Основы библиографии")
    AssignmentRule.objects.create(course=course, title="Все", library=library,
                                  due_date=today() - datetime.timedelta(days=1))
    UserFactory(library=library, last_name="Опоздавшая")
    UserFactory(library=LibraryFactory(), last_name="Чужая")
    panels, _html = landing(client, head)
    compliance = panels["head-compliance"]
    assert compliance.facts[0].startswith("Под требования подпадают 2 сотрудника")  # the head is staff too
    rows = texts(compliance)
    assert [row[0].split()[0] for row in rows] == ["Кузнецова", "Опоздавшая"]  # not «Чужая»: another library
    assert all(row[1:] == ["Просрочено", "Основы библиографии"] for row in rows)


def test_head_landing_does_a_fixed_number_of_queries(client, head_and_staff):
    head, library, administrator = head_and_staff
    staff_data(library, administrator, requests=1, overdue=1, approved=1)
    little = count_queries(client, head)
    staff_data(library, administrator, requests=7, overdue=8, approved=6)
    much = count_queries(client, head)
    assert little == much <= CEILING, (little, much)


# --- Administrator ------------------------------------------------------------------------------------------------

def admin_data(administrator, *, requests: int, this_week: int, completed: int, people: int):
    session = SessionFactory(capacity=50)
    for i in range(requests):
        internship_services.booking_request(user=UserFactory(last_name=f"Просит{i}"), session=session)
    for _i in range(this_week):
        SessionFactory(start_date=today(), end_date=today())
    course = pages.course(title="Курс с сертификатом")
    learners = [UserFactory(last_name=f"Выпускница{i}") for i in range(completed)]
    for learner in learners:
        course_services.enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
    # Completed without a document (as after a certificate was revoked): what «Выдать документы» lists.
    Enrolment.objects.filter(course=course).update(status=Enrolment.Status.COMPLETED, completed_at=timezone.now())
    library = LibraryFactory(evbk_participant=True)
    for _i in range(people):
        UserFactory(library=library)


def test_administrator_sees_bookings_sessions_documents_and_compliance(client, administrator):
    Requirement.objects.create(title="Все сотрудники Э(В)БК", evbk_only=True,
                               due_date=today() + datetime.timedelta(days=100))
    admin_data(administrator, requests=2, this_week=1, completed=3, people=2)

    panels, html = landing(client, administrator)
    assert list(panels) == ["admin-requests", "admin-week", "admin-documents", "admin-compliance"]
    assert panels["admin-requests"].facts == ["2 заявки ждут одобрения."]
    assert panels["admin-week"].facts == ["На этой неделе идёт 1 поток."]
    assert texts(panels["admin-week"])[0][2] == "0 из 10"
    assert panels["admin-documents"].facts == ["3 завершения без документа."]
    assert {row[1] for row in texts(panels["admin-documents"])} == {"Курс с сертификатом"}
    compliance = panels["admin-compliance"]
    assert compliance.facts[0] == "Под требования подпадают 2 сотрудника; соответствуют: 0%."
    assert compliance.facts[1] == "Соответствует: 0 · Истекает: 0 · В процессе: 2 · Просрочено: 0"
    assert 'class="w-sr-only"' in compliance.chart and "<svg" in compliance.chart
    assert response_has_no_site_summary(html)
    for heading in ("Заявки на стажировку к одобрению", "Стажировки на этой неделе", "Документы к выдаче",
                    "Соответствие требованиям"):
        assert heading in html


def test_administrator_with_nothing_to_do_sees_russian_empty_states(client, administrator):
    panels, html = landing(client, administrator)
    assert all(p.rows == [] and p.facts == [] for p in panels.values())
    for sentence in ("Заявок, ждущих одобрения, нет.", "На этой неделе стажировок нет.",
                     "Документы выданы за все завершённые курсы и стажировки.",
                     "Ни одно правило обязательных курсов и ни одно требование о стажировке пока никого не охватывает."):
        assert sentence in html


def test_administrator_landing_does_a_fixed_number_of_queries(client, administrator):
    Requirement.objects.create(title="Все сотрудники Э(В)БК", evbk_only=True,
                               due_date=today() + datetime.timedelta(days=100))
    admin_data(administrator, requests=1, this_week=1, completed=1, people=1)
    little = count_queries(client, administrator)
    admin_data(administrator, requests=8, this_week=7, completed=9, people=12)
    much = count_queries(client, administrator)
    assert little == much <= CEILING, (little, much)


def test_learner_has_no_admin_landing(client, learner):
    client.force_login(learner)
    assert client.get(ADMIN_HOME).status_code in (302, 403)
