"""The public article page as a reader's browser shows it, in English and in Sorani, on a phone and a desk.

The demo newsroom (``seed_demo``: real uploads, renditions, translations) is the content; the
page fixture fails a test on any request to another host, JavaScript error or CSP violation.
Screenshots go to docs/screenshots/ (the README shows them).
"""

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from config.celery import app as celery_app
from devtools.demo.seed import DEMO_NAMESPACE, seed_demo
from newsapi.models import AppPlatform, AppRelease, Article, ArticleViewCount, article_web_url
from newsapi.services import article_unpublish
from tests.browser.conftest import DESKTOP, PHONE, BrowserProblems, screenshot

pytestmark = pytest.mark.browser

EARTHQUAKE = "world-turkey-earthquake"


@pytest.fixture(autouse=True)
def _links_on_the_live_server(settings, live_server: LiveServer) -> None:
    settings.SITE_URL = live_server.url
    settings.IOS_APP_STORE_ID = "123456789"
    settings.ANDROID_APP_PACKAGE = "news.newsline.app"


@pytest.fixture
def demo(page: Page) -> Iterator[dict[str, Article]]:
    """The demo newsroom, its renditions built in this process; a day of views; both apps released."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        seed_demo(now=timezone.now())
    finally:
        celery_app.conf.task_always_eager = eager
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for rank, article in enumerate(Article.objects.published().order_by("-published_at")[:40]):
        ArticleViewCount.objects.create(article=article, edition=article.edition, hour=hour, count=500 - rank * 7)
    AppRelease.objects.create(
        platform=AppPlatform.ANDROID,
        store_url="https://play.google.com/store/apps/details?id=news.newsline.app",
        latest_version="3.2.1",
        min_supported_version="3.0",
    )
    AppRelease.objects.create(
        platform=AppPlatform.IOS,
        store_url="https://apps.apple.com/app/newsline/id123456789",
        latest_version="3.1.0",
        min_supported_version="3.0",
    )
    published = Article.objects.published().select_related("edition", "section")
    group = uuid.uuid5(DEMO_NAMESPACE, EARTHQUAKE)
    yield {article.edition.code: article for article in published.filter(translation_group=group)}


def open_article(page: Page, article: Article) -> None:
    response = page.goto(urlsplit(article_web_url(article)).path)
    assert response is not None and response.status == 200, response and response.status
    page.wait_for_load_state("networkidle")


def follow(page: Page, link: Locator) -> None:
    """Click a link once the page has settled (a click mid-load aborts its pictures) and wait for the next."""
    page.wait_for_load_state("networkidle")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")
    page.wait_for_load_state("networkidle")


def expect_the_seed_page(page: Page, article: Article, *, lang: str, direction: str) -> None:
    """Every element of the publisher's seed page, visible, in the edition's language and direction."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)
    story = page.locator("article.story")
    expect(story.locator(".kicker a")).to_have_text(article.section.names.get(edition=article.edition).name)
    expect(story.locator("h1")).to_have_text(article.title)
    expect(story.locator(".dateline time")).to_be_visible()
    hero = story.locator("figure.hero img")
    expect(hero).to_be_visible()
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0"), "the hero picture did not load"
    assert hero.get_attribute("srcset") and hero.get_attribute("width") and hero.get_attribute("height")
    expect(story.locator("figure.hero figcaption .credit")).not_to_be_empty()
    expect(story.locator(".tags a").first).to_be_visible()
    expect(story.locator(".body p").first).to_be_visible()
    expect(page.locator(".see-more .cards li").first).to_be_visible()
    expect(page.locator(".most-read li").first).to_be_visible()
    expect(page.locator("footer a[href*='play.google.com']")).to_be_visible()
    expect(page.locator("footer a[href*='apps.apple.com']")).to_be_visible()
    expect(page.locator("meta[name='apple-itunes-app']")).to_have_attribute(
        "content", f"app-id=123456789, app-argument={article_web_url(article)}"
    )


def nothing_moves_or_overflows(page: Page) -> None:
    """No horizontal scrolling on a phone, and the layout did not shift while the page loaded."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    shift = page.evaluate(
        """() => new Promise(resolve => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => resolve(total), 200);
        })"""
    )
    assert shift < 0.01, f"cumulative layout shift {shift}"


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("ckb", "rtl")])
def test_a_reader_sees_every_seed_element_on_a_desktop_and_a_phone(
    page: Page, demo: dict[str, Article], code: str, direction: str
):
    article = demo[code]
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        open_article(page, article)
        expect_the_seed_page(page, article, lang=code, direction=direction)
        nothing_moves_or_overflows(page)
        screenshot(page, f"web-article-{code}-{name}")


def test_a_reader_follows_a_tag_the_language_switcher_and_see_more(page: Page, demo: dict[str, Article]):
    english, sorani = demo["en"], demo["ckb"]
    open_article(page, english)

    follow(page, page.locator("nav.languages a[hreflang='ckb']"))
    assert urlsplit(page.url).path == urlsplit(article_web_url(sorani)).path
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text(sorani.title)

    tag = page.locator("article.story .tags a").first
    tag_name = tag.inner_text()
    follow(page, tag)
    expect(page.locator("main h1")).to_contain_text(tag_name)
    expect(page.locator("main .cards a", has_text=sorani.title).first).to_be_visible()

    open_article(page, english)
    follow(page, page.locator(".see-more .cards li a").first)
    expect(page.locator("article.story h1")).to_be_visible()


def test_the_page_reads_without_javascript(browser: Browser, live_server: LiveServer, demo: dict[str, Article]):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        open_article(page, demo["ckb"])
        expect_the_seed_page(page, demo["ckb"], lang="ckb", direction="rtl")
    finally:
        context.close()


def test_an_old_link_and_a_withdrawn_story_in_the_browser(
    page: Page, demo: dict[str, Article], browser_problems: BrowserProblems
):
    browser_problems.allow(r"status of 410")
    english = demo["en"]
    page.goto(f"/en/{english.section.slug}/{english.pk}/an-old-slug/")
    assert urlsplit(page.url).path == urlsplit(article_web_url(english)).path

    # The browser holds the page it just showed; it must ask again and learn the story is gone.
    article_unpublish(article=english, by=None, reason="legal")
    response = page.goto(urlsplit(article_web_url(english)).path)
    assert response is not None and response.status == 410
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main")).not_to_contain_text(english.title)
    # The next front page holds no card of it either.
    page.goto("/en/")
    expect(page.locator("main")).not_to_contain_text(english.title)
