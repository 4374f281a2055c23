"""Cards and detail bodies for the read API, from the fragment cache (``backend.fragments``), rendered where missing.

A view asks the database which articles it shows, as refs (``selectors.Ref``: ``id``, ``published_at``,
``updated_at``, ``section_id``, from ``selectors.article_card_refs`` and its kin), then turns them into JSON here:

- ``cards``: each article's card (``ArticleCardSerializer``), as every list shows it;
- ``bodies``: a detail without its ``related`` and ``translations`` (``ArticleFullSerializer.body``),
  which the view adds: they depend on other articles.

Each is looked up under ``<kind>:<label>:<origin>:<release>:<id>:<updated_at>`` in one ``get_many``:

- ``label``: the shared label of ``backend.fragments``;
- ``origin``: the request's scheme and host, which pictures' absolute addresses are built with;
- ``release``: a digest of the code that builds cards and bodies and of the settings their addresses
  come from, so a deploy that changes either is never served the last release's fragments;
- ``updated_at``: the article's, which needs only to differ from one save to the next (two servers'
  clocks may disagree; no order is assumed).

The missing ones are rendered in the card's fixed queries and stored, each under the ``updated_at`` of
the row it was rendered from. A ref whose article was withdrawn between the two reads is left out.
"""

import hashlib
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from rest_framework.request import Request

from backend import fragments
from newsapi import selectors
from newsapi.api.serializers import ArticleCardSerializer, ArticleFullSerializer

Rendered = dict[int, tuple[datetime, dict[str, Any]]]


class Named(Protocol):
    """What names an article's fragments: an ``Article`` or a ``selectors.Ref``."""

    @property
    def pk(self) -> int: ...

    @property
    def updated_at(self) -> datetime: ...


def cards(refs: Sequence[Named], request: Request) -> list[dict[str, Any]]:
    """The cards of ``refs``, in their order."""
    return _fragments("card", refs, request, _render_cards)


def bodies(refs: Sequence[Named], request: Request) -> list[dict[str, Any]]:
    """The detail bodies of ``refs``, in their order (the view adds ``related`` and ``translations``)."""
    return _fragments("body", refs, request, _render_bodies)


def _render_cards(ids: list[int], request: Request) -> Rendered:
    serializer = ArticleCardSerializer(context={"request": request})
    articles = selectors.cards_by_id(ids)
    return {article.pk: (article.updated_at, serializer.to_representation(article)) for article in articles}


def _render_bodies(ids: list[int], request: Request) -> Rendered:
    serializer = ArticleFullSerializer(context={"request": request})
    return {article.pk: (article.updated_at, serializer.body(article)) for article in selectors.articles_by_id(ids)}


def _fragments(
    kind: str, refs: Sequence[Named], request: Request, render: Callable[[list[int], Request], Rendered]
) -> list[dict[str, Any]]:
    if not refs:
        return []
    if not fragments.enabled():
        rendered = render([ref.pk for ref in refs], request)
        return [rendered[ref.pk][1] for ref in refs if ref.pk in rendered]
    # The label before anything is rendered (backend.fragments: the ordering that keeps keys honest).
    prefix = f"{kind}:{fragments.label()}:{_origin(request)}:{_release()}"
    keys = {ref.pk: _key(prefix, ref.pk, ref.updated_at) for ref in refs}
    found = fragments.get_many(list(keys.values()))
    data = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [ref.pk for ref in refs if ref.pk not in data]
    if missing:
        rendered = render(missing, request)
        fragments.set_many({_key(prefix, pk, updated_at): item for pk, (updated_at, item) in rendered.items()})
        data.update((pk, item) for pk, (_, item) in rendered.items())
    return [data[ref.pk] for ref in refs if ref.pk in data]


def _key(prefix: str, pk: int, updated_at: datetime) -> str:
    return f"{prefix}:{pk}:{updated_at.timestamp():.6f}"


def _origin(request: Request) -> str:
    origin = f"{request.scheme}://{request.get_host()}"
    return hashlib.blake2b(origin.encode(), digest_size=6).hexdigest()


# Where what a card or a body shows is decided: the fields and their order, the addresses, the section names.
SHAPING_MODULES = ("newsapi.api.cards", "newsapi.api.serializers", "newsapi.selectors", "newsapi.models")


def _release() -> str:
    addresses = f"{settings.SITE_URL}|{settings.MEDIA_URL}|{settings.STORAGES.get('default')}"
    return hashlib.blake2b(f"{_code_digest()}|{addresses}".encode(), digest_size=6).hexdigest()


@cache
def _code_digest() -> str:
    digest = hashlib.blake2b(digest_size=8)
    for name in SHAPING_MODULES:
        digest.update(Path(sys.modules[name].__file__ or name).read_bytes())
    return digest.hexdigest()
