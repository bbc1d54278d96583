"""Each role lands on its work after logging in, in a real browser on the demo site: a learner on «Моё обучение»,
a trainer, a library head and an administrator on the admin dashboard with their role's panels (and no site
summary). E2E_SCREENSHOTS=1 keeps a picture of each landing in /tmp/screens/."""

import pytest

from cms.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

LANDINGS = [
    ("learner@demo.kuzbass-lms.ru", "/learning/", ["Моё обучение"]),
    ("trainer@demo.kuzbass-lms.ru", "/admin/", ["Мои курсы", "Эссе, ждущие проверки", "Отстающие слушатели"]),
    ("head@demo.kuzbass-lms.ru", "/admin/", ["Заявки на согласование", "Просроченные обязательные курсы",
                                            "Ближайшие стажировки сотрудников", "Соответствие требованиям"]),
    ("admin@demo.kuzbass-lms.ru", "/admin/", ["Заявки на стажировку к одобрению", "Стажировки на этой неделе",
                                             "Документы к выдаче", "Соответствие требованиям"]),
]


@pytest.mark.parametrize(("email", "landing", "headings"), LANDINGS, ids=["learner", "trainer", "head", "admin"])
def test_each_role_lands_on_its_work(page, live_server, log_in, screenshot, email, landing, headings):
    log_in(page, email, DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}{landing}")
    for heading in headings:
        assert page.get_by_role("heading", name=heading, exact=True).first.is_visible(), heading
    if landing == "/admin/":
        assert page.locator(".w-summary__list").count() == 0  # Wagtail's «N страниц» gives way to the panels
    role = email.split("@")[0]
    screenshot(page, f"landing-{role}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"landing-{role}-390")


def test_the_administrators_compliance_chart_has_its_table_for_screen_readers(page, live_server, log_in):
    log_in(page, "admin@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    figure = page.locator("#admin-compliance-section figure.chart")
    assert figure.locator("svg.chart-bars[aria-hidden=true]").count() == 1
    table = figure.locator("table.w-sr-only")
    assert table.count() == 1
    # Wagtail's screen-reader class hides it from sight only: taken out of the flow and clipped to nothing.
    style = table.evaluate("t => { const s = getComputedStyle(t); return [s.position, s.clip]; }")
    assert style == ["absolute", "rect(0px, 0px, 0px, 0px)"], style
    assert table.locator("tbody tr").count() >= 1
