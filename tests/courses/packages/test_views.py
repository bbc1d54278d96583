"""The SCORM player page, the commit endpoint (JSON with the CSRF header, and navigator.sendBeacon bodies) and the
package's files (courses/packages/views.py, page_context.py)."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import ScormAttempt, ScormScoState
from courses.packages import runtime
from courses.packages.services import scorm_package_store
from tests.factories import UserFactory
from tests.factories import courses as pages
from tests.factories import scorm

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def course():
    return pages.course()


@pytest.fixture
def stored(media, administrator):
    return scorm_package_store(upload=SimpleUploadedFile("p.zip", b.multi_sco_12()), actor=administrator)


@pytest.fixture
def lesson(course, stored):
    return scorm.scorm_lesson(course, package_row=stored)


@pytest.fixture
def student(course, password):
    person = UserFactory()
    services.enrolment_self(user=person, course=course)
    return person


def logged_in(user, password, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(email=user.email, password=password)
    return client


def player_config(response) -> dict:
    match = re.search(r'<script id="scorm-config" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match[1])


def test_player_page_for_an_enrolled_learner(student, password, lesson, stored):
    response = logged_in(student, password).get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="scorm-frame"' in html and 'title="Интерактивный урок: Введение"' in html
    assert "Для этого урока нужен JavaScript." in html and "<noscript>" in html
    assert "vendor/scorm-again/scorm12" in html and "js/scorm-player.js" in html
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert "'self'" in directives["frame-src"].split()  # the package's content, on this page only
    toc = html[html.index('id="scorm-toc"'):]
    assert toc.count("<li") == 3 and 'href="?sco=1" aria-current="step"' in toc and "не начат" in toc
    config = player_config(response)
    attempt = ScormAttempt.objects.get(user=student)
    assert config["attempt"] == attempt.pk and config["session"] == 1 and config["scorm12"] is True
    assert config["launchUrl"] == f"/scorm/content/{stored.pk}/sco1/index.html"
    assert config["elements"]["cmi.core.entry"] == "ab-initio"
    assert config["nextUrl"].endswith("?sco=2")


def test_the_chosen_sco_and_the_parameters_of_its_item(student, password, lesson, stored):
    response = logged_in(student, password).get(lesson.url + "?sco=3")
    config = player_config(response)
    assert config["sco"] == 2 and config["launchUrl"] == f"/scorm/content/{stored.pk}/sco3/start.html?mode=test"
    assert config["nextUrl"] == ""
    assert 'href="?sco=3" aria-current="step"' in response.content.decode()


def test_closed_page_has_no_player_and_offers_to_reopen(student, password, lesson):
    response = logged_in(student, password).get(lesson.url + "?sco=2&closed=1")
    html = response.content.decode()
    assert 'id="scorm-frame"' not in html and "Открыть снова" in html
    assert not ScormScoState.objects.exists()  # not launched


def test_anonymous_and_not_enrolled_are_sent_away(lesson, course, password):
    assert Client().get(lesson.url)["Location"].startswith("/accounts/login/")
    response = logged_in(UserFactory(), password).get(lesson.url)
    assert response.status_code == 302 and response["Location"] == course.url


def test_a_trainer_sees_the_player_without_tracking(course, lesson, password):
    trainer = UserFactory()
    services.course_trainer_add(course=course, user=trainer)
    response = logged_in(trainer, password).get(lesson.url)
    assert response.status_code == 200 and "ничего не сохраняется" in response.content.decode()
    assert player_config(response)["commitUrl"] == "" and not ScormAttempt.objects.exists()


def start(student, password, lesson):
    client = logged_in(student, password, csrf=True)
    config = player_config(client.get(lesson.url))
    return client, config


def body(config, elements, **extra) -> dict:
    return {"attempt": config["attempt"], "sco": config["sco"], "session": config["session"], "elements": elements,
            **extra}


def test_commit_with_the_csrf_header(student, password, lesson):
    client, config = start(student, password, lesson)
    response = client.post(config["commitUrl"], json.dumps(body(config, {
        "cmi.core.lesson_status": "completed", "cmi.core.lesson_location": "3"})),
        content_type="application/json", HTTP_X_CSRFTOKEN=config["csrf"])
    assert response.status_code == 200
    assert response.json() == {"result": True, "errorCode": 0, "errors": [], "completion": "incomplete",
                               "success": "unknown", "score": None, "studied": False}
    assert ScormScoState.objects.get().location == "3"


def test_commit_without_csrf_is_refused(student, password, lesson):
    client, config = start(student, password, lesson)
    response = client.post(config["commitUrl"], json.dumps(body(config, {"cmi.core.lesson_location": "3"})),
                           content_type="application/json")
    assert response.status_code == 403 and response.json()["result"] is False
    assert "устарела" in response.json()["message"]
    assert ScormScoState.objects.get().location == ""


def test_a_beacon_carries_the_token_in_its_body(student, password, lesson):
    client, config = start(student, password, lesson)
    payload = json.dumps(body(config, {"cmi.core.lesson_location": "7", "cmi.core.exit": "suspend"},
                              csrf=config["csrf"]))
    response = client.post(config["commitUrl"], payload, content_type="text/plain;charset=UTF-8")
    assert response.status_code == 200 and response.json()["result"] is True
    assert ScormScoState.objects.get().location == "7"
    forged = json.dumps(body(config, {"cmi.core.lesson_location": "8"}, csrf="x" * 64))
    assert client.post(config["commitUrl"], forged, content_type="text/plain").status_code == 403


def test_foreign_and_stale_attempts(student, password, lesson, course):
    client, config = start(student, password, lesson)
    other = UserFactory()
    services.enrolment_self(user=other, course=course)
    stranger, stranger_config = start(other, password, lesson)
    response = stranger.post(config["commitUrl"], json.dumps(body(config, {}, csrf=stranger_config["csrf"])),
                             content_type="application/json")
    assert response.status_code == 403 and response.json()["message"] == "Это не ваша попытка."
    post = lambda elements: client.post(config["commitUrl"], json.dumps(body(config, elements)),  # noqa: E731
                                        content_type="application/json", HTTP_X_CSRFTOKEN=config["csrf"])
    for index in range(3):
        runtime.scorm_launch(user=student, lesson=lesson, sco_index=index)
        runtime.scorm_commit(user=student, lesson=lesson, attempt_id=config["attempt"], sco_index=index,
                             session=1, elements={"cmi.core.lesson_status": "completed"})
    runtime.scorm_attempt_restart(user=student, lesson=lesson)
    response = post({"cmi.core.lesson_location": "late"})
    assert response.status_code == 409 and "другом окне" in response.json()["message"]


def test_bad_bodies(student, password, lesson):
    client, config = start(student, password, lesson)
    headers = {"HTTP_X_CSRFTOKEN": config["csrf"]}
    big = json.dumps(body(config, {"cmi.suspend_data": "x" * (1024 * 1024)}))
    response = client.post(config["commitUrl"], big, content_type="application/json", **headers)
    assert response.status_code == 413 and "1 МБ" in response.json()["message"]
    for junk in ("not json", "[1, 2]", json.dumps({"attempt": "x"})):
        response = client.post(config["commitUrl"], junk, content_type="application/json", **headers)
        assert response.status_code == 400 and "не может прочитать" in response.json()["message"]
    assert Client().post(config["commitUrl"], "{}", content_type="application/json").status_code == 403
    assert ScormScoState.objects.get().revision == 0


def test_restart_button(student, password, lesson):
    client = logged_in(student, password)
    client.get(lesson.url)
    attempt = ScormAttempt.objects.get()
    ScormAttempt.objects.filter(pk=attempt.pk).update(completion_status="completed")
    html = client.get(lesson.url).content.decode()
    assert "Пройти заново" in html and reverse("courses:scorm_restart", args=[lesson.pk]) in html
    response = client.post(reverse("courses:scorm_restart", args=[lesson.pk]))
    assert response.status_code == 302 and ScormAttempt.objects.filter(user=student).count() == 2


# --- The package's files -----------------------------------------------------------------------------------------

def test_content_is_served_with_its_headers(student, password, lesson, stored):
    client = logged_in(student, password)
    response = client.get(f"/scorm/content/{stored.pk}/sco1/index.html")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == b.SCO_HTML
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'unsafe-eval'" in policy and "object-src 'none'" in policy
    assert "private" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    again = client.get(f"/scorm/content/{stored.pk}/sco1/index.html", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    script = client.get(f"/scorm/content/{stored.pk}/shared/api.js")
    assert script["Content-Type"] in ("text/javascript", "application/javascript")


@pytest.mark.parametrize("path", ["../1/imsmanifest.xml", "sco1/../../x", "sco1//index.html", "./index.html",
                                  "sco1\\index.html", "missing.html"])
def test_paths_outside_the_package_or_missing_are_404(student, password, lesson, stored, path):
    client = logged_in(student, password)
    assert client.get(f"/scorm/content/{stored.pk}/{path}").status_code == 404


def test_content_is_only_for_people_who_may_open_the_lesson(lesson, stored, password, course, administrator):
    url = f"/scorm/content/{stored.pk}/sco1/index.html"
    assert Client().get(url).status_code == 403
    assert logged_in(UserFactory(), password).get(url).status_code == 403
    trainer = UserFactory()
    services.course_trainer_add(course=course, user=trainer)
    assert logged_in(trainer, password).get(url).status_code == 200
    assert logged_in(administrator, password).get(url).status_code == 200
    assert logged_in(UserFactory(), password).get(f"/scorm/content/{stored.pk + 99}/index.html").status_code == 403
