"""GET /api/v1/search/: ranked full-text search of one edition's published articles."""

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsapi.models import Article
from newsapi.selectors import article_search
from newsapi.services import article_schedule, article_unpublish, article_update
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db


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


def test_english_stemming_finds_singular_from_plural(api):
    article = published_article(title="Election results announced", body_html="<p>Counting ended.</p>")

    assert result_ids(search(api, q="elections", lang="en")) == [article.pk]
    assert result_ids(search(api, q="electing", lang="en")) == [article.pk]


def test_arabic_stemming_matches_other_forms_of_a_word(api):
    ar = edition("ar")
    article = published_article(edition=ar, title="الانتخابات البرلمانية في العراق", slug="intikhabat")

    # The Arabic stemmer strips the definite article: "عراق" (Iraq) finds "العراق" (the Iraq), and "الكتاب"
    # (the book) finds nothing here.
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


def test_sorani_text_is_found(api):
    ckb = edition("ckb")
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

    # 7 matches do not fill the page, so the last months are asked first and the archive second (RecentFirst).
    with django_assert_max_num_queries(7):
        response = search(api, q="flood", lang="en", section="world", page_size=100)
    assert len(result_ids(response)) == 7


def match_queries(queries) -> list[str]:
    """The SQL of those of ``queries`` that asked for matching articles (the search's own question)."""
    column = "search_vector" if connection.vendor == "postgresql" else "search_terms"
    return [query["sql"] for query in queries if column in query["sql"] and "newsapi_article" in query["sql"]]


def test_a_page_the_last_months_fill_is_asked_of_them_alone(api):
    for day in range(3):
        published_article(title=f"Flood warning {day}", published_at=timezone.now() - timedelta(days=day))
    published_article(title="Flood warning of old", published_at=timezone.now() - timedelta(days=400))

    with CaptureQueriesContext(connection) as filled:
        assert len(result_ids(search(api, q="flood", lang="en", page_size=2))) == 2
    with CaptureQueriesContext(connection) as unfilled:
        assert len(result_ids(search(api, q="flood", lang="en", page_size=10))) == 4

    assert len(match_queries(filled.captured_queries)) == 1
    assert len(match_queries(unfilled.captured_queries)) == 2  # the last weeks, then the whole archive


def test_pages_asked_of_the_last_months_first_are_the_whole_archives_ranking(api):
    now = timezone.now()
    for age in (0, 1, 5, 30, 80, 95, 200, 700):
        published_article(title=f"Harbour news {age}", published_at=now - timedelta(days=age))
        published_article(
            title=f"Port {age}",
            body_html="<p>The harbour was calm.</p>",
            published_at=now - timedelta(days=age, hours=3),
        )
    expected = list(
        article_search(edition=edition("en"), query="harbour").order_by("-rank", "-id").values_list("id", flat=True)
    )

    seen, cursor = [], None
    while True:
        response = search(api, q="harbour", lang="en", page_size=3, **({"cursor": cursor} if cursor else {}))
        seen += result_ids(response)
        if not response.json()["next"]:
            break
        cursor = parse_qs(urlsplit(response.json()["next"]).query)["cursor"][0]

    assert seen == expected and len(expected) == 16


# --- Names, whole words, bad input ----------------------------------------------------------------


def test_tag_names_are_searched(api):
    tagged = published_article(title="Talks resume", tags=[TagFactory(slug="kurdistan", name="Kurdistan Region")])
    published_article(title="Talks stall")

    assert result_ids(search(api, q="kurdistan")) == [tagged.pk]
    assert result_ids(search(api, q="talks region")) == [tagged.pk]


def test_author_names_are_searched(api):
    written = published_article(title="Dam levels fall", authors=[AuthorFactory(name="Rudaw Hawrami")])
    published_article(title="Dam levels rise", authors=[AuthorFactory(name="Someone Else")])

    assert result_ids(search(api, q="hawrami")) == [written.pk]
    assert result_ids(search(api, q="dam rudaw")) == [written.pk]


def test_a_change_of_tags_or_authors_through_the_services_is_searchable(api):
    article = published_article(title="Dam levels fall")
    tag = TagFactory(slug="water", name="Water")
    author = AuthorFactory(name="Hawre Karim")

    article_update(article=article, by=None, changes={"tags": [tag], "authors": [author]})

    assert result_ids(search(api, q="water")) == [article.pk]
    assert result_ids(search(api, q="karim")) == [article.pk]
    article_update(article=article, by=None, changes={"tags": []})
    assert result_ids(search(api, q="water ")) == []
    assert result_ids(search(api, q="karim")) == [article.pk]


def test_a_renamed_tag_or_author_is_searched_by_the_new_name(api):
    tag = TagFactory(slug="iraq", name="Iraq")
    author = AuthorFactory(name="Old Name")
    article = published_article(title="Talks resume", tags=[tag], authors=[author])

    tag.name = "Mesopotamia"
    tag.save()
    author.name = "Newname Reporter"
    author.save()

    assert result_ids(search(api, q="iraq ")) == []
    assert result_ids(search(api, q="mesopotamia")) == [article.pk]
    assert result_ids(search(api, q="newname")) == [article.pk]


def test_a_trailing_space_makes_the_last_word_whole(api):
    article = published_article(title="Flooding in the valley")

    assert result_ids(search(api, q="flood")) == [article.pk]  # the start of a word, or its stem
    assert result_ids(search(api, q="flood ")) == [article.pk]  # a whole word: "flooding" stems to "flood"
    assert result_ids(search(api, q="flo")) == [article.pk]
    assert result_ids(search(api, q="flo ")) == []


@pytest.mark.parametrize(
    "q",
    [
        "flood's",
        "'flood'",
        "flood:*",
        "flood:",
        "flood & warning",
        "flood |",
        "!flood",
        "(flood)",
        "flood\\",
        "\\flood",
        "flood <-> warning",
        "flood''''",
        "flood%",
        "flood_",
        'flood"',
    ],
)
def test_tsquery_and_like_metacharacters_are_plain_punctuation(api, q):
    article = published_article(title="Flood warning")
    published_article(title="Harbour reopens")

    assert result_ids(search(api, q=q)) == [article.pk]


@pytest.mark.parametrize(
    "q", ["%", "_", "%%", "a_b%", "\\", "\\%", "*", "fl*", "flood:A", "flood | zeppelin", "(fl|x):*", "'':*"]
)
def test_metacharacters_never_widen_a_match(api, q):
    published_article(title="Harbour reopens")

    assert result_ids(search(api, q=q)) == []


@pytest.mark.parametrize("q", ["!!!", "؟،«»", "— … -", "\u200c\u200c", "ـــ"])
def test_a_query_of_punctuation_only_is_an_empty_list(api, q):
    published_article(title="Harbour reopens")

    assert result_ids(search(api, q=q)) == []


@pytest.mark.parametrize("q", ["a\x00b", "\x00", "flood\x00"])
def test_nul_in_q_is_400(api, q):
    response = search(api, q=q)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["q"]


def test_mixed_scripts_are_searched_together(api):
    article = published_article(title="Erbil هەولێر أربيل ٢٠٢٤ talks")

    assert result_ids(search(api, q="erbil هەولێر 2024")) == [article.pk]
    assert result_ids(search(api, q="هەولێر erbil zeppelin")) == []


def test_a_query_of_many_words_is_answered(api):
    published_article(title="Flood warning")

    assert search(api, q=" ".join(["a"] * 100)).status_code == 200
    assert search(api, q="ب " * 100).status_code == 200


# --- Ranking ------------------------------------------------------------------------------------


def test_a_newer_story_ranks_above_an_older_one_with_the_same_text(api):
    now = timezone.now()
    older = published_article(title="Flood warning", published_at=now - timedelta(days=3))
    newer = published_article(title="Flood warning", published_at=now - timedelta(days=1))

    assert result_ids(search(api, q="flood")) == [newer.pk, older.pk]


def test_relevance_outweighs_a_small_age_difference_and_recency_a_large_one(api):
    now = timezone.now()
    title_yesterday = published_article(title="Flood warning", published_at=now - timedelta(days=1))
    body_today = published_article(title="Weather", body_html="<p>A flood is possible.</p>")
    title_last_year = published_article(title="Flood warning", published_at=now - timedelta(days=365))

    assert result_ids(search(api, q="flood")) == [title_yesterday.pk, body_today.pk, title_last_year.pk]


def test_rank_is_a_float_that_does_not_move_with_the_clock(api):
    article = published_article(title="Flood warning")

    first = article_search(edition=edition("en"), query="flood").get(pk=article.pk).rank
    later = article_search(edition=edition("en"), query="flood").get(pk=article.pk).rank

    assert isinstance(first, float)
    assert first == later


# --- Highlight ----------------------------------------------------------------------------------


def highlights(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["highlight"] for item in response.json()["results"]]


def test_the_matched_words_are_marked_in_the_title(api):
    published_article(title="Floods close roads as the flood warning stays")

    assert highlights(search(api, q="flood")) == [
        "<mark>Floods</mark> close roads as the <mark>flood</mark> warning stays"
    ]


def test_markup_in_a_title_comes_out_escaped(api):
    published_article(title='<script>alert("flood")</script> & <b>more</b>')

    (highlight,) = highlights(search(api, q="flood"))

    assert (
        highlight == "&lt;script&gt;alert(&quot;<mark>flood</mark>&quot;)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;"
    )
    assert "<script" not in highlight and "<b>" not in highlight


def test_a_match_in_the_body_is_a_snippet_of_the_body(api):
    words = " ".join(f"word{number}" for number in range(60))
    published_article(title="Weather", summary="Rain today.", body_html=f"<p>{words} a flood is possible {words}</p>")

    (highlight,) = highlights(search(api, q="flood"))

    assert "<mark>flood</mark> is possible" in highlight
    assert highlight.startswith("…") and highlight.endswith("…")
    assert len(highlight.replace("<mark>", "").replace("</mark>", "")) <= 162


def test_the_text_holding_most_of_the_query_is_highlighted(api):
    published_article(title="Flood warning", summary="The flood in Erbil closed schools.")

    assert highlights(search(api, q="flood erbil")) == ["The <mark>flood</mark> in <mark>Erbil</mark> closed schools."]


def test_a_match_by_tag_only_highlights_the_plain_title(api):
    published_article(title="Talks <resume>", tags=[TagFactory(slug="kurdistan", name="Kurdistan")])

    assert highlights(search(api, q="kurdistan")) == ["Talks &lt;resume&gt;"]


def test_sorani_highlight_marks_the_inflected_word(api):
    published_article(edition=edition("ckb"), title="هەڵبژاردنەکانی پەرلەمانی کوردستان", slug="hilbijardin")

    assert highlights(search(api, q="كوردستان", lang="ckb")) == ["هەڵبژاردنەکانی پەرلەمانی <mark>کوردستان</mark>"]


# --- The index ----------------------------------------------------------------------------------


def test_saving_an_article_costs_at_most_one_more_update_for_the_vector(django_assert_num_queries):
    tags = [TagFactory(), TagFactory()]
    article = Article.objects.select_related("edition").get(pk=published_article(title="Flood", tags=tags).pk)
    article.title = "Harbour reopens"
    article.skip_history_when_saving = True  # the revision the services record is not search's cost

    # The article's UPDATE (with its terms) and the content version's; on PostgreSQL, the vector's.
    # The tags' and authors' names are not read: the article stores them.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 2):
        article.save()
    assert Article.objects.get(pk=article.pk).search_names == "\n".join(tag.name for tag in tags)


def test_reindex_search_command_restores_the_index(api):
    tag = TagFactory(slug="water", name="Water")
    article = published_article(title="Flood warning", tags=[tag])
    Article.objects.update(search_names="", search_terms="", search_prefixes="", search_title="", search_vector=None)
    assert result_ids(search(api, q="flood", page_size=99)) == []

    out = io.StringIO()
    call_command("reindex_search", stdout=out)

    assert "en: 1 articles re-indexed" in out.getvalue()
    assert "Re-indexed 1 articles in" in out.getvalue()
    assert result_ids(search(api, q="flood", page_size=98)) == [article.pk]
    assert result_ids(search(api, q="water", page_size=98)) == [article.pk]


def test_reindex_search_takes_one_edition(api):
    published_article(title="Flood warning")
    published_article(edition=edition("ckb"), title="لافاو", slug="lafaw")
    out = io.StringIO()

    call_command("reindex_search", "--lang", "ckb", "--chunk-size", "1", stdout=out)

    assert out.getvalue().splitlines()[0] == "ckb: 1 articles re-indexed"


def test_the_migration_indexes_existing_articles(api):
    from importlib import import_module

    from django.apps import apps

    article = published_article(title="Flood warning", tags=[TagFactory(slug="water", name="Water")])
    Article.objects.update(search_names="", search_terms="", search_prefixes="", search_title="", search_vector=None)

    import_module("newsapi.migrations.0010_reindex_search").reindex(apps, connection.schema_editor())

    assert result_ids(search(api, q="water")) == [article.pk]


# --- Suggestions --------------------------------------------------------------------------------


def suggest(api, **query):
    return api.get("/api/v1/search/suggest/", query)


def test_suggestions_are_headlines_with_their_address_and_highlight(api):
    article = published_article(title="Flood warning in <Erbil>", slug="flood")
    published_article(title="Harbour reopens")

    response = suggest(api, q="flo", lang="en")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "id": article.pk,
                "title": "Flood warning in <Erbil>",
                "url": f"{settings.SITE_URL}/en/world/{article.pk}/flood/",
                "highlight": "<mark>Flood</mark> warning in &lt;Erbil&gt;",
            }
        ]
    }


def test_suggestions_are_the_eight_best_first(api):
    now = timezone.now()
    articles = [published_article(title="Flood warning", published_at=now - timedelta(hours=n)) for n in range(10)]

    ids = [item["id"] for item in suggest(api, q="flood").json()["results"]]

    assert ids == [article.pk for article in articles[:8]]


def test_suggestions_come_from_the_last_months_and_older_only_to_fill_the_eight(api):
    now = timezone.now()
    old = published_article(title="Flood defences built", published_at=now - timedelta(days=200))
    recent = [published_article(title=f"Flood warning {n}", published_at=now - timedelta(days=n)) for n in range(8)]

    assert [item["id"] for item in suggest(api, q="flood").json()["results"]] == [a.pk for a in recent]

    article_unpublish(article=recent[-1], by=None, reason="test")
    ids = [item["id"] for item in suggest(api, q="flood").json()["results"]]
    assert ids == [a.pk for a in recent[:-1]] + [old.pk]


def test_suggestions_never_hold_drafts_scheduled_withdrawn_or_other_editions(api):
    live = published_article(title="Harbour reopens after storm")
    ArticleFactory(title="Harbour draft")
    scheduled = ArticleFactory(title="Harbour scheduled")
    article_schedule(article=scheduled, by=None, publish_at=timezone.now() + timedelta(hours=2))
    withdrawn = published_article(title="Harbour withdrawn")
    article_unpublish(article=withdrawn, by=None, reason="legal")
    future = published_article(title="Harbour embargoed")
    Article.objects.filter(pk=future.pk).update(published_at=timezone.now() + timedelta(hours=1))
    published_article(edition=edition("ar"), title="Harbour in Basra", slug="basra")

    assert [item["id"] for item in suggest(api, q="harb", lang="en").json()["results"]] == [live.pk]


@pytest.mark.parametrize(
    "query",
    [{}, {"q": ""}, {"q": "f"}, {"q": "  f  "}, {"q": "x" * 201}, {"q": "a\x00"}],
    ids=["missing", "empty", "one-character", "one-character-padded", "too-long", "nul"],
)
def test_bad_suggest_q_is_400_naming_q(api, query):
    response = api.get("/api/v1/search/suggest/", query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["q"]


def test_suggest_with_an_unknown_lang_is_400(api):
    response = suggest(api, q="flood", lang="xx")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lang"]


@pytest.mark.parametrize("q", ["!!", "''", "&|", "()", "::", "%_"])
def test_suggest_without_words_is_an_empty_list(api, q):
    published_article(title="Flood warning")

    response = suggest(api, q=q)

    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_suggestions_are_cacheable_and_purgeable(api):
    article = published_article(title="Flood warning")

    response = suggest(api, q="flood", lang="en")

    assert response["Cache-Control"].startswith("public, max-age=")
    assert set(response["Surrogate-Key"].split()) == {"search-en", "edition-en", f"article-{article.pk}"}
    assert response.has_header("ETag")
    assert api.get("/api/v1/search/suggest/", {"q": "flood"}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_suggest_query_count_is_fixed(api, django_assert_max_num_queries):
    for _ in range(12):
        published_article(title="Flood warning", tags=[TagFactory()], authors=[AuthorFactory()])

    # At most the content version (the response cache's key), the edition, the suggestions.
    with django_assert_max_num_queries(3):
        response = suggest(api, q="flood", lang="en")
    assert len(response.json()["results"]) == 8
    # Served from the response cache: at most the content version.
    with django_assert_max_num_queries(1):
        assert suggest(api, q="flood", lang="en").status_code == 200


def test_suggest_is_throttled_like_every_read(api, monkeypatch):
    from backend.api.throttles import ReadThrottle

    monkeypatch.setattr(ReadThrottle, "THROTTLE_RATES", {**ReadThrottle.THROTTLE_RATES, "read": "1/min"})
    assert suggest(api, q="flo").status_code == 200

    response = suggest(api, q="floo")  # another request: not one a response cache holds

    assert response.status_code == 429
    assert response.has_header("Retry-After")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_the_search_vector_is_stored_in_the_row():
    """Migration 0013: a vector is read in its row when a search ranks it, not from the TOAST table."""
    article = published_article(title="Building", body_html="<p>The building on the corner was closed.</p>")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'newsapi_article'::regclass"
            " AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)  # MAIN: compressed if need be, kept in the row while it fits a page
    assert [found.pk for found in article_search(edition=edition(), query="building")] == [article.pk]
