"""``manage.py reindex_search``: analyse every article again for search, after the analysis changed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newsapi import search
from newsapi.models import Article, ContentVersion, Edition


class Command(BaseCommand):
    help = (
        "Store every article's search index again (newsapi.search), in batches, edition by edition. "
        "Run it after a change to newsapi.search_analysis; it changes nothing readers see but search results."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", help="Only this edition's articles (its code, e.g. ckb).")
        parser.add_argument(
            "--chunk-size", type=int, default=search.REINDEX_CHUNK, help="Articles read and written per batch."
        )

    def handle(
        self, *args: Any, lang: str | None = None, chunk_size: int = search.REINDEX_CHUNK, **options: Any
    ) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        editions = Edition.objects.all()
        if lang is not None:
            editions = editions.filter(code=lang)
            if not editions.exists():
                raise CommandError(f"No edition has the code {lang!r}.")
        total = 0
        for edition in editions:
            count = search.reindex(Article.objects.filter(edition=edition), chunk_size=chunk_size)
            self.stdout.write(f"{edition.code}: {count} articles re-indexed")
            total += count
        # Cached API and page responses are keyed by the content version: search answers are recomputed.
        ContentVersion.bump()
        self.stdout.write(f"Re-indexed {total} articles in {len(editions)} editions.")
