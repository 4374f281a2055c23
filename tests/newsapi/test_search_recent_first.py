"""Search pages asked of the last weeks first (``newsapi.search.RecentFirst``) are the whole archive's ranking.

A page is asked of the last ``RECENT_FIRST_DAYS`` first; then, when that window held a whole page that
it cannot prove, of the band of days before it that the page's last rank reaches back to; and of the
whole archive only when neither does. Whichever way a page was found, it is the page that ranking every
match of the archive gives.
"""

import random
from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsapi import search
from newsapi.selectors import article_search
from tests.factories import edition, published_article
from tests.newsapi.test_search import match_queries

pytestmark = pytest.mark.django_db

WORDS = ["harbour", "bridge", "budget", "ballot", "border", "bakery", "storm", "school", "road", "market"]
FILLER = ["the", "a", "news", "today", "city"]


def _how_asked(matches: list[str]) -> str:
    """Which way a first or later page was found: the window alone, with the band before it, or the archive."""
    if len(matches) == 1:
        return "window"
    assert len(matches) == 2, matches
    return "band" if '"published_at" < ' in matches[1] else "archive"


def _all_pages(api, q: str, page_size: int) -> tuple[list[int], Counter]:
    seen: list[int] = []
    ways: Counter = Counter()
    cursor = None
    while True:
        query = {"q": q, "lang": "en", "page_size": page_size, **({"cursor": cursor} if cursor else {})}
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/search/", query)
        assert response.status_code == 200, response.content
        ways[_how_asked(match_queries(captured.captured_queries))] += 1
        seen += [item["id"] for item in response.json()["results"]]
        if not response.json()["next"]:
            return seen, ways
        cursor = parse_qs(urlsplit(response.json()["next"]).query)["cursor"][0]


def _archive(rng: random.Random, count: int) -> None:
    """``count`` stories over 400 days, most of them recent, of a few words: many match each query."""
    now = timezone.now()
    for _ in range(count):
        age = rng.choice([rng.uniform(0, 6), rng.uniform(0, 60), rng.uniform(30, 130), rng.uniform(0, 400)])
        title = " ".join(rng.sample(WORDS, rng.randint(1, 2))).capitalize()
        body = " ".join(rng.choice(WORDS + FILLER * 3) for _ in range(rng.randint(5, 80)))
        published_article(title=title, body_html=f"<p>{body}.</p>", published_at=now - timedelta(days=age))


def test_every_page_is_the_whole_archives_ranking_whichever_way_it_was_asked(api):
    _archive(random.Random(7), 70)
    ways: Counter = Counter()

    for q in ["b", "bo", "harbour", "storm ", "school road", "market b"]:
        expected = list(
            article_search(edition=edition("en"), query=q).order_by("-rank", "-id").values_list("id", flat=True)
        )
        for page_size in (2, 9):
            seen, asked = _all_pages(api, q, page_size)
            assert seen == expected, (q, page_size)
            ways += asked

    # The archive was made so that each way is taken: the test would prove nothing of one never asked.
    assert ways["window"] and ways["band"] and ways["archive"], ways


def test_a_full_window_that_cannot_prove_its_page_asks_the_band_before_it_not_the_archive(api):
    now = timezone.now()
    # Body-only matches (a fifth of a title's relevance) 20 to 22 days old fill the first window's page, but
    # a title match up to 32 days older could outrank them: the days before the window are asked, and only
    # those; the one 300 days old is never read.
    body_only = [
        published_article(
            title=f"Port {day}", body_html="<p>The harbour was calm.</p>", published_at=now - timedelta(days=day)
        )
        for day in (20, 21, 22)
    ]
    outside = published_article(
        title="Harbour reopens", published_at=now - timedelta(days=search.RECENT_FIRST_DAYS + 5)
    )
    published_article(title="Harbour of old", published_at=now - timedelta(days=300))

    with CaptureQueriesContext(connection) as captured:
        response = api.get("/api/v1/search/", {"q": "harbour", "lang": "en", "page_size": 2})

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [outside.pk, body_only[0].pk]
    assert _how_asked(match_queries(captured.captured_queries)) == "band"


def test_relevance_above_the_cap_does_not_outrank_a_newer_title_match(api):
    now = timezone.now()
    # ts_rank adds for each occurrence: 0.85 for this story, 0.61 for a title holding the word once.
    repeated = published_article(
        title="Storm storm storm",
        body_html="<p>The storm, a storm like no storm before.</p>",
        published_at=now - timedelta(days=4),
    )
    newer = published_article(title="Storm", published_at=now - timedelta(days=1))

    ranked = [item["id"] for item in api.get("/api/v1/search/", {"q": "storm "}).json()["results"]]

    assert ranked == [newer.pk, repeated.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_the_window_is_read_row_by_row_and_the_archive_through_the_search_index(api):
    published_article(title="Harbour news", published_at=timezone.now() - timedelta(days=200))

    with CaptureQueriesContext(connection) as captured:
        api.get("/api/v1/search/", {"q": "harbour", "lang": "en"})

    window, archive = match_queries(captured.captured_queries)
    assert "ts_match_vq(" in window and "@@" not in window
    assert "@@" in archive
