"""A librarian signs up, confirms her e-mail address and logs in — in the browser, as she would."""

import re

import pytest
from django.core import mail

from lms.accounts.models import User

pytestmark = pytest.mark.e2e

EMAIL = "orlova.tv@example.org"
PASSWORD = "Kniga-Polka-2026!"
LIBRARY_LABEL = "ЦБС Топкинского района (Топкинский район)"
CONFIRM_LINK = re.compile(r"https?://[^\s<>\"]+/accounts/confirm-email/[^\s<>\"/]+/")


def expect_russian(page):
    # Chromium asks for en-US (the context's locale); the platform answers in Russian all the same.
    assert page.evaluate("() => navigator.language") == "en-US"
    assert page.locator("html").get_attribute("lang") == "ru"


def log_in(page, email, password):
    page.goto("/accounts/login/")
    expect_russian(page)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Войти", exact=True).click()


def test_librarian_signs_up_confirms_her_address_and_logs_in(page, live_server):
    # --- Sign-up ---------------------------------------------------------------------------------------------
    page.goto("/")
    page.locator(".account-nav").get_by_role("link", name=re.compile("регистр", re.I)).click()
    page.wait_for_url("**/accounts/signup/")
    expect_russian(page)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Зарегистрируйтесь"

    form = page.locator("form[action='/accounts/signup/']")
    form.locator("input[name=last_name]").fill("Орлова")
    form.locator("input[name=first_name]").fill("Татьяна")
    form.locator("input[name=patronymic]").fill("Викторовна")
    form.locator("select[name=library]").select_option(label=LIBRARY_LABEL)
    form.locator("input[name=position]").fill("библиотекарь отдела обслуживания")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("input[name=consent]").check()
    submit = form.get_by_role("button", name="Зарегистрируйтесь", exact=True)
    assert submit.is_visible()
    submit.click()

    # She is told to confirm her address, in Russian.
    page.wait_for_url("**/accounts/confirm-email/")
    expect_russian(page)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Подтвердите Ваш адрес электронной почты"

    user = User.objects.get(email=EMAIL)
    assert (user.last_name, user.first_name, user.patronymic) == ("Орлова", "Татьяна", "Викторовна")
    assert user.library.short_name == "ЦБС Топкинского района"
    assert user.personal_data_consent_at is not None
    assert not user.emailaddress_set.get(email=EMAIL).verified

    # The confirmation e-mail went to her address (the live server shares this process's locmem outbox).
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    confirmation = mail.outbox[0]
    assert confirmation.subject.startswith("[Обучение ОНБ] ")
    links = CONFIRM_LINK.findall(confirmation.body)
    assert links, confirmation.body
    link = links[0]
    assert link.startswith(live_server.url)

    # --- Logging in before confirming does not let her in ----------------------------------------------------
    log_in(page, EMAIL, PASSWORD)
    page.wait_for_url("**/accounts/confirm-email/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Подтвердите Ваш адрес электронной почты"
    assert page.locator(".user-name").count() == 0
    assert page.locator(".account-nav").get_by_role("link", name="Войти").is_visible()
    page.goto("/accounts/profile/")
    assert "/accounts/login/" in page.url  # still anonymous

    # --- Confirmation: the link shows a button, the button POSTs ---------------------------------------------
    page.goto(link)
    expect_russian(page)
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Подтвердите адрес электронной почты"
    assert not user.emailaddress_set.get(email=EMAIL).verified  # opening the link alone confirms nothing
    page.get_by_role("button", name="Подтвердить", exact=True).click()
    page.wait_for_url("**/accounts/login/**")
    assert f"Адрес {EMAIL} подтверждён." in page.locator(".messages").inner_text()
    assert user.emailaddress_set.get(email=EMAIL).verified
    assert page.locator(".user-name").count() == 0  # confirming does not log in (ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION)

    # --- Now she logs in, lands on «Моё обучение» and sees her short name in the header ------------------------
    log_in(page, EMAIL, PASSWORD)
    page.wait_for_url(f"{live_server.url}/learning/")
    expect_russian(page)
    name = page.locator("header .user-name")
    assert name.inner_text().strip() == "Орлова Т. В."
    name.click()  # her name opens her menu: the profile, and the way out
    assert page.locator("header").get_by_role("link", name="Профиль").get_attribute("href") == "/accounts/profile/"
    assert page.locator("header").get_by_role("button", name="Выйти").is_visible()


def test_every_label_button_and_link_of_the_signup_page_is_in_russian(page):
    page.goto("/accounts/signup/")
    expect_russian(page)
    texts = page.evaluate("""() => {
        const visible = (el) => (el.innerText || '').trim();
        const items = [];
        for (const el of document.querySelectorAll('label, button, a, option[value=""], h1')) {
            items.push([el.outerHTML.slice(0, 60), visible(el) || el.textContent.trim()]);
        }
        for (const el of document.querySelectorAll('[aria-label]')) {
            items.push([el.outerHTML.slice(0, 60), el.getAttribute('aria-label')]);
        }
        return items;
    }""")
    # E-mail addresses and the brand are fine as they are; everything else a person reads must be Russian.
    english = [(html, text) for html, text in texts
               if text and "@" not in text and not re.search("[А-Яа-яЁё]", text)]
    assert not english, "English on the sign-up page:\n" + "\n".join(f"  {text!r}  ({html}…)" for html, text in english)
