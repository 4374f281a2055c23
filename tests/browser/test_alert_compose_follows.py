"""Composing an alert for the followers of tags in Chromium: the admin's tag autocomplete, and the
audience recounted as tags are chosen."""

import pytest
from playwright.sync_api import Page, expect

from backend.roles import EDITOR
from tests.browser.conftest import log_in_as
from tests.factories import TagFactory, edition
from tests.notifications.factories import DeviceFactory

pytestmark = pytest.mark.browser


def choose_tag(page: Page, typed: str, name: str) -> None:
    """Type into the tags autocomplete (select2) and pick ``name`` from what it offers."""
    page.locator("#id_tags + .select2 .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=name).click()


def test_choosing_tags_recounts_their_followers(page: Page):
    flood, erbil = TagFactory(slug="flood", name="Flood"), TagFactory(slug="erbil", name="Erbil")
    for tags in ([flood], [flood, erbil], [erbil]):
        DeviceFactory(breaking=False).tags.set(tags)
    DeviceFactory.create_batch(2)  # breaking news only
    log_in_as(page, EDITOR)
    audience = page.locator("#alert-audience")

    page.goto("/admin/notifications/alert/add/")
    page.select_option("#id_edition", str(edition("en").pk))
    expect(audience).to_contain_text("reach 2 devices")
    page.select_option("#id_target", "tags")
    expect(audience).to_contain_text("choose the tags")

    choose_tag(page, "Flo", "Flood")
    expect(audience).to_contain_text("reach 2 devices")
    choose_tag(page, "Erb", "Erbil")
    expect(audience).to_contain_text("reach 3 devices")  # the device following both counts once
