"""Reading a QR code from a webcam photo (st.camera_input gives a JPEG) with zxing-cpp."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError


def read_qr(photo: bytes) -> str | None:
    """The text of the first QR code in the photo, or None when there is none (or no image)."""
    import zxingcpp  # imported here: only the camera path needs the native library

    try:
        image = Image.open(io.BytesIO(photo))
        image.load()
    except (UnidentifiedImageError, OSError):
        return None
    found = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return found[0].text if found else None
