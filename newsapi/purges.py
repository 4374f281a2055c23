"""Which cached responses a content change reaches: the surrogate keys to purge, one function per kind of change.

The keys are the ones the read API and the web pages name in ``Surrogate-Key``
(``newsapi/api/views.py``, ``newsapi/web/``):

- ``article-{id}``: every response showing that article: its detail and page, and each list,
  related strip or tag page that has it as a card;
- ``articles-{ed}`` (article lists and feeds), ``home-{ed}``, ``search-{ed}``, ``most-read-{ed}``,
  ``sync-{ed}``, ``tag-{ed}-{slug}``: the lists of an edition, which an article enters by
  being published or moved;
- ``sitemaps``, ``sections``, ``editions``, ``app-config``, ``web``; ``edition-{ed}``: everything of one edition.

An article change purges what readers saw before it and what they see after it, and no more: a
publication in World leaves the cached detail of every other World story alone (``section-{slug}``,
carried by each of them, is purged only when the section itself changes). Structural edits
(editions, sections: names on every card and in every page's navigation) purge whole editions.

Services and admin pages call these and hand the keys to ``backend.purge.purge_on_commit``. With no
purger configured the snapshots are skipped (``None``) and no key is computed.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from backend.purge import purging
from newsapi.models import Article, ArticleStatus, Author, Edition, Tag


@dataclass(frozen=True, kw_only=True)
class ArticleSeen:
    """What readers can see of an article at one moment: whether at all, and where it is listed."""

    pk: int
    published: bool
    edition: str
    tags: frozenset[str]
    # The other editions' published versions of the story: their pages link this one.
    translations: frozenset[int]


def article_seen(article: Article) -> ArticleSeen | None:
    """A snapshot of ``article`` as saved now; None when nothing caches in front (no purger)."""
    if not purging():
        return None
    return ArticleSeen(
        pk=article.pk,
        published=article.status == ArticleStatus.PUBLISHED,
        edition=Edition.objects.values_list("code", flat=True).get(pk=article.edition_id),
        tags=frozenset(article.tags.values_list("slug", flat=True)),
        translations=frozenset(
            Article.objects.published()
            .filter(translation_group=article.translation_group)
            .exclude(pk=article.pk)
            .values_list("pk", flat=True)
        ),
    )


def _edition_lists(code: str) -> set[str]:
    return {f"articles-{code}", f"home-{code}", f"search-{code}", f"most-read-{code}", f"sync-{code}"}


def _article_keys(seen: ArticleSeen | None) -> set[str]:
    if seen is None or not seen.published:
        return set()
    return {
        f"article-{seen.pk}",
        *_edition_lists(seen.edition),
        *(f"tag-{seen.edition}-{slug}" for slug in seen.tags),
        *(f"article-{pk}" for pk in seen.translations),
        "sitemaps",
    }


def article_change_keys(*, before: ArticleSeen | None, after: ArticleSeen | None) -> set[str]:
    """A publication, correction, move or withdrawal: every response that showed the article, or that
    lists it now. Nothing while it is not published, before and after (a draft's edits)."""
    return _article_keys(before) | _article_keys(after)


def articles_change_keys(*, articles: Iterable[Article]) -> set[str]:
    """Something shown with each of ``articles`` changed (their picture, an author's name)."""
    keys: set[str] = set()
    for article in articles:
        keys |= _article_keys(article_seen(article))
    return keys


def image_change_keys(*, image_id: int) -> set[str]:
    """A picture's caption, credit, alt text, file or renditions changed: the published articles showing it."""
    if not purging():
        return set()
    return articles_change_keys(articles=Article.objects.published().filter(image_id=image_id))


def author_change_keys(*, author: Author) -> set[str]:
    """An author's name or slug: the pages and sync entries of their published articles (cards carry no bylines)."""
    if not purging():
        return set()
    articles = Article.objects.published().filter(authors=author).select_related("edition")
    keys: set[str] = set()
    for article in articles:
        keys |= {f"article-{article.pk}", f"sync-{article.edition.code}"}
    return keys


def tag_change_keys(*, before: Tag | None, after: Tag | None) -> set[str]:
    """A tag renamed, moved or deleted: its name is on the cards of every list of its edition."""
    if not purging():
        return set()
    return {f"edition-{tag.edition.code}" for tag in (before, after) if tag is not None}


def section_change_keys() -> set[str]:
    """A section renamed, re-slugged or reordered: its names are on cards and in the navigation of every edition."""
    if not purging():
        return set()
    return {"sections", *(f"edition-{code}" for code in Edition.objects.values_list("code", flat=True))}


def edition_change_keys(*, before: Edition | None, after: Edition | None) -> set[str]:
    """An edition's name, direction or order: the editions list, the apps' configuration, and every edition
    (each page's language links name the others). A code that changed is purged under its old name too."""
    if not purging():
        return set()
    codes = set(Edition.objects.values_list("code", flat=True))
    codes |= {edition.code for edition in (before, after) if edition is not None}
    return {"editions", "app-config", *(f"edition-{code}" for code in codes)}


def app_release_change_keys() -> set[str]:
    """Store links and versions: the apps' configuration and the "get the app" links on every web page."""
    return {"app-config", "web"}
