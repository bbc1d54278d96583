"""The page shell kept per person (`{% kept_fragment %}`): the header shows each person their own name and links
and a CSRF token that is valid for this request; the footer comes back to the page it is on."""

from __future__ import annotations

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.models import Site

from cms.models import SiteSettings
from cms.sites import site_for_request
from cms.templatetags.site_tags import kept_key
from courses import services
from lms import content_cache
from tests.factories import PASSWORD, UserFactory
from tests.factories import courses as pages

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def course():
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    programme = pages.programme(title="Программа обучения", slug="kursy")
    course = pages.course(programme, title="Каталогизация: основы", slug="katalogizatsiya")
    pages.lesson(course, title="Первый урок")
    return course


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">'):html.index("</header>")]


def test_each_person_sees_their_own_name_in_the_header(course):
    anna = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Игоревна")
    boris = UserFactory(last_name="Кузнецов", first_name="Борис", patronymic="Олегович")
    anna_client, boris_client = Client(), Client()
    anna_client.force_login(anna)
    boris_client.force_login(boris)
    for _ in range(2):  # the second round reads what the first kept
        anna_header, boris_header = _header(_page(anna_client, course.url)), _header(_page(boris_client, course.url))
        assert "Смирнова А. И." in anna_header and "Кузнецов" not in anna_header
        assert "Кузнецов Б. О." in boris_header and "Смирнова" not in boris_header
    anonymous = _header(_page(Client(), course.url))
    assert "Смирнова" not in anonymous and "Кузнецов" not in anonymous and reverse("account_login") in anonymous


def test_a_new_name_and_the_admin_link_show_at_once(course):
    anna = UserFactory(last_name="Смирнова", first_name="Анна", patronymic="Игоревна")
    client = Client()
    client.force_login(anna)
    assert "/admin/" not in _header(_page(client, course.url))
    anna.last_name, anna.is_staff = "Волкова", True
    anna.save()
    header = _header(_page(client, course.url))
    assert "Волкова А. И." in header and "Смирнова" not in header
    assert 'href="/admin/"' in header


def test_the_logout_form_carries_a_token_valid_for_this_request_after_logging_in_again(course):
    anna = UserFactory()
    client = Client(enforce_csrf_checks=True)

    def log_in():
        token = TOKEN.search(_page(client, reverse("account_login"))).group(1)
        response = client.post(reverse("account_login"),
                               {"login": anna.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
        assert response.status_code == 302, response.content.decode()[:500]

    def log_out():
        token = TOKEN.search(_header(_page(client, course.url))).group(1)
        response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302  # a stale token would give 403
        assert "_auth_user_id" not in client.session

    log_in()
    first = TOKEN.search(_header(_page(client, course.url))).group(1)
    second = TOKEN.search(_header(_page(client, course.url))).group(1)
    assert first != second  # each response masks the token afresh, as Django does
    log_out()
    log_in()  # logging in starts a new CSRF secret: the kept header must not carry the old one
    log_out()


def test_the_language_form_comes_back_to_the_page_it_is_on_escaped(course):
    anna = UserFactory()
    services.enrolment_self(user=anna, course=course)
    client = Client()
    client.force_login(anna)
    lesson = course.get_children().specific().get(title="Первый урок")
    assert 'name="next" type="hidden" value="/kursy/katalogizatsiya/"' in _page(client, course.url)
    assert f'name="next" type="hidden" value="{lesson.url}"' in _page(client, lesson.url)
    html = _page(client, course.url + "?tab=it's")
    assert 'value="/kursy/katalogizatsiya/?tab=it&#x27;s"' in html
    assert "__kept_fragment" not in html


def test_the_current_menu_item_is_marked_only_on_its_own_page(course):
    programme = course.get_parent().specific
    programme.show_in_menus = True
    programme.save_revision().publish()
    anna = UserFactory()
    client = Client()
    client.force_login(anna)
    assert 'aria-current="page"' in _header(_page(client, programme.url))
    assert 'aria-current="page"' not in _header(_page(client, course.url))
    assert 'aria-current="page"' in _header(_page(client, programme.url))


def test_a_preview_is_rendered_and_never_kept():
    template = engines["django"].from_string(
        '{% load site_tags %}{% kept_fragment "probe" who %}{{ who }} {% csrf_token %}{% endkept_fragment %}')
    request = RequestFactory().get("/")
    site = site_for_request(request)
    request.is_preview = True
    assert "Черновик" in template.render({"who": "Черновик"}, request)
    assert content_cache.read(kept_key("probe", site.pk, ["Черновик"]))[1] is None
    request.is_preview = False
    assert "Опубликовано" in template.render({"who": "Опубликовано"}, request)
    assert content_cache.read(kept_key("probe", site.pk, ["Опубликовано"]))[1] is not None
    shown = template.render({"who": "Опубликовано"}, request)
    assert TOKEN.search(shown) and "__kept_fragment" not in shown
