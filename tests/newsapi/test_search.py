"""GET /api/v1/search/: ranked full-text search of one edition's published articles."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from newsapi.models import Article
from newsapi.services import article_schedule, article_unpublish
from tests.factories import ArticleFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming needs PostgreSQL text search; the SQLite fallback matches words as typed",
)


def search(api, **query):
    return api.get("/api/v1/search/", query)


def result_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_title_match_ranks_above_body_only_match(api):
    in_title = published_article(title="Volcano erupts near the coast", body_html="<p>Ash fell on villages.</p>")
    in_body = published_article(title="Weather update", body_html="<p>The volcano kept the airport closed.</p>")

    assert result_ids(search(api, q="volcano", lang="en")) == [in_title.pk, in_body.pk]


def test_summary_match_is_found(api):
    article = published_article(title="Markets today", summary="Oil prices climb after the pipeline deal.")

    assert result_ids(search(api, q="pipeline")) == [article.pk]


def test_default_edition_is_searched_without_lang(api):
    english = published_article(title="Harbour reopens")
    published_article(edition=edition("kmr"), title="Harbour vekirî ye")

    assert result_ids(search(api, q="harbour")) == [english.pk]


@postgres_only
def test_english_stemming_finds_singular_from_plural(api):
    article = published_article(title="Election results announced", body_html="<p>Counting ended.</p>")

    assert result_ids(search(api, q="elections", lang="en")) == [article.pk]
    assert result_ids(search(api, q="electing", lang="en")) == [article.pk]


@postgres_only
def test_arabic_configuration_matches_other_forms_of_a_word(api):
    ar = edition("ar")
    assert ar.search_config == "arabic"
    article = published_article(edition=ar, title="الانتخابات البرلمانية في العراق", slug="intikhabat")

    # The Arabic stemmer strips the definite article: "عراق" (Iraq) finds "العراق" (the Iraq), and "الكتاب"
    # (the book) finds nothing here; the simple configuration would need the exact form.
    assert result_ids(search(api, q="عراق", lang="ar")) == [article.pk]
    assert result_ids(search(api, q="الكتاب", lang="ar")) == []


def test_arabic_text_is_found(api):
    article = published_article(
        edition=edition("ar"),
        title="الانتخابات البرلمانية في العراق",
        slug="intikhabat",
        body_html="<p>بدأ فرز الأصوات في بغداد.</p>",
    )
    published_article(edition=edition("ar"), title="أسعار النفط", slug="naft", body_html="<p>ارتفعت الأسعار.</p>")

    assert result_ids(search(api, q="الانتخابات", lang="ar")) == [article.pk]
    assert result_ids(search(api, q="بغداد", lang="ar")) == [article.pk]


def test_sorani_text_is_found_with_the_simple_configuration(api):
    ckb = edition("ckb")
    assert ckb.search_config == "simple"
    article = published_article(
        edition=ckb,
        title="هەڵبژاردنەکانی پەرلەمانی کوردستان",
        slug="hilbijardin",
        body_html='<p dir="rtl">دەنگدان لە هەولێر دەستی پێکرد.</p>',
    )
    published_article(edition=ckb, title="نرخی نەوت", slug="newt", body_html="<p>نرخەکان بەرز بوونەوە.</p>")

    assert result_ids(search(api, q="پەرلەمانی", lang="ckb")) == [article.pk]
    assert result_ids(search(api, q="هەولێر", lang="ckb")) == [article.pk]
    body = search(api, q="هەولێر", lang="ckb").json()["results"][0]
    assert body["language"] == "ckb"
    assert body["dir"] == "rtl"


def test_section_filter_limits_results(api):
    world = published_article(title="Flood warning in the north")
    sport = published_article(title="Flood stops the match", section=SectionFactory(slug="sport"))

    assert result_ids(search(api, q="flood", section="sport")) == [sport.pk]
    assert result_ids(search(api, q="flood", section="world")) == [world.pk]


def test_only_published_articles_of_the_edition_are_found(api):
    live = published_article(title="Harbour reopens after storm")
    ArticleFactory(title="Harbour draft")
    scheduled = ArticleFactory(title="Harbour scheduled")
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=2))
    withdrawn = published_article(title="Harbour withdrawn")
    article_unpublish(article=withdrawn, by=None, reason="legal")
    future = published_article(title="Harbour embargoed")
    Article.objects.filter(pk=future.pk).update(published_at=timezone.now() + timedelta(hours=1))
    arabic = published_article(edition=edition("ar"), title="Harbour in Basra", slug="basra")

    assert result_ids(search(api, q="harbour", lang="en")) == [live.pk]
    assert result_ids(search(api, q="harbour", lang="ar")) == [arabic.pk]


def test_no_match_is_an_empty_page(api):
    published_article(title="Harbour reopens")

    response = search(api, q="zeppelin")
    assert response.json() == {"next": None, "previous": None, "results": []}


@pytest.mark.parametrize("q", ["the", "!!!", "'", "a & | !", '"', "-", ":*", "(", "ß", "🙂"])
def test_queries_without_searchable_words_answer_200(api, q):
    published_article(title="Harbour reopens")

    response = search(api, q=q)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "query",
    [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}],
    ids=["missing", "empty", "blank", "too-long"],
)
def test_bad_q_is_400_naming_q(api, query):
    response = api.get("/api/v1/search/", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["q"]


def test_q_of_200_characters_is_accepted(api):
    response = search(api, q="x" * 200)

    assert response.status_code == 200


def test_unknown_lang_is_400(api):
    response = search(api, q="harbour", lang="xx")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lang"]


def test_unknown_section_is_400(api):
    response = search(api, q="harbour", section="no-such-section")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["section"]


def test_bad_cursor_is_400(api):
    response = search(api, q="harbour", cursor="not-a-cursor")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


def test_pages_follow_rank_then_id_without_repeats(api):
    # Equal text gives equal ranks, so the id tie-break (and the exactness of the rank in the cursor) matters.
    tied = [published_article(title="Flood warning", body_html="<p>Rivers rise.</p>") for _ in range(5)]
    body_only = [published_article(title="Rain", body_html="<p>A flood is possible.</p>") for _ in range(2)]

    everything = result_ids(search(api, q="flood", page_size=100))
    assert everything == [a.pk for a in sorted(tied, key=lambda a: -a.pk)] + [
        a.pk for a in sorted(body_only, key=lambda a: -a.pk)
    ]

    seen: list[int] = []
    response = search(api, q="flood", page_size=2)
    for _ in range(4):
        seen.extend(result_ids(response))
        next_url = response.json()["next"]
        if next_url is None:
            break
        response = api.get(next_url)
    assert next_url is None
    assert seen == everything


def test_article_published_while_paging_does_not_repeat_items(api):
    first = [published_article(title="Flood warning") for _ in range(4)]
    response = search(api, q="flood", page_size=2)
    page_one = result_ids(response)

    published_article(title="Flood warning")
    page_two = result_ids(api.get(response.json()["next"]))

    assert set(page_one).isdisjoint(page_two)
    assert sorted(page_one + page_two) == sorted(a.pk for a in first)


def test_previous_link_leads_back_to_the_first_page(api):
    for _ in range(4):
        published_article(title="Flood warning")
    first = search(api, q="flood", page_size=2)
    second = api.get(first.json()["next"])

    back = api.get(second.json()["previous"])

    assert result_ids(back) == result_ids(first)


def test_query_count_does_not_grow_with_results(api, django_assert_max_num_queries):
    tags = [TagFactory(), TagFactory()]
    for _ in range(7):
        published_article(title="Flood warning", tags=tags)

    with django_assert_max_num_queries(6):
        response = search(api, q="flood", lang="en", section="world", page_size=100)
    assert len(result_ids(response)) == 7
