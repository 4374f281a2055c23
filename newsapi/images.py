"""Image services: the one write layer for pictures, and the renditions the apps and phones are given.

An upload is checked by Pillow before anything is stored: JPEG, PNG or WebP only, at most
``IMAGE_UPLOAD_MAX_BYTES`` and ``IMAGE_UPLOAD_MAX_PIXELS``. What is stored is re-encoded
without its metadata: a phone's photo says where it was taken (GPS) and on what camera,
which must never reach readers. Its EXIF orientation is applied first, so it still shows
upright, and its ICC colour profile is kept.

The Image row is saved in the caller's transaction; its renditions are built by the
``newsapi.tasks.image_build_renditions`` task once that commits (a worker in production,
this process in the embedded mode), so an upload never waits for them:

- WebP at ``RENDITION_WIDTHS`` (never upscaled): what the API lists for the apps to pick
  from by screen width;
- one JPEG (``NOTIFICATION_FORMAT``) about ``NOTIFICATION_WIDTH`` pixels wide and at most
  ``NOTIFICATION_MAX_BYTES``: the picture for push notifications (Android drops a
  notification image over 1 MB), found as the image's rendition with that format.

Who may do what is ``image_policy``'s to say; every service asks it first, and a refusal
changes nothing.
"""

import logging
import warnings
from collections.abc import Iterable
from functools import partial
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from backend.history import revision
from backend.jobs import enqueue
from backend.purge import purge_on_commit
from backend.roles import Actor, actor_id
from newsapi.models import Article, ContentVersion, Image, ImageRendition
from newsapi.permissions import article_policy
from newsapi.purges import image_change_keys

logger = logging.getLogger(__name__)

RENDITIONS_TASK = "newsapi.tasks.image_build_renditions"

RENDITION_WIDTHS = (320, 640, 1024, 1600)
RENDITION_FORMAT = "webp"
RENDITION_QUALITY = 80

NOTIFICATION_FORMAT = "jpeg"
NOTIFICATION_WIDTH = 1000
NOTIFICATION_MAX_BYTES = 1_000_000
NOTIFICATION_QUALITIES = (85, 80, 75, 70, 60, 50, 40)

# What Pillow may open an upload as, and the extension it is stored with.
UPLOAD_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ORIGINAL_JPEG_QUALITY = 90
ORIGINAL_WEBP_QUALITY = 90
# What image_update may change.
IMAGE_FIELDS = frozenset({"file", "caption", "credit", "alt"})


class ImagePolicy:
    """Who may store, change and delete pictures. ``None`` is the system (the demo loader, imports).

    Changing a picture changes every article that shows it, so it needs the right to edit each
    of them as well: a reporter may change a picture used by nothing or by their own drafts only.
    """

    def can_upload(self, user: Actor) -> bool:
        return user is None or user.has_perm("newsapi.add_image")

    def can_change(self, user: Actor, image: Image) -> bool:
        if user is None:
            return True
        if not user.has_perm("newsapi.change_image"):
            return False
        return all(article_policy.can_edit(user, article) for article in Article.objects.filter(image=image))

    def can_delete(self, user: Actor) -> bool:
        return user is None or user.has_perm("newsapi.delete_image")


image_policy = ImagePolicy()


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def image_upload(*, by: Actor, file: File[Any], caption: str = "", credit: str = "", alt: str = "") -> Image:
    """Store ``file`` as a new Image, stripped of its metadata (see the module); renditions follow
    once the transaction commits. A refused or invalid upload stores nothing, not even a file."""
    if not image_policy.can_upload(by):
        raise PermissionDenied("You may not upload pictures.")
    image = Image(caption=caption, credit=credit, alt=alt)
    image.clean_fields(exclude=["file"])
    image.file = image_clean_upload(file=file)
    with revision(image, by=by, reason="Uploaded"):
        image.save()
    enqueue(RENDITIONS_TASK, image.pk)
    logger.info("image %s uploaded by %s", image.pk, actor_id(by))
    return image


@transaction.atomic
def image_update(*, image: Image, by: Actor, changes: dict[str, Any]) -> Image:
    """Change caption, credit, alt or the file itself (see ``IMAGE_FIELDS``).

    A new file goes through the upload's checks. The old picture's renditions go with the old
    file in this transaction, so no reader is ever shown them beside the new picture; the new
    ones are built after the commit. The articles showing the picture move their ``updated_at``
    (the apps' sync feed and HTTP validators) and the content version (the response cache).
    """
    unknown = changes.keys() - IMAGE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    locked = Image.objects.select_for_update().get(pk=image.pk)
    if not image_policy.can_change(by, locked):
        raise PermissionDenied("You may not change this picture: it is used by articles you may not edit.")
    for name in ("caption", "credit", "alt"):
        if name in changes:
            setattr(locked, name, changes[name])
    locked.clean_fields(exclude=["file"])
    replaced = "file" in changes
    if replaced:
        if not changes["file"]:
            raise ValidationError("Choose a picture to upload.")
        cleaned = image_clean_upload(file=changes["file"])
        _delete_files_on_commit(locked.file.storage, [locked.file.name])
        _drop_renditions(locked)
        locked.file = cleaned
    with revision(locked, by=by, reason=f"Edited: {', '.join(sorted(changes)) or 'saved unchanged'}"):
        locked.save()
    if replaced:
        enqueue(RENDITIONS_TASK, locked.pk, True)
    if changes:
        _articles_show_change(image_id=locked.pk)
    logger.info("image %s updated by %s: %s", locked.pk, actor_id(by), ", ".join(sorted(changes)))
    image.refresh_from_db()
    return locked


@transaction.atomic
def image_delete(*, image: Image, by: Actor) -> None:
    """Delete a picture no article uses, with its renditions; the files go when the deletion commits.

    A picture still shown by an article is refused (the article would silently lose it):
    choose another picture for those articles first. Deleting one already gone does nothing.
    """
    if not image_policy.can_delete(by):
        raise PermissionDenied("You may not delete pictures.")
    locked = Image.objects.select_for_update().filter(pk=image.pk).first()
    if locked is None:
        return
    users = list(Article.objects.filter(image=locked).order_by("pk").values_list("title", flat=True)[:4])
    if users:
        raise ValidationError(
            f"The picture is still used by: {', '.join(users)}. Choose another picture for them first."
        )
    _drop_renditions(locked)
    _delete_files_on_commit(locked.file.storage, [locked.file.name])
    locked.delete()
    logger.info("image %s deleted by %s", image.pk, actor_id(by))


# --- Checking an upload ---------------------------------------------------------------------------


def image_check_upload(file: File[Any] | None) -> None:
    """Raise the ValidationError ``image_upload`` would for ``file``, storing nothing: a form's check,
    so a bad upload is an error on the form's field. The service checks again; it trusts no caller."""
    _read_upload(file)


def image_clean_upload(*, file: File[Any] | None) -> ContentFile[bytes]:
    """``file`` as it is stored: checked (see ``_read_upload``), upright, in its own format, with no
    EXIF, XMP, GPS or comment left; only the ICC profile (and PNG transparency) kept."""
    picture, kind, icc_profile = _read_upload(file)
    params: dict[str, Any] = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "JPEG":
        params.update(quality=ORIGINAL_JPEG_QUALITY, optimize=True)
    elif kind == "WEBP":
        params.update(quality=ORIGINAL_WEBP_QUALITY)
    buffer = BytesIO()
    picture.save(buffer, format=kind, exif=b"", **params)
    stem = PurePosixPath(str(getattr(file, "name", "") or "")).stem[:60] or "picture"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{UPLOAD_FORMATS[kind]}")


def _read_upload(file: File[Any] | None) -> tuple[PILImage.Image, str, bytes | None]:
    """The upload decoded and upright, with only its transparency left in ``info``; its format
    (``UPLOAD_FORMATS``) and ICC profile. Anything else is a ValidationError saying what is wrong.

    The byte and pixel limits are checked before any pixel is decoded; a decompression bomb
    (Pillow's warning or error) is refused like any other picture over the pixel limit.
    """
    if not file:
        raise ValidationError("Choose a picture to upload.", code="required")
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            f"The file is {_megabytes(file.size)}; a picture may be at most {_megabytes(limit)}.", code="too_large"
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(file, formats=list(UPLOAD_FORMATS)) as source:
                _check_pixels(*source.size)
                if source.format != "MPO" and getattr(source, "is_animated", False):
                    raise ValidationError("Animated pictures cannot be used: upload a still picture.", code="animated")
                source.load()
                # MPO: a phone's JPEG with extra frames (depth, preview); the first is the picture.
                kind = "JPEG" if source.format == "MPO" else str(source.format)
                icc_profile = source.info.get("icc_profile")
                picture = ImageOps.exif_transpose(source)
    except ValidationError:
        raise
    except UnidentifiedImageError as exc:
        raise ValidationError(
            "The file is not a JPEG, PNG or WebP picture. Save it in one of those formats and upload it again.",
            code="invalid_type",
        ) from exc
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from exc
    except Exception as exc:  # Pillow's decoders raise OSError, SyntaxError, ValueError... on malformed data
        raise ValidationError(
            "The picture is damaged or incomplete and cannot be read. Upload it again.", code="unreadable"
        ) from exc
    finally:
        file.seek(0)
    picture.info = {key: value for key, value in picture.info.items() if key == "transparency"}
    return picture, kind, icc_profile


def _check_pixels(width: int, height: int) -> None:
    if width * height > settings.IMAGE_UPLOAD_MAX_PIXELS:
        raise ValidationError(
            f"The picture is {width} by {height} pixels. {_too_many_pixels_message()}", code="too_many_pixels"
        )


def _too_many_pixels_message() -> str:
    return f"A picture may have at most {settings.IMAGE_UPLOAD_MAX_PIXELS / 1_000_000:g} megapixels: scale it down."


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


# --- Renditions -----------------------------------------------------------------------------------


def rendition_widths(*, width: int) -> list[int]:
    """The standard widths up to ``width`` (never upscaled); the picture's own width when it is narrower."""
    return [w for w in RENDITION_WIDTHS if w <= width] or [width]


def image_generate_renditions(*, image: Image, replace: bool = False) -> list[ImageRendition]:
    """Make the renditions ``image`` lacks (see the module) and return all of them, narrowest first.

    Idempotent: renditions that exist are kept, so running it again creates nothing.
    ``replace`` drops the existing ones first (their file was replaced). Sizes follow the
    picture as displayed, after its EXIF orientation; transparency is kept in WebP.

    Safe beside edits and deletions: the pictures are made outside any transaction, and each
    is stored in a short one that first locks the image row and checks it still holds the file
    they were made from; when it was deleted or its file replaced meanwhile, this stops (the
    replacement's own run builds its renditions) and returns what there is.
    """
    source_name = image.file.name
    try:
        upright = _read_upright(image)
    except ValidationError:
        if not Image.objects.filter(pk=image.pk, file=source_name).exists():
            return []  # deleted or replaced (its file removed) since it was loaded
        raise
    changed = False
    if replace:
        with transaction.atomic():
            if not _still_current(image.pk, source_name):
                return []
            changed = _drop_renditions(image) > 0
    have = set(image.renditions.values_list("width", "format"))
    source = upright
    # Widest first, each resized from the previous one: cheaper than from the original, and looks the same.
    for width in sorted(rendition_widths(width=upright.width), reverse=True):
        if (width, RENDITION_FORMAT) in have:
            continue
        height = max(1, round(upright.height * width / upright.width))
        if source.size != (width, height):
            source = source.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        data = _encode(source, "WEBP", quality=RENDITION_QUALITY)
        if not _rendition_store(image, source_name, source.size, RENDITION_FORMAT, data):
            return list(image.renditions.order_by("width", "format"))
        changed = True
    if not any(fmt == NOTIFICATION_FORMAT for _, fmt in have):
        picture, data = _notification_jpeg(upright)
        if _rendition_store(image, source_name, picture.size, NOTIFICATION_FORMAT, data):
            changed = True
    if changed:
        with transaction.atomic():
            _articles_show_change(image_id=image.pk)
    return list(image.renditions.order_by("width", "format"))


def _read_upright(image: Image) -> PILImage.Image:
    """The picture as displayed (EXIF orientation applied), loaded, in a mode WebP can store."""
    try:
        with image.file.open("rb") as handle, PILImage.open(handle) as source:
            return _webp_mode(ImageOps.exif_transpose(source))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"The image file cannot be read: {exc}") from exc


def _webp_mode(picture: PILImage.Image) -> PILImage.Image:
    """RGB, or RGBA when the picture has any transparency (WebP keeps the alpha channel)."""
    if picture.mode in ("RGB", "RGBA"):
        return picture
    return picture.convert("RGBA" if picture.has_transparency_data else "RGB")


def _notification_jpeg(upright: PILImage.Image) -> tuple[PILImage.Image, bytes]:
    """``NOTIFICATION_WIDTH`` wide (or the picture's width), transparency on white, quality stepped
    down until it fits ``NOTIFICATION_MAX_BYTES``; a picture too detailed even then is made narrower."""
    width = min(NOTIFICATION_WIDTH, upright.width)
    while True:
        height = max(1, round(upright.height * width / upright.width))
        picture = upright.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        if picture.mode == "RGBA":
            flat = PILImage.new("RGB", picture.size, "white")
            flat.paste(picture, mask=picture.getchannel("A"))
            flat.info = picture.info
            picture = flat
        for quality in NOTIFICATION_QUALITIES:
            data = _encode(picture, "JPEG", quality=quality, optimize=True)
            if len(data) <= NOTIFICATION_MAX_BYTES:
                return picture, data
        width = max(1, round(width * 0.8))


def _encode(picture: PILImage.Image, kind: str, **params: Any) -> bytes:
    """The picture in ``kind``, with its ICC profile and no other metadata."""
    icc_profile = picture.info.get("icc_profile")
    buffer = BytesIO()
    picture.save(buffer, format=kind, **({"icc_profile": icc_profile} if icc_profile else {}), **params)
    return buffer.getvalue()


def _still_current(image_id: int, source_name: str) -> bool:
    """Lock the image row; True while it exists and still holds ``source_name``."""
    return Image.objects.select_for_update().filter(pk=image_id, file=source_name).exists()


def _rendition_store(image: Image, source_name: str, size: tuple[int, int], fmt: str, data: bytes) -> bool:
    """Store one rendition unless it exists; False when the image is gone or has another file now."""
    width, height = size
    extension = "jpg" if fmt == NOTIFICATION_FORMAT else fmt
    name = f"{PurePosixPath(source_name).stem}-{width}w.{extension}"
    with transaction.atomic():
        if not _still_current(image.pk, source_name):
            return False
        existing = ImageRendition.objects.filter(image_id=image.pk, format=fmt)
        if fmt == NOTIFICATION_FORMAT:
            if existing.exists():
                return True
        elif existing.filter(width=width).exists():
            return True
        ImageRendition.objects.create(
            image_id=image.pk, width=width, height=height, format=fmt, file=ContentFile(data, name=name)
        )
    return True


def _drop_renditions(image: Image) -> int:
    """Delete the image's renditions now and their files when the transaction commits."""
    renditions = list(image.renditions.all())
    if not renditions:
        return 0
    _delete_files_on_commit(renditions[0].file.storage, [r.file.name for r in renditions])
    ImageRendition.objects.filter(pk__in=[r.pk for r in renditions]).delete()
    return len(renditions)


def _delete_files_on_commit(storage: Storage, names: Iterable[str]) -> None:
    """Files outlive a rolled-back transaction: remove them only once the change they belong to commits."""
    for name in names:
        if name:
            transaction.on_commit(partial(storage.delete, name))


def _articles_show_change(*, image_id: int) -> None:
    """The articles showing the picture changed: move their ``updated_at`` (sync feed, HTTP validators)
    and, when there are any, the content version (the response cache) and the HTTP cache in front."""
    if Article.objects.filter(image_id=image_id).update(updated_at=timezone.now()):
        ContentVersion.bump()
        purge_on_commit(image_change_keys(image_id=image_id))
