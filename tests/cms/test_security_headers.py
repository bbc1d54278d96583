"""Content-Security-Policy and Permissions-Policy on every kind of response, and the headers that already held.

The learner site's policy is enforced and strict (no inline script or style); the Wagtail admin's is relaxed
where Wagtail needs it, with the strict rules sent as report-only. Pages of the site are also read for what the
strict policy would block (inline scripts, event-handler attributes, style attributes and elements), so a
template that needs a relaxation is found here rather than by a learner whose browser refuses it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from cms.demo import DEMO_PEOPLE, demo_seed
from courses.models import CoursePage, LessonPage, QuizPage
from lms.accounts.models import User

pytestmark = pytest.mark.django_db


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed()
    return {person.role: User.objects.get(email=person.email) for person in reversed(DEMO_PEOPLE)}


class InlineCode(HTMLParser):
    """What a strict policy would refuse in a page: inline scripts, on* attributes, style attributes and elements."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in (
                "application/json", "application/ld+json"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, _value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
        if tag == "a" and (attributes.get("href") or "").strip().lower().startswith("javascript:"):
            self.found.append("javascript: link")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def site_pages(demo) -> list[tuple[object, str]]:
    """(who, address) of every kind of page of the learner site."""
    from lms.accounts.roles import Role

    course = CoursePage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().descendant_of(course).first()
    quiz = QuizPage.objects.live().first()
    learner = demo[Role.LEARNER]
    return [
        (None, "/"), (None, "/"), (None, course.get_parent().url), (None, course.url), (None, "/accounts/login/"),
        (None, "/accounts/signup/"), (None, "/verify/"), (None, "/internships/"), (None, "/no-such-page/"),
        (None, "/healthz"), (None, "/static/css/site.css"), (None, "/_util/login/"),
        (learner, "/learning/"), (learner, course.url), (learner, lesson.url), (learner, quiz.url),
        (learner, "/my/documents/"), (learner, "/my/record/"), (learner, "/internships/my/"),
        (learner, "/accounts/profile/"), (learner, "/accounts/password/change/"),
    ]


def admin_pages(demo) -> list[tuple[object, str]]:
    from lms.accounts.roles import Role

    course = CoursePage.objects.live().first()
    return [
        (demo[Role.ADMINISTRATOR], "/admin/"), (demo[Role.ADMINISTRATOR], f"/admin/pages/{course.pk}/edit/"),
        (demo[Role.ADMINISTRATOR], "/admin/certificate_register/"), (demo[Role.ADMINISTRATOR], "/admin/libraries/"),
        (demo[Role.TRAINER], "/admin/"), (None, "/admin/"),
    ]


def fetch(who, path: str):
    client = Client()
    if who is not None:
        client.force_login(who)
    return client.get(path)


def test_every_page_of_the_site_gets_the_strict_policy_and_needs_no_more(demo):
    for who, path in site_pages(demo):
        response = fetch(who, path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        csp = policy(response["Content-Security-Policy"])
        assert csp["default-src"] == ["'self'"], path
        assert csp["script-src"] == ["'self'"], path  # no nonce was asked for, nothing inline is allowed
        assert csp["style-src"] == ["'self'"], path
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], path
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], path
        assert "Content-Security-Policy-Report-Only" not in response, path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "geolocation=()" in response["Permissions-Policy"], path
        if response["Content-Type"].startswith("text/html") and not getattr(response, "streaming", False):
            assert inline_code(response.content.decode()) == [], path


def test_a_page_served_from_the_page_cache_gets_the_headers_too(demo):
    first, second = fetch(None, "/"), fetch(None, "/")
    assert second.headers.get("X-Page-Cache") == "hit"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["Permissions-Policy"] == first["Permissions-Policy"]


def test_the_admin_gets_its_own_policy_with_the_strict_one_as_report_only(demo):
    for who, path in admin_pages(demo):
        response = fetch(who, path)
        csp = policy(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'", "'unsafe-inline'"], path
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], path
        assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"], path
        strict = policy(response["Content-Security-Policy-Report-Only"])
        assert strict["script-src"] == ["'self'"] and strict["style-src"] == ["'self'"], path
        assert "camera=()" in response["Permissions-Policy"], path


def test_embedded_video_players_may_be_framed_and_go_full_screen(demo, settings):
    response = fetch(None, "/")
    assert "https://rutube.ru" in policy(response["Content-Security-Policy"])["frame-src"]
    assert re.search(r'fullscreen=\(self "https://rutube.ru"', response["Permissions-Policy"])


def test_a_page_that_asks_for_a_nonce_gets_it_in_its_policy(rf, settings):
    from django.http import HttpResponse

    from cms.middleware import SiteCSPMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    request = rf.get("/some/page/")
    response = SiteCSPMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response["Content-Security-Policy"])["script-src"]


def test_the_other_security_headers_still_hold(demo, settings):
    response = fetch(None, "/verify/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
