"""/api/v1/articles/{id}/: the full profile, 404 for anything not published, related and translations."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from newsapi.services import article_schedule, article_submit_for_review, article_unpublish
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TagFactory,
    edition,
    published_article,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
CARD_FIELDS = {
    "id", "slug", "language", "dir", "title", "summary", "section", "tags", "image", "credit",
    "is_breaking", "published_at", "updated_at", "url", "reading_time_minutes",
}  # fmt: skip
FULL_FIELDS = CARD_FIELDS | {"body_html", "correction_note", "authors", "related", "translations"}
NOW = timezone.now().replace(microsecond=0)


def ago(minutes: int):
    return NOW - timedelta(minutes=minutes)


def detail(api, article_or_id):
    pk = getattr(article_or_id, "pk", article_or_id)
    return api.get(f"/api/v1/articles/{pk}/")


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Not Found"
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def related_ids(api, article) -> list[int]:
    response = detail(api, article)
    assert response.status_code == 200, response.content
    return [card["id"] for card in response.json()["related"]]


# --- the full profile ----------------------------------------------------------------------------


def test_detail_has_the_card_fields_and_the_full_profile(api):
    china = TagFactory(slug="china", name="China")
    article = published_article(
        title="Leaders meet",
        slug="leaders-meet",
        credit="Reuters",
        tags=[china],
        authors=[AuthorFactory(name="Zara Ahmed", slug="zara"), AuthorFactory(name="Alan Brook", slug="alan")],
        body_html="<p>First paragraph.</p>",
    )

    response = detail(api, article)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == FULL_FIELDS
    assert body["id"] == article.pk
    assert (body["language"], body["dir"]) == ("en", "ltr")
    assert body["title"] == "Leaders meet"
    assert body["section"] == {"slug": "world", "name": "World"}
    assert body["tags"] == [{"slug": "china", "name": "China"}]
    assert body["credit"] == "Reuters"
    assert body["url"] == f"{settings.SITE_URL}/en/world/{article.pk}/leaders-meet/"
    assert body["body_html"] == "<p>First paragraph.</p>"
    assert body["authors"] == [{"slug": "alan", "name": "Alan Brook"}, {"slug": "zara", "name": "Zara Ahmed"}]
    assert body["related"] == []
    assert body["translations"] == []


def test_detail_of_an_rtl_article_says_rtl(api):
    section = SectionFactory(slug="world", names={"en": "World", "ar": "العالم"})
    article = published_article(edition=edition("ar"), section=section)

    body = detail(api, article).json()

    assert (body["language"], body["dir"]) == ("ar", "rtl")
    assert body["section"] == {"slug": "world", "name": "العالم"}


def test_body_html_is_sanitised(api):
    article = published_article(
        body_html=(
            '<p onclick="steal()">Hello <script>alert(1)</script><strong>world</strong></p>'
            '<a href="javascript:alert(2)">bad link</a><a href="https://example.org/x">good link</a>'
            '<iframe src="https://evil.example"></iframe><style>p{color:red}</style><img src="x" onerror="e()">'
        )
    )

    body_html = detail(api, article).json()["body_html"]

    for forbidden in ("<script", "alert(1)", "onclick", "javascript:", "<iframe", "<style", "color:red", "onerror"):
        assert forbidden not in body_html
    assert "<strong>world</strong>" in body_html
    assert 'href="https://example.org/x"' in body_html
    assert 'rel="noopener noreferrer nofollow"' in body_html


# --- 404 for anything not published --------------------------------------------------------------


def test_draft_is_404_by_id(api):
    assert_not_found(detail(api, ArticleFactory()))


def test_in_review_is_404_by_id(api):
    article = ArticleFactory()
    article_submit_for_review(article=article, by=None)

    assert_not_found(detail(api, article))


def test_scheduled_is_404_by_id(api):
    article = ArticleFactory()
    article_schedule(article=article, by=None, publish_at=timezone.now() + timedelta(hours=2))

    assert_not_found(detail(api, article))


def test_unpublished_is_404_by_id(api):
    article = published_article()
    assert detail(api, article).status_code == 200
    article_unpublish(article=article, by=None, reason="legal request")

    assert_not_found(detail(api, article))


def test_published_with_a_future_date_is_404_by_id(api):
    article = published_article(published_at=timezone.now() + timedelta(hours=1))

    assert_not_found(detail(api, article))


def test_non_existent_id_is_404(api):
    article = published_article()

    assert_not_found(detail(api, article.pk + 1000))


@pytest.mark.parametrize("path", ["/api/v1/articles/abc/", "/api/v1/articles/-1/", "/api/v1/articles/1.5/"])
def test_a_non_numeric_id_is_a_404_problem(api, path):
    response = api.get(path)

    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith(PROBLEM)


def test_an_id_beyond_any_column_is_404_not_500(api):
    assert_not_found(api.get(f"/api/v1/articles/{2**70}/"))


# --- related ("see more") ------------------------------------------------------------------------


def test_related_shares_a_tag_or_the_section_newest_first(api):
    china, iraq = TagFactory(slug="china"), TagFactory(slug="iraq")
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    economy = SectionFactory(slug="economy", names={"en": "Economy"})
    article = published_article(tags=[china], published_at=ago(1))
    same_section = published_article(published_at=ago(30))
    same_tag = published_article(section=sport, tags=[china], published_at=ago(10))
    both = published_article(tags=[china, iraq], published_at=ago(20))
    published_article(section=economy, tags=[iraq], published_at=ago(5))  # shares neither

    assert related_ids(api, article) == [same_tag.pk, both.pk, same_section.pk]


def test_related_never_lists_the_article_itself_nor_anything_unpublished_or_of_another_edition(api):
    china = TagFactory(slug="china")
    article = published_article(tags=[china], published_at=ago(10))
    visible = published_article(tags=[china], published_at=ago(20))
    ArticleFactory(tags=[china])
    in_review = ArticleFactory(tags=[china])
    article_submit_for_review(article=in_review, by=None)
    scheduled = ArticleFactory(tags=[china])
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=1))
    withdrawn = published_article(tags=[china], published_at=ago(5))
    article_unpublish(article=withdrawn, by=None, reason="error")
    published_article(tags=[china], published_at=timezone.now() + timedelta(hours=1))
    published_article(edition=edition("ckb"), published_at=ago(3))  # same section, other edition

    assert related_ids(api, article) == [visible.pk]


def test_related_holds_at_most_six_of_the_newest(api):
    article = published_article(published_at=ago(0))
    others = [published_article(published_at=ago(minutes)) for minutes in range(1, 10)]

    assert related_ids(api, article) == [other.pk for other in others[:6]]


def test_related_lists_an_article_sharing_several_tags_once(api):
    tags = [TagFactory(slug=f"t{n}") for n in range(3)]
    sport = SectionFactory(slug="sport", names={"en": "Sport"})
    article = published_article(tags=tags, published_at=ago(1))
    other = published_article(section=sport, tags=tags, published_at=ago(2))

    assert related_ids(api, article) == [other.pk]


def test_related_items_are_cards(api):
    article = published_article(published_at=ago(1))
    published_article(published_at=ago(2), tags=[TagFactory(slug="china")])

    [card] = detail(api, article).json()["related"]

    assert set(card) == CARD_FIELDS


# --- translations --------------------------------------------------------------------------------


def test_translations_list_only_published_versions_in_other_editions(api):
    group = uuid.uuid4()
    english = published_article(translation_group=group)
    sorani = published_article(edition=edition("ckb"), translation_group=group)
    turkish = published_article(edition=edition("tr"), translation_group=group)
    ArticleFactory(edition=edition("ar"), translation_group=group)  # a draft
    withdrawn = published_article(edition=edition("fa"), translation_group=group)
    article_unpublish(article=withdrawn, by=None, reason="mistranslation")
    scheduled = ArticleFactory(edition=edition("kmr"), translation_group=group)
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=1))
    published_article()  # another story

    assert detail(api, english).json()["translations"] == [
        {"language": "ckb", "id": sorani.pk},
        {"language": "tr", "id": turkish.pk},
    ]
    assert detail(api, sorani).json()["translations"] == [
        {"language": "en", "id": english.pk},
        {"language": "tr", "id": turkish.pk},
    ]


def test_translations_never_name_an_article_of_the_same_edition(api):
    group = uuid.uuid4()
    english = published_article(translation_group=group)
    published_article(translation_group=group)
    arabic = published_article(edition=edition("ar"), translation_group=group)

    assert detail(api, english).json()["translations"] == [{"language": "ar", "id": arabic.pk}]
