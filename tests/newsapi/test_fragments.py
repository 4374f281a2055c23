"""Cards kept in the fragment cache (backend.fragments, newsapi.api.cards) never outlive what they show.

Every test turns the response cache off, so each request is rendered and its cards come from the
fragment cache whenever they were rendered before: what is checked is the fragments alone.
"""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import override_settings

from backend import fragments
from newsapi.api import cards as cards_module
from newsapi.api.serializers import ArticleCardSerializer
from newsapi.images import image_generate_renditions
from newsapi.models import Edition, SectionName
from newsapi.services import article_unpublish, article_update
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    edition,
    png_bytes,
    published_article,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/?lang=en"


@pytest.fixture(autouse=True)
def rendered_every_time(settings):
    settings.API_RESPONSE_CACHE = False


def cards(api, url: str = LIST, **headers) -> list[dict]:
    response = api.get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def card(api, article, url: str = LIST) -> dict:
    [found] = [item for item in cards(api, url) if item["id"] == article.pk]
    return found


def test_a_card_is_rendered_once_and_then_read_from_the_fragment_cache(api, django_assert_num_queries):
    published_article(tags=[TagFactory()], image=ImageFactory())
    first = cards(api)

    # Which articles the page shows; not their tags, pictures or text (nor the edition or Last-Modified).
    with django_assert_num_queries(1):
        second = cards(api)

    assert second == first


def test_an_edited_article_shows_its_new_text_at_once(api):
    article = published_article(title="Before the vote", tags=[TagFactory(slug="old", name="Old")])
    assert card(api, article)["title"] == "Before the vote"

    article_update(article=article, by=None, changes={"title": "After the vote", "tags": [TagFactory(name="New")]})

    edited = card(api, article)
    assert edited["title"] == "After the vote"
    assert [tag["name"] for tag in edited["tags"]] == ["New"]


def test_a_withdrawn_article_leaves_every_list_though_its_card_is_cached(api):
    kept, withdrawn = published_article(), published_article()
    assert {item["id"] for item in cards(api)} == {kept.pk, withdrawn.pk}

    article_unpublish(article=withdrawn, by=None, reason="legal")

    assert [item["id"] for item in cards(api)] == [kept.pk]
    assert api.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 404


def test_a_renamed_tag_is_on_every_card_at_once(api):
    tag = TagFactory(slug="election", name="Election")
    articles = [published_article(tags=[tag]) for _ in range(3)]
    assert {card(api, article)["tags"][0]["name"] for article in articles} == {"Election"}

    tag.name = "Elections 2026"
    tag.save()

    assert {item["tags"][0]["name"] for item in cards(api)} == {"Elections 2026"}


def test_a_renamed_section_is_on_every_card_at_once(api):
    section = SectionFactory(slug="world", names={"en": "World"})
    article = published_article(section=section)
    assert card(api, article)["section"]["name"] == "World"

    name = SectionName.objects.get(section=section, edition=edition("en"))
    name.name = "The World"
    name.save()

    assert card(api, article)["section"]["name"] == "The World"


def test_an_edition_turned_right_to_left_is_on_every_card_at_once(api):
    article = published_article()
    assert card(api, article)["dir"] == "ltr"

    english = edition("en")
    english.dir = "rtl"
    english.save()

    assert card(api, article)["dir"] == "rtl"


def test_a_renamed_author_is_on_the_detail_at_once(api):
    author = AuthorFactory(name="Dana Rahimi")
    article = published_article(authors=[author])
    url = f"/api/v1/articles/{article.pk}/"
    assert api.get(url).json()["authors"][0]["name"] == "Dana Rahimi"

    author.name = "Dana Rahimi-Karimi"
    author.save()

    assert api.get(url).json()["authors"][0]["name"] == "Dana Rahimi-Karimi"


def test_renditions_made_after_publication_are_on_the_card(api):
    image = ImageFactory(file=ContentFile(png_bytes(640, 480), name="hero.png"))
    article = published_article(image=image)
    assert card(api, article)["image"]["renditions"] == []

    image_generate_renditions(image=image)

    assert card(api, article)["image"]["renditions"] != []


def test_a_lost_label_renders_every_card_again(api, django_assert_num_queries):
    article = published_article(title="Kept", tags=[TagFactory()], image=ImageFactory())
    cards(api)
    cache.delete(fragments.KEY)
    fragments.forget()  # what every process does within FRAGMENT_LABEL_MEMO_SECONDS

    with django_assert_num_queries(5):  # the editions, the page, its cards (page, tags, renditions)
        assert card(api, article)["title"] == "Kept"


def test_cards_are_kept_apart_by_the_host_their_picture_addresses_name(api):
    article = published_article(image=ImageFactory())
    on_localhost = card(api, article)["image"]["url"]

    response = api.get(LIST, HTTP_HOST="127.0.0.1")
    [on_loopback] = [item["image"]["url"] for item in response.json()["results"] if item["id"] == article.pk]

    assert on_localhost.startswith("http://testserver/")
    assert on_loopback.startswith("http://127.0.0.1/")


def test_the_same_card_serves_lists_home_and_related(api, django_assert_num_queries):
    section = SectionFactory(slug="world", names={"en": "World"})
    first, second = published_article(section=section), published_article(section=section)
    in_list = card(api, first)

    body = api.get(f"/api/v1/articles/{second.pk}/").json()
    home = api.get("/api/v1/home/?lang=en").json()

    assert body["related"] == [in_list]
    assert in_list in home["top"]


@override_settings(
    CACHES={"default": {"BACKEND": "backend.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
)
def test_an_unreachable_cache_is_logged_and_every_fragment_rendered(settings, caplog):
    settings.FRAGMENT_LABEL_MEMO_SECONDS = 0
    label = fragments.label()

    fragments.set_many({f"card:{label}:x": {"id": 1}})

    assert fragments.get_many([f"card:{label}:x"]) == {}
    assert label.startswith("f") and label != fragments.label()  # a fresh label each time, never stored
    assert "could not be read from the cache" in caplog.text
    assert "could not be stored in the cache" in caplog.text


def test_an_edition_added_or_removed_is_known_to_the_next_request(api):
    assert api.get("/api/v1/articles/?lang=ku").status_code == 400
    kurmanji = Edition.objects.create(code="ku", name="Kurdî", dir="ltr", position=99)

    assert api.get("/api/v1/articles/?lang=ku").status_code == 200

    kurmanji.delete()
    assert api.get("/api/v1/articles/?lang=ku").status_code == 400


def test_a_process_reads_the_label_once_a_second_and_its_own_changes_at_once(settings):
    first = fragments.label()
    cache.set(fragments.KEY, "set-by-another-process")

    assert fragments.label() == first  # remembered for FRAGMENT_LABEL_MEMO_SECONDS
    settings.FRAGMENT_LABEL_MEMO_SECONDS = 0
    assert fragments.label() == "set-by-another-process"

    settings.FRAGMENT_LABEL_MEMO_SECONDS = 60
    TagFactory()  # a change made here renews the label at once, whatever is remembered
    assert fragments.label() not in {first, "set-by-another-process"}


def test_cards_kept_under_other_settings_are_not_served(api, settings):
    article = published_article()
    assert card(api, article)["url"].startswith(settings.SITE_URL + "/")
    assert settings.SITE_URL != "https://news.example.org"

    settings.SITE_URL = "https://news.example.org"

    assert card(api, article)["url"].startswith("https://news.example.org/")


def test_cards_kept_by_another_release_are_not_served(api, monkeypatch):
    article = published_article(title="Rendered by this release")
    cards(api)
    monkeypatch.setattr(cards_module, "_code_digest", lambda: "another-release")
    monkeypatch.setattr(ArticleCardSerializer, "to_representation", lambda self, instance: {"id": instance.pk})

    assert card(api, article) == {"id": article.pk}
