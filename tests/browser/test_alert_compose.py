"""Composing an alert in Chromium: prefilled from the article, counted as phones show it, its audience live."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from notifications.models import TITLE_MAX_LENGTH
from tests.browser.conftest import PHONE, log_in_as, screenshot
from tests.factories import edition, published_article
from tests.notifications.factories import AlertFactory, DeviceFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _links_on_the_live_server(settings, live_server) -> None:
    settings.SITE_URL = live_server.url


def test_compose_from_a_sorani_article_is_prefilled_counted_and_shows_its_audience(page: Page):
    article = published_article(
        edition=edition("ckb"),
        title="بوومەلەرزەیەکی بەهێز هەولێری هەژاند",
        slug="erbil-quake",
        summary="هیچ قوربانییەک تۆمار نەکراوە؛ تیمەکانی فریاگوزاری لە شەقامەکانن.",
    )
    DeviceFactory.create_batch(4, edition=edition("ckb"), breaking=True)
    log_in_as(page, EDITOR)

    page.goto(f"/admin/notifications/alert/add/?article={article.pk}")

    expect(page.locator("#id_title")).to_have_value(article.title)
    expect(page.locator("#id_title")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_title_counter")).to_contain_text(f"{len(article.title)} / {TITLE_MAX_LENGTH}")
    expect(page.locator("#alert-audience")).to_contain_text("4")
    screenshot(page, "admin-alert-compose-ckb", full_page=True)

    # Past the limit the counter warns as the editor types; the server refuses it too.
    page.fill("#id_title", "ب" * (TITLE_MAX_LENGTH + 5))
    expect(page.locator("#id_title_counter")).to_have_class(re.compile(r"\bchar-counter--over\b"))


def test_an_audience_of_nobody_is_a_visible_warning(page: Page):
    article = published_article(title="Budget passes")
    log_in_as(page, EDITOR)

    page.goto(f"/admin/notifications/alert/add/?article={article.pk}")

    expect(page.locator("#alert-audience")).to_have_class(re.compile(r"\balert-audience--none\b"))


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_compose_page_works_on_a_phone(page: Page):
    article = published_article(title="Flood warning for the Zab valley", summary="Rivers are rising fast.")
    DeviceFactory.create_batch(2, edition=edition("en"), breaking=True)
    log_in_as(page, EDITOR)

    page.goto(f"/admin/notifications/alert/add/?article={article.pk}")

    expect(page.locator("#id_body")).to_have_value("Rivers are rising fast.")
    expect(page.locator("#alert-audience")).to_contain_text("2")
    screenshot(page, "admin-alert-compose-phone", full_page=True)
    assert settings.SITE_URL.startswith("http://")


def test_the_alert_list_fits_a_laptop_screen(page: Page):
    for n in range(3):
        article = published_article(title=f"Budget talks, part {n}")
        AlertFactory(
            article=article,
            title=f"A long headline about the budget negotiations in parliament {n}",
        )
    AlertFactory(edition=edition("ckb"), title="ئاگاداری: بوومەلەرزەیەکی بەهێز لە هەولێر")
    log_in_as(page, EDITOR)
    page.goto("/admin/notifications/alert/")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
    screenshot(page, "admin-alert-list")
