"""Composing one alert in two editions in Chromium: the Sorani row prefilled from the story's
translation and written right to left, the audience counted per edition, both alerts sent together."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from newsapi.models import Article
from notifications.admin_alerts import isolated
from notifications.models import Alert, AlertState
from tests.browser.conftest import PHONE, log_in_as, screenshot
from tests.factories import edition, published_article
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.browser

EN_TITLE = "Strong earthquake shakes Erbil"
EN_SUMMARY = "No casualties reported; rescue teams are in the streets."
CKB_TITLE = "بوومەلەرزەیەکی بەهێز هەولێری هەژاند"
CKB_SUMMARY = "هیچ قوربانییەک تۆمار نەکراوە؛ تیمەکانی فریاگوزاری لە شەقامەکانن."


@pytest.fixture(autouse=True)
def _links_on_the_live_server(settings, live_server) -> None:
    settings.SITE_URL = live_server.url


def story() -> tuple[Article, Article]:
    group = uuid.uuid4()
    english = published_article(
        edition=edition("en"), translation_group=group, title=EN_TITLE, summary=EN_SUMMARY, slug="erbil-quake"
    )
    sorani = published_article(
        edition=edition("ckb"), translation_group=group, title=CKB_TITLE, summary=CKB_SUMMARY, slug="erbil-quake"
    )
    return english, sorani


def test_a_story_is_composed_in_english_and_sorani_and_sent_to_both(page: Page):
    english, sorani = story()
    DeviceFactory.create_batch(3, edition=edition("en"))
    DeviceFactory.create_batch(2, edition=edition("ckb"))
    log_in_as(page, EDITOR)

    page.goto(f"/admin/notifications/alert/add/?article={english.pk}")

    expect(page.locator("#id_title")).to_have_value(EN_TITLE)
    expect(page.locator("#id_title")).not_to_have_attribute("dir", "rtl")
    expect(page.locator("#id_editions-0-edition")).to_have_value(str(edition("ckb").pk))
    expect(page.locator("#id_editions-0-title")).to_have_value(CKB_TITLE)
    expect(page.locator("#id_editions-0-body")).to_have_value(CKB_SUMMARY)
    for field in ("title", "body"):
        expect(page.locator(f"#id_editions-0-{field}")).to_have_attribute("dir", "rtl")
    expect(page.locator("#id_editions-0-title_counter")).to_contain_text(f"{len(CKB_TITLE)} / 65")
    # One empty row to add another edition by hand; the rest wait behind "Add an edition".
    expect(page.locator("#alert-edition-1")).to_be_visible()
    expect(page.locator("#alert-edition-2")).to_be_hidden()
    expect(page.locator("#alert-audience")).to_contain_text(
        f"5 devices in 2 editions: {isolated('English')} 3, {isolated('کوردی')} 2"
    )
    page.locator("#alert-editions-heading").scroll_into_view_if_needed()
    screenshot(page, "admin-alert-compose-editions", full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("body")).to_contain_text("This alert will reach 5 devices in 2 editions")
    expect(page.locator(".phones .note[dir=rtl] .t").first).to_have_text(CKB_TITLE)
    page.get_by_label("Send this alert in its 2 editions now").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send alert").click()

    expect(page.locator(".messagelist")).to_contain_text("queued for sending in 2 editions")
    alerts = {a.edition.code: a for a in Alert.objects.select_related("edition")}
    assert set(alerts) == {"en", "ckb"}
    assert (alerts["ckb"].article_id, alerts["ckb"].title) == (sorani.pk, CKB_TITLE)
    assert {a.state for a in alerts.values()} != {AlertState.DRAFT}


def test_an_edition_added_by_hand_turns_its_fields_right_to_left_and_is_counted(page: Page):
    DeviceFactory.create_batch(2, edition=edition("en"))
    DeviceFactory.create_batch(4, edition=edition("ar"))
    log_in_as(page, EDITOR)
    audience = page.locator("#alert-audience")

    page.goto("/admin/notifications/alert/add/")
    page.select_option("#id_edition", str(edition("en").pk))
    expect(audience).to_contain_text("reach 2 devices")
    expect(page.locator("#alert-edition-1")).to_be_hidden()
    page.select_option("#id_editions-0-edition", str(edition("ar").pk))

    expect(page.locator("#id_editions-0-title")).to_have_attribute("dir", "rtl")
    expect(audience).to_contain_text(f"6 devices in 2 editions: {isolated('English')} 2, {isolated('العربية')} 4")
    page.get_by_role("button", name="Add an edition").click()
    expect(page.locator("#alert-edition-1")).to_be_visible()
    page.select_option("#id_editions-1-edition", str(edition("kmr").pk))
    expect(page.locator("#id_editions-1-title")).not_to_have_attribute("dir", "rtl")
    expect(audience).to_contain_text(f"No device in {isolated('Kurmancî')} will receive it")


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_two_edition_compose_works_on_a_phone(page: Page):
    english, _ = story()
    DeviceFactory.create_batch(3, edition=edition("en"))
    DeviceFactory.create_batch(2, edition=edition("ckb"))
    log_in_as(page, EDITOR)

    page.goto(f"/admin/notifications/alert/add/?article={english.pk}")

    expect(page.locator("#id_editions-0-title")).to_have_attribute("dir", "rtl")
    expect(page.locator("#alert-audience")).to_contain_text("5 devices in 2 editions")
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "admin-alert-compose-editions-phone", full_page=True)
    assert width <= PHONE["width"] + 40, f"the page scrolls sideways on a phone: {width}px"
