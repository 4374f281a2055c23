"""factory_boy factories for the content model. Published articles go through the real service."""

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from newsapi.models import Article, ArticleStatus, Author, Edition, Image, Section, SectionName, Tag


def edition(code: str = "en") -> Edition:
    """The editions are seeded by a migration; tests look them up."""
    return Edition.objects.get(code=code)


class SectionFactory(factory.django.DjangoModelFactory[Section]):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def names(self, create, extracted, **kwargs):
        if not create:
            return
        for code, name in (extracted or {"en": self.slug.replace("-", " ").title()}).items():
            SectionName.objects.update_or_create(section=self, edition=edition(code), defaults={"name": name})


class TagFactory(factory.django.DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("edition", "slug")

    edition = factory.LazyFunction(edition)
    slug = factory.Sequence(lambda n: f"tag-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class AuthorFactory(factory.django.DjangoModelFactory[Author]):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")


def png_bytes(width: int = 1200, height: int = 800, color: str = "#336699") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


class ImageFactory(factory.django.DjangoModelFactory[Image]):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="hero.png"))
    caption = "Smoke rises over the city"
    credit = "Reuters"
    alt = "A column of smoke above low rooftops"


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    """A draft by default; use ``published_article`` for a live one."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    edition = factory.LazyFunction(edition)
    section = factory.SubFactory(SectionFactory, slug="world", names={"en": "World"})
    title = factory.Sequence(lambda n: f"Story number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    summary = "What happened, in one sentence."
    body_html = "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    credit = "Newsline"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)
            self.refresh_search_index()  # as the services do: the names are searchable

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)
            self.refresh_search_index()


def user_with_role(role: str | None, username: str | None = None):
    """A staff user in one of the newsroom's groups (backend.roles), or in none."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username or f"{(role or 'nobody').lower().replace(' ', '-')}-{get_user_model().objects.count()}",
        password="a-long-test-password",
        is_staff=True,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def published_article(**kwargs) -> Article:
    """A published article, made the only way articles get published: ``article_publish``."""
    from newsapi.services import article_publish

    published_at = kwargs.pop("published_at", None)
    article = ArticleFactory(**kwargs)
    article_publish(article=article, by=None)
    if published_at is not None:
        Article.objects.filter(pk=article.pk).update(published_at=published_at)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    return article


__all__ = [
    "ArticleFactory",
    "AuthorFactory",
    "ImageFactory",
    "SectionFactory",
    "TagFactory",
    "published_article",
    "user_with_role",
]
