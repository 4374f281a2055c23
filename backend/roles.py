"""The newsroom's roles: Reporter, Editor and Chief editor, as Django groups with their permissions.

``roles_sync`` creates the groups and gives each exactly the permissions listed here; it runs
after every ``migrate`` (``make run`` and every deploy run one), so the groups exist on a fresh
database and follow this file when it changes. Who may do what to a given object is decided by
the apps' policies (``newsapi.permissions``, ``notifications.permissions``), which the services
ask before every state change.
"""

from typing import Any

from django.contrib.auth.models import AbstractUser, AnonymousUser, Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

# Who makes a change: a user, or None for the system itself (the scheduler, imports, the demo loader).
Actor = AbstractUser | AnonymousUser | None

REPORTER = "Reporter"
EDITOR = "Editor"
CHIEF_EDITOR = "Chief editor"

_REPORTER_PERMISSIONS = [
    # Write and edit their own drafts, with pictures and tags; submit them for review.
    "newsapi.add_article", "newsapi.change_article", "newsapi.view_article",
    "newsapi.add_image", "newsapi.change_image", "newsapi.view_image",
    "newsapi.add_tag", "newsapi.view_tag", "newsapi.view_author", "newsapi.view_section", "newsapi.view_edition",
    "notifications.view_alert",
]  # fmt: skip
_EDITOR_PERMISSIONS = [
    *_REPORTER_PERMISSIONS,
    # Publish, schedule, withdraw and correct anyone's articles; delete drafts; run the taxonomy.
    "newsapi.publish_article", "newsapi.delete_article", "newsapi.delete_image",
    "newsapi.change_tag", "newsapi.delete_tag", "newsapi.add_author", "newsapi.change_author",
    # Compose, queue and cancel push alerts.
    "notifications.send_alert", "notifications.add_alert", "notifications.change_alert", "notifications.delete_alert",
    "notifications.view_device",
]  # fmt: skip
_CHIEF_EDITOR_PERMISSIONS = [
    *_EDITOR_PERMISSIONS,
    # Sections, editions and app releases; the newsroom's users.
    "newsapi.add_section", "newsapi.change_section", "newsapi.delete_section",
    "newsapi.add_sectionname", "newsapi.change_sectionname", "newsapi.delete_sectionname", "newsapi.view_sectionname",
    "newsapi.add_edition", "newsapi.change_edition",
    "newsapi.add_apprelease", "newsapi.change_apprelease", "newsapi.view_apprelease",
    "newsapi.delete_author",
    "auth.add_user", "auth.change_user", "auth.view_user", "auth.view_group",
]  # fmt: skip

ROLES: dict[str, list[str]] = {
    REPORTER: _REPORTER_PERMISSIONS,
    EDITOR: _EDITOR_PERMISSIONS,
    CHIEF_EDITOR: _CHIEF_EDITOR_PERMISSIONS,
}


def recorded_user(by: Actor) -> Any:
    """The user to record as having made a change: None for the system or an anonymous caller."""
    return by if by is not None and by.is_authenticated else None


def actor_id(by: Actor) -> object:
    """Who acted, for the logs: a user's id, or None for the system."""
    return getattr(by, "pk", None)


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {(app_label, codename) for app_label, _, codename in (name.partition(".") for name in names)}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted}
        )
    }
    missing = sorted(".".join(key) for key in wanted - found.keys())
    if missing:
        raise ImproperlyConfigured(f"Roles name permissions that do not exist: {', '.join(missing)}")
    return [found[key] for key in sorted(wanted)]


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Create the role groups and set their permissions to exactly ``ROLES``. Idempotent."""
    counts = {}
    for name, permission_names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = _permissions(permission_names)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def roles_sync_after_migrate(*, using: str = "default", **_: Any) -> None:
    """post_migrate receiver: make every app's permissions first (Django would only after this app's turn)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()
