"""The guard of the staff's workplace in Russian: for each role that works in the Wagtail admin, every page its
menu offers (walked as Wagtail builds the menu for that person, submenus included), and the first record each
listing opens, reads without English leftovers and with every count declined by its number.

The data gives the listings counts of several plural classes (1, 3, 5, 11, 21…); the checks on the text are in
tests/cms/admin_russian.py.
"""

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.models import Site

from certificates.admin_inspect import kemerovo_time
from certificates.models import Certificate, CertificateTemplate
from cms.admin_counts import COUNT_LABELS, count_label
from courses import services as course_services
from courses.models import AssignmentRule
from courses.table_editor import table_context_menu
from lms.accounts.roles import Role
from lms.internships import services as internship_services
from lms.internships.models import Requirement
from tests.cms.admin_russian import english_leftovers, plural_index, plural_mistakes, visible_text
from tests.factories import LibraryFactory, UserFactory
from tests.factories import courses as pages
from tests.factories.internships import SessionFactory, TopicFactory

ROLES = [Role.ADMINISTRATOR, Role.TRAINER, Role.LIBRARY_HEAD]
RECORD_LINK = re.compile(r'href="(/admin/(?:[\w\-/]+/(?:inspect|edit)/\d+|pages/\d+/edit)/)"')


@pytest.fixture
def workplace(db, django_capture_on_commit_callbacks):
    """A small region: 21 libraries, a head with 11 staff, 3 courses with enrolments, a trainer, internship
    topics and sessions with requests, a requirement, a mandatory assignment and a certificate."""
    CertificateTemplate.objects.create(name="Сертификат", kind="certificate", is_default=True)
    home_library = LibraryFactory(evbk_participant=True)
    LibraryFactory.create_batch(20)
    people = {
        Role.ADMINISTRATOR: UserFactory(role=Role.ADMINISTRATOR, library=home_library),
        Role.TRAINER: UserFactory(role=Role.TRAINER, library=home_library),
        Role.LIBRARY_HEAD: UserFactory(role=Role.LIBRARY_HEAD, library=home_library),
    }
    staff = UserFactory.create_batch(11, library=home_library, position="библиотекарь")
    programme = pages.programme()
    Site.objects.update(site_name="Обучение библиотекарей Кузбасса")
    courses = [pages.course(programme, academic_hours=hours) for hours in (1, 3, 5)]
    lessons = [pages.lesson(course) for course in courses]
    for course in courses:
        course_services.course_trainer_add(course=course, user=people[Role.TRAINER])
    for course, learners in zip(courses, (staff, staff[:3], staff[:5]), strict=True):
        for learner in learners:
            course_services.enrolment_self(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.lesson_complete(user=staff[0], lesson=lessons[1])
    AssignmentRule.objects.create(course=courses[0], title="Все сотрудники", library=home_library)
    Requirement.objects.create(title="Стажировка для участников Э(В)БК", due_date=datetime.date(2027, 12, 1))
    topics = TopicFactory.create_batch(5)
    sessions = [SessionFactory(topic=topic) for topic in topics[:3]]
    for learner in staff[:3]:
        internship_services.booking_request(user=learner, session=sessions[0])
    return people


def admin_menu_urls(user) -> list[str]:
    """The addresses of the admin menu as Wagtail builds it for this person (submenus opened), inside the admin."""
    reverse("wagtailadmin_home")  # the URL map registers the viewsets' menu items
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []

    def walk(items):
        for item in items:
            if isinstance(item, SubmenuMenuItem):
                walk(item.menu.menu_items_for_request(request))
            elif item.url.startswith("/admin/"):
                urls.append(item.url)

    walk(admin_menu.menu_items_for_request(request))
    return urls


def problems_of(html: str) -> list[str]:
    text = visible_text(html)
    return [f"English: {word}" for word in english_leftovers(text)] + [
        f"plural: {phrase}" for phrase in plural_mistakes(text)]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_of_the_role_reads_in_russian(client, workplace, role):
    user = workplace[role]
    client.force_login(user)
    urls = ["/admin/", *admin_menu_urls(user)]
    assert len(urls) > 2, "the role sees its menu"
    records, found = [], {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        found[url] = problems_of(html)
        records += RECORD_LINK.findall(html)[:1]  # the first record a listing opens
    assert records or role == Role.LIBRARY_HEAD, "the administrator's and the trainer's listings open records"
    if role == Role.TRAINER:
        assert any("/admin/pages/" in url for url in records), "a course page's editor is read too"
    for url in dict.fromkeys(records):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        found[url] = problems_of(response.content.decode())
    wrong = {url: problems for url, problems in found.items() if problems}
    assert not wrong, "\n".join(f"{url}: {', '.join(problems)}" for url, problems in wrong.items())


def test_the_checks_catch_what_wagtail_printed():
    """The walk's checks fail on the old output (Wagtail's counts and Python's values) and pass the new one."""
    old = ("<p>36 записи на курсы</p><p>11 пользователи</p><p>10 документы об обучении</p><p>16 библиотеки</p>"
           "<a>44 Страницы</a><div>1-4 of 4 страницы</div><td>True</td>"
           '<span class="w-sr-only">False</span><dt>Issued by</dt><dd>None</dd>')
    mistakes = plural_mistakes(visible_text(old))
    assert mistakes == ["36 записи", "11 пользователи", "10 документы", "16 библиотеки", "44 Страницы"]
    assert {"True", "False", "None", "Issued by", "of"} <= set(english_leftovers(visible_text(old)))
    new = ("<p>36 записей на курсы</p><p>11 пользователей</p><p>10 документов об обучении</p><p>16 библиотек</p>"
           "<a>44 страницы</a><div>1–4 из 4</div><td>да</td><dt>Кем выдан</dt><dd>—</dd>")
    assert plural_mistakes(visible_text(new)) == [] and english_leftovers(visible_text(new)) == []


def test_hidden_elements_are_not_read_but_labels_are():
    html = ('<div hidden>None</div><script>var x = "True";</script><nav aria-label="Actions"></nav>'
            '<svg aria-hidden="true"></svg><span class="w-sr-only">да</span>')
    assert english_leftovers(visible_text(html)) == ["Actions"]


@pytest.mark.parametrize("label", sorted(COUNT_LABELS))
def test_every_admin_count_agrees_with_its_number(label):
    """Each noun the admin counts has its three Russian forms («1 библиотека, 3 библиотеки, 5 библиотек»)."""
    from django.apps import apps

    model = apps.get_model(label)
    said = {count: count_label(model, count) for count in (1, 3, 5, 11, 21, 22, 25, 111, 112)}
    assert all(text.startswith(f"{count} ") for count, text in said.items())
    forms = {plural_index(count): text.split(" ", 1)[1] for count, text in said.items()}
    assert len(set(forms.values())) >= 2 or label.endswith(("municipality", "assignmentrule", "workflow")), said
    assert all(not re.search(r"[A-Za-z]", text) for text in said.values()), said
    assert all(text.split(" ", 1)[1] == forms[plural_index(count)] for count, text in said.items())


def test_a_model_without_a_noun_is_counted_without_one():
    assert count_label(None, 21) == "Всего: 21"


def test_listing_footer_and_page_explorer_count_in_russian(client, workplace):
    client.force_login(workplace[Role.ADMINISTRATOR])
    libraries = visible_text(client.get("/admin/libraries/").content.decode())
    assert "21 библиотека" in libraries and "библиотеки" not in re.findall(r"\d+ (\w+)", libraries)
    client.force_login(UserFactory(is_superuser=True))
    explorer = visible_text(client.get("/admin/pages/", follow=True).content.decode())
    assert re.search(r"\d+–\d+ из \d+", explorer) and " of " not in explorer
    # The site summary is for those who edit the site's pages without a staff role of the programme (roles get
    # their panels instead, cms/dashboard.py): an editor of Wagtail's own kind.
    client.force_login(site_editor())
    dashboard = visible_text(client.get("/admin/").content.decode())
    assert re.search(r"\d+ страниц[аы]? на сайте", dashboard), dashboard


def site_editor():
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    group = Group.objects.create(name="Редакторы сайта (тест)")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    GroupPagePermission.objects.create(group=group, page=Page.get_first_root_node(),
                                       permission=Permission.objects.get(codename="change_page"))
    editor = UserFactory()
    editor.groups.add(group)
    return editor


def test_boolean_columns_read_yes_and_no(client, workplace):
    client.force_login(workplace[Role.ADMINISTRATOR])
    text = visible_text(client.get("/admin/libraries/").content.decode())
    assert " да " in f" {text} " and " нет " in f" {text} "


def test_certificate_inspect_view_is_labelled_russian_in_kemerovo_time(client, workplace):
    certificate = Certificate.objects.get()
    client.force_login(workplace[Role.ADMINISTRATOR])
    text = visible_text(client.get(f"/admin/certificate_register/inspect/{certificate.pk}/").content.decode())
    assert "Удостоверенные сведения" in text and "{" not in text
    assert "Объём" in text and certificate.facts["hours_phrase"] in text
    assert "Кем выдан" in text and "Кем отозван" in text and "—" in text
    local = timezone.localtime(certificate.issued_at)
    assert kemerovo_time(certificate.issued_at) in text and f"{local:%-H:%M}" in text
    assert english_leftovers(text) == []


def test_kemerovo_time_is_seven_hours_ahead_of_utc():
    moment = datetime.datetime(2026, 11, 23, 3, 5, tzinfo=datetime.UTC)
    assert kemerovo_time(moment) == "23 ноября 2026 г. 10:05" and kemerovo_time(None) == "—"


def test_lesson_table_editor_menu_is_russian(settings):
    from django.utils import translation

    with translation.override("ru"):
        names = [item["name"] for item in table_context_menu()["items"].values() if item["name"] != "---------"]
    assert names[:2] == ["Вставить строку выше", "Вставить строку ниже"] and "Отменить" in names
    assert not [name for name in names if re.search(r"[A-Za-z]", name)]


def test_admin_strings_have_no_gendered_guesses():
    """«выдал(а)», «записан(а)»: the catalogue rephrases instead of guessing a person's gender."""
    from pathlib import Path

    catalogue = (Path(__file__).resolve().parents[2] / "locale/ru/LC_MESSAGES/django.po").read_text()
    assert not re.findall(r'msgstr.*\w\(а\)', catalogue)


def test_certificate_inspect_view_does_a_fixed_number_of_queries(client, workplace):
    """A revoked and replaced certificate names more people and documents than a fresh one, in as many queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates import services as certificate_services

    admin = workplace[Role.ADMINISTRATOR]
    client.force_login(admin)

    def queries_of(certificate) -> int:
        url = f"/admin/certificate_register/inspect/{certificate.pk}/"
        client.get(url)  # warm the per-process caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    fresh = Certificate.objects.get()
    plain = queries_of(fresh)
    certificate_services.certificate_reissue(certificate=fresh, actor=admin)
    replaced = Certificate.objects.get(pk=fresh.pk)
    certificate_services.certificate_revoke(certificate=replaced.replaced_by, reason="Ошибка в ФИО", actor=admin)
    assert queries_of(replaced) == plain and queries_of(replaced.replaced_by) == plain
    text = visible_text(client.get(f"/admin/certificate_register/inspect/{replaced.replaced_by.pk}/").content.decode())
    assert "Ошибка в ФИО" in text and admin.full_name in text and english_leftovers(text) == []


def test_certificate_register_exports_in_russian_and_kemerovo_time(client, workplace):
    """The register's CSV: Russian headings and status, the time as the listing shows it (it failed before on the
    Django-style paths of its columns)."""
    certificate = Certificate.objects.get()
    client.force_login(workplace[Role.ADMINISTRATOR])
    response = client.get("/admin/certificate_register/", {"export": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("Регистрационный номер,Фамилия,Имя,Отчество,Библиотека,Курс или стажировка,Состояние")
    local = timezone.localtime(certificate.issued_at)
    assert f"{local:%d.%m.%Y %H:%M}" in lines[1] and "Действителен" in lines[1] and "+00:00" not in lines[1]
    assert certificate.facts["course"] in lines[1] and certificate.user.last_name in lines[1]
    xlsx = client.get("/admin/certificate_register/", {"export": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_library_export_says_yes_no_and_the_kind_in_words(client, workplace):
    client.force_login(workplace[Role.ADMINISTRATOR])
    response = client.get("/admin/libraries/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert "Вид" in text.splitlines()[0] and "Централизованная библиотечная система" in text
    assert ",да," in text and ",нет," in text and not re.search(r"\b(True|False|system)\b", text)


def test_the_help_menu_keeps_no_english_guide(client, workplace):
    client.force_login(workplace[Role.ADMINISTRATOR])
    page = client.get("/admin/").content.decode()
    assert "guide.wagtail.org" not in page and "What's new in Wagtail" not in page
    assert "keyboard-shortcuts-trigger" in page and "editor-guide" not in page  # the shortcuts stay
