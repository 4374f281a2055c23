"""`make run`'s embedded mode does what production does on time: SQLite, no Redis, a broker in files,
a Celery worker with beat beside the web process. Scheduled articles go live and quiet-hours
deferrals go out with nothing else set up."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.fcm_emulator import EmulatorServer
from tests.e2e.worker import ROOT, CeleryWorker

pytestmark = pytest.mark.e2e


@pytest.fixture
def embedded(tmp_path: Path):
    """The environment make run gives its processes, on a fresh SQLite database in tmp_path."""
    with EmulatorServer() as emulator:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "CACHE_"))}
        env.update(
            DEBUG="1",
            NEWSLINE_VAR_DIR=str(tmp_path / "var"),
            CELERY_BROKER_URL="filesystem://",
            FCM_ENDPOINT=emulator.url,
            SCHEDULED_PUBLISHING_INTERVAL_SECONDS="1",
            DEFERRED_ALERTS_INTERVAL_SECONDS="1",
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage(env, "migrate", "--no-input", "-v0")
        with CeleryWorker(env=env, log_path=tmp_path / "worker.log", concurrency=1) as worker:
            yield env, emulator, worker


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def shell(env: dict[str, str], code: str) -> object:
    """Run ``code`` (which sets ``out``) in the embedded mode's own process, as the web process would."""
    return json.loads(
        manage(env, "shell", "--verbosity", "0", "-c", code + "\nprint(json.dumps(out))").splitlines()[-1]
    )


SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from newsapi.models import Article, Edition, Section
from newsapi.services import article_create, article_publish, article_schedule
from notifications import services
from notifications.models import Alert, Delivery, Device
world, _ = Section.objects.get_or_create(slug="world", defaults={"auto_alert": True})
en = Edition.objects.get(code="en")
"""


def wait_for(env: dict[str, str], code: str, expected: object, worker: CeleryWorker, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while (value := shell(env, SETUP + code)) != expected:
        assert time.monotonic() < deadline, f"{value!r} != {expected!r}\n{worker.log_tail()}"
        time.sleep(0.5)


def test_a_scheduled_article_goes_live_on_time(embedded):
    env, _, worker = embedded
    pk = shell(
        env,
        SETUP
        + """
article = article_create(by=None, edition=en, section=world, title="Budget vote tonight")
article_schedule(article=article, by=None, publish_at=timezone.now() + timedelta(seconds=2))
out = article.pk
""",
    )

    wait_for(env, f"out = Article.objects.get(pk={pk}).status", "published", worker)


def test_an_alert_held_back_by_quiet_hours_goes_out_when_the_night_ends(embedded):
    env, emulator, worker = embedded
    shell(
        env,
        SETUP
        + """
from zoneinfo import ZoneInfo
local = timezone.now().astimezone(ZoneInfo("Asia/Baghdad"))
device = Device.objects.create(
    token="night-owl-0123456789abcdef", platform="android", edition=en, timezone="Asia/Baghdad",
    quiet_start=(local - timedelta(hours=1)).time(), quiet_end=(local + timedelta(hours=1)).time(),
    refreshed_at=timezone.now(),
)
article = article_create(by=None, edition=en, section=world, title="Talks resume")
article_publish(article=article, by=None)
alert = services.alert_create(
    by=None, edition=en, article=article, title="Talks resume", body="In Geneva.", urgency="normal"
)
services.alert_queue(alert=alert, by=None)
out = alert.pk
""",
    )
    wait_for(env, "out = list(Delivery.objects.values_list('state', flat=True))", ["deferred"], worker)
    assert emulator.client.all_messages() == []

    shell(env, SETUP + "out = Delivery.objects.update(deliver_after=timezone.now() - timedelta(seconds=1))")

    wait_for(env, "out = list(Delivery.objects.values_list('state', flat=True))", ["accepted"], worker)
    assert [m["token"] for m in emulator.client.all_messages()] == ["night-owl-0123456789abcdef"]
