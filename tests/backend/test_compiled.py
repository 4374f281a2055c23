"""Querysets compiled once and run with each call's values (backend/compiled.py), on PostgreSQL and SQLite."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import BigIntegerField, DateTimeField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend import compiled
from backend.compiled import Param
from newsapi.models import Article
from tests.factories import ArticleFactory, edition, published_article

pytestmark = pytest.mark.django_db


def newest_of_edition():
    """The published articles of one edition as of a moment, newest first: the shape of the read API's lists."""
    return (
        Article.objects.published(at=Param("now", DateTimeField()))
        .filter(edition_id=Param("edition", BigIntegerField()))
        .order_by("-published_at", "-id")
        .values_list("id", "published_at", "updated_at")
    )


def query(key, **values):
    return compiled.Query(key, Article, lambda: newest_of_edition()[:5], values)


def test_each_call_answers_what_the_queryset_answers_with_its_values():
    now = timezone.now()
    english = [published_article(published_at=now - timedelta(hours=hours)) for hours in (1, 2, 3)]
    sorani = published_article(edition=edition("ckb"))
    scheduled = published_article(published_at=now + timedelta(hours=1))
    ArticleFactory(edition=english[0].edition)  # a draft
    key = ("test-newest", 1)

    for shown, moment in ((english[0].edition, now), (sorani.edition, now), (english[0].edition, now)):
        expected = list(
            Article.objects.published()
            .filter(edition=shown, published_at__lte=moment)
            .order_by("-published_at", "-id")
            .values_list("id", "published_at", "updated_at")[:5]
        )
        assert query(key, now=moment, edition=shown.pk).rows() == expected
    assert [row[0] for row in query(key, now=now, edition=english[0].edition_id).rows()] == [a.pk for a in english]
    later = query(key, now=now + timedelta(hours=2), edition=scheduled.edition_id).rows()
    assert [row[0] for row in later] == [scheduled.pk, *(a.pk for a in english)]


def test_it_is_compiled_once_per_key_and_runs_as_one_query():
    article = published_article()
    key = ("test-newest", 2)
    compiled.forget()

    with CaptureQueriesContext(connection) as first:
        query(key, now=timezone.now(), edition=article.edition_id).rows()
    statements = dict(compiled._statements)
    with CaptureQueriesContext(connection) as second:
        rows = query(key, now=timezone.now(), edition=article.edition_id + 1000).rows()

    assert len(first.captured_queries) == len(second.captured_queries) == 1
    assert first.captured_queries[0]["sql"].split("WHERE")[0] == second.captured_queries[0]["sql"].split("WHERE")[0]
    assert compiled._statements.keys() == statements.keys()
    assert all(compiled._statements[key] is statement for key, statement in statements.items())  # none again
    assert rows == []


def test_rows_are_converted_as_the_orm_converts_them():
    """Aware datetimes on both databases (SQLite answers text, which the compiler's converters parse)."""
    article = published_article()

    [(pk, published_at, updated_at)] = query(("test-newest", 3), now=timezone.now(), edition=article.edition_id).rows()

    article.refresh_from_db()
    assert (pk, published_at, updated_at) == (article.pk, article.published_at, article.updated_at)
    assert timezone.is_aware(published_at) and timezone.is_aware(updated_at)


def test_make_shapes_each_row_and_extended_is_a_variant_with_more_values():
    now = timezone.now()
    articles = [published_article(published_at=now - timedelta(minutes=minutes)) for minutes in (1, 2, 3)]
    values = {"now": now, "edition": articles[0].edition_id}
    base = compiled.Query(("test-newest", 4), Article, newest_of_edition, values, make=lambda row: row[0])
    before = Param("before", DateTimeField())

    def older(moment):
        return base.extended("older", lambda queryset: queryset.filter(published_at__lt=before), before=moment)

    assert base.rows() == [article.pk for article in articles]
    assert older(now).rows() == [article.pk for article in articles]
    assert older(articles[1].published_at).rows() == [articles[2].pk]
    assert older(now).key != base.key


def test_a_value_the_call_does_not_give_is_an_error_not_a_guess():
    with pytest.raises(KeyError, match="edition"):
        query(("test-newest", 5), now=timezone.now()).rows()
