"""The editor site's login, in Chromium: repeated wrong passwords lock it, the right password included."""

import re

import pytest
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from tests.browser.conftest import PASSWORD, BrowserProblems, log_in, screenshot
from tests.factories import user_with_role

pytestmark = pytest.mark.browser


def test_repeated_wrong_passwords_lock_the_login_even_for_the_right_one(
    page: Page, browser_problems: BrowserProblems, settings
):
    # The lockout page is answered 429 (Too Many Requests), which Chromium logs as a failed load.
    browser_problems.allow(r"status of 429")
    user_with_role(EDITOR, username="layla")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, "layla", "not-the-password")
        expect(page.locator(".errornote")).to_contain_text("Please enter the correct username and password")
    log_in(page, "layla", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Too many failed log-ins for layla")

    log_in(page, "layla", PASSWORD)

    locked = page.get_by_role("alert")
    expect(locked).to_contain_text("Too many failed log-ins for layla")
    expect(locked).to_contain_text(re.compile(r"You can try again at\s+\d\d:\d\d"))
    expect(page.locator("#login-form")).to_have_count(0)
    screenshot(page, "admin-login-locked")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
