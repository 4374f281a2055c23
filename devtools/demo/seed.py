"""Load the demo newsroom through the editorial services, as a newsroom would fill it.

Idempotent: it creates what is missing and never changes what exists, so a second run
adds nothing and an editor's changes survive. A story is recognised by its translation
group, derived from the story's key, so edited titles or slugs do not create duplicates.

Articles are created, published, scheduled and withdrawn by ``newsapi.services`` and
their pictures uploaded through ``newsapi.images`` (the worker builds their renditions
once the seed commits), so content versions, hooks and alerts behave as in production:
the week of news is published with its original times (an archive import), and the
freshest breaking World story sends its automatic alert.
Sections, tags and authors are reference data with no behaviour of their own; they are
created directly.
"""

import os
import random
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageOps

from devtools.demo import content as demo
from newsapi.images import image_upload
from newsapi.models import Article, ArticleStatus, Author, Edition, Section, SectionName, Tag
from newsapi.services import (
    article_create,
    article_publish,
    article_schedule,
    article_submit_for_review,
    article_unpublish,
)

# A story's translation group is uuid5(DEMO_NAMESPACE, story key): the same in every edition and every run.
DEMO_NAMESPACE = uuid.UUID("6f1c2a4e-9b1d-4c55-8a53-0d8f3e2b7c10")
ADMIN_USERNAME = "editor"
DEFAULT_ADMIN_PASSWORD = "newsline-demo"  # noqa: S105 (a demo login, printed on purpose; DEBUG only)
HERO_SIZE = (1280, 720)  # WebP renditions at 320, 640 and 1024 and the 1000 px notification JPEG
# Each edition after the first publishes its translation of a story this much later.
TRANSLATION_LAG = timedelta(minutes=10)
SECTION_COLOURS = {spec.slug: spec.colours for spec in demo.SECTIONS}


@dataclass
class Seeded:
    created: int  # articles created by this run
    admin: AbstractUser
    password: str | None  # the demo admin's password when this run created it


@transaction.atomic
def seed_demo(*, now: datetime) -> Seeded:
    """Create whatever of the demo newsroom is missing, with stories dated relative to ``now``."""
    editor, password = _demo_admin()
    editions = _editions()
    sections = _sections(editions)
    tags = _tags(editions)
    authors = _authors()
    created = 0
    for index, story in enumerate(demo.STORIES):
        for language, text in story.texts.items():
            created += _article(
                story=story,
                language=language,
                text=text,
                edition=editions[language],
                section=sections[story.section],
                tags=[tags[language, key] for key in story.tags],
                author=authors[language][index % len(authors[language])],
                editor=editor,
                now=now,
            )
    return Seeded(created=created, admin=editor, password=password)


def _demo_admin() -> tuple[AbstractUser, str | None]:
    """The demo superuser, and its password when this run created it (a changed password is left alone)."""
    users = get_user_model()
    existing = users.objects.filter(username=ADMIN_USERNAME).first()
    if existing is not None:
        return existing, None
    password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD
    user = users.objects.create_superuser(username=ADMIN_USERNAME, email="editor@example.com", password=password)
    return user, password


def admin_url() -> str:
    return f"{settings.SITE_URL}/admin/"


def _editions() -> dict[str, Edition]:
    """The editions migration 0002 seeds; every section is named in each of them."""
    codes = {code for spec in demo.SECTIONS for code in spec.names}
    editions = {edition.code: edition for edition in Edition.objects.filter(code__in=codes)}
    missing = sorted(codes - editions.keys())
    if missing:
        raise ImproperlyConfigured(f"Editions {', '.join(missing)} are missing; run `manage.py migrate` first.")
    return editions


def _sections(editions: dict[str, Edition]) -> dict[str, Section]:
    sections = {}
    for position, spec in enumerate(demo.SECTIONS, start=1):
        section, _ = Section.objects.get_or_create(
            slug=spec.slug, defaults={"position": position, "auto_alert": spec.auto_alert}
        )
        for code, name in spec.names.items():
            SectionName.objects.get_or_create(section=section, edition=editions[code], defaults={"name": name})
        sections[spec.slug] = section
    return sections


def _tags(editions: dict[str, Edition]) -> dict[tuple[str, str], Tag]:
    tags = {}
    for key, names in demo.TAGS.items():
        for language, name in names.items():
            tags[language, key], _ = Tag.objects.get_or_create(
                edition=editions[language], slug=slugify(name, allow_unicode=True), defaults={"name": name}
            )
    return tags


def _authors() -> dict[str, list[Author]]:
    return {
        language: [Author.objects.get_or_create(slug=slug, defaults={"name": name})[0] for slug, name in byline.items()]
        for language, byline in demo.AUTHORS.items()
    }


def _article(
    *,
    story: demo.Story,
    language: str,
    text: demo.StoryText,
    edition: Edition,
    section: Section,
    tags: list[Tag],
    author: Author,
    editor: AbstractUser,
    now: datetime,
) -> bool:
    """Create ``story`` in ``language`` unless it exists, and bring it to its state. True when created."""
    group = uuid.uuid5(DEMO_NAMESPACE, story.key)
    if Article.objects.filter(edition=edition, translation_group=group).exists():
        return False
    hero = _hero_jpeg(seed=f"{story.key}/{language}", colours=SECTION_COLOURS[story.section])
    image = image_upload(
        by=None,
        file=ContentFile(hero, name=f"{story.key}-{language}.jpg"),
        caption=text.caption,
        credit=demo.IMAGE_CREDIT[language],
        alt=demo.IMAGE_ALT[language],
    )
    article = article_create(
        by=editor,
        edition=edition,
        section=section,
        title=text.title,
        summary=text.summary,
        body_html=text.body_html(language),
        credit=demo.CREDITS[story.credit][language],
        image=image,
        is_breaking=story.breaking,
        tags=tags,
        authors=[author],
        translation_group=group,
    )
    state = story.states.get(language, ArticleStatus.PUBLISHED)
    at = now - timedelta(hours=story.hours_ago)
    if state == ArticleStatus.IN_REVIEW:
        article_submit_for_review(article=article, by=editor)
    elif state == ArticleStatus.SCHEDULED:
        article_schedule(article=article, by=editor, publish_at=at)
    elif state in (ArticleStatus.PUBLISHED, ArticleStatus.UNPUBLISHED):
        # A week of news, each translation a little after the original, none in the future.
        at = min(now, at + TRANSLATION_LAG * demo.LANGUAGES.index(language))
        article_publish(article=article, by=editor, published_at=at)
        if state == ArticleStatus.UNPUBLISHED:
            article_unpublish(article=article, by=editor, reason=demo.UNPUBLISH_REASON)
    return True


def _hero_jpeg(*, seed: str, colours: tuple[str, str]) -> bytes:
    """A 16:9 picture in the section's colours: a gradient under translucent circles, rings and bands."""
    rng = random.Random(zlib.crc32(seed.encode()))
    gradient = PILImage.linear_gradient("L")
    if rng.random() < 0.5:
        gradient = gradient.transpose(PILImage.Transpose.ROTATE_90)
    picture = ImageOps.colorize(gradient.resize(HERO_SIZE), black=colours[0], white=colours[1]).convert("RGBA")
    overlay = PILImage.new("RGBA", HERO_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width, height = HERO_SIZE
    for _ in range(rng.randint(6, 10)):
        x, y, r = rng.randrange(-100, width), rng.randrange(-100, height), rng.randrange(60, 360)
        tone = (255, 255, 255) if rng.random() < 0.7 else (0, 0, 0)
        fill = (*tone, rng.randrange(30, 110))
        shape = rng.choice(("circle", "ring", "band"))
        if shape == "circle":
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        elif shape == "ring":
            draw.ellipse((x - r, y - r, x + r, y + r), outline=fill, width=rng.randrange(8, 28))
        else:
            draw.polygon([(x, y), (x + 3 * r, y - r), (x + 3 * r, y - r // 3), (x, y + 2 * r // 3)], fill=fill)
    buffer = BytesIO()
    PILImage.alpha_composite(picture, overlay).convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
