"""Editorial state changes: create, publish, unpublish, schedule and the scheduled-publishing sweep."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsapi import services
from newsapi.models import Article, ArticleStatus
from newsapi.services import (
    article_create,
    article_publish,
    article_schedule,
    article_submit_for_review,
    article_unpublish,
    articles_publish_due,
)
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory, edition, published_article

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def hook_calls(monkeypatch) -> dict[str, list[int]]:
    calls: dict[str, list[int]] = {"publish": [], "unpublish": []}
    monkeypatch.setattr(services, "publish_hooks", [lambda *, article, **_: calls["publish"].append(article.pk)])
    monkeypatch.setattr(services, "unpublish_hooks", [lambda *, article, **_: calls["unpublish"].append(article.pk)])
    return calls


def scheduled_article(*, in_: timedelta, **kwargs) -> Article:
    article = ArticleFactory(**kwargs)
    article_schedule(article=article, by=None, publish_at=timezone.now() + in_)
    return article


# --- article_create ----------------------------------------------------------------------------


def test_create_makes_a_sanitised_draft_with_its_tags_and_authors():
    en = edition("en")
    tag, author = TagFactory(edition=en), AuthorFactory()

    article = article_create(
        by=None,
        edition=en,
        section=SectionFactory(),
        title="  Dam levels rise after rain ",
        body_html='<p onclick="x()">Water <script>alert(1)</script>rises.</p>',
        tags=[tag],
        authors=[author],
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.published_at is None
    assert (article.title, article.slug) == ("Dam levels rise after rain", "dam-levels-rise-after-rain")
    assert article.body_html == "<p>Water rises.</p>"
    assert list(article.tags.all()) == [tag] and list(article.authors.all()) == [author]
    assert not Article.objects.published().exists()


def test_create_keeps_a_given_translation_group_and_unicode_slug():
    story = ArticleFactory(edition=edition("en"))

    article = article_create(
        by=None,
        edition=edition("ckb"),
        section=story.section,
        title="بوومەلەرزە",
        translation_group=story.translation_group,
    )

    assert article.translation_group == story.translation_group
    assert article.slug == "بوومەلەرزە"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "needs a title"),
        ({"title": "!!!"}, "no slug"),
        ({"slug": "taken"}, "slug 'taken'"),
        ({"tags": "foreign"}, "another edition"),
    ],
    ids=["blank-title", "title-without-slug", "slug-taken", "tag-of-another-edition"],
)
def test_create_refuses_bad_input_and_creates_nothing(changes, message):
    en = edition("en")
    ArticleFactory(edition=en, slug="taken")
    before = Article.objects.count()
    fields = {"by": None, "edition": en, "section": SectionFactory(), "title": "A title", **changes}
    if fields.get("tags") == "foreign":
        fields["tags"] = [TagFactory(edition=edition("ar"))]

    with pytest.raises(ValidationError, match=message):
        article_create(**fields)

    assert Article.objects.count() == before


# --- article_publish ---------------------------------------------------------------------------


def test_publish_makes_a_draft_visible_now(hook_calls):
    article = ArticleFactory()
    before = timezone.now()

    returned = article_publish(article=article, by=None)

    assert returned.status == ArticleStatus.PUBLISHED
    assert returned.published_at is not None
    assert before <= returned.published_at <= timezone.now()
    assert article.status == ArticleStatus.PUBLISHED  # the caller's instance is refreshed
    assert list(Article.objects.published()) == [article]
    assert hook_calls["publish"] == [article.pk]


def test_publish_can_keep_the_time_a_story_first_appeared(hook_calls):
    article = ArticleFactory()
    first_appeared = timezone.now() - timedelta(days=3)

    article_publish(article=article, by=None, published_at=first_appeared)

    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == first_appeared
    assert hook_calls["publish"] == [article.pk]


def test_publish_refuses_a_publication_time_in_the_future_and_changes_nothing(hook_calls):
    article = ArticleFactory()

    with pytest.raises(ValidationError, match="schedule"):
        article_publish(article=article, by=None, published_at=timezone.now() + timedelta(minutes=5))

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and article.published_at is None
    assert hook_calls["publish"] == []


def test_publishing_twice_changes_nothing(hook_calls):
    article = ArticleFactory()
    article_publish(article=article, by=None)
    first = Article.objects.get(pk=article.pk)

    article_publish(article=article, by=None)

    again = Article.objects.get(pk=article.pk)
    assert (again.status, again.published_at, again.updated_at) == (
        first.status,
        first.published_at,
        first.updated_at,
    )
    assert hook_calls["publish"] == [article.pk]


@pytest.mark.parametrize("title", ["", "   "])
def test_publish_refuses_an_article_without_title(title, hook_calls):
    article = ArticleFactory(title=title)

    with pytest.raises(ValidationError):
        article_publish(article=article, by=None)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (ArticleStatus.DRAFT, None)
    assert hook_calls["publish"] == []


def test_publish_works_from_review_and_from_schedule():
    in_review = ArticleFactory()
    article_submit_for_review(article=in_review, by=None)
    scheduled = scheduled_article(in_=timedelta(days=1))

    article_publish(article=in_review, by=None)
    article_publish(article=scheduled, by=None)

    assert in_review.status == scheduled.status == ArticleStatus.PUBLISHED


def test_failing_hook_rolls_the_publication_back(monkeypatch):
    def broken_hook(**_):
        raise RuntimeError("queue is down")

    monkeypatch.setattr(services, "publish_hooks", [broken_hook])
    article = ArticleFactory()

    with pytest.raises(RuntimeError):
        article_publish(article=article, by=None)

    article.refresh_from_db()
    assert (article.status, article.published_at) == (ArticleStatus.DRAFT, None)


def test_republishing_after_a_withdrawal_keeps_the_first_published_at():
    article = published_article()
    first_published_at = article.published_at
    article_unpublish(article=article, by=None, reason="wrong photo")

    article_publish(article=article, by=None)

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at == first_published_at
    assert article.unpublished_reason == ""


# --- article_unpublish ---------------------------------------------------------------------------


def test_unpublish_withdraws_and_records_the_reason(hook_calls):
    article = published_article()

    article_unpublish(article=article, by=None, reason="  Legal request.  ")

    assert article.status == ArticleStatus.UNPUBLISHED
    assert article.unpublished_reason == "Legal request."
    assert not Article.objects.published().exists()
    assert hook_calls["unpublish"] == [article.pk]


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_unpublish_needs_a_reason(reason, hook_calls):
    article = published_article()

    with pytest.raises(ValidationError):
        article_unpublish(article=article, by=None, reason=reason)

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert hook_calls["unpublish"] == []


def test_unpublish_keeps_a_long_reason_within_the_column():
    article = published_article()

    article_unpublish(article=article, by=None, reason="x" * 500)

    assert article.unpublished_reason == "x" * 200


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_only_a_published_article_can_be_unpublished(state):
    article = ArticleFactory()
    if state == "in_review":
        article_submit_for_review(article=article, by=None)
    elif state == "scheduled":
        article_schedule(article=article, by=None, publish_at=timezone.now() + timedelta(hours=1))
    elif state == "unpublished":
        article_publish(article=article, by=None)
        article_unpublish(article=article, by=None, reason="first time")

    with pytest.raises(ValidationError):
        article_unpublish(article=article, by=None, reason="again")

    article.refresh_from_db()
    assert article.status == state


# --- article_schedule ----------------------------------------------------------------------------


def test_schedule_holds_the_article_until_its_time():
    article = ArticleFactory()
    publish_at = timezone.now() + timedelta(hours=2)

    article_schedule(article=article, by=None, publish_at=publish_at)

    assert (article.status, article.publish_at, article.published_at) == (
        ArticleStatus.SCHEDULED,
        publish_at,
        None,
    )
    assert not Article.objects.published().exists()


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=-1), timedelta(days=-3)])
def test_schedule_refuses_a_time_that_is_not_in_the_future(offset):
    article = ArticleFactory()

    with pytest.raises(ValidationError):
        article_schedule(article=article, by=None, publish_at=timezone.now() + offset)

    article.refresh_from_db()
    assert (article.status, article.publish_at) == (ArticleStatus.DRAFT, None)


def test_schedule_refuses_a_published_article():
    article = published_article()

    with pytest.raises(ValidationError):
        article_schedule(article=article, by=None, publish_at=timezone.now() + timedelta(hours=1))

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


# --- articles_publish_due --------------------------------------------------------------------------


def test_publish_due_publishes_only_scheduled_articles_whose_time_has_come(hook_calls):
    due = scheduled_article(in_=timedelta(minutes=5))
    later = scheduled_article(in_=timedelta(hours=5))
    draft = ArticleFactory(publish_at=timezone.now() - timedelta(hours=1))
    withdrawn = published_article()
    article_unpublish(article=withdrawn, by=None, reason="legal")
    hook_calls["publish"].clear()

    published = articles_publish_due(now=timezone.now() + timedelta(minutes=10))

    assert published == [due.pk]
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: ArticleStatus.PUBLISHED,
        later.pk: ArticleStatus.SCHEDULED,
        draft.pk: ArticleStatus.DRAFT,
        withdrawn.pk: ArticleStatus.UNPUBLISHED,
    }
    assert hook_calls["publish"] == [due.pk]


def test_publish_due_twice_publishes_once(hook_calls):
    due = [scheduled_article(in_=timedelta(minutes=minutes)) for minutes in (1, 2)]
    now = timezone.now() + timedelta(minutes=3)

    first = articles_publish_due(now=now)
    published_at = dict(Article.objects.values_list("pk", "published_at"))
    second = articles_publish_due(now=now)

    assert sorted(first) == sorted(article.pk for article in due)
    assert second == []
    assert dict(Article.objects.values_list("pk", "published_at")) == published_at
    assert sorted(hook_calls["publish"]) == sorted(first)


def test_publish_due_with_nothing_due_changes_nothing():
    scheduled = scheduled_article(in_=timedelta(hours=1))

    assert articles_publish_due() == []
    scheduled.refresh_from_db()
    assert scheduled.status == ArticleStatus.SCHEDULED


# --- one way to publish ---------------------------------------------------------------------------


def _sets_published(node: ast.AST) -> bool:
    def is_published(value: ast.AST | None) -> bool:
        return (isinstance(value, ast.Attribute) and value.attr == "PUBLISHED") or (
            isinstance(value, ast.Constant) and value.value == "published"
        )

    if isinstance(node, ast.Assign):
        return is_published(node.value) and any(
            isinstance(target, ast.Attribute) and target.attr == "status" for target in node.targets
        )
    writes = {"update", "create", "update_or_create", "get_or_create", "bulk_create"}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in writes:
        return any(kw.arg == "status" and is_published(kw.value) for kw in node.keywords)
    if isinstance(node, ast.Dict):
        return any(
            isinstance(key, ast.Constant) and key.value == "status" and is_published(value)
            for key, value in zip(node.keys, node.values, strict=True)
        )
    return False


def test_nothing_but_article_publish_sets_the_published_status():
    offenders = []
    for package in ("backend", "config", "devtools", "newsapi", "notifications"):
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            allowed_lines: set[int] = set()
            if path == BASE_DIR / "newsapi" / "services.py":
                for function in ast.walk(tree):
                    if isinstance(function, ast.FunctionDef) and function.name == "article_publish":
                        allowed_lines = set(range(function.lineno, (function.end_lineno or 0) + 1))
                assert allowed_lines, "article_publish is gone from newsapi/services.py"
            for node in ast.walk(tree):
                line = getattr(node, "lineno", 0)
                if _sets_published(node) and line not in allowed_lines:
                    offenders.append(f"{path.relative_to(BASE_DIR)}:{line}")
    assert offenders == []


def test_the_publish_check_recognises_direct_status_writes():
    """The scan above is not vacuous: each way of writing the status is caught."""
    samples = [
        "article.status = ArticleStatus.PUBLISHED",
        "Article.objects.filter(pk=1).update(status='published')",
        "Article.objects.create(title='x', status=ArticleStatus.PUBLISHED)",
        "Article.objects.update_or_create(pk=1, defaults={'status': 'published'})",
    ]
    for sample in samples:
        assert any(_sets_published(node) for node in ast.walk(ast.parse(sample))), sample
    assert not any(_sets_published(node) for node in ast.walk(ast.parse("qs.filter(status=ArticleStatus.PUBLISHED)")))
