"""Every learner page fits a phone: nothing wider than a 390 px screen, the course page's main button on the first
screen, and a header that stays one row on a 1280 px screen whoever is logged in.

The pages are derived from the URL map and the page types: a new URL or page type fails
`test_every_url_and_page_type_is_looked_at` until it is visited here or named as not a page (an action answered by a
redirect, a file). PHONE_SHOTS=/some/folder keeps screenshots of every page at 390 and 1280 px."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.db import transaction

from cms.demo import DEMO_PASSWORD

from .axe import axe_report, axe_violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LEARNER = "learner@demo.kuzbass-lms.ru"
HEAD = "head@demo.kuzbass-lms.ru"
ROLES = {"learner": LEARNER, "head": HEAD, "trainer": "trainer@demo.kuzbass-lms.ru",
         "admin": "admin@demo.kuzbass-lms.ru"}
# One row of links in the header is about 46 px high; a second row would add about 30 px.
ONE_ROW_HEADER = 64
# On a phone: the brand, then two rows of links (about 98 px with the demo names).
PHONE_HEADER = 120
SHOTS = Path(os.environ["PHONE_SHOTS"]) if os.environ.get("PHONE_SHOTS") else None

# URL names that are not pages to read: actions answered by a redirect, files and feeds, the admin's doors, the
# machinery. Everything else in the URL map is visited by `test_every_learner_page_fits_a_phone_…`.
NOT_PAGES = {
    "healthz", "set_language", "wagtaildocs_serve", "wagtaildocs_authenticate_with_password", "wagtailcore_login",
    "wagtailcore_authenticate_with_password", "page_serve", "wagtail_serve", "bench_floor", None,
    "accounts:personal_data", "account_logout", "courses:enrol", "courses:withdraw", "courses:complete_lesson",
    "courses:quiz_start", "courses:attempt_submit", "certificates:download", "certificates:training_record_pdf",
    "certificates:staff_training_record_pdf", "courses:external_document",
    "certificates:my_data", "certificates:my_data_pdf", "accounts:profile_notifications",
    "internships:public_feed", "internships:personal_feed", "internships:feed_renew", "internships:interest",
    "internships:request", "internships:nominate", "internships:cancel", "internships:confirm", "internships:report",
    "internships:report_download", "internships:ics", "internships:staff_decide",
    # the SCORM and H5P players' requests and the packages' files (the player pages are page types, below)
    "courses:scorm_commit", "courses:scorm_restart", "courses:scorm_content", "courses:h5p_statement",
    "courses:h5p_content", "courses:h5p_file",
    # allauth's doors that only send elsewhere here (log-in codes are off; the demo people have a password)
    "account_confirm_reauthentication_code", "account_confirm_login_code", "account_set_password",
    "account_request_reauthentication_code",
}


# Pages laid out differently on a phone (stacked tables, the course page's side first): axe-core looks at them there.
PHONE_LAYOUTS = {"CoursePage", "QuizPage", "courses:dashboard", "certificates:my_documents",
                 "certificates:training_record", "internships:topics", "internships:staff_requests",
                 "courses:external", "courses:external_staff", "library_rating", "library_rating_detail"}

# Every other URL name, and every page type, is a page looked at on a phone, by whom (see `pages_to_visit`).
VISITED_URL_NAMES = {
    "account_login", "account_signup", "account_reset_password", "account_reset_password_done",
    "account_reset_password_from_key", "account_reset_password_from_key_done", "account_email_verification_sent",
    "account_confirm_email", "account_inactive", "account_email", "account_change_password",
    "account_reauthenticate", "accounts:profile",
    "accounts:invitation_accept",
    "courses:dashboard", "courses:attempt", "courses:attempt_finish", "courses:attempt_result",
    "certificates:lookup", "certificates:verify", "certificates:my_documents", "certificates:training_record",
    "internships:topics", "internships:session", "internships:my", "internships:staff_requests",
    "courses:external", "courses:external_staff", "library_rating", "library_rating_detail",
}
VISITED_PAGE_TYPES = {"HomePage", "StandardPage", "ProgrammePage", "CoursePage", "CourseModulePage", "LessonPage",
                      "QuizPage", "ScormLessonPage"}


def url_names() -> set[str | None]:
    """The names of the site's URL patterns outside the Wagtail admin, with their namespaces."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif not (prefix + str(pattern.pattern)).startswith("admin/"):
                yield f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name

    return set(walk(get_resolver().url_patterns, "", None))


@transaction.atomic
def learner_with_everything() -> dict:
    """The demo learner (one course completed with its certificate, one in progress, one assigned, a booking
    awaiting her library head) given the rest: a quiz attempt with its result, one in progress, an approved
    booking and a completed internship. Returns what the pages need."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.models import CoursePage, Enrolment, QuizPage
    from courses.quizzes import services as quiz_services
    from lms.accounts.models import User
    from lms.internships import services as internship_services
    from lms.internships.models import Booking, Session
    from tests.e2e.test_quiz_journeys import right_answer

    learner = User.objects.get(email=LEARNER)
    admin = User.objects.get(email=ROLES["admin"])
    enrolments = list(Enrolment.objects.filter(user=learner, status=Enrolment.Status.ACTIVE)
                      .select_related("course").order_by("pk"))
    finished_quiz = QuizPage.objects.live().child_of(enrolments[0].course).first()
    attempt = quiz_services.attempt_start(user=learner, quiz=finished_quiz)
    answers = {str(i): right_answer(entry) for i, entry in enumerate(attempt.questions) if i % 3}  # some wrong
    attempt = quiz_services.attempt_save(attempt=attempt, user=learner, responses=answers, sequence=attempt.sequence)
    finished = quiz_services.attempt_submit(attempt=attempt, user=learner)
    open_quiz = QuizPage.objects.live().child_of(enrolments[1].course).first()
    in_progress = quiz_services.attempt_start(user=learner, quiz=open_quiz)

    coming = Session.objects.filter(status=Session.Status.OPEN, start_date__gt=datetime.date.today()) \
        .exclude(bookings__user=learner).order_by("start_date").first()
    internship_services.booking_add(admin=admin, user=learner, session=coming, over_capacity=True,
                                    note="По письму управления культуры.")
    booked_topics = Booking.objects.filter(user=learner).values("topic")
    past = Session.objects.filter(status=Session.Status.HELD).exclude(topic__in=booked_topics).first()
    held = Session.objects.create(topic=past.topic, start_date=past.start_date - datetime.timedelta(days=7),
                                  end_date=past.end_date - datetime.timedelta(days=7), capacity=4, room=past.room,
                                  booking_deadline=past.booking_deadline - datetime.timedelta(days=7),
                                  status=Session.Status.CLOSED)
    booking = internship_services.booking_add(admin=admin, user=learner, session=held)
    internship_services.attendance_record(actor=admin, booking=booking, marks=dict.fromkeys(held.days, "present"),
                                          evaluation="passed", comment="Задания выполнены полностью.")
    internship_services.session_set_status(admin=admin, session=held, status=Session.Status.HELD)
    report = SimpleUploadedFile("otchet.txt", "Отчёт о стажировке: опыт отдела применён в своей библиотеке.".encode())
    internship_services.booking_report_upload(user=learner, booking=booking, upload=report)

    completed = Enrolment.objects.filter(user=learner, status=Enrolment.Status.COMPLETED).select_related("course") \
        .first()
    from courses.models import ScormLessonPage
    from courses.services import course_for_lesson, enrolment_create

    scorm_lesson = ScormLessonPage.objects.live().first()  # the demo's interactive lesson
    enrolment_create(user=learner, course=course_for_lesson(scorm_lesson), source=Enrolment.Source.ADMIN)
    return {
        "learner": learner,
        "courses": [e.course for e in [completed, *enrolments]],
        "finished_attempt": finished,
        "attempt": in_progress,
        "session": coming,
        "booking_statuses": set(Booking.objects.filter(user=learner).values_list("status", flat=True)),
        "not_enrolled": CoursePage.objects.live().exclude(enrolments__user=learner).first(),
        "scorm_lesson": scorm_lesson,
    }


def invitation_link() -> str:
    """A real invitation to set a password, as its e-mail gives it."""
    from django.core import mail

    from lms.accounts.services import invitation_create
    from lms.libraries.models import Library

    mail.outbox.clear()
    invitation_create(email="sidorova.ai@example.org", last_name="Сидорова", first_name="Анна",
                      patronymic="Игоревна", library=Library.objects.order_by("pk").first(), invited_by=None)
    body = mail.outbox[-1].body
    line = next(line for line in body.splitlines() if "/accounts/invitation/" in line)
    return line[line.index("/accounts/invitation/"):].strip()


def pages_to_visit(data: dict) -> list[tuple[str, str, str]]:
    """(what it is: a URL name or a page type, who looks: anonymous / learner / head, path) for every page."""
    from wagtail.models import Site

    from certificates.models import Certificate
    from cms.models import StandardPage
    from courses.models import CourseModulePage, LessonPage

    completed, in_progress, assigned = data["courses"]
    certificate = Certificate.objects.filter(user=data["learner"]).order_by("pk").first()
    home = Site.objects.get(is_default_site=True).root_page.specific
    programme = completed.get_parent()
    lesson = LessonPage.objects.live().descendant_of(in_progress).first()
    module = CourseModulePage.objects.live().child_of(in_progress).first()
    quiz_with_result = data["finished_attempt"].quiz
    quiz_in_progress = data["attempt"].quiz
    standard = StandardPage.objects.live().first()
    finished, attempt = data["finished_attempt"].pk, data["attempt"].pk
    home_library = data["learner"].library.parent_id or data["learner"].library_id  # ranked with its branches
    visits = [
        ("HomePage", "anonymous", home.url), ("HomePage", "learner", home.url),
        ("StandardPage", "anonymous", standard.url),
        ("ProgrammePage", "anonymous", programme.url), ("ProgrammePage", "learner", programme.url),
        ("CoursePage", "anonymous", data["not_enrolled"].url), ("CoursePage", "learner", data["not_enrolled"].url),
        ("CoursePage", "learner", completed.url), ("CoursePage", "learner", in_progress.url),
        ("CoursePage", "learner", assigned.url), ("CourseModulePage", "learner", module.url),
        ("LessonPage", "learner", lesson.url), ("ScormLessonPage", "learner", data["scorm_lesson"].url),
        ("QuizPage", "anonymous", quiz_with_result.url), ("QuizPage", "learner", quiz_with_result.url),
        ("QuizPage", "learner", quiz_in_progress.url),
        ("courses:attempt", "learner", f"/attempts/{attempt}/"),
        ("courses:attempt_finish", "learner", f"/attempts/{attempt}/finish/"),
        ("courses:attempt_result", "learner", f"/attempts/{finished}/result/"),
        ("courses:dashboard", "learner", "/learning/"),
        ("certificates:my_documents", "learner", "/my/documents/"),
        ("certificates:training_record", "learner", "/my/record/"),
        ("certificates:lookup", "anonymous", "/verify/"),
        ("library_rating", "anonymous", "/rating/"), ("library_rating", "learner", "/rating/?evbk=on"),
        ("library_rating_detail", "anonymous", f"/rating/{home_library}/"),
        ("certificates:verify", "anonymous", f"/verify/{certificate.code}/"),
        ("internships:topics", "anonymous", "/internships/"), ("internships:topics", "learner", "/internships/"),
        ("internships:session", "learner", f"/internships/sessions/{data['session'].pk}/"),
        ("internships:my", "learner", "/internships/my/"),
        ("internships:staff_requests", "head", "/internships/staff/"),
        ("courses:external", "learner", "/learning/external/"),
        ("courses:external_staff", "head", "/learning/external/staff/"),
        ("accounts:profile", "learner", "/accounts/profile/"),
        ("accounts:invitation_accept", "anonymous", data["invitation"]),
        ("account_login", "anonymous", "/accounts/login/"),
        ("account_signup", "anonymous", "/accounts/signup/"),
        ("account_reset_password", "anonymous", "/accounts/password/reset/"),
        ("account_reset_password_done", "anonymous", "/accounts/password/reset/done/"),
        ("account_reset_password_from_key", "anonymous", "/accounts/password/reset/key/1-no-such-key/"),
        ("account_reset_password_from_key_done", "anonymous", "/accounts/password/reset/key/done/"),
        ("account_email_verification_sent", "anonymous", "/accounts/confirm-email/"),
        ("account_confirm_email", "anonymous", "/accounts/confirm-email/no-such-key/"),
        ("account_inactive", "anonymous", "/accounts/inactive/"),
        ("account_email", "learner", "/accounts/email/"),
        ("account_change_password", "learner", "/accounts/password/change/"),
        ("account_reauthenticate", "learner", "/accounts/reauthenticate/"),
        ("404", "anonymous", "/no-such-page/"), ("404", "learner", "/no-such-page/"),
    ]
    assert {type(home).__name__, type(lesson).__name__, type(quiz_in_progress).__name__} <= VISITED_PAGE_TYPES
    return visits


def test_every_url_and_page_type_is_looked_at():
    """A new URL or page type is looked at on a phone below, or named here as not a page."""
    from wagtail.models import get_page_models

    assert url_names() - NOT_PAGES == VISITED_URL_NAMES, (
        "add the new URL to pages_to_visit (or to NOT_PAGES when it is not a page to read)")
    assert {model.__name__ for model in get_page_models()} - {"Page"} == VISITED_PAGE_TYPES


def log_in_context(new_context, email: str | None, *, javascript: bool = True):
    context = new_context(javascript=javascript)
    if email:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Войти", exact=True).click()
        # Each role lands on its work (staff on the admin's dashboard): look at the site's header from the home page.
        page.goto("/")
        assert page.locator("header .user-name").count() == 1, f"{email} could not log in"
        page.close()
    return context


def too_wide(page) -> tuple[int, list[str]]:
    """The page's width, and the first elements that reach past the right edge of the screen."""
    return page.evaluate("""() => {
        const edge = window.innerWidth, out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.width && box.right > edge + 0.5 && out.length < 5)
                out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
                         ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(box.right));
        }
        return [document.documentElement.scrollWidth, out];
    }""")


def shot(page, name: str, viewport: dict) -> None:
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(viewport)
    page.screenshot(path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True)


def test_every_learner_page_fits_a_phone_with_the_course_action_on_the_first_screen(new_context, live_server):
    """At 390 px no page is wider than the screen, and on the course page the main button (log in, enrol,
    continue) or the course's standing is on the first screen (844 px), whatever the person's enrolment. The pages
    laid out differently on a phone have no serious axe-core violation there."""
    from django.urls import resolve

    data = learner_with_everything()
    assert {"approved", "head_review", "completed"} <= data["booking_statuses"]
    data["invitation"] = invitation_link()
    visits = pages_to_visit(data)
    assert {what for what, _, _ in visits} == VISITED_URL_NAMES | VISITED_PAGE_TYPES | {"404"}
    for what, _, path in visits:
        if ":" in what or what.startswith(("account", "library_rating")):
            assert resolve(path.split("?")[0]).view_name == what, path

    contexts = {who: log_in_context(new_context, email)
                for who, email in (("anonymous", None), ("learner", LEARNER), ("head", HEAD))}
    pages = {who: context.new_page() for who, context in contexts.items()}
    for page in pages.values():
        page.set_viewport_size(PHONE)
    problems, actions = [], set()
    for number, (what, who, path) in enumerate(visits):
        page = pages[who]
        response = page.goto(path)
        expected = 404 if what == "404" else 200
        if response.status != expected:
            problems.append(f"{who} {path}: HTTP {response.status}")
            continue
        width, wide = too_wide(page)
        if width > PHONE["width"]:
            problems.append(f"{who} {path} ({what}): {width} px wide at {PHONE['width']} px: {wide}")
        if what in PHONE_LAYOUTS:
            violations = axe_violations(page)
            if violations:
                problems.append(f"{who} {path}: axe-core at 390 px:\n{axe_report(violations)}")
        if what == "CoursePage":
            label, bottom = main_action_bottom(page)
            actions.add(label)
            if bottom > PHONE["height"]:
                problems.append(f"{who} {path}: the main action «{label}» ends {bottom:.0f} px down on a phone")
        name = f"{number:02d}-{who}-{what.replace(':', '-')}"
        shot(page, name, PHONE)
        if SHOTS is not None:
            shot(page, name, DESKTOP)
            page.set_viewport_size(PHONE)
    assert not problems, "pages that do not fit a phone:\n" + "\n".join(problems)
    # the course page was seen with each kind of main action: log in, enrol or request, continue, completed
    assert {"Войдите, чтобы записаться", "Подать заявку", "Продолжить с места остановки"} <= actions, actions
    assert any(label.startswith("Курс пройден") for label in actions), actions


def main_action_bottom(page) -> tuple[str, float]:
    """The course page's main button (or, with nothing to press, the box saying where the person stands): its
    text, and how far down the page its bottom is."""
    box = page.locator(".enrol-box")
    button = box.locator(".button").first
    target = button if button.count() else box
    bounds = target.bounding_box()
    return target.inner_text().strip(), bounds["y"] + bounds["height"] + page.evaluate("() => window.scrollY")


def test_header_is_one_row_at_1280_and_tidy_on_a_phone_for_every_role(new_context, live_server):
    """Logged in, the header is one row at 1280 px and at most three short rows at 390 px; the person's menu
    opens with and without JavaScript, with the links of the person's role."""
    for role, email, javascript in [(role, email, True) for role, email in ROLES.items()] + [
            ("learner", LEARNER, False), ("admin", ROLES["admin"], False)]:
        context = log_in_context(new_context, email, javascript=javascript)
        page = context.new_page()
        page.set_viewport_size(DESKTOP)
        assert page.goto("/learning/").status == 200
        header = page.locator("header.site-header")
        height = header.bounding_box()["height"]
        assert height <= ONE_ROW_HEADER, f"{role}: the header is {height:.0f} px high at 1280 px (two rows?)"
        links = header.locator(".header-row > *")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert max(tops) - min(tops) <= 8, f"{role}: the header's parts are not on one row: {tops}"

        # The person's menu opens without a script and holds the rest of the links.
        menu = header.locator("details.account-menu")
        assert not menu.locator("a").first.is_visible()
        menu.locator("summary").click()
        expected = ["Мои документы", "Личная карта обучения", "Профиль"]
        if role != "learner":
            expected.append("Администрирование")
        for name in expected:
            assert menu.get_by_role("link", name=name, exact=True).is_visible(), f"{role}: no «{name}» in the menu"
        assert menu.get_by_role("button", name="Выйти", exact=True).is_visible()
        if role == "learner":
            assert menu.get_by_role("link", name="Администрирование").count() == 0
        if javascript:
            shot(page, f"header-{role}-open", {"width": 1280, "height": 400})
        menu.locator("summary").click()

        page.set_viewport_size(PHONE)
        height = header.bounding_box()["height"]
        assert height <= PHONE_HEADER, f"{role}: the header is {height:.0f} px high on a phone"
        assert too_wide(page)[0] <= PHONE["width"]
        menu.locator("summary").click()
        assert menu.get_by_role("link", name="Мои документы").is_visible()
        if javascript:
            violations = axe_violations(page)
            assert not violations, f"axe-core with the menu open:\n{axe_report(violations)}"
        box = menu.locator("ul").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{role}: the open menu leaves the screen"
        if javascript:
            shot(page, f"header-{role}-open", {"width": 390, "height": 600})
        context.close()
