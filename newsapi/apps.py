from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class NewsapiConfig(AppConfig):
    name = "newsapi"
    verbose_name = "Content"

    def ready(self) -> None:
        from newsapi.models import Author, Edition, Section, SectionName, Tag

        # Shown with many articles' fragments (backend.fragments): a change to any of them, saved from the
        # admin, a service or a shell, renews the label every fragment key carries. An article's own changes
        # (its fields, tags, picture) move its updated_at instead.
        for model in (Edition, Section, SectionName, Tag, Author):
            post_save.connect(_shown_with_many_changed, sender=model, dispatch_uid=f"fragments-{model.__name__}-save")
            post_delete.connect(
                _shown_with_many_changed, sender=model, dispatch_uid=f"fragments-{model.__name__}-delete"
            )


def _shown_with_many_changed(**kwargs: Any) -> None:
    from backend import fragments

    fragments.changed()
