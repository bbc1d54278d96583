"""No serious or critical axe-core violation on the pages everyone sees first.

Also where the screenshots for a look by eye come from: E2E_SCREENSHOTS=1 writes them to /tmp/screens/.
"""

import re

import pytest

from cms.demo import DEMO_PASSWORD

from .axe import axe_report, axe_violations

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/", "home"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/", "signup"),
        ("/accounts/password/reset/", "password-reset"),
        ("/internships/", "internships"),
    ],
)
def test_public_page_has_no_serious_accessibility_violation(page, screenshot, path, shot):
    response = page.goto(path)
    assert response.status == 200
    screenshot(page, shot)
    violations = axe_violations(page)
    assert not violations, f"axe-core on {path}:\n{axe_report(violations)}"


def submit_signup_without_browser_validation(page):
    """Post the sign-up form as a browser without constraint validation would (the `required` attributes aside)."""
    form = page.locator("form[action='/accounts/signup/']")
    form.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        form.get_by_role("button", name="Зарегистрируйтесь", exact=True).click()


def test_signup_form_with_errors_has_no_serious_accessibility_violation(page, screenshot):
    """Submitted empty: the server's errors must be marked, linked and in Russian."""
    page.goto("/accounts/signup/")
    submit_signup_without_browser_validation(page)

    assert page.url.endswith("/accounts/signup/")
    # e-mail, surname, first name, library, position, password, password again, consent
    assert page.locator("[aria-invalid=true]").count() == 8
    for field in page.locator("[aria-invalid=true]").all():
        assert field.get_attribute("aria-describedby"), field.evaluate("el => el.outerHTML")
    first_error = page.locator(".field-error .error").first.inner_text()
    assert re.search("[А-Яа-яЁё]", first_error), f"error message not in Russian: {first_error!r}"
    screenshot(page, "signup-errors")
    violations = axe_violations(page)
    assert not violations, f"axe-core on the sign-up form with errors:\n{axe_report(violations)}"


def log_in_demo_learner(page, live_server):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("learner@demo.kuzbass-lms.ru")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти", exact=True).click()
    page.wait_for_url(f"{live_server.url}/learning/")  # a learner lands on «Моё обучение»
    assert page.locator("header .user-name").inner_text().strip() == "Иванова М. П."


def test_pages_of_a_logged_in_learner_have_no_serious_accessibility_violation(page, live_server, screenshot):
    log_in_demo_learner(page, live_server)
    screenshot(page, "home-logged-in")
    for path in ("/learning/", "/", "/accounts/profile/", "/internships/", "/internships/my/", "/learning/external/"):
        # Loaded again: the «logged in» message is checked on its own below.
        assert page.goto(path).status == 200
        assert page.locator(".messages").count() == 0
        violations = axe_violations(page)
        assert not violations, f"axe-core on {path} (logged in):\n{axe_report(violations)}"


def test_flash_messages_have_no_serious_accessibility_violation(page, live_server):
    log_in_demo_learner(page, live_server)  # lands on «Моё обучение» with «Успешный вход под именем …»
    assert page.locator(".messages .message").count() == 1
    violations = axe_violations(page)
    assert not violations, f"axe-core on a page with a message:\n{axe_report(violations)}"


def test_several_errors_on_one_field_keep_ids_unique(page):
    page.goto("/accounts/signup/")
    # Too common and entirely numeric: two errors on password1.
    page.locator("input[name=password1]").fill("12345678")
    page.locator("input[name=password2]").fill("12345678")
    submit_signup_without_browser_validation(page)
    password1 = page.locator(".field-error").filter(has=page.locator("#id_password1"))
    errors = [text.strip() for text in password1.locator(".error").all_inner_texts()]
    assert len("\n".join(errors).splitlines()) >= 2, errors

    described = page.evaluate("""() => {
        const ids = (document.getElementById('id_password1').getAttribute('aria-describedby') || '').split(' ');
        return ids.map((id) => document.getElementById(id)?.innerText || '').join('\\n');
    }""")
    duplicates = page.evaluate("""() => {
        const seen = {};
        for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
        return Object.keys(seen).filter((id) => seen[id] > 1);
    }""")
    assert not duplicates, f"duplicate ids: {duplicates}"
    for error in errors:
        assert error in described, f"{error!r} is not in aria-describedby of the password field"


def test_the_external_training_form_with_errors_has_no_serious_accessibility_violation(page, live_server,
                                                                                      screenshot):
    log_in_demo_learner(page, live_server)
    page.goto("/learning/external/")
    page.evaluate("document.querySelector('form.form').noValidate = true")  # the server's errors, not the browser's
    page.locator("#id_title").fill("Семинар")
    page.locator("#id_organisation").fill("РГБ")
    page.locator("#id_academic_hours").fill("0")
    page.locator("#id_starts_on").fill("2026-03-02")
    page.locator("#id_ends_on").fill("2026-03-01")
    page.get_by_role("button", name="Отправить на подтверждение").click()
    page.wait_for_load_state("load")
    assert page.locator(".form-errors").inner_text().strip() == "Число академических часов должно быть больше нуля."
    screenshot(page, "external-training-errors")
    violations = axe_violations(page)
    assert not violations, f"axe-core on the external training form with errors:\n{axe_report(violations)}"
def test_a_heads_profile_with_notification_settings_is_accessible_light_and_works_without_script(
        new_context, log_in):
    """The profile's e-mail settings (a library head has some): axe-clean, ≤ 100 KB, saved without JavaScript."""
    page = new_context(javascript=False).new_page()
    log_in(page, "head@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    response = page.goto("/accounts/profile/")
    assert response.status == 200 and len(response.body()) <= 100 * 1024
    settings = page.locator("#notifications")
    assert settings.get_by_label("Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)").is_checked()
    settings.get_by_label("Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)").uncheck()
    with page.expect_navigation():
        settings.get_by_role("button", name="Сохранить настройки").click()
    assert "Настройки уведомлений сохранены." in page.locator(".messages").inner_text()
    assert not page.locator("#notifications").get_by_label(
        "Еженедельная сводка по сотрудникам моей библиотеки (по понедельникам)").is_checked()
    scripted = new_context().new_page()
    log_in(scripted, "head@demo.kuzbass-lms.ru", DEMO_PASSWORD)
    scripted.goto("/accounts/profile/")
    violations = axe_violations(scripted)
    assert not violations, f"axe-core on a head's profile:\n{axe_report(violations)}"
