"""The newsroom roles exist after migrate, with exactly their permissions, and syncing is idempotent."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured

from backend import roles
from backend.roles import CHIEF_EDITOR, EDITOR, REPORTER, roles_sync

pytestmark = pytest.mark.django_db


def names(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_created_the_three_roles_with_their_permissions():
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ROLES)}

    assert set(groups) == {REPORTER, EDITOR, CHIEF_EDITOR}
    for name, wanted in roles.ROLES.items():
        assert names(groups[name]) == set(wanted)


def test_each_role_holds_everything_the_role_below_it_holds():
    reporter, editor, chief = (names(Group.objects.get(name=n)) for n in (REPORTER, EDITOR, CHIEF_EDITOR))

    assert reporter < editor < chief
    assert "newsapi.publish_article" not in reporter and "notifications.send_alert" not in reporter
    assert {"newsapi.publish_article", "notifications.send_alert"} <= editor
    assert "auth.change_user" not in editor and "auth.change_user" in chief


def test_syncing_again_changes_nothing_and_puts_back_what_was_changed_by_hand():
    reporter = Group.objects.get(name=REPORTER)
    reporter.permissions.add(Permission.objects.get(codename="publish_article"))
    before = Group.objects.count()

    roles_sync()
    roles_sync()

    assert Group.objects.count() == before
    assert names(reporter) == set(roles.ROLES[REPORTER])


def test_a_role_naming_a_permission_that_does_not_exist_is_refused(monkeypatch):
    monkeypatch.setitem(roles.ROLES, REPORTER, ["newsapi.publish_everything"])

    with pytest.raises(ImproperlyConfigured, match="publish_everything"):
        roles_sync()


# --- The user admin ----------------------------------------------------------------------------------


def test_a_chief_editor_manages_users_through_roles_only(client):
    from tests.factories import user_with_role

    chief, reporter = user_with_role(CHIEF_EDITOR), user_with_role(REPORTER)
    client.force_login(chief)

    html = client.get(f"/admin/auth/user/{reporter.pk}/change/").content.decode()

    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    assert f">{EDITOR}<" in html


def test_a_chief_editor_cannot_make_anyone_a_superuser_by_a_forged_post(client):
    from tests.factories import user_with_role

    chief, reporter = user_with_role(CHIEF_EDITOR), user_with_role(REPORTER)
    client.force_login(chief)
    editor_group = Group.objects.get(name=EDITOR)

    client.post(
        f"/admin/auth/user/{reporter.pk}/change/",
        {
            "username": reporter.username, "is_active": "on", "is_staff": "on", "is_superuser": "on",
            "groups": [editor_group.pk], "user_permissions": [Permission.objects.get(codename="change_user").pk],
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        },
    )  # fmt: skip

    reporter.refresh_from_db()
    assert not reporter.is_superuser
    assert not reporter.user_permissions.exists()
    assert list(reporter.groups.values_list("name", flat=True)) == [EDITOR]  # roles are what a chief editor hands out


def test_a_chief_editor_cannot_change_a_superuser(client):
    from django.contrib.auth import get_user_model

    from tests.factories import user_with_role

    root = get_user_model().objects.create_superuser("root", "root@example.com", "a-long-test-password")
    client.force_login(user_with_role(CHIEF_EDITOR))

    response = client.post(f"/admin/auth/user/{root.pk}/change/", {"username": "renamed"})

    assert response.status_code == 403
    root.refresh_from_db()
    assert root.username == "root"
