"""Pages stay light for slow village links: the document and its CSS weigh at most 100 KB, and nothing is fetched
from another site (no CDN, web font or counter: it would be slow, and would hand readers' data to a third party)."""

import pytest

from cms.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

BUDGET = 100 * 1024
COUNTED = {"document", "stylesheet"}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/", "/internships/"])
def test_document_and_css_weigh_at_most_100_kb(new_page, live_server, path):
    page = new_page()  # a fresh context: a cold cache, as on a first visit
    responses = []
    page.on("response", lambda response: responses.append(response))
    assert page.goto(path).status == 200
    page.wait_for_load_state("load")

    foreign = [r.url for r in responses if not r.url.startswith(live_server.url)]
    assert not foreign, f"{path} fetches from other sites: {foreign}"

    weights = {
        response.url.removeprefix(live_server.url): len(response.body())
        for response in responses
        if response.request.resource_type in COUNTED and not 300 <= response.status < 400
    }
    assert any(url.endswith(".css") for url in weights), f"no stylesheet loaded on {path}: {weights}"
    total = sum(weights.values())
    assert total <= BUDGET, f"{path}: {total} bytes of document + CSS (budget {BUDGET}): {weights}"


def test_the_external_training_page_of_a_learner_weighs_at_most_100_kb(new_context, log_in, page_weight):
    context = new_context(javascript=False)  # works without a script: the form posts and the page answers
    page = context.new_page()
    log_in(page, "learner@demo.kuzbass-lms.ru", "kuzbass-demo-2026")
    total, weights, foreign = page_weight("/learning/external/", storage_state=context.storage_state())
    assert not foreign, f"/learning/external/ fetches from other sites: {foreign}"
    assert any(url.endswith(".css") for url in weights), weights
    assert total <= BUDGET, f"/learning/external/: {total} bytes of document + CSS (budget {BUDGET}): {weights}"
def test_the_profile_with_the_personal_data_downloads_stays_light(context, log_in, page_weight, live_server):
    """The profile page (with the download of one's personal data) of a logged-in learner, and the downloads work
    without JavaScript: plain links to files."""
    page = context.new_page()
    log_in(page, "learner@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    total, weights, foreign = page_weight("/accounts/profile/", storage_state=context.storage_state())
    assert not foreign and total <= BUDGET, f"/accounts/profile/: {total} bytes: {weights}"
    page.goto("/accounts/profile/")
    links = page.locator(".personal-data-downloads a")
    assert links.count() == 2
    for index in range(2):
        href = links.nth(index).get_attribute("href")
        response = page.request.get(live_server.url + href)
        assert response.status == 200 and response.headers["content-disposition"].startswith("attachment")
