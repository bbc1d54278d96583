from django.core.management import call_command

from cms.demo import DEMO_PEOPLE, demo_seed
from cms.models import HomePage, StandardPage
from courses.models import CoursePage, Enrolment, ExternalTraining, LessonCompletion
from lms.accounts.models import User
from lms.libraries.models import Library


def test_healthz_reports_each_dependency(client, db, settings):
    settings.CELERY_BROKER_URL = ""  # no broker: tasks run eagerly (tests/integration checks a real one)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "eager"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_is_503_when_a_dependency_fails(client, db, monkeypatch):
    from cms import health

    def broken():
        raise ConnectionError("down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "error: ConnectionError"
    assert response.json()["status"] == "error"


def _snapshot():
    return (
        list(User.objects.order_by("pk").values("pk", "email", "password", "last_name", "library_id")),
        list(Library.objects.order_by("pk").values()),
        list(HomePage.objects.values_list("pk", "title", "live")),
        list(StandardPage.objects.values_list("pk", "title", "live")),
        sorted(User.objects.values_list("email", "groups__name")),
        list(Enrolment.objects.order_by("pk").values()),
        LessonCompletion.objects.count(),
        list(CoursePage.objects.values_list("pk", "title", "live")),
    )


def test_seed_demo_builds_the_site_and_twice_changes_nothing(db, capsys, caplog):
    call_command("seed_demo")
    output = capsys.readouterr().out
    # Its tasks run eagerly and open no broker connection (kombu warned «No hostname was supplied» without a broker).
    assert not [record for record in caplog.records if record.name.startswith("kombu")]
    for person in DEMO_PEOPLE:
        assert person.email in output
    assert "kuzbass-demo-2026" in output
    first = _snapshot()
    assert demo_seed().changed == 0
    assert _snapshot() == first
    assert HomePage.objects.get().live
    assert CoursePage.objects.live().count() == 4
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert statuses == {"active", "completed", "requested"}
    # training elsewhere in each state an administrator meets: confirmed (its hours count), waiting, rejected
    assert set(ExternalTraining.objects.values_list("status", flat=True)) == {"confirmed", "pending", "rejected"}
    for person in DEMO_PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.emailaddress_set.get().verified and user.check_password("kuzbass-demo-2026")


def test_home_page_shows_the_shell_in_russian(client, db):
    demo_seed()
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ru">' in page
    assert "Обучение библиотекарей Кузбасса" in page
    assert "Войти" in page and "Регистрация" in page
    assert 'href="/about/"' in page  # menu
    assert "Перейти к содержанию" in page  # skip link


def test_home_page_shows_the_logged_in_person(client, db):
    demo_seed()
    client.force_login(User.objects.get(email="learner@demo.kuzbass-lms.ru"))
    page = client.get("/").content.decode()
    assert "Иванова М. П." in page and "Выйти" in page


def test_language_can_be_switched_to_english(client, db):
    demo_seed()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Log in" in page


def test_home_page_queries_do_not_grow_with_menu_items(client, db, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_ENABLED = False  # this counts the rendering's queries, not the page cache's

    demo_seed()
    home = HomePage.objects.get()
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for n in range(5):
        child = StandardPage(title=f"Страница {n}", slug=f"page-{n}", show_in_menus=True)
        home.add_child(instance=child)
        child.save_revision().publish()
    client.get("/")  # the publishing started a new content generation: the menu is read again once
    with CaptureQueriesContext(connection) as many:
        assert "Страница 4" in client.get("/").content.decode()
    assert len(many) == len(few)


def test_unknown_page_is_a_russian_404(client, db):
    demo_seed()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
