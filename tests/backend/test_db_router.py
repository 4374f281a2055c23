"""The read replica (backend/db_router.py): two aliases, and which one each request's queries went to.

``replica`` is a second connection to the test database, as a deployment's replica is a second
server with the same rows; the tests commit (``transaction=True``) so both connections see them.
Every query is logged with the alias of the connection that ran it.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client

from backend.db_router import REPLICA, ReplicaRouter, public_read
from newsapi.models import Article, ContentVersion, article_web_url
from tests.factories import published_article, user_with_role
from tests.notifications.factories import DeviceFactory, device_secret

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def replica() -> Iterator[None]:
    """The alias ``replica``: its own connection to the test database (a test mirror of ``default``)."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    # Connected now: Django's test case refuses to open a connection for an alias it was not told of.
    connections[REPLICA].connect()
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@contextmanager
def query_log() -> Iterator[list[tuple[str, str]]]:
    """(alias, SQL) of every query run on any connection while inside."""
    log: list[tuple[str, str]] = []

    def record(execute, sql, params, many, context):
        log.append((context["connection"].alias, sql))
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(record))
        yield log


def aliases(log: list[tuple[str, str]]) -> set[str]:
    return {alias for alias, _ in log}


def test_without_a_replica_every_read_is_on_default():
    article = published_article()

    with query_log() as log:
        response = Client().get(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 200
    assert log and aliases(log) == {DEFAULT_DB_ALIAS}
    with public_read():
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS


def test_the_read_api_reads_only_the_replica(replica):
    article = published_article()
    client = Client()

    for url in (
        "/api/v1/articles/?lang=en",
        f"/api/v1/articles/{article.pk}/",
        "/api/v1/home/?lang=en",
        "/api/v1/search/?lang=en&q=story",
        "/api/v1/alerts/?lang=en",
    ):
        with query_log() as log:
            response = client.get(url)
        assert response.status_code == 200, url
        assert log and aliases(log) == {REPLICA}, (url, log)
        if url == "/api/v1/articles/?lang=en":  # the committed article, read through the replica's connection
            assert [card["id"] for card in response.json()["results"]] == [article.pk]


def test_web_pages_read_only_the_replica(replica):
    path = urlsplit(article_web_url(published_article())).path

    with query_log() as log:
        response = Client().get(path)

    assert response.status_code == 200
    assert log and aliases(log) == {REPLICA}


def test_writes_never_go_to_the_replica(replica):
    published_article()
    body = {"token": "fcm-token-replica-" + "a" * 40, "platform": "android", "app_version": "2.4.1", "language": "en"}

    with query_log() as log:
        response = Client().post("/api/v1/devices/", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert aliases(log) == {DEFAULT_DB_ALIAS}
    assert any(sql.startswith("INSERT") for _, sql in log)


def test_device_endpoints_sync_and_the_admin_read_the_primary(replica):
    published_article()
    device = DeviceFactory()
    secret = device_secret(device)
    editor = user_with_role("Editor")
    admin = Client()
    admin.force_login(editor)

    for client, url, headers in (
        (Client(), f"/api/v1/devices/{device.pk}/", {"HTTP_AUTHORIZATION": f"Device {secret}"}),
        (Client(), "/api/v1/sync/?lang=en", {}),
        (admin, "/admin/", {}),
        (admin, "/en/", {}),  # an editor's session: they may be checking what they just published
    ):
        with query_log() as log:
            response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert log and aliases(log) == {DEFAULT_DB_ALIAS}, (url, log)


def test_a_read_after_a_write_in_the_same_request_reads_the_primary(replica):
    published_article()

    with public_read(), query_log() as log:
        Article.objects.count()
        ContentVersion.bump()
        Article.objects.count()

    assert [alias for alias, _ in log] == [REPLICA, DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS]


def test_reads_inside_a_transaction_and_of_users_read_the_primary(replica):
    user_with_role("Editor")

    with public_read(), query_log() as log:
        with transaction.atomic():
            Article.objects.count()
        get_user_model().objects.count()
        Article.objects.count()

    # The SELECTs only: SQLite logs the atomic block's SAVEPOINT and RELEASE as queries too.
    selects = [alias for alias, sql in log if sql.lstrip().upper().startswith("SELECT")]
    assert selects == [DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS, REPLICA]


def test_the_mark_ends_with_the_request(replica):
    published_article()
    Client().get("/api/v1/articles/?lang=en")

    with query_log() as log:
        Article.objects.count()

    assert aliases(log) == {DEFAULT_DB_ALIAS}


def test_a_request_that_wrote_does_not_pin_the_next_one(replica):
    client = Client()
    body = {"token": "fcm-token-pin-" + "b" * 40, "platform": "ios", "app_version": "2.4.1", "language": "en"}
    assert client.post("/api/v1/devices/", body, content_type="application/json").status_code == 201

    with query_log() as log:
        assert client.get("/api/v1/articles/?lang=en").status_code == 200

    assert aliases(log) == {REPLICA}


def test_only_the_primary_is_migrated():
    routers = ReplicaRouter()

    assert routers.allow_migrate(REPLICA, "newsapi", "article") is False
    assert routers.allow_migrate(DEFAULT_DB_ALIAS, "newsapi", "article") is None
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "newsapi", model_name="article") is True


def test_a_replica_url_adds_the_alias_as_a_test_mirror(tmp_path):
    show = (
        "import json; from django.conf import settings; print(json.dumps({"
        "'replica': settings.DATABASES['replica'], 'routers': settings.DATABASE_ROUTERS, "
        "'first': settings.MIDDLEWARE[0]}, default=str))"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "NEWSLINE_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://app@primary.internal:5432/newsline",
        "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/newsline",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", show],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["replica"]["HOST"] == "replica.internal"
    assert shown["replica"]["USER"] == "reader"
    assert shown["replica"]["TEST"]["MIRROR"] == "default"
    assert shown["routers"] == ["backend.db_router.ReplicaRouter"]
    assert shown["first"] == "backend.db_router.ReplicaReadMiddleware"
