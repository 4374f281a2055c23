"""Who may do what to an article: the one policy the services enforce and the admin consults.

``None`` as the user is the system itself (the scheduler, imports, the demo loader): it may
do everything. A user may act only with the role permissions ``backend.roles`` grants:

- writing: ``add_article`` creates drafts; a reporter (``change_article`` without
  ``publish_article``) edits only their own drafts, and only while they are drafts;
- ``publish_article`` publishes, schedules and withdraws any article, and edits any article,
  including published ones (a correction);
- deleting needs ``delete_article`` and an article readers never saw.
"""

from backend.roles import Actor
from newsapi.models import Article, ArticleStatus

PUBLISH = "newsapi.publish_article"


def _can(user: Actor, permission: str) -> bool:
    return user is None or user.has_perm(permission)


class ArticlePolicy:
    def can_create(self, user: Actor) -> bool:
        return _can(user, "newsapi.add_article")

    def can_edit(self, user: Actor, article: Article) -> bool:
        if user is None:
            return True
        if not user.has_perm("newsapi.change_article"):
            return False
        if user.has_perm(PUBLISH):
            return True
        return (
            article.published_at is None
            and article.status == ArticleStatus.DRAFT
            and article.created_by_id is not None
            and article.created_by_id == user.pk
        )

    def can_submit_for_review(self, user: Actor, article: Article) -> bool:
        return self.can_edit(user, article)

    def can_publish(self, user: Actor) -> bool:
        """Publish, schedule and withdraw (any article)."""
        return _can(user, PUBLISH)

    def can_delete(self, user: Actor, article: Article) -> bool:
        return article.published_at is None and _can(user, "newsapi.delete_article")


article_policy = ArticlePolicy()
