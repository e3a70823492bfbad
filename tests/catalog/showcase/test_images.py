"""Only real images are accepted, and they are re-encoded without their metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.showcase.images import MAX_IMAGE_BYTES, InvalidImage, clean_image
from tests.catalog.showcase.conftest import image_bytes


def exif_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), (0, 128, 0))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (33.0, 35.0, 0.0)}  # GPSInfo: where the photo was taken
    exif[0x010F] = "PhoneMaker"
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


@pytest.mark.parametrize("format, mimetype", [("PNG", "image/jpeg"), ("JPEG", "image/jpeg"),
                                              ("GIF", "image/png"), ("WEBP", "image/jpeg")])
def test_images_are_accepted_and_reencoded(app, format, mimetype):
    with app.app_context():
        cleaned = clean_image(io.BytesIO(image_bytes(format)))
    assert cleaned.mimetype == mimetype
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert image.size == (40, 30)


def test_metadata_such_as_gps_is_removed(app):
    original = exif_with_gps()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x010F) == "PhoneMaker"
    with app.app_context():
        cleaned = clean_image(io.BytesIO(original))
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert dict(image.getexif()) == {}


def test_large_images_are_scaled_down(app):
    with app.app_context():
        cleaned = clean_image(io.BytesIO(image_bytes("PNG", size=(4000, 1000))))
    with Image.open(io.BytesIO(cleaned.content)) as image:
        assert image.size == (1600, 400)


@pytest.mark.parametrize("content, message", [
    (b"", "空"),
    (b"<html><script>alert(1)</script></html>", "画像ではありません"),
    (b"GIF89a" + b"\x00" * 20, "画像ではありません"),  # a header and nothing behind it
    (image_bytes("BMP"), "PNG、JPEG、GIF、WebP"),
    (image_bytes("PNG")[:60], "画像ではありません"),  # cut short
])
def test_other_files_are_refused_with_a_japanese_message(app, content, message):
    with app.test_request_context():
        with pytest.raises(InvalidImage) as refused:
            clean_image(io.BytesIO(content))
    assert message in str(refused.value)


def test_files_over_the_size_limit_are_refused_without_reading_them_whole(app):
    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.served += len(buffer)
            buffer[:] = b"\x00" * len(buffer)
            return len(buffer)

    stream = Endless()
    with app.test_request_context():
        with pytest.raises(InvalidImage, match="5 MB"):
            clean_image(io.BufferedReader(stream))
    assert stream.served <= MAX_IMAGE_BYTES + 2 * 1024 * 1024


def test_refused_upload_leaves_nothing_behind(client, app):
    from tests.catalog.showcase.conftest import make_showcase_admin
    from tests import factories

    token = factories.make_token(make_showcase_admin())
    response = client.post("/api/3/action/ckanext_showcase_create",
                           headers={"Authorization": token},
                           data={"title": "偽の画像", "image_upload": (io.BytesIO(b"not"), "x.png")})
    assert response.status_code == 409
    assert "image_upload" in response.get_json()["error"]
    assert client.get("/api/3/action/ckanext_showcase_list").get_json()["result"] == []
    assert not list((app.config["SETTINGS"].instance_dir / "files").rglob("*.*"))
