import io
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import TestCase, override_settings
from django.utils import timezone

from config.celery import app as celery_app
from devtools.demo.seed import DEMO_NAMESPACE
from newsapi.models import (
    Article,
    ArticleStatus,
    Author,
    Edition,
    Image,
    ImageRendition,
    Section,
    SectionName,
    Tag,
)
from notifications import delivery
from notifications.models import Alert, AlertState
from notifications.selectors import alert_warnings
from tests.notifications.factories import AlertFactory

# One xdist worker runs the whole module, so the demo newsroom is seeded once (see `seeded`).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("seed_demo")]

HIDDEN = [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.SCHEDULED, ArticleStatus.UNPUBLISHED]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the whole module (the ~60 generated images are the slow part); roll back at the end.

    Each test runs in a savepoint inside this transaction, as in Django's ``setUpTestData``. The
    seed's commit never happens here, so its after-commit tasks (the pictures' renditions) are run
    in this process as the seed returns, as the embedded mode's eager Celery would.
    """
    out = io.StringIO()
    media = tmp_path_factory.mktemp("seed-media")
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(DEBUG=True, MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Section, SectionName, Tag, Author, Image, ImageRendition, get_user_model())
    }


def _group(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, key)


def test_seed_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    before = _counts()

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == before


def test_a_second_run_changes_nothing(seeded, settings):
    settings.DEBUG = True
    before = _counts()
    articles_before = list(Article.objects.order_by("pk").values("pk", "status", "published_at", "updated_at"))

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert _counts() == before
    assert list(Article.objects.order_by("pk").values("pk", "status", "published_at", "updated_at")) == articles_before
    assert "0 created now" in out.getvalue()


def test_it_prints_the_demo_admin_login_and_keeps_a_changed_password(seeded, settings):
    assert "Demo admin: http://127.0.0.1:8000/admin/  user: editor  password: newsline-demo" in seeded
    editor = get_user_model().objects.get(username="editor")
    assert editor.is_superuser and editor.is_staff
    assert editor.check_password("newsline-demo")
    editor.set_password("changed-by-the-editor")
    editor.save()
    settings.DEBUG = True

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert "user: editor  password: (unchanged)" in out.getvalue()
    editor.refresh_from_db()
    assert editor.check_password("changed-by-the-editor")


def test_at_least_sixty_articles_in_english_sorani_and_arabic_in_every_state(seeded):
    per_edition = dict(Article.objects.values_list("edition__code").annotate(n=Count("id")).order_by())
    states = dict(Article.objects.values_list("status").annotate(n=Count("id")).order_by())

    assert set(per_edition) == {"en", "ckb", "ar"}
    assert min(per_edition.values()) >= 18
    assert sum(per_edition.values()) >= 60
    assert states[ArticleStatus.PUBLISHED] >= 50
    assert states[ArticleStatus.DRAFT] + states[ArticleStatus.IN_REVIEW] >= 3
    assert states[ArticleStatus.UNPUBLISHED] == 1
    withdrawn = Article.objects.get(status=ArticleStatus.UNPUBLISHED)
    assert withdrawn.unpublished_reason
    scheduled = Article.objects.get(status=ArticleStatus.SCHEDULED)
    assert scheduled.publish_at is not None and scheduled.publish_at > timezone.now()
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    assert published.filter(published_at__lt=timezone.now() - timedelta(days=3)).exists()
    assert not published.filter(published_at__gt=timezone.now()).exists()


def test_every_section_is_named_in_every_edition(seeded):
    editions = set(Edition.objects.values_list("code", flat=True))
    assert {"en", "ckb", "ar", "kmr", "fa", "tr"} <= editions

    sections = Section.objects.order_by("position")
    assert [s.slug for s in sections] == [
        "world", "kurdistan", "iraq", "economy", "sports", "culture", "health", "technology",
    ]  # fmt: skip
    for section in sections:
        names = dict(section.names.values_list("edition__code", "name"))
        assert set(names) == editions, section.slug
        assert all(names.values())
    world = sections.get(slug="world")
    assert world.auto_alert
    assert dict(world.names.values_list("edition__code", "name"))["ckb"] == "جیهان"


def test_every_article_has_an_image_with_renditions_caption_credit_and_alt(seeded):
    articles = Article.objects.select_related("image").prefetch_related("image__renditions", "tags", "authors")
    for article in articles:
        image = article.image
        assert image is not None, article.title
        assert image.caption and image.credit and image.alt
        renditions = image.renditions.all()
        assert [r.width for r in renditions if r.format == "webp"] == [320, 640, 1024]
        assert [r.width for r in renditions if r.format == "jpeg"] == [1000]  # the notification picture
        assert article.credit
        assert article.tags.all() and article.authors.all()
        assert article.body_html.startswith("<p>")


def test_translations_link_the_published_versions_of_a_story(seeded, api):
    earthquake = Article.objects.get(edition__code="en", translation_group=_group("world-turkey-earthquake"))
    volleyball = Article.objects.get(edition__code="en", translation_group=_group("sports-sulaimani-womens-volleyball"))

    full = api.get(f"/api/v1/articles/{earthquake.pk}/").json()
    partial = api.get(f"/api/v1/articles/{volleyball.pk}/").json()

    assert [t["language"] for t in full["translations"]] == ["ckb", "ar"]
    for translation in full["translations"]:
        other = api.get(f"/api/v1/articles/{translation['id']}/").json()
        assert other["language"] == translation["language"]
        assert other["dir"] == "rtl"
    # The Arabic version is still in review, so it is not offered.
    assert [t["language"] for t in partial["translations"]] == ["ckb"]


@pytest.mark.parametrize("lang", ["en", "ckb", "ar"])
def test_the_feed_of_each_language_lists_articles_and_never_drafts(seeded, api, lang):
    response = api.get(f"/api/v1/articles/?lang={lang}&page_size=100")

    assert response.status_code == 200, response.content
    ids = {item["id"] for item in response.json()["results"]}
    assert len(ids) >= 15
    assert ids == set(
        Article.objects.filter(edition__code=lang, status=ArticleStatus.PUBLISHED).values_list("pk", flat=True)
    )
    assert not ids & set(Article.objects.filter(status__in=HIDDEN).values_list("pk", flat=True))


@pytest.mark.parametrize("lang", ["en", "ckb", "ar"])
def test_the_home_screen_of_each_language_has_breaking_news(seeded, api, lang):
    home = api.get(f"/api/v1/home/?lang={lang}").json()

    assert home["breaking"]
    assert all(card["is_breaking"] and card["language"] == lang for card in home["breaking"])
    assert len(home["sections"]) >= 6


def test_unicode_tag_pages_work_in_sorani(seeded, api):
    tag = Tag.objects.get(edition__code="ckb", name="هەولێر")
    assert tag.slug == "هەولێر"

    response = api.get(f"/api/v1/tags/{quote(tag.slug)}/?lang=ckb")

    assert response.status_code == 200, response.content
    assert response.json()["results"]


def test_only_the_fresh_breaking_world_story_sends_its_automatic_alert(seeded):
    """The week-old breaking stories are published with their original times: no longer news to push."""
    alerts = Alert.objects.select_related("article", "edition")

    assert {alert.article.translation_group for alert in alerts} == {_group("world-turkey-earthquake")}
    assert sorted(alert.edition.code for alert in alerts) == ["ar", "ckb", "en"]


def test_demo_alerts_say_they_reached_nobody_and_do_not_warn_an_editor(seeded, settings):
    settings.ALERTS_PER_EDITION_HOURLY_WARNING = 1  # one counted demo alert would be enough to warn
    for alert in Alert.objects.all():
        delivery.alert_fanout(alert_id=alert.pk)  # what the worker does once the publication commits

    assert set(Alert.objects.values_list("state", "targeted", "sent")) == {(AlertState.NO_AUDIENCE, 0, 0)}
    earthquake = Article.objects.get(edition__code="en", translation_group=_group("world-turkey-earthquake"))
    other_story = Article.objects.published().filter(edition__code="en").exclude(pk=earthquake.pk).first()
    first_of_the_day = AlertFactory(edition=earthquake.edition, article=other_story)
    assert alert_warnings(alert=first_of_the_day) == []


def test_the_printed_login_uses_the_site_address(seeded, settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://192.0.2.7:8123"

    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert "Demo admin: http://192.0.2.7:8123/admin/  user: editor" in out.getvalue()
