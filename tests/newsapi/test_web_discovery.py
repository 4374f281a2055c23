"""Sitemaps, feeds and the app-link files: parsed as crawlers and readers parse them, never leaking a story."""

import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import feedparser
import pytest
from django.utils import timezone

from newsapi.models import Article, article_web_url
from newsapi.services import article_schedule, article_unpublish
from newsapi.web import feeds, sitemaps
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    edition,
    published_article,
)

pytestmark = pytest.mark.django_db

SITE = "https://news.example.com"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE
    settings.SITE_NAME = "Newsline Daily"


def xml(response) -> ET.Element:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output, not untrusted input


def locations(root: ET.Element) -> list[str]:
    return [loc.text or "" for loc in root.findall(".//sm:loc", NS)]


def parsed_feed(client, path: str) -> feedparser.FeedParserDict:
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def stories():
    """A published, a draft, a scheduled and a withdrawn English story, and a published Sorani one."""
    live = published_article(published_at=timezone.now() - timedelta(hours=1))
    draft = ArticleFactory()
    scheduled = ArticleFactory()
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=2))
    withdrawn = published_article()
    article_unpublish(article=withdrawn, by=None, reason="legal")
    sorani = published_article(edition=edition("ckb"), slug="بومەلەرزە", title="بومەلەرزەیەکی بەهێز")
    return {"live": live, "draft": draft, "scheduled": scheduled, "withdrawn": withdrawn, "sorani": sorani}


# --- Sitemaps ------------------------------------------------------------------------------------


def test_index_lists_each_edition_with_articles_and_the_news_sitemap_on_site_url(client, stories):
    root = xml(client.get("/sitemap.xml"))
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locations(root) == [f"{SITE}/sitemap-en.xml", f"{SITE}/sitemap-ckb.xml", f"{SITE}/sitemap-news.xml"]
    lastmods = [node.text for node in root.findall(".//sm:lastmod", NS)]
    assert len(lastmods) == 2


def test_edition_sitemap_has_only_published_articles_at_their_canonical_urls(client, stories):
    root = xml(client.get("/sitemap-en.xml"))
    assert locations(root) == [article_web_url(stories["live"])]
    assert locations(root)[0].startswith(f"{SITE}/en/world/")
    lastmod = root.findtext(".//sm:lastmod", namespaces=NS)
    assert lastmod is not None and datetime.fromisoformat(lastmod) == stories["live"].updated_at
    sorani = locations(xml(client.get("/sitemap-ckb.xml")))
    assert sorani == [article_web_url(stories["sorani"])]
    assert "%D8%A8" in sorani[0]  # the Sorani slug, percent-encoded as the canonical URL is


def test_a_withdrawn_story_drops_out_of_the_cached_sitemaps_at_once(client):
    story = published_article(published_at=timezone.now() - timedelta(hours=1))
    for path in ("/sitemap-en.xml", "/sitemap-news.xml"):
        assert locations(xml(client.get(path))) == [article_web_url(story)]
    article_unpublish(article=story, by=None, reason="legal")
    for path in ("/sitemap-en.xml", "/sitemap-news.xml"):
        assert locations(xml(client.get(path))) == []


def test_edition_sitemaps_are_paged_and_the_index_names_every_page(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_PAGE_SIZE", 2)
    monkeypatch.setattr(sitemaps.EditionSitemap, "limit", 2)
    made = [published_article(published_at=timezone.now() - timedelta(minutes=n)) for n in range(5)]
    index = locations(xml(client.get("/sitemap.xml")))
    assert index[:3] == [f"{SITE}/sitemap-en.xml", f"{SITE}/sitemap-en.xml?p=2", f"{SITE}/sitemap-en.xml?p=3"]
    seen = []
    for page in (1, 2, 3):
        seen += locations(xml(client.get(f"/sitemap-en.xml?p={page}")))
    assert seen == [article_web_url(article) for article in made]
    assert client.get("/sitemap-en.xml?p=4").status_code == 404
    assert client.get("/sitemap-en.xml?p=x").status_code == 404


def test_index_names_every_page_of_the_news_sitemap(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_PAGE_SIZE", 2)
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 2)
    made = [published_article(published_at=timezone.now() - timedelta(minutes=n)) for n in range(5)]
    index = locations(xml(client.get("/sitemap.xml")))
    news = [f"{SITE}/sitemap-news.xml", f"{SITE}/sitemap-news.xml?p=2", f"{SITE}/sitemap-news.xml?p=3"]
    assert index[-3:] == news
    seen = []
    for location in news:
        seen += locations(xml(client.get(location.removeprefix(SITE))))
    assert sorted(seen) == sorted(article_web_url(article) for article in made)
    assert client.get("/sitemap-news.xml?p=4").status_code == 404


def test_unknown_edition_sitemap_is_404(client):
    assert client.get("/sitemap-xx.xml").status_code == 404


def test_news_sitemap_holds_the_last_48_hours_with_the_news_namespace(client, stories):
    now = timezone.now()
    recent = published_article(published_at=now - timedelta(hours=47), title="Talks resume <today> & more")
    published_article(published_at=now - timedelta(hours=49))
    root = xml(client.get("/sitemap-news.xml"))
    assert root.tag == f"{{{NS['sm']}}}urlset"
    urls = root.findall("sm:url", NS)
    by_location = {url.findtext("sm:loc", namespaces=NS): url for url in urls}
    assert set(by_location) == {
        article_web_url(stories["live"]),
        article_web_url(stories["sorani"]),
        article_web_url(recent),
    }
    entry = by_location[article_web_url(recent)]
    assert entry.findtext("news:news/news:publication/news:name", namespaces=NS) == "Newsline Daily"
    assert entry.findtext("news:news/news:publication/news:language", namespaces=NS) == "en"
    assert entry.findtext("news:news/news:title", namespaces=NS) == "Talks resume <today> & more"
    published = entry.findtext("news:news/news:publication_date", namespaces=NS)
    assert published is not None and published.startswith(str(recent.published_at.year))
    sorani = by_location[article_web_url(stories["sorani"])]
    assert sorani.findtext("news:news/news:publication/news:language", namespaces=NS) == "ckb"


def test_sitemaps_are_publicly_cacheable(client, stories):
    for path in ("/sitemap.xml", "/sitemap-en.xml", "/sitemap-news.xml"):
        response = client.get(path)
        assert response["Cache-Control"].startswith("public, max-age=")
        assert "sitemaps" in response["Surrogate-Key"].split()
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304


# Queries on a cache miss (the content version is read from the cache); a hit costs none.
SITEMAP_BUDGETS = {"/sitemap.xml": 2, "/sitemap-en.xml": 3, "/sitemap-news.xml": 2}


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize("path", list(SITEMAP_BUDGETS))
def test_sitemap_query_count_does_not_grow_with_articles(client, django_assert_num_queries, path, count):
    for n in range(count):
        published_article(published_at=timezone.now() - timedelta(minutes=n))
    with django_assert_num_queries(SITEMAP_BUDGETS[path]):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


# --- Feeds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_edition_feed_parses_and_holds_only_published_stories(client, stories, kind):
    feed = parsed_feed(client, f"/en/feed/{kind}/")
    assert [entry.link for entry in feed.entries] == [article_web_url(stories["live"])]
    entry = feed.entries[0]
    assert entry.title == stories["live"].title
    assert entry.summary == stories["live"].summary
    assert entry.published_parsed is not None
    assert feed.feed.link == f"{SITE}/en/"
    assert feed.feed.language == "en" if kind == "rss" else True
    assert feed.feed.title == "Newsline Daily · English"


def test_feeds_are_in_the_edition_language(client, stories):
    rss = parsed_feed(client, "/ckb/feed/rss/")
    assert rss.feed.language == "ckb"
    assert [entry.title for entry in rss.entries] == ["بومەلەرزەیەکی بەهێز"]
    atom = client.get("/ckb/feed/atom/")
    assert b'xml:lang="ckb"' in atom.content


def test_section_feed_holds_only_that_section(client):
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    in_sport = published_article(section=sport)
    published_article()
    for kind in ("rss", "atom"):
        feed = parsed_feed(client, f"/en/sport/feed/{kind}/")
        assert [entry.link for entry in feed.entries] == [article_web_url(in_sport)]
        assert feed.feed.title == "Newsline Daily · English · Sport"
        assert feed.feed.link == f"{SITE}/en/sport/"


def test_feed_items_carry_the_byline_section_and_tags(client):
    section = SectionFactory(slug="politics", names={"en": "Politics", "ckb": "سیاسەت"})
    bylined = published_article(section=section, published_at=timezone.now() - timedelta(minutes=1))
    bylined.authors.set([AuthorFactory(name="Rewan Ali"), AuthorFactory(name="Sara Khan")])
    bylined.tags.set([TagFactory(name="Elections"), TagFactory(name="Baghdad")])
    published_article(section=section, published_at=timezone.now() - timedelta(minutes=2))
    for kind in ("rss", "atom"):
        first, agency = parsed_feed(client, f"/en/feed/{kind}/").entries
        assert first.author == "Rewan Ali, Sara Khan"
        assert [term.term for term in first.tags] == ["Politics", "Baghdad", "Elections"]
        assert agency.author == "Newsline Daily"
        assert [term.term for term in agency.tags] == ["Politics"]
    sorani = published_article(edition=edition("ckb"), section=section)
    (entry,) = parsed_feed(client, "/ckb/feed/rss/").entries
    assert entry.link == article_web_url(sorani)
    assert entry.tags[0].term == "سیاسەت"


def test_feed_carries_the_hero_image_as_an_enclosure(client):
    story = published_article(image=ImageFactory())
    rss = parsed_feed(client, "/en/feed/rss/")
    (enclosure,) = rss.entries[0].enclosures
    assert enclosure.href == f"{SITE}{story.image.file.url}"
    assert enclosure.type == "image/png"


def test_a_withdrawn_story_drops_out_of_the_cached_feeds_at_once(client):
    story = published_article()
    paths = ["/en/feed/rss/", "/en/feed/atom/", "/en/world/feed/rss/"]
    for path in paths:
        assert len(parsed_feed(client, path).entries) == 1
    article_unpublish(article=story, by=None, reason="legal")
    for path in paths:
        assert parsed_feed(client, path).entries == []


def test_feed_holds_the_newest_up_to_its_limit(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_LIMIT", 3)
    made = [published_article(published_at=timezone.now() - timedelta(minutes=n)) for n in range(5)]
    feed = parsed_feed(client, "/en/feed/rss/")
    assert [entry.link for entry in feed.entries] == [article_web_url(article) for article in made[:3]]


@pytest.mark.parametrize("path", ["/xx/feed/rss/", "/en/nowhere/feed/atom/"])
def test_unknown_edition_or_section_feed_is_404(client, path):
    assert client.get(path).status_code == 404


def test_feeds_are_publicly_cacheable(client, stories):
    response = client.get("/en/world/feed/rss/")
    assert response["Cache-Control"].startswith("public, max-age=")
    assert {"feeds", "edition-en", "section-world"} <= set(response["Surrogate-Key"].split())
    assert response.has_header("Last-Modified")


# The edition (and section), the articles, their tags and their authors (the content version is cached).
FEED_BUDGETS = {"/en/feed/rss/": 4, "/en/world/feed/atom/": 5}


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize("path", list(FEED_BUDGETS))
def test_feed_query_count_does_not_grow_with_articles(client, django_assert_num_queries, path, count):
    for n in range(count):
        published_article(image=ImageFactory(), published_at=timezone.now() - timedelta(minutes=n))
    with django_assert_num_queries(FEED_BUDGETS[path]):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


# --- App links -----------------------------------------------------------------------------------


def test_well_known_files_claim_nothing_when_unset(client, settings):
    settings.ANDROID_APP_PACKAGE = ""
    settings.ANDROID_APP_SHA256_FINGERPRINTS = []
    settings.IOS_APP_IDS = []
    android = client.get("/.well-known/assetlinks.json")
    assert android.status_code == 200
    assert android["Content-Type"] == "application/json"
    assert android.json() == []
    apple = client.get("/.well-known/apple-app-site-association")
    assert apple.status_code == 200
    assert apple["Content-Type"] == "application/json"
    assert apple.json() == {"applinks": {"details": []}}


def test_assetlinks_names_the_package_and_fingerprints(client, settings):
    settings.ANDROID_APP_PACKAGE = "news.newsline.app"
    fingerprints = ["14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5"]
    settings.ANDROID_APP_SHA256_FINGERPRINTS = fingerprints
    response = client.get("/.well-known/assetlinks.json")
    assert response.json() == [
        {
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": "news.newsline.app",
                "sha256_cert_fingerprints": fingerprints,
            },
        }
    ]
    assert response["Cache-Control"].startswith("public, max-age=")


def test_assetlinks_claims_nothing_without_fingerprints(client, settings):
    settings.ANDROID_APP_PACKAGE = "news.newsline.app"
    settings.ANDROID_APP_SHA256_FINGERPRINTS = []
    assert client.get("/.well-known/assetlinks.json").json() == []


def test_apple_association_opens_article_paths_in_the_app(client, settings):
    settings.IOS_APP_IDS = ["ABCDE12345.news.newsline.app", "ABCDE12345.news.newsline.beta"]
    response = client.get("/.well-known/apple-app-site-association")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (details,) = json.loads(response.content)["applinks"]["details"]
    assert details["appIDs"] == settings.IOS_APP_IDS
    components = details["components"]
    assert components[-1] == {"/": "/*/*/*/*/", "comment": "An article: /<edition>/<section>/<id>/<slug>/"}
    # Apple applies the first component that matches: the exclusions must come before the article pattern.
    excluded = [component["/"] for component in components[:-1] if component.get("exclude")]
    assert len(excluded) == len(components) - 1
    assert "/api/*" in excluded and "/admin/*" in excluded


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_off_the_api_and_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /api/"} <= set(lines)
    assert {f"Sitemap: {SITE}/sitemap.xml", f"Sitemap: {SITE}/sitemap-news.xml"} <= set(lines)
    assert "Allow" not in response.content.decode().replace("Disallow", "")


def test_apple_association_is_served_without_a_redirect_or_extension(client):
    assert client.get("/.well-known/apple-app-site-association/").status_code == 404
    assert client.get("/.well-known/apple-app-site-association.json").status_code == 404


def test_draft_and_scheduled_stories_appear_nowhere(client, stories):
    hidden = {article_web_url(stories[name]) for name in ("draft", "scheduled", "withdrawn")}
    bodies = [
        client.get(path).content.decode()
        for path in ("/sitemap-en.xml", "/sitemap-news.xml", "/en/feed/rss/", "/en/feed/atom/", "/en/world/feed/rss/")
    ]
    for body in bodies:
        for url in hidden:
            assert url not in body
    assert Article.objects.count() == 5
