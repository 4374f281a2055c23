"""Image services: store an uploaded picture and the WebP renditions the apps pick from by screen width."""

from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from newsapi.models import Image, ImageRendition

RENDITION_WIDTHS = (320, 640, 1024, 1600)
RENDITION_FORMAT = "webp"
RENDITION_QUALITY = 80


@transaction.atomic
def image_create(*, file: File, caption: str = "", credit: str = "", alt: str = "") -> Image:
    """Store ``file`` as an Image with its renditions. A file Pillow cannot read is a ValidationError."""
    image = Image(file=file, caption=caption, credit=credit, alt=alt)
    if not image.width or not image.height:  # the field reads them from the file; nothing when Pillow cannot
        raise ValidationError("The file is not an image Pillow can read.")
    image.save()
    image_generate_renditions(image=image)
    return image


def rendition_widths(*, width: int) -> list[int]:
    """The standard widths up to ``width`` (never upscaled); the picture's own width when it is narrower."""
    return [w for w in RENDITION_WIDTHS if w <= width] or [width]


def image_generate_renditions(*, image: Image, replace: bool = False) -> list[ImageRendition]:
    """Make the WebP renditions ``image`` lacks and return all of them, narrowest first.

    Idempotent: renditions that exist are kept, so running it again creates nothing.
    ``replace`` drops the existing ones first (their file was replaced). Sizes follow the
    picture as displayed, after its EXIF orientation; transparency is kept.
    """
    if replace:
        for old in image.renditions.all():
            old.file.delete(save=False)
            old.delete()
    existing = {r.width: r for r in image.renditions.filter(format=RENDITION_FORMAT)}
    upright = _read_upright(image)
    source = upright
    # Widest first, each resized from the previous one: cheaper than from the original, and looks the same.
    for width in sorted(rendition_widths(width=upright.width), reverse=True):
        if width in existing:
            continue
        height = max(1, round(upright.height * width / upright.width))
        if source.size != (width, height):
            source = source.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        existing[width] = _rendition_save(image=image, picture=source)
    return [existing[w] for w in sorted(existing)]


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


def _rendition_save(*, image: Image, picture: PILImage.Image) -> ImageRendition:
    buffer = BytesIO()
    picture.save(buffer, format="WEBP", quality=RENDITION_QUALITY)
    name = f"{PurePosixPath(image.file.name).stem}-{picture.width}w.{RENDITION_FORMAT}"
    rendition, _ = ImageRendition.objects.get_or_create(
        image=image,
        width=picture.width,
        format=RENDITION_FORMAT,
        defaults={"height": picture.height, "file": ContentFile(buffer.getvalue(), name=name)},
    )
    return rendition
