"""The newsroom's day in Chromium: write, publish through the confirmation, review, schedule.

A real Celery worker process builds the picture's renditions from the web process's upload, and
the published article is then read back through the public API, as the apps read it.
"""

import io
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from PIL import Image as PILImage
from playwright.sync_api import Page, expect

from backend.newsroom_time import newsroom_time_zone
from backend.roles import EDITOR, REPORTER
from config.celery import app as celery_app
from devtools.fcm_emulator import EmulatorServer
from newsapi import services
from newsapi.models import Article, ArticleStatus, Section
from notifications.models import Alert
from tests.browser.conftest import PHONE, log_in_as, screenshot
from tests.e2e.worker import CeleryWorker, database_url
from tests.factories import ArticleFactory, SectionFactory, edition
from tests.notifications.factories import DeviceFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="the worker process needs PostgreSQL and Redis (make test provides both)",
    ),
]


@pytest.fixture(autouse=True)
def _links_on_the_live_server(settings, live_server) -> None:
    """Absolute links (pictures in previews, card urls) point at the server the browser talks to."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def worker(tmp_path: Path, live_server) -> Iterator[CeleryWorker]:
    """A real worker on the live server's database, sending to a loopback FCM emulator."""
    celery_app.control.purge()
    with EmulatorServer() as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "FCM_", "PYTEST_"))}
        env.update(
            DEBUG="1",
            DATABASE_URL=database_url(),
            REDIS_URL=settings.REDIS_URL,
            FCM_ENDPOINT=emulator.url,
            FCM_PROJECT_ID="newsline-browser",
            FCM_CREDENTIALS="",
            MEDIA_ROOT=str(settings.MEDIA_ROOT),
            SITE_URL=live_server.url,
        )
        with CeleryWorker(
            env=env,
            log_path=tmp_path / "worker.log",
            concurrency=1,
            beat=False,
            queue=celery_app.conf.task_default_queue,
        ) as running:
            yield running
    celery_app.control.purge()


def jpeg_with_location() -> bytes:
    """A camera JPEG: GPS position and camera make in its EXIF, as phones upload them."""
    picture = PILImage.new("RGB", (1800, 1200), "#8a3b12")
    for x in range(0, 1800, 60):
        picture.paste("#f0c060", (x, 500, x + 30, 700))
    exif = PILImage.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (36.0, 11.0, 0.0), 3: "E", 4: (44.0, 0.0, 36.0)}  # GPSInfo: Erbil
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def world_section_with_alerts() -> Section:
    section = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان"})
    Section.objects.filter(pk=section.pk).update(auto_alert=True)
    return section


def test_an_editor_writes_a_sorani_story_with_a_photo_and_publishes_it_through_the_confirmation(
    page: Page, worker: CeleryWorker, tmp_path: Path
):
    world_section_with_alerts()
    DeviceFactory.create_batch(3, edition=edition("ckb"), breaking=True)
    log_in_as(page, EDITOR)

    page.goto("/admin/newsapi/article/add/")
    page.select_option("#id_edition", label="کوردی (ckb)")
    expect(page.locator("#id_title")).to_have_attribute("dir", "rtl")
    page.select_option("#id_section", label="جیهان")  # sections by their name in the edition
    page.fill("#id_title", "بوومەلەرزەیەک لە هەولێر")
    page.fill("#id_summary", "بوومەلەرزەیەکی بەهێز ئەمڕۆ بەیانی هەولێری هەژاند.")
    editor = page.locator(".field-body_html [contenteditable=true]")
    editor.click()
    page.keyboard.type("خەڵک لە ماڵەکانیان هاتنە دەرەوە.")
    page.keyboard.press("Enter")
    page.keyboard.type("هیچ قوربانییەک تۆمار نەکراوە.")
    photo = tmp_path / "erbil.jpg"
    photo.write_bytes(jpeg_with_location())
    page.set_input_files("#id_picture_file", str(photo))
    page.fill("#id_picture_caption", "خەڵک لە شەقامەکانی هەولێر")
    page.fill("#id_picture_credit", "Newsline")
    page.fill("#id_picture_alt", "خەڵک لە شەقامێکی هەولێر وەستاون")
    page.check("#id_is_breaking")
    screenshot(page, "admin-article-ckb-editing", full_page=True)
    page.click("#publish-button")

    # A breaking story in an auto-alert section: the alert, the phones and the audience first.
    expect(page.locator("#publish-audience")).to_contain_text("3 devices")
    expect(page.locator(".phone.android .note")).to_have_attribute("dir", "rtl")
    article = Article.objects.get(title="بوومەلەرزەیەک لە هەولێر")
    assert article.status == ArticleStatus.DRAFT and not Alert.objects.exists()
    screenshot(page, "admin-publish-confirmation-ckb", full_page=True)
    page.click("#confirm-publish")

    expect(page.locator(".messagelist")).to_contain_text("published")
    expect(page.locator(".messagelist a")).to_contain_text("Alert")
    screenshot(page, "admin-article-ckb-published")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert "<p>خەڵک لە ماڵەکانیان هاتنە دەرەوە.</p>" in article.body_html
    assert Alert.objects.get(article=article).targeted in (0, 3)  # queued; the worker fans it out

    # The worker process builds the renditions; the apps then see them in the feed.
    deadline = timezone.now() + timedelta(seconds=60)
    while True:
        feed = page.request.get("/api/v1/articles/?lang=ckb").json()
        card = next(item for item in feed["results"] if item["id"] == article.pk)
        if card["image"] and card["image"]["renditions"]:
            break
        assert timezone.now() < deadline, f"no renditions after 60 s:\n{worker.log_tail()}"
        page.wait_for_timeout(500)
    assert {r["width"] for r in card["image"]["renditions"]} >= {320, 640, 1024, 1600}
    article.refresh_from_db()
    with PILImage.open(article.image.file.path) as stored:  # the original kept: no location, no camera
        assert not stored.getexif().get(0x8825) and not stored.getexif().get(0x010F)

    page.goto(f"/admin/newsapi/article/{article.pk}/change/")
    expect(page.locator(".field-picture img.thumb")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE])
def test_the_confirmation_page_reads_on_a_phone(page: Page):
    world_section_with_alerts()
    article = ArticleFactory(
        edition=edition("ckb"), is_breaking=True, title="تەقینەوەیەک لە ناوەندی شار", slug="blast",
        summary="تەقینەوەیەکی بەهێز ئەمڕۆ بەیانی ڕوویدا.",
    )  # fmt: skip
    log_in_as(page, EDITOR)

    page.goto(f"/admin/newsapi/article/{article.pk}/publish/")

    expect(page.locator("#publish-audience")).to_contain_text("0 devices")
    expect(page.locator(".warnings")).to_contain_text("No device will receive this alert")
    screenshot(page, "admin-publish-confirmation-phone", full_page=True)


def test_a_reporter_sends_a_draft_for_review_sees_no_publish_button_and_a_forged_publish_changes_nothing(
    page: Page,
):
    SectionFactory(slug="world")
    reporter = log_in_as(page, REPORTER)
    article = ArticleFactory(created_by=reporter, title="Dam levels rise")

    page.goto(f"/admin/newsapi/article/{article.pk}/change/")
    expect(page.locator("#publish-button")).to_have_count(0)
    expect(page.locator("#schedule-button")).to_have_count(0)
    screenshot(page, "admin-article-reporter")
    page.click("#submit-review-button")
    expect(page.locator(".messagelist")).to_contain_text("sent for review")
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"/admin/newsapi/article/{article.pk}/publish/",
        form={"confirm": "1", "csrfmiddlewaretoken": token},
        headers={"Referer": page.url},
    )
    assert forged.ok  # the page answers; the service refuses
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW and article.published_at is None


def test_an_editor_schedules_in_newsroom_time_and_the_article_goes_live_when_the_time_comes(page: Page):
    SectionFactory(slug="world")
    article = ArticleFactory(title="Budget vote tonight")
    log_in_as(page, EDITOR)
    when = (timezone.now() + timedelta(hours=2)).astimezone(newsroom_time_zone()).replace(second=0, microsecond=0)

    page.goto(f"/admin/newsapi/article/{article.pk}/change/")
    page.fill("#id_publish_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", when.strftime("%H:%M:%S"))
    page.click("#schedule-button")

    expect(page.locator(".messagelist")).to_contain_text(f"scheduled for {when:%Y-%m-%d %H:%M}")
    article.refresh_from_db()
    assert article.status == ArticleStatus.SCHEDULED and article.publish_at == when
    assert page.request.get(f"/api/v1/articles/{article.pk}/").status == 404

    # The clock moves on (the beat task's own function, at the scheduled time, not minutes of sleep).
    assert services.articles_publish_due(now=when + timedelta(seconds=1)) == [article.pk]

    detail = page.request.get(f"/api/v1/articles/{article.pk}/")
    assert detail.status == 200 and detail.json()["title"] == "Budget vote tonight"
