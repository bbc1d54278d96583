"""The anonymous page cache: public pages are served whole to visitors without a session, and nothing that is a
draft, a preview, restricted, or one person's own ever reaches another visitor through it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction, Site

from cms.models import SiteSettings
from cms.page_cache import MARK, AnonymousPageCacheMiddleware
from courses import services
from courses.models import CoursePage
from tests.factories import UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on first use, which counts as a change
    programme = pages.programme(title="Программа обучения", slug="kursy")
    course = pages.course(programme, title="Каталогизация: основы", slug="katalogizatsiya",
                          summary="Описание для всех.")
    pages.lesson(course, title="Первый урок")
    return programme, course


def _get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_public_page_is_served_whole_to_the_second_anonymous_visitor_without_a_query(catalogue):
    programme, course = catalogue
    for url in (programme.url, course.url, "/"):
        first = _get(Client(), url)
        assert first.headers["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            second = _get(Client(), url)
        assert second.headers["X-Page-Cache"] == "hit"
        assert len(queries) == 0
        assert second.content == first.content
        assert second.headers["Content-Type"] == first.headers["Content-Type"]
        assert second.headers["X-Frame-Options"] == "DENY"  # headers of the middleware below are kept


def test_public_pages_hold_no_csrf_token_and_set_no_cookie(catalogue):
    programme, course = catalogue
    for url in (programme.url, course.url, "/"):
        response = _get(Client(), url)
        assert b"csrfmiddlewaretoken" not in response.content
        assert not response.cookies


def test_publishing_a_change_is_seen_at_once(client, catalogue):
    _programme, course = catalogue
    _get(client, course.url)
    assert _get(client, course.url).headers["X-Page-Cache"] == "hit"
    course.title = "Каталогизация: новое название"
    course.save_revision().publish()
    response = _get(Client(), course.url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "Каталогизация: новое название" in response.content.decode()


def test_a_draft_is_never_served_and_an_unpublished_page_is_gone(catalogue):
    _programme, course = catalogue
    _get(Client(), course.url)
    course = CoursePage.objects.get(pk=course.pk)
    course.title = "Черновик, не для всех"
    course.save_revision()  # a draft only
    response = _get(Client(), course.url)
    assert "Черновик" not in response.content.decode()
    assert "Каталогизация: основы" in response.content.decode()

    course.unpublish()
    assert Client().get(course.url).status_code == 404


def test_an_editors_preview_is_not_stored_for_anyone(catalogue):
    _programme, course = catalogue
    editor = Client()
    editor.force_login(UserFactory(is_staff=True, is_superuser=True))
    preview_url = f"/admin/pages/{course.pk}/edit/preview/"
    form = {"title": "Предпросмотр редактора", "slug": course.slug, "summary": "Секретный черновик",
            "format": course.format, "enrolment_policy": course.enrolment_policy, "academic_hours": 16,
            "trainers-TOTAL_FORMS": "0", "trainers-INITIAL_FORMS": "0",
            "trainer_links-TOTAL_FORMS": "0", "trainer_links-INITIAL_FORMS": "0"}
    editor.post(preview_url, form)
    shown = editor.get(preview_url)
    assert shown.status_code == 200
    anonymous = _get(Client(), course.url).content.decode()
    assert "Предпросмотр редактора" not in anonymous and "Секретный черновик" not in anonymous
    assert _get(Client(), course.url).headers["X-Page-Cache"] == "hit"  # the public version was stored instead


def test_a_logged_in_learner_is_never_served_the_stored_page_and_never_stores_own(catalogue):
    programme, course = catalogue
    anna = UserFactory(first_name="Анна", last_name="Личная")
    services.enrolment_self(user=anna, course=course)

    learner = Client()
    learner.force_login(anna)
    own = _get(learner, programme.url)  # the catalogue shows her status in the course
    assert "X-Page-Cache" not in own.headers
    assert "Анна" in own.content.decode() or "Личная" in own.content.decode()

    anonymous = _get(Client(), programme.url)
    assert anonymous.headers["X-Page-Cache"] == "miss"
    text = anonymous.content.decode()
    assert "Личная" not in text and "Анна" not in text and "badge-active" not in text

    again = _get(learner, programme.url)  # the anonymous copy is stored now; she still gets her own page
    assert "X-Page-Cache" not in again.headers
    assert "badge-active" in again.content.decode()


def test_an_anonymous_visitor_with_a_session_or_messages_is_served_live(catalogue):
    programme, _course = catalogue
    _get(Client(), programme.url)
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert "X-Page-Cache" not in _get(with_session, programme.url).headers
    with_messages = Client()
    with_messages.cookies["messages"] = "something"
    assert "X-Page-Cache" not in _get(with_messages, programme.url).headers


def test_a_restricted_page_is_never_stored(catalogue):
    _programme, course = catalogue
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD, password="секрет")
    first = Client().get(course.url)
    assert "Описание для всех" not in first.content.decode()
    assert "X-Page-Cache" not in first.headers
    assert "X-Page-Cache" not in Client().get(course.url).headers


def test_lessons_are_not_stored(catalogue):
    _programme, course = catalogue
    lesson = course.get_children().first()
    response = Client().get(lesson.url)
    assert response.status_code == 302  # to log in
    assert "X-Page-Cache" not in response.headers


def test_catalogue_filters_are_stored_apart_and_free_text_search_is_served_live(catalogue):
    programme, _course = catalogue
    _get(Client(), programme.url)
    filtered = _get(Client(), programme.url + "?format=blended")
    assert filtered.headers["X-Page-Cache"] == "miss"
    assert _get(Client(), programme.url + "?format=blended").headers["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in _get(Client(), programme.url + "?q=каталог").headers
    assert "X-Page-Cache" not in _get(Client(), programme.url + "?q=каталог").headers


def test_each_language_is_stored_apart(catalogue):
    programme, _course = catalogue
    russian = _get(Client(), programme.url)
    english = Client()
    english.cookies["django_language"] = "en"
    response = _get(english, programme.url)
    assert response.headers["X-Page-Cache"] == "miss"
    assert response.headers["Content-Language"] == "en"
    assert russian.headers["Content-Language"] == "ru"
    assert _get(Client(), programme.url).headers["Content-Language"] == "ru"


def test_site_settings_change_reaches_the_footer(catalogue):
    programme, _course = catalogue
    _get(Client(), programme.url)
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.contact_phone = "+7 (3842) 00-00-00"
    site_settings.save()
    assert "+7 (3842) 00-00-00" in _get(Client(), programme.url).content.decode()


def test_the_language_form_works_without_a_token(catalogue):
    programme, _course = catalogue
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": programme.url})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"


def test_a_response_that_used_a_csrf_token_or_set_a_cookie_is_not_stored(settings):
    factory = RequestFactory()

    def view_with_token(request):
        setattr(request, MARK, True)
        request.user = _Anonymous()
        return HttpResponse(f"<form>{get_token(request)}</form>")

    def view_with_cookie(request):
        setattr(request, MARK, True)
        request.user = _Anonymous()
        response = HttpResponse("ok")
        response.set_cookie("tracking", "1")
        return response

    for view in (view_with_token, view_with_cookie):
        middleware = AnonymousPageCacheMiddleware(view)
        assert "X-Page-Cache" not in middleware(factory.get("/x/")).headers
        assert "X-Page-Cache" not in middleware(factory.get("/x/")).headers


def test_caching_can_be_switched_off(settings, catalogue):
    settings.PAGE_CACHE_ENABLED = False
    programme, _course = catalogue
    _get(Client(), programme.url)
    assert "X-Page-Cache" not in _get(Client(), programme.url).headers


class _Anonymous:
    is_authenticated = False


def test_the_syllabus_ticks_are_each_learners_own(catalogue):
    _programme, course = catalogue
    second = pages.lesson(course, title="Второй урок")
    first = course.get_children().specific().get(title="Первый урок")
    anna, boris = UserFactory(), UserFactory()
    for person in (anna, boris):
        services.enrolment_self(user=person, course=course)
    services.lesson_complete(user=anna, lesson=first)

    def ticks(person) -> int:
        client = Client()
        client.force_login(person)
        return _get(client, course.url).content.decode().count('<span class="done">✓')

    assert (ticks(anna), ticks(boris)) == (1, 0)
    services.lesson_complete(user=anna, lesson=second)
    assert (ticks(anna), ticks(boris)) == (2, 0)
    assert "Второй урок</a>" in _get(_logged_in(boris), course.url).content.decode()  # enrolled: linked
    assert "Второй урок</a>" not in _get(Client(), course.url).content.decode()  # anonymous: not linked


def test_a_previewed_lesson_draft_is_never_shown_to_learners(catalogue):
    course, lesson, learner = _studying(catalogue)

    editor = _logged_in(UserFactory(is_staff=True, is_superuser=True))
    preview_url = f"/admin/pages/{lesson.pk}/edit/preview/"
    form = {"title": lesson.title, "slug": lesson.slug, "estimated_minutes": 20, "is_required": "on",
            "body-count": "1", "body-0-type": "paragraph", "body-0-deleted": "", "body-0-order": "0",
            "body-0-value": '{"blocks":[{"key":"a","type":"unstyled","text":"Черновой текст","depth":0,'
                            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}'}
    assert editor.post(preview_url, form).json()["is_valid"]
    assert "Черновой текст" in editor.get(preview_url).content.decode()  # the editor sees the draft
    page = _get(learner, lesson.url).content.decode()  # the first learner after the preview
    assert "Черновой текст" not in page and "Текст урока." in page
    lesson.save_revision()  # and a draft saved, not published
    page = _get(learner, lesson.url).content.decode()
    assert "Черновой текст" not in page and "Текст урока." in page


def _studying(catalogue) -> tuple[CoursePage, object, Client]:
    """The course, its first lesson, and a client logged in as a learner enrolled in it."""
    _programme, course = catalogue
    lesson = course.get_children().specific().get(title="Первый урок")
    anna = UserFactory()
    services.enrolment_self(user=anna, course=course)
    return course, lesson, _logged_in(anna)


def _logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_restriction_added_later_takes_effect_at_once_for_everyone(catalogue):
    course, lesson, learner = _studying(catalogue)
    assert "Текст урока." in _get(learner, lesson.url).content.decode()  # the route and «no restriction» are kept
    _get(Client(), course.url)

    restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD,
                                                     password="секрет")
    for client, url in ((learner, lesson.url), (Client(), course.url)):
        text = client.get(url).content.decode()
        assert "Текст урока." not in text and "Описание для всех" not in text, url
    restriction.delete()
    assert "Текст урока." in _get(learner, lesson.url).content.decode()


def test_an_unpublished_lesson_is_gone_at_once_though_its_route_was_kept(catalogue):
    course, lesson, learner = _studying(catalogue)
    _get(learner, lesson.url)
    lesson.unpublish()
    assert learner.get(lesson.url).status_code == 404


def test_instances_behind_one_proxy_share_the_kept_routes(catalogue, settings):
    settings.USE_X_FORWARDED_PORT = True  # as with DJANGO_TRUSTED_PROXY_COUNT set
    _course, lesson, learner = _studying(catalogue)

    def queries_on(instance_port: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            _get(learner, lesson.url, HTTP_HOST="testserver", SERVER_PORT=instance_port,
                 HTTP_X_FORWARDED_PORT="443")
        return len(queries)

    queries_on("8101")  # the first instance keeps the route
    warm = queries_on("8101")
    assert queries_on("8102") == warm  # the other instance finds it kept too


def test_a_renamed_course_gives_new_addresses_in_the_pages_that_link_to_it(catalogue):
    course, lesson, learner = _studying(catalogue)
    assert f'href="{course.url}"' in _get(learner, lesson.url).content.decode()  # addresses and root paths kept
    course = CoursePage.objects.get(pk=course.pk)
    course.slug = "katalogizatsiya-2027"
    course.save_revision().publish()
    lesson.refresh_from_db()
    assert "/katalogizatsiya-2027/" in lesson.url
    html = _get(learner, lesson.url).content.decode()
    assert 'href="/kursy/katalogizatsiya-2027/"' in html and 'href="/kursy/katalogizatsiya/"' not in html
