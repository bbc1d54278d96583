"""The course screens of the Wagtail admin through HTTP: trainers, enrolment requests, mandatory assignments,
group enrolment and the learners report. Assertions are on data, not on (translated) labels."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from courses import services
from courses.models import AssignmentRule, CoursePage, CourseTrainer, Enrolment
from lms.accounts.roles import Role
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories import courses as pages

Status, Source = Enrolment.Status, Enrolment.Source

TRAINERS = "/admin/course_trainers/"
RULES = "/admin/assignment_rules/"
REQUESTS = "/admin/learning/requests/"
BULK = "/admin/learning/group-enrolment/"
REPORT = "/admin/reports/learners/"


@pytest.fixture
def course_with_trainer(db):
    course = pages.course(title="Справочно-библиографическое обслуживание",
                          enrolment_policy=CoursePage.Policy.APPROVAL)
    trainer = UserFactory(role=Role.TRAINER, last_name="Тренерова", email="trainer@example.org")
    services.course_trainer_add(course=course, user=trainer)
    return course, trainer


@pytest.fixture
def other_course_with_trainer(db):
    course = pages.course(title="Краеведение", enrolment_policy=CoursePage.Policy.APPROVAL)
    trainer = UserFactory(role=Role.TRAINER, last_name="Чужакова", email="other-trainer@example.org")
    services.course_trainer_add(course=course, user=trainer)
    return course, trainer


def enrol(course, last_name, **fields):
    person = UserFactory(last_name=last_name, library=fields.pop("library", None) or LibraryFactory())
    return Enrolment.objects.create(user=person, course=course, source=fields.pop("source", Source.ADMIN), **fields)


def refused(response) -> bool:
    """Wagtail sends people without admin access to the login page; a missing permission is a 403 (or a
    redirect to the dashboard with a message)."""
    return response.status_code in (302, 403)


# --- Who may open what -------------------------------------------------------------------------------------------

ADMIN_ONLY = [TRAINERS, TRAINERS + "new/", RULES, RULES + "new/", BULK]
MANAGERS = [REQUESTS, REPORT]


@pytest.mark.parametrize("url", ADMIN_ONLY + MANAGERS)
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("url", ADMIN_ONLY + MANAGERS)
def test_learner_is_refused(client, learner, url):
    client.force_login(learner)
    assert refused(client.get(url))


@pytest.mark.parametrize("url", ADMIN_ONLY + MANAGERS)
def test_administrator_opens_every_screen(client, administrator, url):
    client.force_login(administrator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_trainer_is_refused_the_administrators_screens(client, course_with_trainer, url):
    _course, trainer = course_with_trainer
    client.force_login(trainer)
    assert refused(client.get(url))


@pytest.mark.parametrize("url", MANAGERS)
def test_trainer_of_a_course_opens_requests_and_report(client, course_with_trainer, url):
    _course, trainer = course_with_trainer
    client.force_login(trainer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", MANAGERS)
def test_trainer_without_a_course_is_refused(client, db, url):
    client.force_login(UserFactory(role=Role.TRAINER))
    assert refused(client.get(url))


def test_learning_menu_is_shown_per_permission(client, administrator, course_with_trainer):
    _course, trainer = course_with_trainer
    client.force_login(administrator)
    page = client.get("/admin/").content.decode()
    assert all(url in page for url in (TRAINERS, RULES, REQUESTS, BULK, REPORT))
    client.force_login(trainer)
    page = client.get("/admin/").content.decode()
    assert REQUESTS in page and REPORT in page
    assert TRAINERS not in page and RULES not in page and BULK not in page


# --- Course trainers ---------------------------------------------------------------------------------------------

def can_edit(course, user) -> bool:
    user = type(user).objects.get(pk=user.pk)  # fresh permission caches
    return Page.objects.get(pk=course.pk).permissions_for_user(user).can_edit()


def test_administrator_adds_edits_and_removes_a_trainer_through_the_services(client, administrator):
    course, other = pages.course(), pages.course()
    person = UserFactory(last_name="Методистова")
    client.force_login(administrator)

    response = client.post(TRAINERS + "new/", {"course": course.pk, "user": person.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    link = CourseTrainer.objects.get(course=course, user=person)
    assert can_edit(course, person)                       # page permissions came with the service
    assert "Методистова" in client.get(TRAINERS).content.decode()

    again = client.post(TRAINERS + "new/", {"course": course.pk, "user": person.pk})
    assert again.status_code == 200 and CourseTrainer.objects.filter(user=person).count() == 1

    response = client.post(f"{TRAINERS}edit/{link.pk}/", {"course": other.pk, "user": person.pk})
    assert response.status_code == 302
    assert list(CourseTrainer.objects.filter(user=person).values_list("course_id", flat=True)) == [other.pk]
    assert can_edit(other, person) and not can_edit(course, person)

    link = CourseTrainer.objects.get(user=person)
    response = client.post(f"{TRAINERS}delete/{link.pk}/")
    assert response.status_code == 302
    assert not CourseTrainer.objects.filter(user=person).exists()
    assert not can_edit(other, person)


# --- Enrolment requests ------------------------------------------------------------------------------------------

def test_trainer_sees_and_decides_only_own_courses_requests(client, course_with_trainer, other_course_with_trainer):
    course, trainer = course_with_trainer
    other_course, _other_trainer = other_course_with_trainer
    mine = enrol(course, "Своякова", status=Status.REQUESTED, source=Source.SELF)
    second = enrol(course, "Вторая", status=Status.REQUESTED, source=Source.SELF)
    theirs = enrol(other_course, "Посторонняя", status=Status.REQUESTED, source=Source.SELF)
    enrol(course, "Учащаяся", status=Status.ACTIVE)
    client.force_login(trainer)

    page = client.get(REQUESTS).content.decode()
    assert "Своякова" in page and "Вторая" in page
    assert "Посторонняя" not in page and "Учащаяся" not in page
    assert "Посторонняя" not in client.get(f"{REQUESTS}?course={other_course.pk}").content.decode()

    assert client.post(f"{REQUESTS}{mine.pk}/decide/", {"decision": "approve"}).status_code == 302
    assert client.post(f"{REQUESTS}{second.pk}/decide/", {"decision": "reject"}).status_code == 302
    mine.refresh_from_db()
    second.refresh_from_db()
    assert (mine.status, mine.decided_by) == (Status.ACTIVE, trainer)
    assert (second.status, second.decided_by) == (Status.REJECTED, trainer)

    assert client.post(f"{REQUESTS}{theirs.pk}/decide/", {"decision": "approve"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.REQUESTED


def test_deciding_twice_shows_the_error_and_changes_nothing(client, administrator, course_with_trainer):
    course, _trainer = course_with_trainer
    request = enrol(course, "Повторова", status=Status.REQUESTED, source=Source.SELF)
    client.force_login(administrator)
    client.post(f"{REQUESTS}{request.pk}/decide/", {"decision": "approve"}, follow=True)
    response = client.post(f"{REQUESTS}{request.pk}/decide/", {"decision": "reject"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    request.refresh_from_db()
    assert request.status == Status.ACTIVE


def test_decisions_are_post_only(client, administrator, course_with_trainer):
    course, _trainer = course_with_trainer
    request = enrol(course, "Гетова", status=Status.REQUESTED, source=Source.SELF)
    client.force_login(administrator)
    assert client.get(f"{REQUESTS}{request.pk}/decide/?decision=approve").status_code == 405
    assert client.post(f"{REQUESTS}{request.pk}/decide/", {"decision": "maybe"}).status_code == 400
    request.refresh_from_db()
    assert request.status == Status.REQUESTED


# --- Mandatory assignments ---------------------------------------------------------------------------------------

def test_saving_a_rule_enrols_the_people_it_covers(client, administrator, django_capture_on_commit_callbacks):
    library = LibraryFactory()
    branch = LibraryFactory(parent=library)
    covered = [UserFactory(library=library), UserFactory(library=branch)]
    UserFactory()  # another library
    course = pages.course(enrolment_policy=CoursePage.Policy.ASSIGNED)
    due = timezone.localdate() + timedelta(days=30)
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RULES + "new/", {
            "course": course.pk, "title": "Все сотрудники ЦБС", "library": library.pk, "municipality": "",
            "position_contains": "", "due_date": due.isoformat(), "due_in_days": "", "is_active": "on",
        })
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = AssignmentRule.objects.get()
    assert rule.created_by == administrator
    enrolled = Enrolment.objects.filter(course=course)
    assert {e.user for e in enrolled} == set(covered)
    assert {(e.source, e.due_date) for e in enrolled} == {(Source.MANDATORY, due)}


def test_a_rule_with_both_kinds_of_due_date_is_refused(client, administrator):
    course = pages.course()
    client.force_login(administrator)
    response = client.post(RULES + "new/", {
        "course": course.pk, "title": "Ошибка", "evbk_only": "on", "due_date": "2030-01-01", "due_in_days": "30",
        "is_active": "on",
    })
    assert response.status_code == 200
    assert not AssignmentRule.objects.exists()


def test_an_inactive_rule_enrols_nobody(client, administrator, django_capture_on_commit_callbacks):
    library = LibraryFactory()
    UserFactory(library=library)
    course = pages.course()
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RULES + "new/", {"course": course.pk, "title": "Пока выключено",
                                                "library": library.pk})
    assert response.status_code == 302
    assert not Enrolment.objects.exists()


# --- Group enrolment ---------------------------------------------------------------------------------------------

def test_bulk_preview_writes_nothing_then_confirm_enrols(client, administrator):
    municipality = MunicipalityFactory(name="Беловский округ")
    library = LibraryFactory(municipality=municipality)
    people = [UserFactory(library=library, last_name=name) for name in ("Первова", "Вторникова", "Третьякова")]
    UserFactory(last_name="Сторонняя")  # elsewhere
    course = pages.course()
    Enrolment.objects.create(user=people[0], course=course, source=Source.SELF)
    client.force_login(administrator)
    data = {"course": course.pk, "municipality": municipality.pk, "emails": ""}

    response = client.post(BULK, data)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.total, preview.already_enrolled, preview.new) == (3, 1, 2)
    assert preview.enrolled_in_sample == {people[0].pk}
    page = response.content.decode()
    assert "Вторникова" in page and "Третьякова" in page and "Сторонняя" not in page
    assert Enrolment.objects.filter(course=course).count() == 1

    response = client.post(BULK, {**data, "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert set(Enrolment.objects.filter(course=course).values_list("user__last_name", flat=True)) == {
        "Первова", "Вторникова", "Третьякова"}
    assert Enrolment.objects.get(user=people[1], course=course).source == Source.COHORT


def test_bulk_by_pasted_emails_lists_the_unknown_ones(client, administrator):
    anna = UserFactory(email="anna@example.org", last_name="Аннова")
    boris = UserFactory(email="boris@example.org", last_name="Борисова")
    course = pages.course()
    due = timezone.localdate() + timedelta(days=14)
    client.force_login(administrator)
    emails = "Anna@Example.org; boris@example.org,\nnobody@example.org\n"
    response = client.post(BULK, {"course": course.pk, "emails": emails, "due_date": due.isoformat()})
    preview = response.context["preview"]
    assert preview.total == 2 and preview.unknown_emails == ["nobody@example.org"]
    assert "nobody@example.org" in response.content.decode()
    assert not Enrolment.objects.exists()

    client.post(BULK, {"course": course.pk, "emails": emails, "due_date": due.isoformat(), "confirm": "1"})
    assert {(e.user, e.due_date) for e in Enrolment.objects.filter(course=course)} == {(anna, due), (boris, due)}


def test_bulk_over_capacity_writes_nothing(client, administrator):
    library = LibraryFactory()
    UserFactory.create_batch(3, library=library)
    course = pages.course(capacity=2)
    client.force_login(administrator)
    data = {"course": course.pk, "library": library.pk}
    assert client.post(BULK, data).context["preview"].over_capacity
    response = client.post(BULK, {**data, "confirm": "1"})
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Enrolment.objects.filter(course=course).exists()


def test_bulk_needs_a_condition_or_a_list_but_not_both(client, administrator):
    UserFactory()
    course = pages.course()
    client.force_login(administrator)
    nothing = client.post(BULK, {"course": course.pk, "confirm": "1"})
    both = client.post(BULK, {"course": course.pk, "evbk_only": "on", "emails": "a@example.org", "confirm": "1"})
    bad = client.post(BULK, {"course": course.pk, "emails": "not-an-address", "confirm": "1"})
    for response in (nothing, both, bad):
        assert response.status_code == 200 and response.context["form"].errors
    assert not Enrolment.objects.exists()


# --- Learners report ---------------------------------------------------------------------------------------------

def test_trainer_sees_only_own_learners_even_with_a_crafted_course(client, course_with_trainer,
                                                                   other_course_with_trainer):
    course, trainer = course_with_trainer
    other_course, _other_trainer = other_course_with_trainer
    enrol(course, "Своякова")
    enrol(other_course, "Посторонняя")
    client.force_login(trainer)
    for url in (REPORT, f"{REPORT}?course={other_course.pk}", f"{REPORT}results/?course={other_course.pk}",
                f"{REPORT}?export=csv&course={other_course.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Посторонняя" not in body.decode("utf-8-sig"), url


def test_report_filters(client, administrator, course_with_trainer, other_course_with_trainer):
    course, _trainer = course_with_trainer
    other_course, _ = other_course_with_trainer
    system = LibraryFactory()
    branch = LibraryFactory(parent=system)
    yesterday = timezone.localdate() - timedelta(days=1)
    enrol(course, "Просрочкина", due_date=yesterday, library=branch)
    enrol(course, "Завершилова", status=Status.COMPLETED, completed_at=timezone.now(), due_date=yesterday)
    enrol(other_course, "Другая", library=system)
    client.force_login(administrator)

    def names(query):
        return {e.user.last_name for e in client.get(f"{REPORT}?{query}").context["enrolments"]}

    assert names("") == {"Просрочкина", "Завершилова", "Другая"}
    assert names(f"course={course.pk}") == {"Просрочкина", "Завершилова"}
    assert names("status=completed") == {"Завершилова"}
    assert names("overdue=true") == {"Просрочкина"}
    assert names(f"library={system.pk}") == {"Просрочкина", "Другая"}  # a system includes its branches
    assert names(f"municipality={system.municipality_id}") == {"Другая"}


def test_report_exports_csv_and_xlsx(client, administrator, course_with_trainer):
    from openpyxl import load_workbook

    course, _trainer = course_with_trainer
    enrol(course, "Выгрузкина", due_date=timezone.localdate() - timedelta(days=3), progress_percent=40)
    client.force_login(administrator)

    response = client.get(f"{REPORT}?export=csv&course={course.pk}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Выгрузкина" in text and course.title in text and "40" in text

    response = client.get(f"{REPORT}?export=xlsx&course={course.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "Выгрузкина" in " ".join(str(c) for c in cells if c is not None)
    assert sheet.max_row == 2  # headings and the one learner


def test_report_does_a_fixed_number_of_queries(client, administrator):
    course = pages.course()
    client.force_login(administrator)

    def count() -> int:
        client.get(REPORT)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REPORT)
        assert response.status_code == 200
        return len(queries)

    for number in range(3):
        enrol(course, f"Малова{'а' * number}", due_date=timezone.localdate())
    small = count()
    for number in range(27):
        enrol(course, "Многова", last_activity_at=timezone.now())
    large = count()
    assert len(client.get(REPORT).context["enrolments"]) == 30
    assert large == small


def test_requests_page_does_a_fixed_number_of_queries(client, course_with_trainer):
    course, trainer = course_with_trainer
    client.force_login(trainer)

    def count() -> int:
        client.get(REQUESTS)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REQUESTS)
        assert response.status_code == 200
        return len(queries)

    for _number in range(2):
        enrol(course, "Просящая", status=Status.REQUESTED, source=Source.SELF)
    small = count()
    for _number in range(20):
        enrol(course, "Просящая", status=Status.REQUESTED, source=Source.SELF)
    assert count() == small


def test_a_library_head_sees_the_learning_of_own_staff_only(client, db):
    from lms.accounts.roles import Role as Roles
    from tests.factories import LibraryFactory
    from tests.factories import UserFactory as People
    from tests.factories import courses as builders
    from courses import services as course_services

    system, other = LibraryFactory(), LibraryFactory()
    head = People(library=system, role=Roles.LIBRARY_HEAD)
    course = builders.course()
    mine = People(library=system, last_name="Своякова")
    stranger = People(library=other, last_name="Чужакова")
    for person in (mine, stranger):
        course_services.enrolment_self(user=person, course=course)
    client.force_login(head)
    page = client.get("/admin/reports/learners/").content.decode()
    assert "Своякова" in page and "Чужакова" not in page
    response = client.get("/admin/reports/learners/?export=csv")
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Своякова" in export and "Чужакова" not in export


def test_group_enrolment_from_an_uploaded_list(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lms.accounts.roles import Role as Roles
    from tests.factories import UserFactory as People
    from tests.factories import courses as builders

    admin = People(role=Roles.ADMINISTRATOR)
    course = builders.course()
    People(email="anna@example.org"), People(email="boris@example.org")
    client.force_login(admin)
    csv = "ФИО;E-mail\nАнна;ANNA@example.org\nБорис;boris@example.org\nНикто;nobody@example.org\n"
    response = client.post("/admin/learning/group-enrolment/", {
        "course": course.pk, "emails_file": SimpleUploadedFile("list.csv", csv.encode(), content_type="text/csv"),
    })
    page = response.content.decode()
    assert response.status_code == 200 and "nobody@example.org" in page
    assert "Подходят 2 человека" in page
    assert not Enrolment.objects.exists()
    broken = client.post("/admin/learning/group-enrolment/", {"course": course.pk,
                                                 "emails_file": SimpleUploadedFile("list.xlsx", b"junk")})
    assert broken.status_code == 200 and "XLSX" in broken.content.decode()
    assert not Enrolment.objects.exists()


def test_the_page_explorer_lists_a_courses_modules_in_course_order(client, db):
    """The explorer shows a course's children in the order learners meet them, whatever the order of their edits
    (Wagtail's default listing order is the latest edit first, which showed a course's modules backwards)."""
    course = pages.course(pages.programme())
    first, second, third = (pages.module(course, title=title) for title in ("Модуль один", "Модуль два", "Модуль три"))
    first.title = "Модуль один (исправлен)"
    for module in (second, third, first):  # each edited once, the first one last
        module.save_revision().publish()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(f"/admin/pages/{course.pk}/").content.decode()
    titles = (first.title, second.title, third.title)
    assert all(title in html for title in titles), [t for t in titles if t not in html]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
