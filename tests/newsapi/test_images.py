"""Pictures: the upload's checks and metadata stripping, the renditions built after commit, edits,
deletion, who may do each, and the image admin that saves through the services."""

import io
import os
import struct
import zlib
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageCms

from backend.roles import EDITOR, REPORTER
from config.celery import app as celery_app
from newsapi import tasks
from newsapi.images import (
    NOTIFICATION_MAX_BYTES,
    image_delete,
    image_generate_renditions,
    image_update,
    image_upload,
)
from newsapi.models import Article, ContentVersion, Image, ImageRendition
from tests.factories import ArticleFactory, png_bytes, published_article, user_with_role

pytestmark = pytest.mark.django_db

RENDITIONS_TASK = "newsapi.tasks.image_build_renditions"


# --- Helpers --------------------------------------------------------------------------------------


@contextmanager
def eager_celery():
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose after-commit work (the renditions task, file removals) runs here as it ends,
    as the embedded mode's eager Celery runs it; the real worker is tests/e2e/test_image_renditions.py."""

    @contextmanager
    def block():
        with eager_celery(), django_capture_on_commit_callbacks(execute=True):
            yield

    return block


@pytest.fixture
def upload(committed):
    """``image_upload`` by the system, committed: the picture with its renditions."""

    def run(file, **fields) -> Image:
        fields.setdefault("by", None)
        with committed():
            return image_upload(file=file, **fields)

    return run


def _png(width: int, height: int, name: str = "photo.png") -> ContentFile:
    return ContentFile(png_bytes(width, height), name=name)


def _encoded(picture: PILImage.Image, kind: str, **params) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format=kind, **params)
    return buffer.getvalue()


def _open(field_file) -> PILImage.Image:
    with field_file.open("rb") as handle:
        picture = PILImage.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


def _stored_bytes(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def webp(image: Image) -> list[ImageRendition]:
    return [r for r in image.renditions.all() if r.format == "webp"]


def png_header(width: int, height: int) -> bytes:
    """A PNG that only claims its size: the shape of a decompression bomb, without the memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def camera_exif() -> PILImage.Exif:
    """What a phone writes: camera make and model, where it was taken, and "rotate 90° clockwise to display"."""
    exif = PILImage.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "Model X200"  # Model
    exif[0x0112] = 6  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (36.0, 11.0, 27.5)  # latitude
    gps[3], gps[4] = "E", (44.0, 0.0, 33.0)  # longitude
    return exif


def published_tasks(queue) -> list[tuple[str, list]]:
    out: list[tuple[str, list]] = []
    while True:
        try:
            message = queue.get_nowait()
        except queue.Empty:
            return out
        out.append((message.headers["task"], message.payload[0]))


# --- Renditions -----------------------------------------------------------------------------------


def test_renditions_are_webp_at_the_standard_widths_keeping_the_aspect_ratio(upload):
    image = upload(_png(2000, 1000), caption="Harbour cranes", credit="Reuters", alt="Cranes at dusk")

    renditions = webp(image)

    assert [(r.width, r.height) for r in renditions] == [(320, 160), (640, 320), (1024, 512), (1600, 800)]
    for rendition in renditions:
        picture = _open(rendition.file)
        assert picture.format == "WEBP"
        assert picture.size == (rendition.width, rendition.height)
        assert rendition.file.name.endswith(".webp")


def test_renditions_are_never_wider_than_the_original(upload):
    image = upload(_png(700, 350))

    assert [(r.width, r.height) for r in webp(image)] == [(320, 160), (640, 320)]


def test_an_image_narrower_than_the_smallest_width_gets_one_rendition_at_its_own_width(upload):
    image = upload(_png(200, 150))

    assert [(r.width, r.height, r.format) for r in image.renditions.order_by("width", "format")] == [
        (200, 150, "jpeg"),
        (200, 150, "webp"),
    ]
    assert _open(webp(image)[0].file).size == (200, 150)


def test_generating_renditions_again_creates_no_duplicates(upload):
    image = upload(_png(1100, 600))
    first = {r.pk: r.file.name for r in image.renditions.all()}

    again = image_generate_renditions(image=image)

    assert {r.pk: r.file.name for r in again} == first
    assert ImageRendition.objects.filter(image=image).count() == 4  # 320, 640, 1024 WebP and the JPEG


def test_a_missing_rendition_is_added_without_touching_the_others(upload):
    image = upload(_png(1100, 600))
    image.renditions.get(width=640).delete()
    kept = set(image.renditions.values_list("pk", flat=True))

    renditions = image_generate_renditions(image=image)

    assert [r.width for r in renditions if r.format == "webp"] == [320, 640, 1024]
    assert kept < {r.pk for r in renditions}


def test_exif_orientation_is_applied_before_resizing(upload):
    # Stored 800x400 with orientation 6 ("rotate 90° clockwise to display"): readers see it 400x800.
    exif = PILImage.Exif()
    exif[0x0112] = 6
    data = _encoded(PILImage.new("RGB", (800, 400), "#aa3333"), "JPEG", exif=exif)

    image = upload(ContentFile(data, name="portrait.jpg"))

    (rendition,) = webp(image)
    assert (rendition.width, rendition.height) == (320, 640)
    assert _open(rendition.file).size == (320, 640)


def test_transparency_survives_in_the_webp_rendition(upload):
    picture = PILImage.new("RGBA", (400, 200), (0, 120, 200, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 100, 200))

    image = upload(ContentFile(_encoded(picture, "PNG"), name="logo.png"))

    rendition = _open(webp(image)[0].file)
    assert rendition.mode == "RGBA"
    alpha = rendition.getchannel("A")
    assert alpha.getpixel((10, 100)) == 0
    assert alpha.getpixel((300, 100)) == 255


def test_a_palette_image_becomes_an_rgb_rendition(upload):
    data = _encoded(PILImage.new("RGB", (640, 320), "#228833").convert("P"), "PNG")

    image = upload(ContentFile(data, name="map.png"))

    assert _open(image.file).mode == "P"  # the original stays as it was uploaded
    assert [_open(r.file).mode for r in webp(image)] == ["RGB", "RGB"]


# --- The notification picture ------------------------------------------------------------------------


def test_the_notification_rendition_is_a_jpeg_1000_px_wide_under_1_mb(upload):
    image = upload(_png(2000, 1333, name="pr_hero.png"))

    notification = image.renditions.get(format="jpeg")

    assert (notification.width, notification.height) == (1000, 666)
    assert notification.file.name.endswith(".jpg")
    assert notification.file.size <= NOTIFICATION_MAX_BYTES
    picture = _open(notification.file)
    assert (picture.format, picture.size, picture.mode) == ("JPEG", (1000, 666), "RGB")


def test_the_notification_rendition_is_never_wider_than_the_picture(upload):
    image = upload(_png(600, 400))

    assert image.renditions.get(format="jpeg").width == 600


def test_a_picture_too_detailed_for_1_mb_is_compressed_until_it_fits(upload):
    # Noise barely compresses: 1000 x 3000 px of it is several MB as a JPEG at quality 85.
    noise = PILImage.frombytes("RGB", (1000, 3000), os.urandom(1000 * 3000 * 3))
    image = upload(ContentFile(_encoded(noise, "PNG", compress_level=1), name="noise.png"))

    notification = image.renditions.get(format="jpeg")

    assert notification.file.size <= NOTIFICATION_MAX_BYTES
    picture = _open(notification.file)
    assert picture.format == "JPEG"
    assert picture.size == (notification.width, notification.height)
    assert abs(notification.height / notification.width - 3) < 0.01


def test_transparency_in_the_notification_jpeg_is_white(upload):
    picture = PILImage.new("RGBA", (400, 200), (0, 120, 200, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 100, 200))

    image = upload(ContentFile(_encoded(picture, "PNG"), name="logo.png"))

    jpeg = _open(image.renditions.get(format="jpeg").file)
    assert all(channel > 245 for channel in jpeg.getpixel((20, 100)))


def test_the_api_lists_only_the_webp_renditions_with_absolute_urls_that_are_served(api, upload):
    image = upload(_png(1300, 650), caption="Rescue teams at work", credit="Reuters", alt="Rescuers in orange vests")
    article = published_article(image=image)
    assert image.renditions.filter(format="jpeg").exists()

    response = api.get(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 200, response.content
    body = response.json()["image"]
    assert set(body) == {"url", "width", "height", "caption", "credit", "alt", "renditions"}
    assert (body["width"], body["height"]) == (1300, 650)
    assert (body["caption"], body["credit"], body["alt"]) == (
        "Rescue teams at work",
        "Reuters",
        "Rescuers in orange vests",
    )
    assert body["url"].startswith("http://testserver/media/images/")
    assert [(r["width"], r["height"], r["format"]) for r in body["renditions"]] == [
        (320, 160, "webp"),
        (640, 320, "webp"),
        (1024, 512, "webp"),
    ]
    for rendition in body["renditions"]:
        url = urlsplit(rendition["url"])
        assert (url.scheme, url.netloc) == ("http", "testserver")
        served = api.get(url.path)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/webp"
        picture = PILImage.open(io.BytesIO(b"".join(served.streaming_content)))
        assert picture.size == (rendition["width"], rendition["height"])


# --- After the commit, on a worker --------------------------------------------------------------------


def test_the_upload_saves_the_row_and_enqueues_the_renditions_only_when_it_commits(
    broker_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = image_upload(by=None, file=_png(900, 600))
        assert Image.objects.filter(pk=image.pk).exists()
        assert published_tasks(broker_queue) == []

    assert published_tasks(broker_queue) == [(RENDITIONS_TASK, [image.pk])]
    assert not image.renditions.exists()  # the worker builds them


def test_the_renditions_task_is_idempotent(upload):
    image = upload(_png(1100, 600))
    before = sorted(image.renditions.values_list("pk", "file"))

    assert tasks.image_build_renditions(image.pk) == 4
    assert tasks.image_build_renditions(image.pk) == 4

    assert sorted(image.renditions.values_list("pk", "file")) == before


def test_the_renditions_task_for_a_deleted_picture_does_nothing(django_capture_on_commit_callbacks):
    image = image_upload(by=None, file=_png(900, 600))
    with django_capture_on_commit_callbacks(execute=True):
        image_delete(image=image, by=None)

    assert tasks.image_build_renditions(image.pk) == 0
    assert ImageRendition.objects.count() == 0
    assert media_files() == []


def test_a_picture_deleted_while_its_renditions_are_made_gets_none_and_leaves_no_file(
    django_capture_on_commit_callbacks,
):
    image = image_upload(by=None, file=_png(900, 600))
    loaded = Image.objects.get(pk=image.pk)  # what the worker loaded, before the editor deleted the picture
    Image.objects.filter(pk=image.pk).delete()  # the row is gone; its file, not yet

    assert image_generate_renditions(image=loaded) == []
    assert ImageRendition.objects.count() == 0
    assert [path.name for path in media_files()] == [Path(image.file.name).name]


def test_renditions_of_a_replaced_file_are_not_stored(committed):
    image = image_upload(by=None, file=_png(900, 600, name="old.png"))
    stale = Image.objects.get(pk=image.pk)  # a worker loaded the old file...
    with committed():
        image_update(image=image, by=None, changes={"file": _png(500, 500, name="new.png")})  # ...then it changed

    image_generate_renditions(image=stale)

    assert {(r.width, r.height) for r in webp(image)} == {(320, 320)}
    assert all(r.file.name.split("/")[-1].startswith("new") for r in image.renditions.all())


# --- What is stored ---------------------------------------------------------------------------------


def test_the_stored_jpeg_has_no_exif_gps_xmp_or_comment_and_is_upright_with_its_colour_profile(upload):
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    taken = PILImage.new("RGB", (800, 400), "#aa3333")
    taken.paste((20, 40, 200), (0, 0, 100, 400))  # a blue band on the left edge, as stored
    data = _encoded(
        taken, "JPEG", exif=camera_exif(), icc_profile=icc, xmp=b"<x:xmpmeta>GPSLatitude 36</x:xmpmeta>", comment=b"Z"
    )
    assert b"CameraMaker" in data and b"GPSLatitude" in data

    image = upload(ContentFile(data, name="IMG_0001.JPG"))

    stored = _stored_bytes(image.file)
    for trace in (b"Exif\0\0", b"CameraMaker", b"Model X200", b"GPSLatitude", b"http://ns.adobe.com/xap"):
        assert trace not in stored, trace
    picture = _open(image.file)
    assert picture.format == "JPEG"
    assert not picture.getexif()
    assert not picture.getexif().get_ifd(0x8825)
    assert "comment" not in picture.info and "xmp" not in picture.info
    assert picture.info["icc_profile"] == icc
    # Rotated to display: 400 wide, 800 high, the blue band now along the top.
    assert picture.size == (400, 800) == (image.width, image.height)
    red, _, blue = picture.getpixel((200, 20))
    assert blue > 150 and red < 80
    assert image.file.name.endswith(".jpg")


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_keep_their_format_and_lose_their_exif(upload, kind):
    data = _encoded(PILImage.new("RGB", (300, 200), "#336699"), kind, exif=camera_exif())
    assert b"CameraMaker" in data

    image = upload(ContentFile(data, name=f"shot.{kind.lower()}"))

    stored = _stored_bytes(image.file)
    assert b"CameraMaker" not in stored
    picture = _open(image.file)
    assert picture.format == kind
    assert not picture.getexif()
    assert picture.size == (200, 300)


def test_a_picture_is_stored_under_the_extension_of_what_it_is(upload):
    image = upload(_png(300, 200, name="holiday.jpg"))

    assert image.file.name.endswith(".png")
    assert _open(image.file).format == "PNG"


# --- What is refused --------------------------------------------------------------------------------


def truncated_jpeg() -> bytes:
    data = _encoded(PILImage.frombytes("RGB", (400, 300), os.urandom(400 * 300 * 3)), "JPEG")
    return data[: len(data) // 2]


def animated_webp() -> bytes:
    frames = [PILImage.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    return _encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"definitely not a picture", "not a JPEG, PNG or WebP picture"),
        ("chart.svg", SVG, "not a JPEG, PNG or WebP picture"),
        ("chart.jpg", SVG, "not a JPEG, PNG or WebP picture"),
        ("banner.gif", _encoded(PILImage.new("P", (20, 20)), "GIF"), "not a JPEG, PNG or WebP picture"),
        ("cut.jpg", truncated_jpeg(), "damaged or incomplete"),
        ("spinner.webp", animated_webp(), "Animated pictures"),
    ],
    ids=["text-named-jpg", "svg", "svg-named-jpg", "gif", "truncated-jpeg", "animated-webp"],
)
def test_a_file_that_is_not_a_still_jpeg_png_or_webp_is_refused_and_nothing_is_stored(name, content, message):
    with pytest.raises(ValidationError, match=message):
        image_upload(by=None, file=ContentFile(content, name=name))

    assert Image.objects.count() == 0
    assert media_files() == []


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 1024 * 1024
    noise = PILImage.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    data = _encoded(noise, "PNG", compress_level=1)

    with pytest.raises(ValidationError, match=r"The file is 1\.8 MB; a picture may be at most 1\.0 MB"):
        image_upload(by=None, file=ContentFile(data, name="noise.png"))

    assert Image.objects.count() == 0
    assert media_files() == []


def test_a_picture_over_the_pixel_limit_is_refused(settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100

    with pytest.raises(ValidationError, match="101 by 100 pixels"):
        image_upload(by=None, file=_png(101, 100))

    assert Image.objects.count() == 0


@pytest.mark.parametrize("side", [10_000, 40_000], ids=["pillows-warning", "pillows-error"])
def test_a_decompression_bomb_is_a_validation_error_not_a_crash(settings, side):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 10**10  # our own limit out of the way: Pillow's guard answers

    with pytest.raises(ValidationError, match="megapixels"):
        image_upload(by=None, file=ContentFile(png_header(side, side), name="bomb.png"))

    assert Image.objects.count() == 0
    assert media_files() == []


def test_a_caption_too_long_is_refused_and_nothing_is_stored():
    with pytest.raises(ValidationError):
        image_upload(by=None, file=_png(300, 200), caption="x" * 301)

    assert Image.objects.count() == 0
    assert media_files() == []


# --- Who may ------------------------------------------------------------------------------------------


def test_a_reporter_uploads_a_picture_for_their_draft(upload):
    reporter = user_with_role(REPORTER)

    image = upload(_png(900, 600), by=reporter, caption="Flooded street")

    assert image.caption == "Flooded street"
    assert len(webp(image)) == 2


def test_a_user_without_a_role_may_not_upload_and_nothing_is_stored():
    nobody = user_with_role(None)

    with pytest.raises(PermissionDenied):
        image_upload(by=nobody, file=_png(900, 600))

    assert Image.objects.count() == 0
    assert media_files() == []


def test_a_reporter_edits_the_caption_of_a_picture_on_their_own_draft():
    reporter = user_with_role(REPORTER)
    image = image_upload(by=reporter, file=_png(300, 200), caption="Old")
    ArticleFactory(image=image, created_by=reporter)

    image_update(image=image, by=reporter, changes={"caption": "New", "alt": "A flooded street"})

    image.refresh_from_db()
    assert (image.caption, image.alt) == ("New", "A flooded street")


def test_a_reporter_may_not_change_a_picture_a_published_article_shows_and_nothing_changes():
    reporter = user_with_role(REPORTER)
    image = image_upload(by=None, file=_png(300, 200), caption="As published")
    published_article(image=image)
    name = image.file.name

    with pytest.raises(PermissionDenied):
        image_update(image=image, by=reporter, changes={"caption": "Rewritten", "file": _png(200, 200)})

    image.refresh_from_db()
    assert (image.caption, image.file.name) == ("As published", name)
    assert len(media_files()) == 1


def test_an_editor_corrects_the_credit_of_a_published_picture_and_its_article_moves(committed):
    editor = user_with_role(EDITOR)
    image = image_upload(by=None, file=_png(300, 200), credit="Reutres")
    article = published_article(image=image)
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    article.refresh_from_db()
    version = ContentVersion.current()

    image_update(image=image, by=editor, changes={"credit": "Reuters"})

    image.refresh_from_db()
    assert image.credit == "Reuters"
    assert Article.objects.get(pk=article.pk).updated_at > article.updated_at  # the apps' sync feed refetches it
    assert ContentVersion.current() > version  # the response cache is bypassed


def test_an_unknown_field_is_refused_and_nothing_changes():
    image = image_upload(by=None, file=_png(300, 200), caption="Kept")

    with pytest.raises(ValidationError, match="width"):
        image_update(image=image, by=None, changes={"caption": "Changed", "width": 10})

    image.refresh_from_db()
    assert image.caption == "Kept"


def test_a_bad_replacement_file_is_refused_and_the_picture_and_its_renditions_stay(upload):
    image = upload(_png(900, 600), caption="Kept")
    renditions = sorted(image.renditions.values_list("pk", flat=True))
    files = media_files()

    with pytest.raises(ValidationError, match="not a JPEG, PNG or WebP"):
        image_update(image=image, by=None, changes={"caption": "Changed", "file": ContentFile(SVG, name="x.svg")})

    image.refresh_from_db()
    assert image.caption == "Kept"
    assert sorted(image.renditions.values_list("pk", flat=True)) == renditions
    assert media_files() == files


def test_replacing_the_file_drops_the_old_renditions_at_once_and_enqueues_new_ones(
    upload, broker_queue, django_capture_on_commit_callbacks
):
    image = upload(_png(1100, 600, name="old.png"))
    old_files = media_files()

    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=image, by=None, changes={"file": _png(500, 500, name="new.png")})
        assert not image.renditions.exists()  # never the old picture's renditions beside the new one

    assert published_tasks(broker_queue) == [(RENDITIONS_TASK, [image.pk, True])]
    image.refresh_from_db()
    assert (image.width, image.height) == (500, 500)
    assert [path.name for path in media_files()] == [Path(image.file.name).name]  # the old files are gone
    assert not set(old_files) & set(media_files())


def test_replace_rebuilds_the_renditions_from_the_new_file(upload, committed):
    image = upload(_png(1100, 600))

    with committed():
        image_update(image=image, by=None, changes={"file": _png(500, 500, name="square.png")})

    assert [(r.width, r.height, r.format) for r in image.renditions.order_by("width", "format")] == [
        (320, 320, "webp"),
        (500, 500, "jpeg"),
    ]


def test_an_editor_deletes_an_unused_picture_with_its_renditions_and_files(upload, committed):
    image = upload(_png(900, 600))
    assert media_files()

    with committed():
        image_delete(image=image, by=user_with_role(EDITOR))

    assert not Image.objects.filter(pk=image.pk).exists()
    assert ImageRendition.objects.count() == 0
    assert media_files() == []


def test_a_picture_an_article_shows_cannot_be_deleted_and_nothing_changes(upload):
    image = upload(_png(900, 600))
    ArticleFactory(image=image, title="Dam levels rise")
    files = media_files()

    with pytest.raises(ValidationError, match="Dam levels rise"):
        image_delete(image=image, by=user_with_role(EDITOR))

    assert Image.objects.filter(pk=image.pk).exists()
    assert image.renditions.count() == 3
    assert media_files() == files


def test_a_reporter_may_not_delete_a_picture_and_nothing_changes(upload):
    image = upload(_png(900, 600))
    files = media_files()

    with pytest.raises(PermissionDenied):
        image_delete(image=image, by=user_with_role(REPORTER))

    assert Image.objects.filter(pk=image.pk).exists()
    assert media_files() == files


# --- The image admin ----------------------------------------------------------------------------------


CHANGELIST = "/admin/newsapi/image/"


def logged_in(client, role):
    user = user_with_role(role)
    client.force_login(user)
    return user


def test_a_reporter_uploads_a_picture_in_the_admin_and_its_renditions_are_built(client, committed):
    logged_in(client, REPORTER)
    upload = SimpleUploadedFile("protest.png", png_bytes(900, 600), content_type="image/png")

    with committed():
        response = client.post(
            f"{CHANGELIST}add/",
            {"file": upload, "caption": "Crowds in the square", "credit": "AFP", "alt": "A crowd holding banners"},
        )

    assert response.status_code == 302, response.content
    image = Image.objects.get()
    assert image.caption == "Crowds in the square"
    assert [(r.width, r.height) for r in webp(image)] == [(320, 213), (640, 427)]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"definitely not a picture", "Upload a valid image"),
        ("cut.jpg", truncated_jpeg(), "damaged or incomplete"),
        ("spinner.webp", animated_webp(), "Animated pictures"),
    ],
    ids=["text-named-jpg", "truncated-jpeg", "animated-webp"],
)
def test_a_bad_upload_in_the_admin_is_a_form_error_and_nothing_is_saved(client, name, content, message):
    logged_in(client, REPORTER)

    response = client.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile(name, content), "caption": "x"})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Image.objects.count() == 0
    assert media_files() == []


def test_a_picture_over_the_limit_in_the_admin_is_a_form_error(client, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    logged_in(client, EDITOR)

    response = client.post(f"{CHANGELIST}add/", {"file": SimpleUploadedFile("big.png", png_bytes(200, 200))})

    assert response.status_code == 200
    assert "200 by 200 pixels" in response.content.decode()
    assert Image.objects.count() == 0


def test_replacing_the_file_in_the_admin_replaces_the_renditions(client, upload, committed):
    logged_in(client, EDITOR)
    image = upload(_png(1100, 600), caption="Old picture")
    new = SimpleUploadedFile("new.png", png_bytes(400, 400), content_type="image/png")

    with committed():
        response = client.post(
            f"{CHANGELIST}{image.pk}/change/", {"file": new, "caption": "New picture", "credit": "", "alt": ""}
        )

    assert response.status_code == 302, response.content
    image.refresh_from_db()
    assert image.caption == "New picture"
    assert [(r.width, r.height) for r in webp(image)] == [(320, 320)]


def test_the_list_shows_each_pictures_smallest_rendition_and_a_dash_before_there_is_one(client, upload):
    logged_in(client, REPORTER)
    ready = upload(_png(900, 600), alt="Ready picture")
    pending = image_upload(by=None, file=_png(900, 600), alt="Pending picture")  # not committed: no renditions yet

    html = client.get(CHANGELIST).content.decode()

    smallest = ready.renditions.get(width=320, format="webp")
    assert f'<img src="{smallest.file.url}" width="80" height="53" alt="Ready picture" loading="lazy">' in html
    assert 'alt="Pending picture"' not in html
    assert f'<th class="field-thumbnail"><a href="{CHANGELIST}{pending.pk}/change/">-</a></th>' in html


def test_the_change_page_shows_the_picture(client, upload):
    logged_in(client, REPORTER)
    image = upload(_png(900, 600), alt="Cranes")

    html = client.get(f"{CHANGELIST}{image.pk}/change/").content.decode()

    smallest = image.renditions.get(width=320, format="webp")
    assert f'<img src="{smallest.file.url}" width="320" height="213" alt="Cranes" loading="lazy">' in html


def test_the_admin_names_the_articles_that_keep_a_picture_from_being_deleted(client, upload):
    logged_in(client, EDITOR)
    image = upload(_png(900, 600))
    ArticleFactory(image=image, title="Dam levels rise")

    page = client.get(f"{CHANGELIST}{image.pk}/delete/").content.decode()
    response = client.post(f"{CHANGELIST}{image.pk}/delete/", {"post": "yes"})

    assert "Dam levels rise" in page
    assert response.status_code == 200  # the page again, naming the article; nothing deleted
    assert "Dam levels rise" in response.content.decode()
    assert Image.objects.filter(pk=image.pk).exists()


def test_an_editor_deletes_an_unused_picture_in_the_admin(client, upload, committed):
    logged_in(client, EDITOR)
    image = upload(_png(900, 600))

    with committed():
        response = client.post(f"{CHANGELIST}{image.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()
    assert media_files() == []


def test_a_reporter_cannot_change_a_picture_a_published_article_shows_in_the_admin(client, upload):
    logged_in(client, REPORTER)
    image = upload(_png(900, 600), caption="As published")
    published_article(image=image)

    response = client.post(f"{CHANGELIST}{image.pk}/change/", {"caption": "Rewritten", "credit": "", "alt": ""})

    assert response.status_code == 403
    image.refresh_from_db()
    assert image.caption == "As published"
