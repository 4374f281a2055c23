import io
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from newsapi.images import image_create, image_generate_renditions
from newsapi.models import Image, ImageRendition
from tests.factories import png_bytes, published_article

pytestmark = pytest.mark.django_db


def _upload(width: int, height: int, name: str = "photo.png") -> ContentFile:
    return ContentFile(png_bytes(width, height), name=name)


def _open(field_file) -> PILImage.Image:
    with field_file.open("rb") as handle:
        picture = PILImage.open(io.BytesIO(handle.read()))
        picture.load()
    return picture


def test_renditions_are_webp_at_the_standard_widths_keeping_the_aspect_ratio():
    image = image_create(file=_upload(2000, 1000), caption="Harbour cranes", credit="Reuters", alt="Cranes at dusk")

    renditions = list(image.renditions.all())

    assert [(r.width, r.height, r.format) for r in renditions] == [
        (320, 160, "webp"),
        (640, 320, "webp"),
        (1024, 512, "webp"),
        (1600, 800, "webp"),
    ]
    for rendition in renditions:
        picture = _open(rendition.file)
        assert picture.format == "WEBP"
        assert picture.size == (rendition.width, rendition.height)
        assert rendition.file.name.endswith(".webp")


def test_renditions_are_never_wider_than_the_original():
    image = image_create(file=_upload(700, 350))

    assert [(r.width, r.height) for r in image.renditions.all()] == [(320, 160), (640, 320)]


def test_an_image_narrower_than_the_smallest_width_gets_one_rendition_at_its_own_width():
    image = image_create(file=_upload(200, 150))

    (rendition,) = image.renditions.all()
    assert (rendition.width, rendition.height) == (200, 150)
    assert _open(rendition.file).size == (200, 150)


def test_generating_renditions_again_creates_no_duplicates():
    image = image_create(file=_upload(1100, 600))
    first = {r.pk: r.file.name for r in image.renditions.all()}

    again = image_generate_renditions(image=image)

    assert {r.pk: r.file.name for r in again} == first
    assert ImageRendition.objects.filter(image=image).count() == 3


def test_a_missing_rendition_is_added_without_touching_the_others():
    image = image_create(file=_upload(1100, 600))
    image.renditions.get(width=640).delete()
    kept = set(image.renditions.values_list("pk", flat=True))

    renditions = image_generate_renditions(image=image)

    assert [r.width for r in renditions] == [320, 640, 1024]
    assert kept < {r.pk for r in renditions}


def test_replace_rebuilds_the_renditions_from_the_new_file():
    image = image_create(file=_upload(1100, 600))
    image.file = _upload(500, 500, name="square.png")
    image.save()

    renditions = image_generate_renditions(image=image, replace=True)

    assert [(r.width, r.height) for r in renditions] == [(320, 320)]
    assert ImageRendition.objects.filter(image=image).count() == 1


def test_exif_orientation_is_applied_before_resizing():
    # Stored 800x400 with orientation 6 ("rotate 90° clockwise to display"): readers see it 400x800.
    exif = PILImage.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 400), "#aa3333").save(buffer, format="JPEG", exif=exif)

    image = image_create(file=ContentFile(buffer.getvalue(), name="portrait.jpg"))

    (rendition,) = image.renditions.all()
    assert (rendition.width, rendition.height) == (320, 640)
    assert _open(rendition.file).size == (320, 640)


def test_transparency_survives_in_the_webp_rendition():
    picture = PILImage.new("RGBA", (400, 200), (0, 120, 200, 255))
    picture.paste((0, 0, 0, 0), (0, 0, 100, 200))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")

    image = image_create(file=ContentFile(buffer.getvalue(), name="logo.png"))

    rendition = _open(image.renditions.get().file)
    assert rendition.mode == "RGBA"
    alpha = rendition.getchannel("A")
    assert alpha.getpixel((10, 100)) == 0
    assert alpha.getpixel((300, 100)) == 255


def test_a_palette_image_becomes_an_rgb_rendition():
    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 320), "#228833").convert("P").save(buffer, format="GIF")

    image = image_create(file=ContentFile(buffer.getvalue(), name="map.gif"))

    assert [_open(r.file).mode for r in image.renditions.all()] == ["RGB", "RGB"]


def test_a_file_that_is_not_an_image_is_rejected_and_nothing_is_stored():
    with pytest.raises(ValidationError):
        image_create(file=ContentFile(b"definitely not a picture", name="notes.png"))

    assert Image.objects.count() == 0
    assert ImageRendition.objects.count() == 0


def test_uploading_an_image_in_the_admin_generates_its_renditions(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("chief", "chief@example.com", "pass-for-tests")
    client.force_login(admin_user)
    upload = SimpleUploadedFile("protest.png", png_bytes(900, 600), content_type="image/png")

    response = client.post(
        "/admin/newsapi/image/add/",
        {"file": upload, "caption": "Crowds in the square", "credit": "AFP", "alt": "A crowd holding banners"},
    )

    assert response.status_code == 302, response.content
    image = Image.objects.get()
    assert [(r.width, r.height) for r in image.renditions.all()] == [(320, 213), (640, 427)]


def test_replacing_the_file_in_the_admin_replaces_the_renditions(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("chief", "chief@example.com", "pass-for-tests")
    client.force_login(admin_user)
    image = image_create(file=_upload(1100, 600), caption="Old picture")
    upload = SimpleUploadedFile("new.png", png_bytes(400, 400), content_type="image/png")

    response = client.post(
        f"/admin/newsapi/image/{image.pk}/change/",
        {"file": upload, "caption": "New picture", "credit": "", "alt": ""},
    )

    assert response.status_code == 302, response.content
    assert [(r.width, r.height) for r in image.renditions.all()] == [(320, 320)]


def test_article_api_returns_the_image_with_absolute_rendition_urls_that_are_served(api):
    image = image_create(
        file=_upload(1300, 650), caption="Rescue teams at work", credit="Reuters", alt="Rescuers in orange vests"
    )
    article = published_article(image=image)

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
