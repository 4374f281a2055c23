"""The editor site works in Chromium under the production Content-Security-Policy.

Deliberately generic (the pages are growing): an editor logs in through the form and opens the
article list, an article's change page and the alert add page; the page fixture fails the test on
any CSP violation, JavaScript error or failed request.
"""

import pytest
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from tests.browser.conftest import PHONE, log_in_as
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser

PAGES = ["/admin/newsapi/article/", "/admin/newsapi/article/{article}/change/", "/admin/notifications/alert/add/"]


def open_admin_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or ""), path
    expect(page.locator("#content")).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_an_editor_opens_the_article_list_an_article_and_the_alert_form_without_console_errors(page: Page):
    article = ArticleFactory()
    log_in_as(page, EDITOR)

    for path in PAGES:
        open_admin_page(page, path.format(article=article.pk))

    expect(page.locator("form#alert_form, form[id$='_form']").first).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_article_list_works_on_a_phone(page: Page):
    ArticleFactory()
    log_in_as(page, EDITOR)

    open_admin_page(page, PAGES[0])
