"""Pictures uploaded in the web process get their renditions from a real Celery worker process,
through Redis and PostgreSQL, after the upload commits."""

import io
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image as PILImage

from newsapi.images import NOTIFICATION_MAX_BYTES, image_delete, image_update, image_upload
from newsapi.models import Image, ImageRendition
from tests.e2e.worker import CeleryWorker, database_url

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="a real worker needs PostgreSQL and Redis (make test provides both)",
    ),
]

TASK = "newsapi.tasks.image_build_renditions"


def worker_env(media: Path) -> dict[str, str]:
    """The worker sees this test's database, broker and media folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "PYTEST_"))}
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(media),
        LOG_LEVEL="INFO",
    )
    return env


def photo(width: int, height: int, name: str) -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "#336699").save(buffer, format="JPEG", quality=90)
    return ContentFile(buffer.getvalue(), name=name)


def wait_for(worker: CeleryWorker, done, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, worker.log_tail()
        time.sleep(0.2)


def finished(worker: CeleryWorker, times: int) -> bool:
    return worker.log_path.read_text(errors="replace").count(f"Task {TASK}[") >= 2 * times  # received + succeeded


def test_an_upload_gets_its_renditions_from_the_worker_and_a_picture_deleted_first_is_skipped(
    tmp_path: Path, clean_broker: None
) -> None:
    media = Path(settings.MEDIA_ROOT)
    kept = image_upload(by=None, file=photo(1800, 1200, "harbour.jpg"), caption="Harbour at dawn")
    gone = image_upload(by=None, file=photo(900, 600, "mistake.jpg"))
    image_delete(image=gone, by=None)  # before any worker ran: its task is still in Redis
    assert not ImageRendition.objects.exists()  # nothing was built in this process

    with CeleryWorker(env=worker_env(media), log_path=tmp_path / "worker.log", concurrency=2, beat=False) as worker:
        wait_for(worker, lambda: finished(worker, 2))
        log = worker.log_tail(200)

    assert "Traceback" not in log and "ERROR" not in log, log
    renditions = list(kept.renditions.order_by("width", "format"))
    assert [(r.width, r.height, r.format) for r in renditions] == [
        (320, 213, "webp"),
        (640, 427, "webp"),
        (1000, 667, "jpeg"),
        (1024, 683, "webp"),
        (1600, 1067, "webp"),
    ]
    for rendition in renditions:
        path = media / rendition.file.name
        assert path.is_file(), path
        with PILImage.open(path) as picture:
            assert picture.size == (rendition.width, rendition.height)
    assert kept.renditions.get(format="jpeg").file.size <= NOTIFICATION_MAX_BYTES
    assert not Image.objects.filter(pk=gone.pk).exists()
    assert not ImageRendition.objects.filter(image_id=gone.pk).exists()
    assert not any("mistake" in path.name for path in media.rglob("*"))


def test_a_replaced_file_gets_new_renditions_from_the_worker(tmp_path: Path, clean_broker: None) -> None:
    media = Path(settings.MEDIA_ROOT)
    image = image_upload(by=None, file=photo(1800, 1200, "first.jpg"))

    with CeleryWorker(env=worker_env(media), log_path=tmp_path / "worker.log", concurrency=2, beat=False) as worker:
        wait_for(worker, lambda: finished(worker, 1))
        assert image.renditions.filter(format="webp").count() == 4

        image_update(image=image, by=None, changes={"file": photo(700, 700, "second.jpg")})
        assert not image.renditions.exists()  # the old picture's renditions went with it, at once
        wait_for(worker, lambda: finished(worker, 2))

    assert [(r.width, r.height, r.format) for r in image.renditions.order_by("width", "format")] == [
        (320, 320, "webp"),
        (640, 640, "webp"),
        (700, 700, "jpeg"),
    ]
    names = {path.name for path in media.rglob("*") if path.is_file()}
    assert not any(name.startswith("first") for name in names), names
