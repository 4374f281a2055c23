"""The API docs page (Swagger UI, served from this site) works under the production Content-Security-Policy."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_swagger_ui_lists_the_api_under_the_csp_with_no_console_errors(page: Page):
    response = page.goto("/api/docs/")

    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    expect(page.get_by_role("heading", name="Newsline mobile API")).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/editions/").first).to_be_visible()
