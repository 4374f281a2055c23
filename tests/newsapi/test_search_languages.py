# ruff: noqa: RUF001, RUF002  (Kurdish, Arabic, Persian and Turkish text: their letters are meant)
"""GET /api/v1/search/ in every edition language, on the database of the run (PostgreSQL or SQLite).

The pair tables of ``test_search_analysis`` (a document word and a query that must find it, or
must not) go through the real endpoint here: each pair is an article published in its edition.
The same pairs pass on both databases because the analysis runs in Python at save and query time.
"""

import itertools

import pytest
from django.db import connection

from tests.factories import edition, published_article
from tests.newsapi import test_search_analysis as analysis
from tests.newsapi.test_search import result_ids, search

pytestmark = pytest.mark.django_db

PAIR_TABLES = {
    "ckb": analysis.SORANI_PAIRS,
    "ar": analysis.ARABIC_PAIRS,
    "fa": analysis.PERSIAN_PAIRS,
    "en": analysis.ENGLISH_PAIRS,
    "tr": analysis.TURKISH_PAIRS,
    "kmr": analysis.KURMANJI_PAIRS,
}
NEAR_WORD_TABLES = {
    "ckb": analysis.SORANI_NEAR_WORDS,
    "ar": analysis.ARABIC_NEAR_WORDS,
    "fa": analysis.PERSIAN_NEAR_WORDS,
    "en": analysis.ENGLISH_NEAR_WORDS,
    "tr": analysis.TURKISH_NEAR_WORDS,
    "kmr": analysis.KURMANJI_NEAR_WORDS,
}


def _with_lang(tables: dict) -> list:
    return [
        pytest.param(lang, *pair.values, id=f"{lang}-{pair.id}") for lang, pairs in tables.items() for pair in pairs
    ]


PAIRS = _with_lang(PAIR_TABLES)
NEAR_WORDS = _with_lang(NEAR_WORD_TABLES)


_slugs = itertools.count(1)


def story(lang: str, title: str, **fields):
    """A published article of edition ``lang`` whose only words are ``title`` (and what ``fields`` add)."""
    fields.setdefault("summary", "")
    fields.setdefault("body_html", "")
    fields.setdefault("slug", f"story-{next(_slugs)}")
    return published_article(edition=edition(lang), title=title, **fields)


def test_the_tables_hold_enough_pairs():
    assert len(analysis.SORANI_PAIRS) >= 30
    assert len(analysis.ARABIC_PAIRS) >= 15
    assert len(analysis.PERSIAN_PAIRS) >= 15


@pytest.mark.parametrize(("lang", "document", "query"), PAIRS)
def test_query_finds_the_document_in_its_title(api, lang, document, query):
    article = story(lang, document)

    response = search(api, q=query, lang=lang)

    assert result_ids(response) == [article.pk]
    assert "<mark>" in response.json()["results"][0]["highlight"]


@pytest.mark.parametrize(("lang", "document", "query"), PAIRS)
def test_query_finds_the_document_in_the_body(api, lang, document, query):
    article = story(lang, "—", body_html=f"<p>{document}</p>")

    assert result_ids(search(api, q=query, lang=lang)) == [article.pk]


@pytest.mark.parametrize(("lang", "document", "query"), NEAR_WORDS)
def test_near_word_is_not_found(api, lang, document, query):
    story(lang, document, body_html=f"<p>{document}</p>", summary=document)

    assert result_ids(search(api, q=query, lang=lang)) == []


def test_share_of_the_pair_tables_found(api):
    """Every pair at once, each document its own article: read the figure with ``pytest -s``."""
    expected = {}
    for lang, pairs in PAIR_TABLES.items():
        for pair in pairs:
            document, query = pair.values
            article = story(lang, document)
            expected[lang, query, article.pk] = article.pk
    found = sum(1 for (lang, query, pk) in expected if pk in result_ids(search(api, q=query, lang=lang, page_size=100)))

    print(f"\nsearch pairs found on {connection.vendor}: {found}/{len(expected)}")
    assert found == len(expected)


# --- The issue's own cases ----------------------------------------------------------------------

DEMO_TITLE = "بوومەلەرزەیەکی بەهێز ڕۆژهەڵاتی تورکیای هەژاند، تا ئێستا هیچ قوربانییەک تۆمار نەکراوە"
DEMO_SUMMARY = "بوومەلەرزەیەک بە گوڕی ٥.٩ پلە لە نزیک شاری وان ڕوویدا و دانیشتووان ڕژانە سەر شەقامەکان."


def test_sorani_earthquake_finds_the_demo_story(api):
    article = story(
        "ckb", DEMO_TITLE, summary=DEMO_SUMMARY, body_html="<p>تیمەکانی فریاگوزاری بینا کۆنەکان دەپشکنن.</p>"
    )
    story("ckb", "نرخی نەوت بەرز بووەوە")

    response = search(api, q="بوومەلەرزە", lang="ckb")

    assert result_ids(response) == [article.pk]
    assert response.json()["results"][0]["highlight"].startswith("<mark>بوومەلەرزەیەکی</mark> بەهێز")


def test_sorani_turkey_finds_its_ezafe_form(api):
    article = story("ckb", DEMO_TITLE)

    assert result_ids(search(api, q="تورکیا", lang="ckb")) == [article.pk]
    assert result_ids(search(api, q="تورکیا ", lang="ckb")) == [article.pk]


def test_sorani_kurdistan_typed_with_arabic_kaf_finds_keheh(api):
    article = story("ckb", "هەڵبژاردنی پەرلەمانی کوردستان")

    assert result_ids(search(api, q="كوردستان", lang="ckb")) == [article.pk]


def test_sorani_erbil_typed_with_heh_and_zwnj_finds_ae(api):
    article = story("ckb", "دەنگدان لە هەولێر دەستی پێکرد")

    assert result_ids(search(api, q="هه\u200cولێر", lang="ckb")) == [article.pk]


def test_english_chin_finds_china(api):
    article = story("en", "China and Russia sign a trade deal")

    response = search(api, q="chin", lang="en")

    assert result_ids(response) == [article.pk]
    assert response.json()["results"][0]["highlight"] == "<mark>China</mark> and Russia sign a trade deal"


def test_mixed_scripts_in_one_query(api):
    article = story("ckb", "کۆرۆنا COVID-19 لە ٢٠٢٠ دا بڵاوبووەوە")

    assert result_ids(search(api, q="covid 2020 کۆرۆن", lang="ckb")) == [article.pk]
    assert result_ids(search(api, q="covid ۲۰۲۰ کۆرۆنا", lang="ckb")) == [article.pk]


def test_an_edition_is_searched_in_its_own_language(api):
    """Turkish folds a capital I to dotless ı; the Kurmanji edition does not, so "ırak" finds nothing there."""
    turkish = story("tr", "IRAK seçimleri")
    story("kmr", "IRAK")

    assert result_ids(search(api, q="ırak", lang="tr")) == [turkish.pk]
    assert result_ids(search(api, q="ırak", lang="kmr")) == []
