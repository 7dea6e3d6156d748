"""The landlord's optional photo of a 整改: checked and re-encoded before it is stored.

Only JPEG and PNG up to 5 MB are accepted; the image is decoded by Pillow (which refuses
decompression bombs), shrunk to at most 1600 px and stored as a fresh JPEG in the database.
Re-encoding drops EXIF (a phone's GPS position, its serial number) and anything hidden after
the image data, and a file never lands on disk under a name the uploader chose.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from shared.core.errors import ValidationError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # a 40 MP phone photo; larger is refused before decoding
ACCEPTED_FORMATS = {"JPEG", "PNG"}
PHOTO_TYPES = ("jpg", "jpeg", "png")  # for the upload widget


def clean_photo(data: bytes) -> bytes:
    """A safe JPEG of the uploaded photo, or ValidationError saying what is wrong with it."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError("照片不能超过5MB", "Photo: at most 5 MB", field="photo")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError("照片只能是JPG或PNG格式", "Photo: JPG or PNG only", field="photo")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("照片尺寸过大", "Photo: the image is too large", field="photo")
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale
            picture = image.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        if isinstance(error, ValidationError):
            raise
        raise ValidationError(
            "无法读取该照片", "Photo: the file is not a readable image", field="photo"
        ) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return out.getvalue()
