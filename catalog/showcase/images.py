"""Checking and storing use-case images.

An upload is accepted only if Pillow decodes it as a PNG, JPEG, GIF or WebP within the size
limits. It is then re-encoded: that drops metadata such as the GPS position a phone writes
into photos, and anything hidden behind the image data, so what we serve is only pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs before decoding
MAX_SIDE = 1600  # larger images are scaled down; nobody needs more on a use-case page
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


class InvalidImage(ValueError):
    """The upload is not an image we accept; the message is for the user."""


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    mimetype: str
    extension: str


def clean_image(stream: BinaryIO) -> CleanImage:
    """Read at most :data:`MAX_IMAGE_BYTES` from ``stream`` and return the re-encoded image.
    Raises :class:`InvalidImage` with a message in the user's language."""
    data = stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(_("The image is larger than %(mb)s MB", mb=MAX_IMAGE_BYTES // 2**20))
    if not data:
        raise InvalidImage(_("The image file is empty"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise InvalidImage(_("Only PNG, JPEG, GIF and WebP images are accepted"))
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise InvalidImage(_("The image has too many pixels"))
            probe.verify()  # checks the whole file's structure without decoding it
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return _reencode(image)
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage(_("The file is not a valid image")) from None


def _reencode(image: Image.Image) -> CleanImage:
    keeps_transparency = image.mode in ("RGBA", "LA", "P") or "transparency" in image.info
    image = image.convert("RGBA" if keeps_transparency else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    output = io.BytesIO()
    if keeps_transparency:
        image.save(output, format="PNG", optimize=True)
        return CleanImage(output.getvalue(), "image/png", "png")
    image.save(output, format="JPEG", quality=85, optimize=True)
    return CleanImage(output.getvalue(), "image/jpeg", "jpg")
