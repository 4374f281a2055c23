"""Revisions of articles: every service write records who and why, the admin shows each version's
changes, and an old version is restored through ``article_update`` with the same permissions."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.roles import EDITOR, REPORTER
from newsapi import services
from newsapi.models import Article, ArticleStatus
from tests.factories import AuthorFactory, SectionFactory, TagFactory, edition, published_article, user_with_role

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsapi/article/"


def versions(article: Article) -> list:
    """The article's versions, oldest first."""
    return list(article.history.order_by("history_date", "history_id"))


def reasons(article: Article) -> list[tuple[str | None, str]]:
    return [(v.history_user.username if v.history_user else None, v.history_change_reason) for v in versions(article)]


def draft_by(user, **fields) -> Article:
    fields.setdefault("title", "Dam levels rise")
    return services.article_create(by=user, edition=edition("en"), section=SectionFactory(slug="world"), **fields)


def history_url(article: Article) -> str:
    return f"{CHANGELIST}{article.pk}/history/"


def version_url(article: Article, version) -> str:
    return f"{history_url(article)}{version.history_id}/"


def restore_url(article: Article, version) -> str:
    return f"{version_url(article, version)}restore/"


@pytest.fixture
def editor():
    return user_with_role(EDITOR, "desk-editor")


@pytest.fixture
def reporter():
    return user_with_role(REPORTER, "field-reporter")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- who, when and why ---------------------------------------------------------------------------


def test_creating_an_article_with_tags_and_authors_is_one_version_by_its_writer(reporter):
    tags = [TagFactory(slug="dams"), TagFactory(slug="water")]
    author = AuthorFactory()

    article = draft_by(reporter, tags=tags, authors=[author])

    (version,) = versions(article)
    assert (version.history_type, version.history_user, version.history_change_reason) == ("+", reporter, "Created")
    assert sorted(row.tag_id for row in version.tags.all()) == sorted(tag.pk for tag in tags)
    assert [row.author_id for row in version.authors.all()] == [author.pk]


def test_every_editorial_step_records_who_did_it_and_why(reporter, editor):
    article = draft_by(reporter)
    services.article_submit_for_review(article=article, by=reporter)
    publish_at = timezone.now() + timedelta(hours=1)
    services.article_schedule(article=article, by=editor, publish_at=publish_at)
    services.articles_publish_due(now=publish_at + timedelta(minutes=1))
    services.article_update(article=article, by=editor, changes={"title": "Dam levels rise again"})
    services.article_unpublish(article=article, by=editor, reason="The figures were wrong")
    services.article_publish(article=article, by=editor)

    assert reasons(article) == [
        ("field-reporter", "Created"),
        ("field-reporter", "Submitted for review"),
        ("desk-editor", f"Scheduled for {publish_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"),
        (None, "Published on schedule"),  # the scheduler: the system, no user
        ("desk-editor", "Corrected: title"),
        ("desk-editor", "Withdrawn: The figures were wrong"),
        ("desk-editor", "Republished"),
    ]
    statuses = [v.status for v in versions(article)]
    assert statuses == ["draft", "in_review", "scheduled", "published", "published", "unpublished", "published"]


def test_an_edit_of_a_draft_names_the_fields_and_keeps_its_new_tags(reporter):
    article = draft_by(reporter, tags=[TagFactory(slug="dams")])
    water = TagFactory(slug="water")

    services.article_update(article=article, by=reporter, changes={"summary": "Up 2 m.", "tags": [water]})

    created, edited = versions(article)
    assert (edited.history_user, edited.history_change_reason) == (reporter, "Edited: summary, tags")
    assert [row.tag_id for row in edited.tags.all()] == [water.pk]
    assert [row.tag.slug for row in created.tags.all()] == ["dams"]


def test_a_long_withdrawal_reason_is_kept_whole():
    article = published_article()
    reason = "Legal asked us to take it down while the court decides; " * 3

    services.article_unpublish(article=article, by=None, reason=reason)

    assert versions(article)[-1].history_change_reason == f"Withdrawn: {reason.strip()[:200]}"


def test_a_refused_publish_records_nothing_and_changes_nothing(reporter):
    article = draft_by(reporter)

    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, by=reporter)

    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT
    assert len(versions(article)) == 1


def test_deleting_a_draft_records_who_deleted_it(editor):
    article = draft_by(editor)
    pk = article.pk

    services.article_delete(article=article, by=editor)

    last = Article.history.filter(id=pk).order_by("history_date", "history_id").last()
    assert (last.history_type, last.history_user, last.history_change_reason) == ("-", editor, "Deleted")


def test_derived_columns_are_not_kept_in_versions():
    fields = {field.name for field in Article.history.model._meta.fields}

    assert "body_html" in fields
    assert not {"body_text", "search_vector"} & fields


def test_counting_views_records_no_version():
    article = published_article()
    before = len(versions(article))

    services.article_views_record(views=[(article.pk, timezone.now())] * 5)

    assert len(versions(article)) == before


# --- the history pages ---------------------------------------------------------------------------


def test_the_history_page_shows_each_versions_changed_fields(editor):
    article = draft_by(editor, body_html="<p>The water rose two metres overnight.</p>")
    services.article_update(article=article, by=editor, changes={"title": "Dam levels fall"})
    services.article_publish(article=article, by=editor)

    html = logged_in(editor).get(history_url(article)).content.decode()

    assert "Corrected" not in html and "Edited: title" in html
    assert "<del>Dam levels rise</del> → <ins>Dam levels fall</ins>" in html
    assert "<del>Draft</del> → <ins>Published</ins>" in html  # the state, which forms never edit
    assert "desk-editor" in html


def test_a_versions_page_shows_a_word_diff_of_a_long_text(editor):
    words = " ".join(f"word{n}" for n in range(60))
    article = draft_by(editor, body_html=f"<p>{words} the water rose.</p>")
    services.article_update(article=article, by=editor, changes={"body_html": f"<p>{words} the water fell.</p>"})

    html = logged_in(editor).get(version_url(article, versions(article)[-1])).content.decode()

    assert "<del>rose.&lt;/p&gt;</del> <ins>fell.&lt;/p&gt;</ins>" in html
    assert "word0" not in html and "word59" in html  # the unchanged start is cut to its end
    assert "Restore this version" in html


def test_simple_historys_own_revert_is_closed(editor):
    article = draft_by(editor)
    services.article_update(article=article, by=editor, changes={"title": "Changed"})
    first = versions(article)[0]

    response = logged_in(editor).post(version_url(article, first), {"title": "Dam levels rise"})

    assert response.status_code == 405
    article.refresh_from_db()
    assert article.title == "Changed" and len(versions(article)) == 2


# --- restoring -----------------------------------------------------------------------------------


def test_an_editor_restores_an_old_version_of_a_published_article(editor):
    old_tag, new_tag = TagFactory(slug="dams"), TagFactory(slug="floods")
    article = draft_by(editor, summary="Two metres.", tags=[old_tag])
    services.article_publish(article=article, by=editor)
    services.article_update(
        article=article, by=editor, changes={"title": "Wrong", "summary": "Ten metres.", "tags": [new_tag]}
    )
    first = versions(article)[0]
    client = logged_in(editor)

    confirm = client.get(restore_url(article, first)).content.decode()
    response = client.post(restore_url(article, first), follow=True)

    assert "Yes, restore this version" in confirm and "<del>Wrong</del>" in confirm
    article.refresh_from_db()
    assert (article.title, article.summary, list(article.tags.all())) == ("Dam levels rise", "Two metres.", [old_tag])
    assert article.status == ArticleStatus.PUBLISHED  # a restore is an edit (a correction), never a state change
    latest = versions(article)[-1]
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Restored the version of ")
    assert latest.history_change_reason.endswith("(Corrected: summary, tags, title)")
    assert "Restored “Dam levels rise” to the version of" in response.content.decode()


def test_a_reporter_restores_their_own_draft(reporter):
    article = draft_by(reporter)
    services.article_update(article=article, by=reporter, changes={"title": "Dam levels rise fast"})

    response = logged_in(reporter).post(restore_url(article, versions(article)[0]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Dam levels rise"
    assert versions(article)[-1].history_user == reporter


def test_a_reporter_cannot_restore_a_published_article(reporter, editor):
    article = draft_by(editor)
    services.article_update(article=article, by=editor, changes={"title": "Dam levels rise fast"})
    services.article_publish(article=article, by=editor)
    first = versions(article)[0]
    client = logged_in(reporter)
    before = len(versions(article))

    page = client.get(restore_url(article, first)).content.decode()
    response = client.post(restore_url(article, first))  # the form it was not shown, forged

    assert "Yes, restore this version" not in page and "you cannot restore it" in page
    assert response.status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Dam levels rise fast", ArticleStatus.PUBLISHED)
    assert len(versions(article)) == before


def test_a_version_of_another_article_is_not_found_and_changes_nothing(editor):
    article = draft_by(editor)
    other = draft_by(editor, title="Another story")

    response = logged_in(editor).post(restore_url(article, versions(other)[0]))

    assert response.status_code == 404
    article.refresh_from_db()
    assert article.title == "Dam levels rise" and len(versions(article)) == 1


def test_a_restore_without_its_csrf_token_is_refused(editor):
    article = draft_by(editor)
    services.article_update(article=article, by=editor, changes={"title": "Changed"})
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(restore_url(article, versions(article)[0]))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Changed"


def test_a_restore_the_service_refuses_shows_why_and_changes_nothing(editor):
    article = draft_by(editor)
    services.article_update(article=article, by=editor, changes={"slug": "dam-levels-2"})
    draft_by(editor, title="Other", slug="dam-levels-rise")  # takes the old slug meanwhile

    response = logged_in(editor).post(restore_url(article, versions(article)[0]), follow=True)

    assert "Not restored: Another article in this edition has the slug" in response.content.decode()
    article.refresh_from_db()
    assert article.slug == "dam-levels-2" and len(versions(article)) == 2


# --- the activity block ------------------------------------------------------------------------


def test_the_activity_block_lists_who_and_why_with_html_escaped(editor):
    article = published_article(title="Quake")
    services.article_unpublish(article=article, by=editor, reason="<script>alert('x')</script> & more")

    html = logged_in(editor).get(f"{CHANGELIST}{article.pk}/change/").content.decode()

    assert "Withdrawn: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html
    assert "<script>alert(" not in html
    assert 'class="history-activity"' in html and "desk-editor" in html and "the system" in html


# --- bounded queries ---------------------------------------------------------------------------


def article_with_versions(editor, count: int) -> Article:
    tags = [TagFactory(slug=f"tag-{count}-{n}") for n in range(3)]
    article = draft_by(editor, title=f"A story told {count} times", tags=tags, authors=[AuthorFactory()])
    for n in range(count):
        services.article_update(article=article, by=editor, changes={"title": f"Take {n}", "tags": tags[: n % 3]})
    services.article_update(article=article, by=editor, changes={"tags": tags})
    return article


def count_queries(client, url: str) -> int:
    client.get(url)  # the first request fills process-wide caches (content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_history_pages_make_as_many_queries_for_three_versions_as_for_forty(editor):
    client = logged_in(editor)
    few, many = article_with_versions(editor, 3), article_with_versions(editor, 40)

    assert count_queries(client, history_url(few)) == count_queries(client, history_url(many))
    assert count_queries(client, f"{CHANGELIST}{few.pk}/change/") == count_queries(
        client, f"{CHANGELIST}{many.pk}/change/"
    )


def test_the_history_and_version_pages_have_a_query_budget(editor, django_assert_max_num_queries):
    client = logged_in(editor)
    article = article_with_versions(editor, 40)
    middle = versions(article)[20]

    # Measured: 10, 9 and 12 (session, user, article, permissions, then the versions, the version
    # before the oldest shown, and one query per many-to-many field); a little room for the admin's own.
    with django_assert_max_num_queries(12):
        client.get(history_url(article))
    with django_assert_max_num_queries(11):
        client.get(version_url(article, middle))
    with django_assert_max_num_queries(14):
        client.get(restore_url(article, middle))
