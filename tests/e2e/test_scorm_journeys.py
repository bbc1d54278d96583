"""SCORM lessons in the browser, with the real test packages (tests/courses/packages/scos.py) stored as a trainer's
upload would be and played in the player page (templates/courses/scorm_lesson_page.html, static/js/scorm-player.js):
launch, answer, close the tab, reopen where she left, finish; the result reaches the attempt, the course's progress,
«Моё обучение» and the certificate. Also a multi-SCO package's table of contents, the pipwerks wrapper, the page
without JavaScript, and the player page's accessibility and weight."""

from __future__ import annotations

import io
import time

import pytest

from tests.courses.packages import scos
from tests.e2e import scorm_play
from tests.e2e.axe import axe_report, axe_violations
from tests.e2e.conftest import BROWSER_LOCALE

pytestmark = pytest.mark.e2e

BUDGET = 100 * 1024  # document + CSS + our own scripts, as the other learner pages (test_page_weight.py)
COURSE_TITLE = "Электронные курсы в библиотеке"
TEXT_LESSON = "Как устроены интерактивные уроки"


def wait_until(condition, timeout: float = 10.0, every: float = 0.2):
    """The server's side of what the browser did (a commit, a beacon) is there a moment later: wait for it. Asked
    every 0.2 s, not in a tight loop: on SQLite (a shared in-memory database in tests) a read in this thread at the
    moment the live server writes makes the write fail («database table is locked»); CI runs on PostgreSQL."""
    deadline = time.monotonic() + timeout
    while True:
        time.sleep(every)
        value = condition()
        if value or time.monotonic() > deadline:
            return value


@pytest.fixture
def site(browser, live_server, fast_password_hashing):
    """What these journeys need of a site, without the whole demo (its seed costs seconds in every test): Wagtail's
    tree (the flush after each test removes it), the role groups, a home page with a programme, and the default
    certificate template. Requests `browser` first, as the conftest's `site_seed` does (ORM calls beside the
    browser's event loop)."""
    from certificates.models import CertificateTemplate
    from lms.accounts.roles import roles_ensure
    from tests.factories import courses as pages
    from tests.helpers import ensure_wagtail_tree

    ensure_wagtail_tree()
    roles_ensure()
    CertificateTemplate.objects.create(kind=CertificateTemplate.Kind.CERTIFICATE, is_default=True,
                                       name="Сертификат о прохождении курса", title="Сертификат",
                                       body_text="об успешном освоении курса")
    return pages.programme(title="Программа непрерывного образования", slug="programme")


@pytest.fixture
def new_context(browser, live_server, site, csp_violations):
    """Fresh browser contexts on the light site (the conftest's `new_context` seeds the whole demo);
    ``saving=False``: the player's commits are dropped in the browser."""
    contexts = []

    def make(*, javascript: bool = True, saving: bool = True, storage_state=None):
        context = csp_violations["watch"](browser.new_context(
            base_url=live_server.url, locale=BROWSER_LOCALE, viewport={"width": 1280, "height": 800},
            java_script_enabled=javascript, storage_state=storage_state))
        if not saving:
            # A test about the page, not the saving: no commit reaches the server, so none (a beacon when the
            # context closes) is still being written while the database is emptied after the test.
            context.route("**/scorm/lessons/*/commit/", lambda route: route.abort())
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def learner(site):
    from tests.factories import UserFactory

    return UserFactory(email="sokolova.ai@example.org", last_name="Соколова", first_name="Анна",
                       patronymic="Игоревна")


@pytest.fixture
def scorm_course(learner):
    """``scorm_course(*(package, completion_mode), text_lesson_done=True)`` -> (course, [SCORM lessons]): a course
    of the programme with a studied text lesson, then a SCORM lesson per package, all required; the learner
    is enrolled."""
    from courses.models import ProgrammePage
    from courses.packages.services import scorm_package_store
    from courses.services import enrolment_create, lesson_complete
    from tests.factories import courses as pages
    from tests.factories import scorm

    def build(*lessons: tuple[scos.RealPackage, str], text_lesson_done: bool = True):
        course = pages.course(ProgrammePage.objects.get(slug="programme"), title=COURSE_TITLE, slug="e-courses")
        text = pages.lesson(course, title=TEXT_LESSON)
        played = []
        for number, (package, mode) in enumerate(lessons, start=1):
            stored = scorm_package_store(upload=io.BytesIO(package.data), actor=None)
            played.append(scorm.scorm_lesson(course, package_row=stored, title=package.title,
                                             slug=f"scorm-{number}", completion_mode=mode))
        enrolment_create(user=learner, course=course, source="admin")
        if text_lesson_done:
            lesson_complete(user=learner, lesson=text)
        return course, played

    return build


def open_lesson(page, lesson):
    page.goto(lesson.url)
    sco = page.frame_locator("#scorm-frame")
    sco.locator("body[data-sco-ready]").wait_for()
    return sco


def sco_state(lesson, user):
    from courses.models import ScormScoState

    return ScormScoState.objects.filter(attempt__lesson=lesson, attempt__user=user).order_by("pk").first()


def test_scorm_12_resumes_after_the_tab_is_closed_and_completes_the_course_with_a_certificate(
        new_context, log_in, learner, scorm_course):
    from certificates.models import Certificate
    from courses.models import Enrolment, ScormAttempt
    from tests.factories import PASSWORD

    package = scos.scorm12_single()
    questions = package.questions()
    course, (lesson,) = scorm_course((package, "passed"))
    context = new_context()
    page = context.new_page()
    log_in(page, learner.email, PASSWORD)

    # --- Launch, answer two pages, close the tab -----------------------------------------------------------------
    sco = open_lesson(page, lesson)
    assert sco.locator("#sco-status").inner_text() == "Связь с системой обучения установлена."
    scorm_play.answer(sco, questions[0])
    scorm_play.next_page(sco)
    scorm_play.answer(sco, questions[1])
    scorm_play.next_page(sco)
    sco.get_by_text("Страница 3 из 4", exact=True).wait_for()
    saved = sco_state(lesson, learner)  # each page turn committed (LMSCommit waits for the server's answer)
    assert saved.location == "2"
    page.close()  # pagehide: the player sends what the API holds by navigator.sendBeacon
    state = wait_until(lambda: (s := sco_state(lesson, learner)).revision > saved.revision and s)
    assert state, "nothing reached the server when the tab was closed"
    assert state.location == "2"
    assert '"q-registration":"a"' in state.suspend_data and '"q-consent":"true"' in state.suspend_data
    assert state.completion_status == "incomplete"
    assert not Enrolment.objects.get(user=learner, course=course).status == Enrolment.Status.COMPLETED

    # --- Reopen: the same page, her answers in place; finish -----------------------------------------------------
    page = context.new_page()
    sco = open_lesson(page, lesson)
    assert sco.locator("#sco-status").inner_text() == "Вы продолжаете с того места, где остановились."
    sco.get_by_text("Страница 3 из 4", exact=True).wait_for()
    sco.get_by_role("button", name="Назад", exact=True).click()
    assert scorm_play.shown_answer(sco, questions[1]) is True
    scorm_play.next_page(sco)
    scorm_play.play_through(sco, package.configs["SCO-SERVICE"], start=2)
    page.wait_for_url("**closed=1**")  # the player moves on after LMSFinish
    assert page.locator("#scorm-result").get_by_text("Вы изучили этот урок.").is_visible()

    attempt = ScormAttempt.objects.get(user=learner, lesson=lesson)
    assert attempt.success_status == "passed" and attempt.completion_status == "completed"
    assert attempt.score_percent == 100 and attempt.satisfied_at is not None and attempt.total_seconds > 0
    assert sco_state(lesson, learner).sessions == 2

    # --- The course is completed: progress, «Моё обучение», the certificate ---------------------------------------
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.progress_percent == 100
    assert wait_until(lambda: Certificate.objects.filter(user=learner, course=course, status="valid").exists())
    page.goto("/learning/")
    completed = page.locator("section", has=page.get_by_role("heading", name="Пройденные курсы", exact=True))
    assert completed.locator("tbody tr", has_text=COURSE_TITLE).count() == 1


def test_scorm_2004_4th_edition_passed_with_a_score_reaches_the_attempt(new_context, log_in, learner, scorm_course):
    from courses.models import ScormAttempt, ScormInteraction
    from tests.factories import PASSWORD

    package = scos.scorm2004_4th()
    _course, (lesson,) = scorm_course((package, "passed"))
    page = new_context().new_page()
    log_in(page, learner.email, PASSWORD)
    sco = open_lesson(page, lesson)
    scorm_play.play_through(sco, package.configs["SCO-1"])
    page.wait_for_url("**closed=1**")
    attempt = ScormAttempt.objects.get(user=learner, lesson=lesson)
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_percent == 100 and attempt.satisfied_at is not None
    state = sco_state(lesson, learner)
    assert state.score_scaled == 1 and state.score_raw == 100
    recorded = list(ScormInteraction.objects.filter(state=state).order_by("index").values_list("type", "result"))
    assert recorded == [(q["type"], "correct") for q in package.questions()]
    assert "100" in page.locator("#scorm-result").inner_text()


def test_multi_sco_contents_show_each_part_and_completing_all_rolls_up(new_context, log_in, learner, scorm_course):
    from courses.models import ScormAttempt
    from tests.factories import PASSWORD

    package = scos.scorm12_multi()
    _course, (lesson,) = scorm_course((package, "completed"))
    page = new_context().new_page()
    log_in(page, learner.email, PASSWORD)
    open_lesson(page, lesson)
    toc = page.locator("#scorm-toc li")
    assert toc.all_inner_texts()[0].startswith("Введение") and toc.count() == 3
    assert [toc.nth(i).get_attribute("data-state") for i in range(3)] == ["in progress", "not started",
                                                                       "not started"]
    for number, (identifier, title) in enumerate(package.scos, start=1):
        if number > 1:  # the player moved on to the next part after LMSFinish
            page.wait_for_url(f"**sco={number}**")
        sco = page.frame_locator("#scorm-frame")
        sco.locator("body[data-sco-ready]").wait_for()
        assert page.locator("#scorm-toc a[aria-current=step]").inner_text() == title
        scorm_play.play_through(sco, package.configs[identifier])
    page.wait_for_url("**closed=1**")
    assert [toc.nth(i).get_attribute("data-state") for i in range(3)] == ["done", "done", "done"]
    attempt = ScormAttempt.objects.get(user=learner, lesson=lesson)
    assert attempt.completion_status == "completed" and attempt.satisfied_at is not None
    assert attempt.sco_states.count() == 3


def test_pipwerks_sco_finds_the_api_and_commits(new_context, log_in, learner, scorm_course):
    from courses.models import ScormAttempt
    from tests.factories import PASSWORD

    package = scos.scorm12_pipwerks()
    _course, (lesson,) = scorm_course((package, "passed"))
    page = new_context().new_page()
    log_in(page, learner.email, PASSWORD)
    sco = open_lesson(page, lesson)
    assert sco.locator("#sco-status").inner_text() == "Связь с системой обучения установлена."
    scorm_play.answer(sco, package.questions()[0])
    scorm_play.next_page(sco)
    assert wait_until(lambda: (s := sco_state(lesson, learner)) and s.location == "1")
    scorm_play.play_through(sco, package.configs["SCO-PIPWERKS"], start=1)
    page.wait_for_url("**closed=1**")
    attempt = ScormAttempt.objects.get(user=learner, lesson=lesson)
    assert attempt.success_status == "passed" and attempt.satisfied_at is not None
    assert sco_state(lesson, learner).revision >= 3  # launch, page turn, finish


def test_without_javascript_the_lesson_says_so_and_the_course_still_works(new_context, log_in, learner,
                                                                          scorm_course):
    from courses.models import LessonCompletion
    from tests.factories import PASSWORD

    course, (lesson,) = scorm_course((scos.scorm12_single(), "passed"), text_lesson_done=False)
    page = new_context(javascript=False).new_page()
    log_in(page, learner.email, PASSWORD)
    assert page.goto(lesson.url).status == 200
    # A browser with scripts off shows <noscript>; Playwright turns scripts off after parsing, so the parser kept
    # its content as text: read it there.
    notice = " ".join(page.locator("noscript").all_text_contents())
    assert "Для этого урока нужен JavaScript." in notice
    assert "Остальные уроки и тесты курса работают и без JavaScript." in notice
    assert page.locator("#scorm-frame").get_attribute("src") is None  # nothing plays

    page.goto(course.url)
    page.get_by_role("link", name=TEXT_LESSON, exact=True).click()
    page.get_by_role("button", name="Отметить как изученный и продолжить", exact=True).click()
    page.wait_for_load_state("load")
    assert LessonCompletion.objects.filter(enrolment__user=learner, lesson__title=TEXT_LESSON).exists()


def test_player_page_is_accessible_and_light(new_context, log_in, learner, scorm_course, live_server):
    from tests.factories import PASSWORD

    _course, (lesson,) = scorm_course((scos.scorm12_multi(), "completed"))
    context = new_context(saving=False)
    page = first_page = context.new_page()
    log_in(page, learner.email, PASSWORD)
    open_lesson(page, lesson)
    violations = axe_violations(page)
    assert not violations, axe_report(violations)

    # The weight on a first visit (a cold cache): the SCORM run-time (scorm-again) and the package's own files are
    # counted apart; the page itself keeps the budget of every learner page.
    weighing = new_context(saving=False, storage_state=context.storage_state())
    responses = []
    page = weighing.new_page()
    page.on("response", lambda response: responses.append(response))
    assert page.goto(lesson.url).status == 200
    page.frame_locator("#scorm-frame").locator("body[data-sco-ready]").wait_for()
    assert not [r.url for r in responses if not r.url.startswith(live_server.url)]
    weights = {r.url.removeprefix(live_server.url): len(r.body()) for r in responses
               if r.request.resource_type in ("document", "stylesheet", "script") and r.status == 200}
    runtime = {url: size for url, size in weights.items() if "/vendor/scorm-again/" in url}
    content = {url: size for url, size in weights.items() if "/scorm/content/" in url}
    own = sum(weights.values()) - sum(runtime.values()) - sum(content.values())
    assert runtime, f"the SCORM run-time was not loaded: {weights}"
    assert own <= BUDGET, f"the player page: {own} bytes of document, CSS and own scripts: {weights}"
    # The players are left here, while their contexts drop the commits (the beacons of pagehide among them), not
    # when the contexts close during the database's emptying after the test.
    for player in (page, first_page):
        player.goto("about:blank")
