"""An administrator issues documents by hand («Выдать документы»): the listing of who has completed a course or an
internship and holds no valid document for it (filters, a fixed number of queries), issuing one or a selection
(certificate_issue_many: all or nothing, idempotent) and who may do it."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from certificates import services
from certificates.models import Certificate, CertificateTemplate, RegistryCounter
from certificates.selectors import completed_without_certificate
from courses import services as course_services
from courses.models import CoursePage, Enrolment
from lms.accounts.roles import Role, roles_ensure
from lms.internships import services as internship_services
from lms.internships.models import Booking, Session
from tests.factories import LibraryFactory, MunicipalityFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

pytestmark = pytest.mark.django_db

LISTING = "/admin/certificate_issue/"
ISSUE = "/admin/certificate_issue/issue/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def admin(db):
    roles_ensure()
    return UserFactory(role=Role.ADMINISTRATOR, email="onb.admin@example.org")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def complete_course(person, course: CoursePage) -> Enrolment:
    """The learner studies the course's lesson to the end. Its completion's automatic issue runs only after a
    commit, which these tests do not make: the person is left completed without a document."""
    lesson = course.get_children().first().specific
    course_services.enrolment_self(user=person, course=course)
    course_services.lesson_complete(user=person, lesson=lesson)
    return Enrolment.objects.get(user=person, course=course)


def new_course(title: str, **fields) -> CoursePage:
    course = pages.course(title=title, **fields)
    pages.lesson(course)
    return course


def complete_internship(admin, person, session: Session) -> Booking:
    booking = internship_services.booking_add(admin=admin, user=person, session=session)
    for day in session.days:
        internship_services.attendance_mark(actor=admin, booking=booking, day=day, mark="present")
    internship_services.booking_evaluate(actor=admin, booking=booking, evaluation="passed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    return booking


def past_session(topic_title: str) -> Session:
    start = timezone.localdate() - datetime.timedelta(days=5)
    return SessionFactory(start_date=start, end_date=start + datetime.timedelta(days=1), status=Session.Status.CLOSED,
                          topic=TopicFactory(title=topic_title, academic_hours=16, report_required=False))


def both_templates() -> None:
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    CertificateTemplate.objects.create(name="Справка", kind="internship", title="Справка", is_default=True,
                                       body_text="о прохождении стажировки по теме")


@pytest.fixture
def world(admin):
    """Two libraries in two municipalities; two courses and an internship completed, nobody holding a document
    yet (no template existed when they completed); plus people who must not be listed."""
    novokuznetsk = LibraryFactory(short_name="ЦБС Новокузнецка",
                                  municipality=MunicipalityFactory(name="Новокузнецкий городской округ"))
    tashtagol = LibraryFactory(short_name="ЦБС Таштагола",
                               municipality=MunicipalityFactory(name="Таштагольский муниципальный округ"))
    orlova = UserFactory(last_name="Орлова", first_name="Ольга", patronymic="Ивановна", library=novokuznetsk)
    smirnova = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Сергеевна", library=tashtagol)
    kuznetsov = UserFactory(last_name="Кузнецов", first_name="Пётр", patronymic="Ильич", library=tashtagol)
    children = new_course("Работа с детской аудиторией", academic_hours=12)
    local_history = new_course("Краеведческие ресурсы", academic_hours=24)
    no_document = new_course("Вводный инструктаж", certificate_kind=CoursePage.CertificateKind.NONE)
    session = past_session("Электронный архив местной периодики")
    records = {
        "orlova_children": complete_course(orlova, children),
        "smirnova_children": complete_course(smirnova, children),
        "smirnova_local": complete_course(smirnova, local_history),
        "kuznetsov_internship": complete_internship(admin, kuznetsov, session),
    }
    Enrolment.objects.filter(pk=records["smirnova_local"].pk).update(
        completed_at=timezone.now() - datetime.timedelta(days=60))
    complete_course(kuznetsov, no_document)  # completed, but the course gives no document
    course_services.enrolment_self(user=orlova, course=local_history)  # still studying
    both_templates()
    return {"admin": admin, "orlova": orlova, "smirnova": smirnova, "kuznetsov": kuznetsov,
            "children": children, "local_history": local_history, "session": session,
            "novokuznetsk": novokuznetsk, "tashtagol": tashtagol, **records}


def listed(client, query: str = "") -> str:
    response = client.get(LISTING + query)
    assert response.status_code == 200
    return response.content.decode()


def keys_listed(client, query: str = "") -> set[str]:
    return {row.key for row in client.get(LISTING + query).context["rows"]}


def key(record) -> str:
    return f"{'enrolment' if isinstance(record, Enrolment) else 'booking'}:{record.pk}"


def messages_of(client, response) -> list[tuple[str, str]]:
    """(level, text) of the messages the issue left, read (and so consumed) on the page it goes back to. The texts
    are compared through the catalogue: a new message reads in English until its translation is added."""
    assert response.status_code == 302
    shown = client.get(response["Location"]).context["messages"]
    return [(m.level_tag, str(m).strip()) for m in shown]


def issued_message(count: int) -> str:
    return ngettext("%(count)d certificate issued; the holder gets it by e-mail.",
                    "%(count)d certificates issued; the holders get them by e-mail.", count) % {"count": count}


# --- who may ----------------------------------------------------------------------------------------------------------

def test_administrators_have_the_permission_and_the_menu_item(admin_client, admin):
    assert admin.has_perm("certificates.issue_certificate")
    assert LISTING in admin_client.get("/admin/").content.decode()


def test_learners_and_trainers_are_refused(client, world):
    roles_ensure()
    trainer = UserFactory(role=Role.TRAINER)
    client.force_login(trainer)
    assert LISTING not in client.get("/admin/").content.decode()  # no menu item
    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard
    for response in (client.get(LISTING), client.get(LISTING + "results/"),
                     client.post(ISSUE, {"single": key(world["orlova_children"])})):
        assert (response.status_code, response["Location"]) == (302, "/admin/")

    client.force_login(UserFactory(role=Role.LEARNER))  # no access to the admin at all
    for response in (client.get(LISTING), client.post(ISSUE, {"row": [key(world["orlova_children"])]})):
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert client.get(response["Location"]).status_code == 403  # told, not sent round to log in again
    assert Certificate.objects.count() == 0


# --- the listing ------------------------------------------------------------------------------------------------------

def test_the_listing_shows_completions_without_a_valid_document(admin_client, world):
    page = listed(admin_client)
    assert keys_listed(admin_client) == {key(world[name]) for name in (
        "orlova_children", "smirnova_children", "smirnova_local", "kuznetsov_internship")}
    for text in ("Орлова Ольга Ивановна", "ЦБС Таштагола", "Таштагольский муниципальный округ",
                 "Работа с детской аудиторией", "Электронный архив местной периодики", "12 академических часов"):
        assert text in page, text
    assert "Вводный инструктаж" not in page  # gives no document
    assert page.count('name="row"') == 4 and page.count('name="single"') == 4

    # a revoked document is no document: the person is listed again
    certificate = services.certificate_issue(user=world["orlova"], course=world["children"])
    assert key(world["orlova_children"]) not in keys_listed(admin_client)
    services.certificate_revoke(certificate=certificate, reason="Ошибка в ФИО", actor=world["admin"])
    assert key(world["orlova_children"]) in keys_listed(admin_client)


def test_filters(admin_client, world):
    all_courses = {key(world[n]) for n in ("orlova_children", "smirnova_children", "smirnova_local")}
    assert keys_listed(admin_client, "?kind=course") == all_courses
    assert keys_listed(admin_client, "?kind=internship") == {key(world["kuznetsov_internship"])}
    assert keys_listed(admin_client, f"?course={world['children'].pk}") == {
        key(world["orlova_children"]), key(world["smirnova_children"])}
    assert keys_listed(admin_client, f"?topic={world['session'].topic_id}") == {key(world["kuznetsov_internship"])}
    assert keys_listed(admin_client, f"?library={world['novokuznetsk'].pk}") == {key(world["orlova_children"])}
    assert keys_listed(admin_client, f"?municipality={world['tashtagol'].municipality_id}") == {
        key(world["smirnova_children"]), key(world["smirnova_local"]), key(world["kuznetsov_internship"])}
    long_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert keys_listed(admin_client, f"?completed_to={long_ago}") == {key(world["smirnova_local"])}
    assert key(world["smirnova_local"]) not in keys_listed(admin_client, f"?completed_from={long_ago}")
    # filters combine; a course and a topic together match nothing (a row is one or the other)
    assert keys_listed(admin_client, f"?course={world['children'].pk}&library={world['tashtagol'].pk}") == {
        key(world["smirnova_children"])}
    nothing = admin_client.get(f"{LISTING}?course={world['children'].pk}&topic={world['session'].topic_id}")
    assert nothing.status_code == 200 and nothing.context["rows"] == []
    assert 'name="row"' not in nothing.content.decode()
    # the results alone (what the filters' script asks for) answer the same
    results = admin_client.get(f"{LISTING}results/?kind=internship")
    assert results.status_code == 200 and {r.key for r in results.context["rows"]} == {
        key(world["kuznetsov_internship"])}


def test_the_listing_pages_by_fifty_and_counts_all(admin_client, world):
    course = world["children"]
    for number in range(50):
        complete_course(UserFactory(last_name=f"Слушатель{number:02d}", library=world["tashtagol"]), course)
    first, second = admin_client.get(LISTING), admin_client.get(LISTING + "?p=2")
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 4
    assert first.context["items_count"] == 54
    assert first.context["paginator"].items_count_label == ngettext(
        "%(count)d completed without a document", "%(count)d completed without a document", 54) % {"count": 54}
    assert not {r.key for r in first.context["rows"]} & {r.key for r in second.context["rows"]}


def _queries_of_listing(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_the_listing_does_a_fixed_number_of_queries(admin_client, world):
    small, rows_small = _queries_of_listing(admin_client)
    # more people, courses, libraries, municipalities and internships
    session = past_session("Виртуальная справочная служба")
    for number in range(6):
        library = LibraryFactory(municipality=MunicipalityFactory())
        person = UserFactory(last_name=f"Читалкина{number}", library=library)
        complete_course(person, new_course(f"Курс {number}"))
        complete_internship(world["admin"], person, session)
    large, rows_large = _queries_of_listing(admin_client)
    assert (rows_small, rows_large) == (4, 16)
    assert small == large


# --- issuing over HTTP ------------------------------------------------------------------------------------------------

def test_a_row_issues_its_own_document_only(admin_client, world, django_capture_on_commit_callbacks):
    back = f"{LISTING}?kind=course&p=1"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ISSUE, {"single": key(world["orlova_children"]),
                                             "row": [key(world["smirnova_children"])],  # ticked, not pressed
                                             "next": back})
    assert response.status_code == 302 and response["Location"] == back
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.course, certificate.issued_by) == (
        world["orlova"], world["children"], world["admin"])
    assert certificate.status == Certificate.Status.VALID and certificate.pdf
    assert [m.to for m in mail.outbox] == [[world["orlova"].email]]
    assert messages_of(admin_client, response) == [("success", issued_message(1))]
    assert key(world["orlova_children"]) not in keys_listed(admin_client)


def test_the_selection_is_issued_together(admin_client, world):
    chosen = [key(world[n]) for n in ("orlova_children", "smirnova_local", "kuznetsov_internship")]
    response = admin_client.post(ISSUE, {"row": chosen, "next": LISTING})
    assert response.status_code == 302 and messages_of(admin_client, response) == [("success", issued_message(3))]
    issued = {(c.user.last_name, c.course.title if c.course else c.internship.topic.title, c.template.kind)
              for c in Certificate.objects.select_related("user", "course", "internship__topic", "template")}
    assert issued == {("Орлова", "Работа с детской аудиторией", "certificate"),
                      ("Смирнова", "Краеведческие ресурсы", "certificate"),
                      ("Кузнецов", "Электронный архив местной периодики", "internship")}
    assert keys_listed(admin_client) == {key(world["smirnova_children"])}


def test_a_refusal_issues_nothing_and_names_where_it_stopped(admin_client, world):
    CertificateTemplate.objects.filter(kind="internship").delete()
    chosen = [key(world[n]) for n in ("orlova_children", "kuznetsov_internship", "smirnova_children")]
    response = admin_client.post(ISSUE, {"row": chosen, "next": LISTING})
    assert response.status_code == 302 and response["Location"] == LISTING
    [(level, message)] = messages_of(admin_client, response)
    assert level == "error" and "Кузнецов Пётр Ильич" in message and "Электронный архив местной периодики" in message
    assert "Нет шаблона документа этого вида." in message
    assert Certificate.objects.count() == 0 and mail.outbox == []
    assert len(keys_listed(admin_client)) == 4


def test_nothing_selected_junk_or_vanished_is_refused(admin_client, world):
    for data in ({}, {"row": ["all", "enrolment:x", "course:1"]}, {"single": "booking:"}):
        response = admin_client.post(ISSUE, data)
        assert response.status_code == 302 and response["Location"] == LISTING
        assert messages_of(admin_client, response) == [("error", gettext("Select at least one person."))]
    gone = admin_client.post(ISSUE, {"row": [key(world["orlova_children"]), "enrolment:987654"]})
    assert messages_of(admin_client, gone) == [
        ("error", gettext("Some of the selected records no longer exist. Nothing was issued."))]
    assert Certificate.objects.count() == 0
    assert admin_client.get(ISSUE).status_code == 405


def test_the_way_back_stays_on_the_listing(admin_client, world):
    for elsewhere in ("https://evil.example.org/admin/certificate_issue/", "/admin/users/", "//evil.example.org/"):
        response = admin_client.post(ISSUE, {"single": key(world["orlova_children"]), "next": elsewhere})
        assert response["Location"] == LISTING


# --- the service ------------------------------------------------------------------------------------------------------

def test_issue_many_issues_each_once(world, django_capture_on_commit_callbacks):
    admin = world["admin"]
    enrolments = [world["orlova_children"].pk, world["smirnova_children"].pk]
    bookings = [world["kuznetsov_internship"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.certificate_issue_many(enrolment_ids=enrolments, booking_ids=bookings, actor=admin)
    assert len(first.issued) == 3 and first.already_held == []
    assert sorted(c.sequence for c in first.issued) == [1, 2, 3]
    assert all(c.pdf for c in Certificate.objects.all()) and len(mail.outbox) == 3

    # again, also in a mixed selection: the held ones are not issued twice
    with django_capture_on_commit_callbacks(execute=True):
        second = services.certificate_issue_many(
            enrolment_ids=enrolments + [world["smirnova_local"].pk], booking_ids=bookings, actor=admin)
    assert [c.pk for c in second.already_held] == [c.pk for c in first.issued]
    assert [c.course for c in second.issued] == [world["local_history"]]
    assert Certificate.objects.count() == 4 and RegistryCounter.objects.get().last_number == 4
    assert len(mail.outbox) == 4


def test_issue_many_twice_over_http_says_they_were_held(admin_client, world):
    data = {"row": [key(world["orlova_children"])]}
    assert messages_of(admin_client, admin_client.post(ISSUE, data)) == [("success", issued_message(1))]
    again = admin_client.post(ISSUE, data)
    assert [level for level, _text in messages_of(admin_client, again)] == ["warning"]
    assert Certificate.objects.count() == 1


def test_issue_many_rolls_back_on_the_first_refusal(world, django_capture_on_commit_callbacks):
    # the course's enrolment is withdrawn after it was listed: certificate_issue refuses it
    Enrolment.objects.filter(pk=world["smirnova_local"].pk).update(status=Enrolment.Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(services.CertificateError) as refused:
            services.certificate_issue_many(
                enrolment_ids=[world["orlova_children"].pk, world["smirnova_local"].pk,
                               world["smirnova_children"].pk],
                booking_ids=[world["kuznetsov_internship"].pk], actor=world["admin"])
    message = str(refused.value)
    assert "Смирнова Анна Сергеевна" in message and "Краеведческие ресурсы" in message
    assert "Курс не пройден" in message
    assert Certificate.objects.count() == 0 and not RegistryCounter.objects.filter(last_number__gt=0).exists()
    assert callbacks == [] and mail.outbox == []


def test_issue_many_refuses_an_empty_or_vanished_selection(world):
    with pytest.raises(services.CertificateError):
        services.certificate_issue_many(enrolment_ids=[], booking_ids=[], actor=world["admin"])
    with pytest.raises(services.CertificateError):
        services.certificate_issue_many(enrolment_ids=[world["orlova_children"].pk],
                                        booking_ids=[987654], actor=world["admin"])
    assert Certificate.objects.count() == 0


def test_the_selector_answers_in_one_query_per_page(world):
    rows = completed_without_certificate()
    with CaptureQueriesContext(connection) as queries:
        assert rows.count() == 4
        assert [row["kind"] for row in rows[:10]].count("internship") == 1
    assert len(queries) == 2
