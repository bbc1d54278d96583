"""The hours quota as a picture on «Моё обучение» and «Личная карта»: drawn by the server (scripts off), named for
screen readers, axe-clean, and the pages stay within 100 KB of document and CSS."""

import re

import pytest

from cms.demo import DEMO_PASSWORD

from .axe import axe_report, axe_violations

pytestmark = pytest.mark.e2e

BUDGET = 100 * 1024


@pytest.mark.parametrize("path", ["/learning/", "/my/record/"])
def test_the_quota_bar_is_drawn_without_scripts_light_and_accessible(new_context, log_in, live_server, path):
    page = new_context(javascript=False).new_page()
    log_in(page, "learner@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    responses = []
    page.on("response", lambda response: responses.append(response))
    assert page.goto(path).status == 200
    page.wait_for_load_state("load")

    text = page.locator(".hours-quota p").first.inner_text()
    assert re.search(r"Часы по программе: \d+ из \d+ академическ\w+ час\w+ за \d{4}–\d{4}\sгг\.", text), text
    bar = page.locator(".hours-quota svg[role=img]")
    assert bar.count() == 1 and bar.get_attribute("aria-label").startswith("Часы по программе: ")
    assert bar.bounding_box()["width"] > 100

    weight = sum(len(r.body()) for r in responses
                 if r.request.resource_type in {"document", "stylesheet"} and not 300 <= r.status < 400)
    assert weight <= BUDGET, f"{path}: {weight} bytes of document + CSS"


def test_the_quota_pages_have_no_serious_accessibility_violation(page, log_in):
    log_in(page, "learner@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    for path in ("/learning/", "/my/record/"):
        assert page.goto(path).status == 200
        violations = axe_violations(page)
        assert not violations, f"axe-core on {path}:\n{axe_report(violations)}"
