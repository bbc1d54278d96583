"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's browsers are not downloaded (`playwright install` needs a network we do not have): the tests launch
Debian's Chromium (`apt-get install chromium`, or `WITH_BROWSER=1 scripts/bootstrap.sh`). Without it they skip,
and in CI (CI=true) the root conftest turns that skip into a failure.

The live server runs in a thread of this process, so the test sees what the server does: the same database and
`django.core.mail.outbox`. It needs a transactional database, which is flushed after every test; the flush also
removes what migrations put there (Wagtail's root page, its locale, the default site), so every test builds its
site again with `site_seed` (the demo seed on top of a fresh Wagtail tree).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# A librarian's machine set up in English: the platform must still answer in Russian.
BROWSER_LOCALE = "en-US"
SCREENSHOT_DIR = Path("/tmp/screens")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all browser tests of this package.

    Playwright's sync API keeps an asyncio event loop running in the main thread while it is started, and Django
    then refuses ORM calls from that thread (SynchronousOnlyOperation): the tests' own queries and the database
    flush after each test. DJANGO_ALLOW_ASYNC_UNSAFE lifts the check while the browser is up, and only then
    (package scope: the loop is stopped and the variable restored before any test outside tests/e2e runs).
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's Chromium is not installed at {CHROMIUM}: apt-get install chromium "
                    "(or WITH_BROWSER=1 scripts/bootstrap.sh)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed: pip install -e '.[test]'")

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def fast_password_hashing(settings):
    """The demo seed hashes seven passwords per test; a fast hasher keeps the suite well inside its time budget.
    (`settings` is process-wide, so the live server thread uses it too.)"""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site_seed(browser, live_server, fast_password_hashing):
    """The demo site (library directory, home and «О программе» pages, site settings, demo people) in the flushed
    database. Requests `browser` first so that the ORM calls run with DJANGO_ALLOW_ASYNC_UNSAFE set."""
    from cms.demo import demo_seed
    from lms.accounts.roles import roles_ensure
    from tests.helpers import ensure_wagtail_tree

    ensure_wagtail_tree()  # what Wagtail's migrations create and the flush between tests deletes
    # The role groups come from a post_migrate handler; the flush re-emits post_migrate, but not after a test
    # with serialized_rollback. Idempotent.
    roles_ensure()
    result = demo_seed()
    # The seed enrols the demo learners, and each enrolment sends its notice: tests look only at their own e-mails.
    from django.core import mail

    mail.outbox.clear()
    return result


@pytest.fixture
def csp_violations():
    """What the browser refused under the enforced Content-Security-Policy, in every context a test opened (its
    console says so), and its complaints about the Permissions-Policy header; the test fails if there was any.
    Report-only findings (the admin's) are kept apart."""
    found = {"enforced": [], "report_only": []}

    def watch(context):
        def on_console(message):
            text = message.text
            if "Content Security Policy" in text:
                report_only = "report-only" in text.lower() or "[Report Only]" in text
                found["report_only" if report_only else "enforced"].append(text)
            elif "Permissions-Policy" in text:  # a feature this Chromium does not know: the header is half read
                found["enforced"].append(text)

        context.on("console", on_console)
        return context

    found["watch"] = watch
    yield found
    assert not found["enforced"], "the browser refused by the security policies:\n" + "\n".join(
        found["enforced"])


@pytest.fixture
def context(browser, live_server, site_seed, csp_violations):
    """A fresh browser context (cookies, cache, storage) per test, with relative URLs going to the live server."""
    context = csp_violations["watch"](browser.new_context(
        base_url=live_server.url,
        locale=BROWSER_LOCALE,
        viewport={"width": 1280, "height": 800},
    ))
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def new_page(browser, live_server, site_seed, csp_violations):
    """Factory of pages, each in its own fresh context (a cold cache), closed after the test."""
    contexts = []

    def make():
        context = csp_violations["watch"](browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALE,
                                                              viewport={"width": 1280, "height": 800}))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def new_context(browser, live_server, site_seed, csp_violations):
    """Factory of fresh browser contexts (`new_context(javascript=False)` for a browser with scripts off), each
    closed after the test; each is a separate person with her own cookies."""
    contexts = []

    def make(*, javascript: bool = True):
        context = csp_violations["watch"](browser.new_context(
            base_url=live_server.url, locale=BROWSER_LOCALE, viewport={"width": 1280, "height": 800},
            java_script_enabled=javascript))
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves a full-page PNG to /tmp/screens/ when E2E_SCREENSHOTS is set; else nothing."""
    enabled = bool(os.environ.get("E2E_SCREENSHOTS"))

    def take(page, name: str) -> Path | None:
        if not enabled:
            return None
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in():
    """`log_in(page, email, password)`: the login form at /accounts/login/, as a person fills it in."""

    def submit(page, email: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=login]").fill(email)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Войти", exact=True).click()

    return submit


PAGE_WEIGHT_COUNTED = {"document", "stylesheet", "script"}


@pytest.fixture
def page_weight(browser, live_server):
    """`page_weight(path, storage_state=None)` -> (bytes of document + CSS + scripts, {url: bytes}, foreign URLs).

    Loads the page in a fresh context (a cold cache, as on a first visit), optionally with the cookies of a logged-in
    context (`context.storage_state()`), the way tests/e2e/test_page_weight.py weighs anonymous pages."""

    def weigh(path: str, storage_state=None):
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALE,
                                      storage_state=storage_state)
        try:
            page = context.new_page()
            responses = []
            page.on("response", lambda response: responses.append(response))
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            page.wait_for_load_state("load")
            foreign = [r.url for r in responses if not r.url.startswith(live_server.url)]
            weights = {
                r.url.removeprefix(live_server.url): len(r.body())
                for r in responses
                if r.request.resource_type in PAGE_WEIGHT_COUNTED and not 300 <= r.status < 400
            }
            return sum(weights.values()), weights, foreign
        finally:
            context.close()

    return weigh
