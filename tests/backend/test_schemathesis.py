"""Schemathesis against a live server: the served schema says exactly what the API accepts and returns.

Schemathesis reads /api/schema/ and sends generated requests to a real server (pytest-django's
``live_server``, a thread serving the test database) with every check on: no 5xx; status codes,
content types, headers and bodies as the schema declares; every schema-valid request accepted and
every schema-violating one refused; auth not ignored. The writes run too, as an app does them:
``GET``/``PATCH /devices/{id}/`` on a device registered through the API, with its secret; ``DELETE``
on a second one; events sent with the first one's secret.

The rules the schema can only state in words (a tag of the requested edition, a cursor the list
handed out, quiet hours that differ, ...) are taught to the generator by ``schemathesis_hooks.py``.
"""

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.utils import timezone

from newsapi.models import Edition
from notifications.device_secrets import secret_hash
from notifications.models import Alert, AlertState, Delivery, DeliveryState, Device
from tests.factories import AuthorFactory, SectionFactory, TagFactory, edition, published_article
from tests.notifications.factories import AlertFactory
from tests.notifications.throttling import THROTTLES, set_rates

# The server thread reads the rows this test writes, so they are committed (transaction=True); the
# editions that migrations seeded are put back afterwards for the tests that follow.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.once]

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
SEED = 20250509
# Test cases per operation and phase; 16 operations make this well over MIN_CASES in all (about 1,900).
MAX_EXAMPLES = 60
MIN_CASES = 1000
TIMEOUT_SECONDS = 300


def _call(url: str, body: Any = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _cursor(link: str | None) -> str:
    assert link, "the seeded content has a second page"
    return urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["cursor"][0]


@dataclass
class Content:
    """What the test seeded, for the schemathesis config and hooks."""

    article_ids: list[int]
    tags: dict[str, list[str]]  # slugs per edition code
    authors: list[str]


def _seed_content() -> Content:
    """Sections, tags in every edition, articles in three editions and two sent alerts."""
    world = SectionFactory(slug="world", names={"en": "World", "ckb": "جیهان", "ar": "العالم"})
    sport = SectionFactory(slug="sport", names={"en": "Sport", "ckb": "وەرزش"})
    flood = TagFactory(slug="flood", name="Flood")
    tags: dict[str, list[str]] = {"en": ["flood"]}
    for each in Edition.objects.all():
        TagFactory(edition=each, slug="news", name="News")
        tags.setdefault(each.code, []).append("news")
    lead = published_article(title="Flood warning", section=world, tags=[flood], is_breaking=True)
    articles = [
        lead,
        published_article(title="Flood again", section=sport, tags=[flood]),
        published_article(title="Markets", section=world),
        *(published_article(edition=edition(code), section=sport, slug=f"story-{code}") for code in ("ckb", "ar")),
    ]
    alerts = [AlertFactory(article=lead), AlertFactory()]
    Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
        state=AlertState.SENT, started_at=timezone.now() - timedelta(minutes=5)
    )
    authors = [AuthorFactory(slug="jane-doe").slug, AuthorFactory(slug="karwan").slug]
    return Content(article_ids=[article.pk for article in articles], tags=tags, authors=authors)


def _seed_inbox(device_id: int) -> list[int]:
    """Two alerts sent to the device in each edition: its inbox has a second page whatever language the
    run's PATCHes leave it in. Returns their ids."""
    started = timezone.now() - timedelta(minutes=5)
    ids: list[int] = []
    for each in Edition.objects.all():
        for _ in range(2):
            alert = AlertFactory(edition=each)
            Alert.objects.filter(pk=alert.pk).update(state=AlertState.SENT, started_at=started)
            Delivery.objects.create(alert=alert, device_id=device_id, state=DeliveryState.ACCEPTED)
            ids.append(alert.pk)
    return ids


def _cursors(base: str, device: dict[str, Any]) -> dict[str, list[str]]:
    """Real cursors of each kind of list, both directions, read from the API's own links."""
    inbox = f"{base}/api/v1/devices/{device['id']}/alerts/?page_size=1"
    device_auth = {"Authorization": f"Device {device['device_secret']}"}
    first = _call(f"{base}/api/v1/articles/?page_size=1")
    second = _call(f"{base}/api/v1/articles/?page_size=1&cursor={_cursor(first['next'])}")
    return {
        "feed": [_cursor(second["next"]), _cursor(second["previous"])],
        "search": [_cursor(_call(f"{base}/api/v1/search/?q=flood&page_size=1")["next"])],
        "sync": [_call(f"{base}/api/v1/sync/?page_size=1")["cursor"]],
        "alerts": [_cursor(_call(f"{base}/api/v1/alerts/?page_size=1")["next"])],
        "device-alerts": [_cursor(_call(inbox, headers=device_auth)["next"])],
    }


def _config(content: Content, device: dict[str, Any], doomed: dict[str, Any]) -> str:
    """schemathesis.toml: the device endpoints on real ids with their secrets; real ids and slugs for the
    other path parameters half of the time (the other half: any value, a 404 when unknown).

    Warnings that mean the run tested less than it seems fail it: an operation that only ever got
    401s (the secret stopped working), 404s (the device is gone) or 429s (throttled), or that refused
    all its valid input. Except where 404s are the expected answer to most requests.
    """
    tag_slugs = sorted({slug for slugs in content.tags.values() for slug in slugs})
    return f"""
[generation]
max-examples = {MAX_EXAMPLES}

[warnings]
fail-on = ["missing_auth", "missing_test_data", "rate_limited", "validation_mismatch"]

[dictionaries.articles]
values = {json.dumps(content.article_ids)}

[dictionaries.tags]
values = {json.dumps(tag_slugs)}

# Selected by name: several include-* keys in one block select what any of them matches.
[[operations]]
include-name = ["GET /api/v1/devices/{{id}}/", "PATCH /api/v1/devices/{{id}}/", "GET /api/v1/devices/{{id}}/alerts/"]
parameters = {{ id = {device["id"]} }}
headers = {{ Authorization = "Device {device["device_secret"]}" }}

# Its two ids are set by the hooks (positive cases: the device's, and an alert sent to it): a fixed id
# here would also replace the ids of the cases meant to break the schema.
[[operations]]
include-name = "POST /api/v1/devices/{{id}}/alerts/{{alert_id}}/read/"
headers = {{ Authorization = "Device {device["device_secret"]}" }}
# The alerts of the editions the device is not in at the time are a 404.
warnings = {{ display = ["missing_auth", "rate_limited"] }}

[[operations]]
include-name = "DELETE /api/v1/devices/{{id}}/"
parameters = {{ id = {doomed["id"]} }}
headers = {{ Authorization = "Device {doomed["device_secret"]}" }}
# Only the first DELETE finds its device.
warnings = {{ display = ["missing_auth", "rate_limited"] }}

[[operations]]
include-name = "POST /api/v1/events/"
headers = {{ Authorization = "Device {device["device_secret"]}" }}

[[operations]]
include-name = "GET /api/v1/articles/{{id}}/"
parameters = {{ "path.id" = {{ dictionary = "articles", probability = 0.5 }} }}
# The coverage phase picks its own ids, which the database's sequences put out of reach.
warnings = {{ display = ["missing_auth", "rate_limited"] }}

[[operations]]
include-name = "GET /api/v1/tags/{{slug}}/"
parameters = {{ "path.slug" = {{ dictionary = "tags", probability = 0.5 }} }}
warnings = {{ display = ["missing_auth", "rate_limited"] }}
"""


def test_schemathesis_finds_nothing(live_server, settings, monkeypatch, tmp_path):
    # The live server writes a response's headers and body in separate packets: with Nagle's algorithm
    # on, each keep-alive request then waits for the client's delayed ACK (40 ms). Production servers
    # (gunicorn) set TCP_NODELAY; so does this one, for the connections schemathesis opens.
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    # Thousands of requests from one address: the throttles would answer 429 to most of them.
    set_rates(settings, monkeypatch, **{throttle.scope: "1000000/min" for throttle in THROTTLES})
    settings.DEVICE_REGISTRATIONS_PER_IP_PER_DAY = 1_000_000
    settings.SYNC_SETTLE_SECONDS = 0

    content = _seed_content()
    base = live_server.url
    registration = {
        "token": "fcm-token-schemathesis-" + "a" * 40,
        "platform": "android",
        "language": "en",
        "timezone": "Asia/Baghdad",
        "sections": ["world"],
        "quiet_hours": {"start": "23:00", "end": "07:00"},
    }
    device = _call(f"{base}/api/v1/devices/", registration)
    doomed = _call(f"{base}/api/v1/devices/", {**registration, "token": "fcm-token-schemathesis-" + "b" * 40})
    inbox = _seed_inbox(device["id"])
    default_edition = Edition.objects.get(is_default=True).code
    data = {
        "tags": content.tags,
        "authors": content.authors,
        "default_edition": default_edition,
        "cursors": _cursors(base, device),
        "device": device["id"],
        "inbox": inbox,
    }
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(content, device, doomed))

    started = time.monotonic()
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{base}/api/schema/",
            "--checks",
            "all",
            "--seed",
            str(SEED),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "NEWSLINE_SCHEMATHESIS_DATA": json.dumps(data)},
        cwd=tmp_path,
        check=False,
    )
    output = f"{result.stdout}{result.stderr}\n(schemathesis ran {time.monotonic() - started:.0f} s)"
    print(output)
    assert result.returncode == 0, output
    generated = re.search(r"(\d+) generated", output)
    assert generated is not None and int(generated[1]) >= MIN_CASES, output
    # The device the writes ran on still answers to its secret: the run tested it to the end.
    assert Device.objects.filter(pk=device["id"], secret_hash=secret_hash(device["device_secret"])).exists()
