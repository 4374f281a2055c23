"""What publishing an article will set off, told to the editor before and after.

The content app does not know about push alerts (they are built on it, not the other way
round), yet an editor about to publish a breaking story must see the alert it will push
and how many phones it reaches before confirming. Apps that react to publishing register
a ``PublishEffects`` here (``notifications.hooks`` does); the admin's confirmation page
asks each one.
"""

from dataclasses import dataclass
from typing import Protocol

from backend.roles import Actor
from newsapi.models import Article


@dataclass(frozen=True, kw_only=True)
class PhonePreview:
    """A notification as phones will show it."""

    title: str
    body: str
    image_url: str | None
    link: str
    dir: str
    android_channel: str
    collapse_id: str = ""  # a later notification with the same tag replaces this one on the phone


@dataclass(frozen=True, kw_only=True)
class PublishPreview:
    """One consequence of publishing, shown on the confirmation page."""

    heading: str
    phone: PhonePreview | None
    audience: int
    warnings: list[str]
    notes: list[str]


@dataclass(frozen=True, kw_only=True)
class Link:
    label: str
    url: str


class PublishEffects(Protocol):
    def preview(self, *, article: Article, by: Actor) -> PublishPreview | None:
        """What publishing ``article`` now would set off, or None when nothing (no confirmation needed)."""

    def outcome(self, *, article: Article) -> Link | None:
        """Where to follow what publishing ``article`` set off (e.g. its alert and counts)."""

    def links(self, *, article: Article, by: Actor) -> list[Link]:
        """Further actions on the article's page (e.g. compose an alert for a published story)."""


effects: list[PublishEffects] = []


def publish_previews(*, article: Article, by: Actor) -> list[PublishPreview]:
    return [preview for effect in effects if (preview := effect.preview(article=article, by=by)) is not None]


def publish_outcomes(*, article: Article) -> list[Link]:
    return [link for effect in effects if (link := effect.outcome(article=article)) is not None]


def article_links(*, article: Article, by: Actor) -> list[Link]:
    return [link for effect in effects for link in effect.links(article=article, by=by)]
