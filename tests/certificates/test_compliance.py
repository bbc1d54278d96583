"""Compliance with every requirement (certificates/compliance.py): mandatory courses and the internship in one
picture, the worst status wins, amber inside the recertification window, red after, branches with their systems,
the report page, its exports and their fixed number of queries."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates import compliance
from courses.models import AssignmentRule, Enrolment
from courses.selectors import staff_matching
from lms.accounts.roles import Role
from lms.internships import compliance as internship_compliance
from lms.internships.models import Booking, Requirement
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories.courses import course as make_course
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 3)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def admin():
    return UserFactory(role=Role.ADMINISTRATOR, library=None)


@pytest.fixture
def world():
    city = MunicipalityFactory(name="Новокузнецк")
    district = MunicipalityFactory(name="Топкинский муниципальный округ")
    system = LibraryFactory(municipality=city, evbk_participant=True, short_name="ЦБС Новокузнецка")
    branch = LibraryFactory(municipality=city, parent=system, kind="branch", short_name="Филиал № 5")
    outsider = LibraryFactory(municipality=district, evbk_participant=False, short_name="Не участник")
    return city, district, system, branch, outsider


def rule(course, **fields) -> AssignmentRule:
    fields.setdefault("title", f"Обязательно: {course.title}")
    return AssignmentRule.objects.create(course=course, **fields)


def enrol(user, course, **fields) -> Enrolment:
    enrolment, _created = Enrolment.objects.update_or_create(
        user=user, course=course, defaults={"source": Enrolment.Source.MANDATORY, **fields})
    return enrolment


def by_person(picture):
    return {p.user.pk: p for p in picture.people}


def test_the_worst_requirement_decides(world, admin):
    _city, _district, system, _branch, _outsider = world
    course = make_course(title="Основы библиографии")
    rule(course, evbk_only=True, due_date=days(30))
    Requirement.objects.create(title="Стажировка для Э(В)БК", evbk_only=True, due_date=days(-1))
    person = UserFactory(library=system)
    enrol(person, course, status=Enrolment.Status.COMPLETED, completed_at=timezone.now())

    entry = by_person(compliance.compliance_picture(viewer=admin, today=TODAY))[person.pk]
    assert {item.key: item.status for item in entry.items} == {compliance.course_key(course.pk): "compliant",
                                                               "internship": "overdue"}
    assert entry.status == "overdue" and not entry.is_compliant
    assert compliance.worst(["compliant", "expiring"]) == "expiring"
    assert compliance.worst(["expiring", "in_progress", "compliant"]) == "in_progress"
    assert compliance.worst(["in_progress", "overdue", "compliant"]) == "overdue"


def test_amber_inside_the_window_red_after_and_reopened_stays_amber(world, admin):
    _city, _district, system, _branch, _outsider = world
    course = make_course(title="Охрана труда", validity_months=12, recertification_window_days=30)
    rule(course, library=system, due_date=days(-100))
    cases = {
        "never expires": (dict(status="completed", valid_until=None), "compliant"),
        "far from expiry": (dict(status="completed", valid_until=days(31)), "compliant"),
        "inside the window": (dict(status="completed", valid_until=days(30)), "expiring"),
        "expires today": (dict(status="completed", valid_until=TODAY), "expiring"),
        "expired": (dict(status="completed", valid_until=days(-1)), "overdue"),
        "reopened, still valid": (dict(status="active", valid_until=days(20), due_date=days(20)), "expiring"),
        "reopened, expired": (dict(status="active", valid_until=days(-2), due_date=days(-2)), "overdue"),
        "never done, due passed": (dict(status="active"), "overdue"),
    }
    people = {}
    for name, (fields, _expected) in cases.items():
        people[name] = UserFactory(library=system, last_name=name)
        enrol(people[name], course, **fields)
    picture = compliance.compliance_picture(viewer=admin, today=TODAY)
    got = {name: by_person(picture)[user.pk].status for name, user in people.items()}
    assert got == {name: expected for name, (_fields, expected) in cases.items()}
    # Amber counts as compliant.
    entry = compliance.compliance_by_library(today=TODAY)[system.pk]
    assert (entry.people, entry.compliant, entry.expiring, entry.overdue) == (8, 5, 3, 3)

    # Not yet due and not done: in progress.
    AssignmentRule.objects.update(due_date=days(10))
    fresh = UserFactory(library=system)
    enrol(fresh, course, status="active", due_date=None)
    assert by_person(compliance.compliance_picture(viewer=admin, today=TODAY))[fresh.pk].status == "in_progress"


def test_internship_validity_amber_inside_the_topic_window_red_after(world, admin):
    _city, _district, system, _branch, _outsider = world
    topic = TopicFactory(validity_months=24, recertification_window_days=60)
    Requirement.objects.create(title="Стажировка", evbk_only=True, due_date=days(-300))
    valid, expiring, expired = (UserFactory(library=system, last_name=n) for n in ("А", "Б", "В"))
    for person, until in ((valid, days(200)), (expiring, days(59)), (expired, days(-1))):
        Booking.objects.create(user=person, session=SessionFactory(topic=topic), topic=topic,
                               status=Booking.Status.COMPLETED, valid_until=until)
    statuses = {pk: p.status for pk, p in by_person(compliance.compliance_picture(viewer=admin,
                                                                                 today=TODAY)).items()}
    assert statuses == {valid.pk: "compliant", expiring.pk: "expiring", expired.pk: "overdue"}
    # The internship picture itself no longer counts an expired completion as done.
    inner = {p.user.pk: p.status for p in internship_compliance.compliance_picture(viewer=admin,
                                                                                  today=TODAY).people}
    assert inner[expired.pk] == "overdue" and inner[valid.pk] == "done"


def test_branches_count_with_their_system_the_same_for_courses_and_internships(world, admin):
    _city, _district, system, branch, outsider = world
    course = make_course(title="Э(В)БК: каталогизация")
    rule(course, evbk_only=True, due_date=days(30))
    Requirement.objects.create(title="Стажировка для Э(В)БК", evbk_only=True, due_date=days(30))
    at_system, at_branch = UserFactory(library=system), UserFactory(library=branch)
    UserFactory(library=outsider)

    # One rule of Э(В)БК participation: the branch of a participant system is covered by both requirements.
    assert set(staff_matching(evbk_only=True).values_list("pk", flat=True)) == {at_system.pk, at_branch.pk}
    internship_people = {p.user.pk for p in internship_compliance.compliance_picture(viewer=admin).people}
    assert internship_people == {at_system.pk, at_branch.pk}
    picture = compliance.compliance_picture(viewer=admin, today=TODAY)
    for pk in (at_system.pk, at_branch.pk):
        assert {item.key for item in by_person(picture)[pk].items} == {compliance.course_key(course.pk),
                                                                       "internship"}
    assert [(g.name, g.total) for g in picture.libraries] == [("ЦБС Новокузнецка", 2)]

    by_library = compliance.compliance_by_library(today=TODAY)
    assert set(by_library) == {system.pk}
    assert by_library[system.pk].people == 2 and by_library[system.pk].share == 0.0
    assert compliance.compliance_by_library(today=TODAY, evbk_only=True)[system.pk].people == 2
    assert compliance.compliance_by_library(today=TODAY, municipality_id=outsider.municipality_id) == {}


def test_compliance_by_library_share_and_fixed_queries(world, django_assert_num_queries):
    city, district, system, _branch, outsider = world
    course = make_course(title="Основы")
    rule(course, due_date=days(30))
    rule(make_course(title="Второй курс"), municipality=district, due_date=days(-5))
    Requirement.objects.create(title="Стажировка", evbk_only=True, due_date=days(30))
    done = UserFactory(library=system)
    enrol(done, course, status="completed")
    UserFactory(library=system)
    UserFactory(library=outsider)
    compliance.compliance_by_library(today=TODAY)  # the requirements in the content cache

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            result = compliance.compliance_by_library(today=TODAY)
        return len(ctx.captured_queries), result

    small, result = measure()
    assert result[outsider.pk].people == 1 and result[outsider.pk].overdue == 1
    assert result[outsider.pk].share == 0.0
    for _ in range(5):
        other = LibraryFactory(municipality=city, evbk_participant=True)
        UserFactory(library=other)
        UserFactory(library=LibraryFactory(municipality=city, parent=other, kind="branch"))
    big, result = measure()
    assert big == small
    assert len(result) == 2 + 5
    assert 0.0 <= result[system.pk].share <= 1.0


def _two_sizes(client, url: str) -> tuple[int, int]:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()
    small = count()
    for _ in range(6):
        library = LibraryFactory(evbk_participant=True)
        UserFactory(library=library)
        UserFactory(library=LibraryFactory(parent=library, municipality=library.municipality, kind="branch"))
    return small, count()


@pytest.mark.parametrize("query", ["", "?status=in_progress", "?export=csv", "?export=xlsx"])
def test_report_page_and_exports_take_fixed_queries(client, admin, world, query):
    _city, _district, system, _branch, _outsider = world
    rule(make_course(title="Основы"), evbk_only=True, due_date=days(30))
    Requirement.objects.create(title="Стажировка", evbk_only=True, due_date=days(30))
    UserFactory(library=system)
    client.force_login(admin)
    small, big = _two_sizes(client, reverse("certificates_compliance_report") + query)
    assert small == big


def test_report_shows_the_picture_drills_down_and_exports(client, admin, world):
    city, _district, system, branch, _outsider = world
    course = make_course(title="Основы библиографии")
    rule(course, evbk_only=True, due_date=days(-3))
    Requirement.objects.create(title="Стажировка для Э(В)БК", evbk_only=True,
                               due_date=timezone.localdate() + datetime.timedelta(days=30))
    anna = UserFactory(library=system, last_name="Смирнова")
    UserFactory(library=branch, last_name="Кузнецова")
    client.force_login(admin)
    url = reverse("certificates_compliance_report")

    page = client.get(url).content.decode()
    assert "Соответствие требованиям" in page and 'class="chart"' in page and "w-sr-only" in page
    assert "Новокузнецк" in page and "Смирнова" not in page  # people only after a choice
    page = client.get(f"{url}?municipality={city.pk}").content.decode()
    assert "ЦБС Новокузнецка" in page and "Смирнова" in page and "Кузнецова" in page
    assert "Основы библиографии" in page and "Стажировка в ОНБ" in page
    page = client.get(f"{url}?library={system.pk}&requirement=internship&status=overdue").content.decode()
    assert "Смирнова" not in page  # the internship is not yet due

    rows = list(csv.reader(io.StringIO(client.get(f"{url}?export=csv").content.decode().lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0][:3] == ["ФИО", "E-mail", "Должность"]
    mine = [r for r in rows if r[1] == anna.email]
    assert len(mine) == 2 and {r[7] for r in mine} == {"Просрочено", "В процессе"}
    assert all(r[5] == "Просрочено" for r in mine)
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{url}?export=xlsx").content))
    assert book.active.max_row == len(rows)


def test_head_sees_own_staff_and_others_see_nothing(client, world):
    _city, _district, system, branch, outsider = world
    rule(make_course(title="Основы"), due_date=days(30))
    mine, theirs = UserFactory(library=branch, last_name="Своя"), UserFactory(library=outsider, last_name="Чужая")
    head = UserFactory(role=Role.LIBRARY_HEAD, library=system)
    picture = compliance.compliance_picture(viewer=head, today=TODAY)
    assert mine.pk in by_person(picture) and theirs.pk not in by_person(picture)
    client.force_login(head)
    page = client.get(reverse("certificates_compliance_report") + f"?library={system.pk}").content.decode()
    assert "Своя" in page and "Чужая" not in page
    client.force_login(UserFactory(role=Role.LEARNER))
    assert client.get(reverse("certificates_compliance_report")).status_code in (302, 403)


def test_the_old_internship_report_address_leads_to_the_new_report(client, admin):
    client.force_login(admin)
    response = client.get(reverse("internships_admin_compliance") + "?status=not_booked&municipality=3")
    assert response.status_code == 302
    assert response["Location"] == (reverse("certificates_compliance_report")
                                    + "?requirement=internship&municipality=3&status=in_progress")
