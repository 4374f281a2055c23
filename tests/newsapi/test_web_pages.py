"""The web edition's pages (issue #8): the seed article page, languages, redirects, 404/410, sharing tags."""

import json
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation

from newsapi.images import image_generate_renditions
from newsapi.models import AppPlatform, AppRelease, ArticleViewCount, ImageRendition
from newsapi.services import article_schedule, article_unpublish
from tests.conftest import clear_cache
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    edition,
    published_article,
    user_with_role,
)

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The bits of a page the tests read: <html> attributes, <meta>, <link> and JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.html: dict[str, str] = {}
        self.meta: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html = values
        elif tag == "meta":
            self.meta.append(values)
        elif tag == "link":
            self.links.append(values)
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def prop(self, name: str) -> list[str]:
        return [m["content"] for m in self.meta if m.get("property") == name or m.get("name") == name]


def parse(response) -> Head:
    head = Head()
    head.feed(response.content.decode())
    return head


def path_of(article) -> str:
    return f"/{article.edition.code}/{article.section.slug}/{article.pk}/{article.slug}/"


@pytest.fixture
def seed():
    """The seed page: a World story with a Reuters photo, two tags, a related story, an app release."""
    world = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان", "ar": "العالم"})
    image = ImageFactory(caption="Rescue teams search the rubble", credit="Reuters")
    image_generate_renditions(image=image)
    china = TagFactory(slug="china", name="China")
    russia = TagFactory(slug="russia", name="Russia")
    article = published_article(
        section=world,
        title="Strong earthquake strikes",
        slug="strong-earthquake-strikes",
        summary="A strong earthquake struck the region.",
        body_html="<p>The earthquake struck at dawn.</p>",
        image=image,
        tags=[china, russia],
        authors=[AuthorFactory(name="Dana Reporter")],
    )
    related = published_article(section=world, title="Aftershocks continue", slug="aftershocks")
    ArticleViewCount.objects.create(
        article=related,
        edition=related.edition,
        hour=timezone.now().replace(minute=0, second=0, microsecond=0),
        count=42,
    )
    AppRelease.objects.create(
        platform=AppPlatform.ANDROID,
        store_url="https://play.google.com/store/apps/details?id=news.example",
        latest_version="3.2.1",
        min_supported_version="3.0",
    )
    AppRelease.objects.create(
        platform=AppPlatform.IOS,
        store_url="https://apps.apple.com/app/example/id123456789",
        latest_version="3.1.0",
        min_supported_version="3.0",
    )
    return {"article": article, "related": related, "image": image}


def test_article_page_shows_every_seed_element(client, seed):
    article = seed["article"]
    response = client.get(path_of(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert ">World</a>" in html
    assert "<h1>Strong earthquake strikes</h1>" in html
    assert "<p>The earthquake struck at dawn.</p>" in html
    assert "Rescue teams search the rubble" in html and '<span class="credit">Reuters</span>' in html
    assert 'href="/en/tag/china/"' in html and 'href="/en/tag/russia/"' in html
    assert "Dana Reporter" in html
    assert "See more" in html and "Aftershocks continue" in html
    assert "Most read" in html
    assert "The News in your pocket" in html
    assert "https://play.google.com/store/apps/details?id=news.example" in html and "3.2.1" in html
    assert "https://apps.apple.com/app/example/id123456789" in html and "3.1.0" in html
    # Local time in the newsroom's zone (Asia/Baghdad, UTC+3), in the seed's format.
    local = timezone.localtime(article.published_at, timezone=__import__("zoneinfo").ZoneInfo("Asia/Baghdad"))
    assert local.strftime("%I:%M %p - %Y-%m-%d") in html
    assert f'datetime="{local.isoformat()}"' in html


def test_hero_has_a_webp_srcset_with_its_size(client, seed):
    html = client.get(path_of(seed["article"])).content.decode()
    renditions = list(ImageRendition.objects.filter(image=seed["image"], format="webp"))
    assert renditions
    for rendition in renditions:
        assert f"{rendition.file.url} {rendition.width}w" in html
    chosen = max((r for r in renditions if r.width <= 1024), key=lambda r: r.width)
    assert f'src="{chosen.file.url}"' in html
    assert f'width="{chosen.width}" height="{chosen.height}"' in html


def test_sorani_page_is_rtl_and_translated(client):
    world = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان"})
    article = published_article(edition=edition("ckb"), section=world, slug="بوومەلەرزە", title="بوومەلەرزەیەکی بەهێز")
    related = published_article(edition=edition("ckb"), section=world, slug="هەواڵ-٢")
    response = client.get(path_of(article))
    assert response.status_code == 200, response.content
    assert response["Content-Language"] == "ckb"
    head = parse(response)
    assert head.html == {"lang": "ckb", "dir": "rtl"}
    html = response.content.decode()
    assert "جیهان" in html
    assert "هەواڵ لە گیرفانتدا" in html  # The News in your pocket
    assert "زیاتر ببینە" in html and related.title in html  # See more
    assert "The News in your pocket" not in html


def test_arabic_home_is_rtl_and_translated(client):
    published_article(edition=edition("ar"), slug="خبر")
    response = client.get("/ar/")
    assert response.status_code == 200
    assert parse(response).html == {"lang": "ar", "dir": "rtl"}
    html = response.content.decode()
    assert "الأخبار في جيبك" in html and "أهم الأخبار" in html


def test_wrong_slug_or_section_redirects_permanently_to_the_canonical_url(client, seed):
    article = seed["article"]
    canonical = path_of(article)
    for wrong in (
        f"/en/world/{article.pk}/old-slug/",
        f"/en/sport/{article.pk}/{article.slug}/",
        f"/ckb/world/{article.pk}/{article.slug}/",
        f"/en/world/{article.pk}/",
    ):
        response = client.get(wrong)
        assert response.status_code == 301, wrong
        assert response["Location"] == canonical


def test_draft_scheduled_and_unknown_ids_are_404_pages(client):
    draft = ArticleFactory()
    scheduled = ArticleFactory()
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=2))
    for path in (path_of(draft), path_of(scheduled), "/en/world/999999/nothing/", "/en/world/99999999999999999999/x/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("text/html")
        assert "public" not in response.get("Cache-Control", "")


def test_withdrawn_article_is_410_with_a_notice_in_its_language(client):
    article = published_article(edition=edition("ckb"), slug="کێشراوە")
    path = path_of(article)
    assert client.get(path).status_code == 200
    article_unpublish(article=article, by=user_with_role("Chief editor"), reason="Legal")
    response = client.get(path)
    assert response.status_code == 410
    assert parse(response).html == {"lang": "ckb", "dir": "rtl"}
    assert "ئەم بابەتە کێشرایەوە" in response.content.decode()
    assert article.title not in response.content.decode()


def test_open_graph_twitter_and_json_ld(client, seed):
    article = seed["article"]
    response = client.get(path_of(article))
    head = parse(response)
    canonical = f"http://127.0.0.1:8000{path_of(article)}"
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [canonical]
    assert head.prop("og:title") == [article.title]
    assert head.prop("og:url") == [canonical]
    assert head.prop("og:type") == ["article"]
    assert head.prop("og:image")[0].endswith(".webp")
    assert head.prop("article:tag") == ["China", "Russia"]
    assert head.prop("twitter:card") == ["summary_large_image"]
    assert head.prop("apple-itunes-app") == []  # no IOS_APP_STORE_ID, no Smart App Banner
    assert len(head.json_ld) == 1
    data = json.loads(head.json_ld[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["image"] == head.prop("og:image")
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] == article.updated_at.isoformat()
    assert data["author"] == [{"@type": "Person", "name": "Dana Reporter"}]
    assert data["publisher"]["name"] == "Newsline"
    assert data["publisher"]["logo"]["url"].endswith("/static/newsapi/web/logo.svg")
    assert data["mainEntityOfPage"]["@id"] == canonical


def test_json_ld_cannot_close_its_script(client):
    article = published_article(title="Bad </script><script>alert(1)</script> title")
    html = client.get(path_of(article)).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json.loads(parse(client.get(path_of(article))).json_ld[0])["headline"] == article.title


def test_smart_app_banner_and_android_banner(client, seed, settings):
    settings.IOS_APP_STORE_ID = "123456789"
    article = seed["article"]
    head = parse(client.get(path_of(article)))
    assert head.prop("apple-itunes-app") == [f"app-id=123456789, app-argument=http://127.0.0.1:8000{path_of(article)}"]
    html = client.get(path_of(article)).content.decode()
    assert 'class="get-app" href="https://play.google.com/store/apps/details?id=news.example"' in html


def test_language_switcher_and_hreflang_list_published_translations(client):
    group = uuid.uuid4()
    world = SectionFactory(slug="world", names={"en": "World", "ar": "العالم"})
    english = published_article(section=world, slug="quake", translation_group=group)
    arabic = published_article(edition=edition("ar"), section=world, slug="زلزال", translation_group=group)
    ArticleFactory(edition=edition("ckb"), section=world, slug="draft-ckb", translation_group=group)
    head = parse(client.get(path_of(english)))
    alternates = {link["hreflang"]: link["href"] for link in head.links if "hreflang" in link}
    assert set(alternates) == {"en", "ar"}
    assert alternates["ar"].endswith(f"/ar/world/{arabic.pk}/%D8%B2%D9%84%D8%B2%D8%A7%D9%84/")
    assert "العربية" in client.get(path_of(english)).content.decode()


def test_home_has_breaking_top_rails_and_most_read(client, seed):
    breaking = published_article(title="Breaking: bridge closed", slug="bridge", is_breaking=True)
    html = client.get("/en/").content.decode()
    assert 'class="breaking"' in html and breaking.title in html
    assert "Top stories" in html and seed["article"].title in html
    assert 'href="/en/world/"' in html
    assert "Most read" in html and seed["related"].title in html


def test_section_and_tag_pages_page_with_cursors(client):
    world = SectionFactory(slug="world", names={"en": "World"})
    china = TagFactory(slug="china", name="China")
    now = timezone.now()
    titles = [
        published_article(section=world, tags=[china], published_at=now - timedelta(minutes=i)).title for i in range(3)
    ]
    first = client.get("/en/world/", {"page_size": 2})
    assert first.status_code == 200
    html = first.content.decode()
    assert titles[0] in html and titles[1] in html and titles[2] not in html
    next_url = parse_next(html)
    second = client.get(next_url)
    assert second.status_code == 200 and titles[2] in second.content.decode()
    tag = client.get("/en/tag/china/")
    assert tag.status_code == 200 and all(title in tag.content.decode() for title in titles)


def parse_next(html: str) -> str:
    start = html.index('rel="next" href="') + len('rel="next" href="')
    return html[start : html.index('"', start)].replace("&amp;", "&").removeprefix("http://testserver")


def test_search_page_finds_stories(client):
    published_article(title="Flood warning in Erbil", slug="flood")
    response = client.get("/en/search/", {"q": "flood"})
    assert response.status_code == 200
    assert "Flood warning in Erbil" in response.content.decode()
    assert client.get("/en/search/").status_code == 200


def test_search_page_marks_the_matched_words_and_escapes_the_rest(client):
    published_article(title="Floods <script>x</script> in Erbil", slug="floods", summary="Rivers rose overnight.")
    body = client.get("/en/search/", {"q": "flood"}).content.decode()
    assert '<p class="snippet"><mark>Floods</mark> &lt;script&gt;x&lt;/script&gt; in Erbil</p>' in body
    assert "<script>x" not in body


def test_sorani_search_page_finds_the_other_keyboards_spelling(client):
    published_article(edition=edition("ckb"), title="بارانی زۆر لە کوردستان", slug="baran")
    body = client.get("/ckb/search/", {"q": "كوردستان"}).content.decode()  # Arabic kaf
    assert "<mark>کوردستان</mark>" in body


def test_bad_paths_and_parameters_are_404_or_400_pages_in_the_edition_language(client):
    SectionFactory(slug="world", names={"en": "World"})
    cases = {
        "/ckb/no-such-section/": 404,
        "/ckb/tag/no-such-tag/": 404,
        "/ckb/a/b/c/d/": 404,
        "/ckb/world/?cursor=garbage": 400,
        "/ckb/world/?page_size=0": 400,
        "/ckb/search/?q=" + "x" * 300: 400,
        "/ckb/search/?q=a%00b": 400,
    }
    for path, status in cases.items():
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Type"].startswith("text/html"), path
        assert parse(response).html == {"lang": "ckb", "dir": "rtl"}, path


@pytest.mark.parametrize(
    ("accept_language", "lang", "direction"),
    [
        ("", "en", "ltr"),
        ("ckb-IQ,ckb;q=0.9,en;q=0.5", "ckb", "rtl"),
        ("fr-FR, ar;q=0.8, en;q=0.7", "ar", "rtl"),
        ("en;q=0.2, ckb;q=0.9", "ckb", "rtl"),
        ("ckb;q=0, en", "en", "ltr"),
        ("*;q=x, ;;, ar", "ar", "rtl"),
    ],
)
def test_unknown_edition_is_a_404_page_in_the_readers_language(client, accept_language, lang, direction):
    for path in ("/xx/", "/zz/world/1/slug/", "/no/such/place/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept_language)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("text/html"), path
        assert parse(response).html == {"lang": lang, "dir": direction}, path
        assert "Accept-Language" in response["Vary"]
        assert not response.get("Cache-Control", "").startswith("public")


def test_unknown_edition_404_is_translated(client):
    body = client.get("/xx/", HTTP_ACCEPT_LANGUAGE="ckb").content.decode()
    assert "Page not found" not in body
    with translation.override("ckb"):
        assert translation.gettext("Page not found") in body


def test_site_root_sends_readers_to_their_edition(client):
    assert client.get("/")["Location"] == "/en/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ckb-IQ, en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/ckb/"
    assert response["Vary"] == "Accept-Language"
    assert client.get(response["Location"]).status_code == 200


ODD_ADDRESSES = [
    "/en/world/99999999999999999999/x/",  # beyond a bigint
    "/en/world/9223372036854775808/",
    "/en/tag/%00/",
    "/en/tag/%ff%fe/",  # not UTF-8
    "/en/search/?q=%00",
    "/en/search/?q=%ff",
    "/en/search/?q=a&q=b",
    "/en/world/?cursor=%00",
    "/en/world/?page_size=99999999999999999999",
    "/en/world/1/%D9%A1/",
    "/en/%E2%80%AE/",  # a right-to-left override as a section
    "/ckb/world/1/" + "x" * 3000 + "/",
    "/en/feed/rss/?x=%00",
    "/sitemap-en.xml?p=99999999999999999999",
    "/sitemap-news.xml?p=-1",
    "/sitemap-%00.xml",
    "/sitemap-EN.xml",
]


@pytest.mark.parametrize("path", ODD_ADDRESSES)
def test_odd_addresses_are_answered_without_a_server_error(client, path):
    SectionFactory(slug="world", names={"en": "World"})
    assert client.get(path).status_code in (200, 400, 404), path


def test_unknown_edition_and_api_paths_keep_their_handlers(client):
    assert client.get("/xx/").status_code == 404
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/healthz").status_code == 200


def test_pages_carry_the_api_caching_headers_and_answer_304(client, seed, settings):
    path = path_of(seed["article"])
    response = client.get(path)
    # Shared caches (purged by key) keep a page; browsers (never purged) revalidate it every time.
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={settings.API_CACHE_MAX_AGE}"
    for other in ("/en/", "/en/world/", "/en/search/?q=earthquake", "/en/tag/china/"):
        assert client.get(other)["Cache-Control"] == response["Cache-Control"], other
    assert f"article-{seed['article'].pk}" in response["Surrogate-Key"].split()
    etag = response["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/en/")["Surrogate-Key"].split()[:2] == ["web", "home-en"]


def test_withdrawal_is_not_served_from_the_page_cache(client):
    article = published_article()
    assert client.get(path_of(article)).status_code == 200
    article_unpublish(article=article, by=user_with_role("Chief editor"), reason="Wrong")
    assert client.get(path_of(article)).status_code == 410


def test_article_page_query_budget(client, seed, django_assert_num_queries, settings):
    # The article with its pictures, tags and authors, the related cards, the translations, most read
    # (ranking and titles), the section menu and the app releases (the content version is in the cache).
    settings.API_RESPONSE_CACHE = False
    article, related = path_of(seed["article"]), path_of(seed["related"])
    with django_assert_num_queries(10):  # the related card has no picture: no renditions to read for it
        assert client.get(article).status_code == 200
    # Another story of the edition shares the section menu, the store links and the most read list.
    with django_assert_num_queries(6):
        assert client.get(related).status_code == 200


def test_most_read_on_a_page_drops_a_withdrawn_story_at_once(client, seed):
    page = path_of(seed["article"])
    response = client.get(page)
    assert "Aftershocks continue" in parse_most_read(response)
    # The HTTP cache in front holds the page under the listed story's key, which its withdrawal purges.
    keys = set(response["Surrogate-Key"].split())
    assert f"article-{seed['related'].pk}" in keys
    assert "most-read-en" not in keys  # every publish purges that: it would empty every story page
    article_unpublish(article=seed["related"], by=None, reason="legal")
    assert "Aftershocks continue" not in parse_most_read(client.get(page))


def test_a_publish_or_withdrawal_purges_the_pages_that_list_the_story(client, seed, settings):
    """The web pages carry the keys newsapi.purges names for a change (checked with a purger configured)."""
    settings.CACHE_PURGER = "varnish"
    settings.VARNISH_PURGE_URLS = ["http://127.0.0.1:9/"]  # never called: only the keys are computed
    from newsapi.purges import article_change_keys, article_seen

    world_page = set(client.get("/en/world/")["Surrogate-Key"].split())
    newcomer = published_article(section=seed["article"].section, slug="newcomer")
    assert world_page & article_change_keys(before=None, after=article_seen(newcomer))
    story_page = set(client.get(path_of(seed["article"]))["Surrogate-Key"].split())
    withdrawn = article_change_keys(before=article_seen(seed["related"]), after=None)
    assert story_page & withdrawn  # "See more" and "Most read" both list the related story


def parse_most_read(response) -> str:
    body = response.content.decode()
    start = body.index('class="most-read"') if 'class="most-read"' in body else len(body)
    return body[start : body.find("</aside>", start)]


def test_home_query_budget(client, seed, django_assert_max_num_queries):
    for index in range(5):
        published_article(slug=f"more-{index}", image=ImageFactory())
    with django_assert_max_num_queries(18):
        assert client.get("/en/").status_code == 200


@pytest.mark.parametrize(("code", "direction"), [("kmr", "ltr"), ("fa", "rtl"), ("tr", "ltr")])
def test_every_edition_has_a_home_in_its_direction(client, code, direction):
    published_article(edition=edition(code), slug=f"story-{code}")
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    assert parse(response).html == {"lang": code, "dir": direction}


def test_open_in_the_app_is_an_android_intent_with_the_store_as_fallback(client, seed, settings):
    article = seed["article"]
    assert 'class="open-app"' not in client.get(path_of(article)).content.decode()
    settings.ANDROID_APP_PACKAGE = "news.example"
    clear_cache()  # the page above is cached by content version, which a setting does not move
    html = client.get(path_of(article)).content.decode()
    expected = (
        f"intent://127.0.0.1:8000{path_of(article)}#Intent;scheme=http;package=news.example;"
        "S.browser_fallback_url=https%3A%2F%2Fplay.google.com%2Fstore%2Fapps%2Fdetails%3Fid%3Dnews.example;end"
    )
    assert f'class="open-app" href="{expected}"' in html


@pytest.mark.parametrize("path", ["/api/nothing", "/api/nothing/", "/api/", "/api/a/1/b/"])
def test_unknown_api_paths_are_never_web_pages_nor_redirects(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_page_path_without_its_slash_redirects(client):
    SectionFactory(slug="world", names={"en": "World"})
    response = client.get("/en/world")
    assert response.status_code == 301
    assert response["Location"] == "/en/world/"


def test_pages_link_the_edition_and_section_feeds(client):
    SectionFactory(slug="world", names={"en": "World"})
    home = parse(client.get("/en/"))
    feeds = {link["href"] for link in home.links if link.get("rel") == "alternate"}
    assert feeds == {"/en/feed/rss/", "/en/feed/atom/"}
    section = parse(client.get("/en/world/"))
    feeds = {link["href"] for link in section.links if link.get("rel") == "alternate"}
    assert {"/en/world/feed/rss/", "/en/world/feed/atom/"} <= feeds
