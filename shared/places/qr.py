"""门牌二维码: a plate's QR code with its text, as PNG (to print or download) and SVG (to scale).

Error correction is Q (25 % of the code may be lost): plates hang outdoors, get dirty and
scratched. The text under the code is what a person reads when no phone is at hand: the
standard address, the village, the plate code and whether the plate is 正式 or 临时. The PNG
needs a CJK font, so one is vendored in data/fonts/ (see its README for licence and subset).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_Q

from shared.core.config import PROJECT_ROOT
from shared.models import DoorPlate, PlateKind

if TYPE_CHECKING:
    from shared.places.plates import PlateView

FONT_PATH = PROJECT_ROOT / "data" / "fonts" / "wqy-microhei-gbk.ttf"
SVG_FONT_FAMILY = (
    "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'SimHei', sans-serif"
)
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 requires
KIND_TEXT = {PlateKind.FORMAL: "正式门牌", PlateKind.TEMPORARY: "临时门牌"}

# Text sizes in modules; a module is `scale` pixels in the PNG and one user unit in the SVG.
ADDRESS_SIZE = 3.6
DETAIL_SIZE = 2.4
LINE_GAP = 0.9


@dataclass(frozen=True)
class PlateLabel:
    """What is printed beside a plate's QR code."""

    address: str  # standard address: `麻涌大道 12号`
    village: str  # `麻一村`
    code: str  # standard address code: `2000010012`
    kind: PlateKind

    @property
    def kind_text(self) -> str:
        return KIND_TEXT[self.kind]

    def lines(self) -> tuple[tuple[str, float], ...]:
        """(text, size in modules) from top to bottom."""
        return (
            (self.address, ADDRESS_SIZE),
            (self.village, DETAIL_SIZE),
            (self.code, DETAIL_SIZE),
            (self.kind_text, DETAIL_SIZE),
        )


def label_from_view(view: PlateView) -> PlateLabel:
    """The label of a plate as `lookup_plate` returns it."""
    return PlateLabel(address=view.address, village=view.village_name, code=view.code, kind=view.kind)


def label_from_plate(plate: DoorPlate) -> PlateLabel:
    """The label of a plate row (loads its street and village if they are not loaded yet)."""
    return PlateLabel(
        address=plate.address, village=plate.street.village.name, code=plate.code, kind=plate.kind
    )


def qr_matrix(link: str) -> list[list[bool]]:
    """Dark modules of the smallest QR code holding `link` at level Q, without the quiet zone."""
    code = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(link)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


_fonts = threading.local()


def _font(pixels: int) -> ImageFont.FreeTypeFont:
    """The plate font at a pixel size, one per thread: a FreeType face must not be shared
    between threads, and Streamlit serves each browser session on its own thread."""
    cache: dict[int, ImageFont.FreeTypeFont] = _fonts.__dict__.setdefault("by_size", {})
    if pixels not in cache:
        cache[pixels] = ImageFont.truetype(str(FONT_PATH), pixels)
    return cache[pixels]


def plate_png(plate: PlateLabel, link: str, *, scale: int = 8) -> bytes:
    """PNG of the QR code (`scale` pixels per module) with the plate's text centred under it."""
    if scale < 2:
        raise ValueError("scale must be at least 2 pixels a module, or the text cannot be read")
    matrix = qr_matrix(link)
    n = len(matrix)
    side = (n + 2 * QUIET_ZONE) * scale
    lines = [(text, _font(round(size * scale))) for text, size in plate.lines()]
    pad = scale * 2
    width = max(side, *(round(font.getlength(text)) + 2 * pad for text, font in lines))
    gap = round(LINE_GAP * scale)
    height = side + sum(_line_height(font) + gap for _, font in lines) + pad

    image = Image.new("L", (width, height), 255)
    code_pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    code_image = Image.frombytes("L", (n, n), code_pixels).resize(
        (n * scale, n * scale), Image.Resampling.NEAREST
    )
    left = (width - side) // 2
    image.paste(code_image, (left + QUIET_ZONE * scale, QUIET_ZONE * scale))

    draw = ImageDraw.Draw(image)
    y = side
    for index, (text, font) in enumerate(lines):
        line_height = _line_height(font)
        is_kind_line = index == len(lines) - 1
        if is_kind_line and plate.kind is PlateKind.TEMPORARY:
            # A temporary plate is printed reversed, so it is told apart from across the street.
            text_width = round(font.getlength(text))
            box = (
                width // 2 - text_width // 2 - scale,
                y - gap // 2,
                width // 2 + text_width // 2 + scale,
                y + line_height + gap // 2,
            )
            draw.rectangle(box, fill=0)
            draw.text((width / 2, y), text, font=font, fill=255, anchor="mt")
        else:
            draw.text((width / 2, y), text, font=font, fill=0, anchor="mt")
        y += line_height + gap
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return int(ascent + descent)


def plate_svg(plate: PlateLabel, link: str) -> str:
    """SVG of the QR code and the plate's text as text (one user unit per module).

    The text names a list of common CJK fonts instead of embedding one: every system that
    opens the file has at least one of them.
    """
    matrix = qr_matrix(link)
    n = len(matrix)
    side = n + 2 * QUIET_ZONE
    width = max(float(side), *(_estimated_width(text, size) + 4 for text, size in plate.lines()))
    offset = (width - side) / 2 + QUIET_ZONE
    runs: list[str] = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1
    parts = [
        f'<rect x="{offset - QUIET_ZONE:g}" y="0" width="{side}" height="{side}" fill="#fff"/>',
        f'<path transform="translate({offset:g} {QUIET_ZONE})" fill="#000" d="{"".join(runs)}"/>',
    ]
    line_top = float(side)
    for index, (text, size) in enumerate(plate.lines()):
        is_temporary_kind = index == len(plate.lines()) - 1 and plate.kind is PlateKind.TEMPORARY
        baseline = line_top + size * 0.88
        if is_temporary_kind:
            box_width = _estimated_width(text, size) + 2
            parts.append(
                f'<rect x="{(width - box_width) / 2:g}" y="{line_top - LINE_GAP / 2:g}" '
                f'width="{box_width:g}" height="{size * 1.2 + LINE_GAP:g}" fill="#000"/>'
            )
        fill = "#fff" if is_temporary_kind else "#000"
        parts.append(
            f'<text x="{width / 2:g}" y="{baseline:g}" font-size="{size:g}" text-anchor="middle" '
            f'fill="{fill}">{escape(text)}</text>'
        )
        line_top += size * 1.2 + LINE_GAP
    height = line_top + 2
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width * 8:g}" height="{height * 8:g}" shape-rendering="crispEdges" '
        f"font-family={quoteattr(SVG_FONT_FAMILY)}>\n"
        f"<title>{escape(plate.address)} {escape(plate.code)}</title>\n"
        f'<rect width="{width:g}" height="{height:g}" fill="#fff"/>\n' + "\n".join(parts) + "\n</svg>\n"
    )


def _estimated_width(text: str, size: float) -> float:
    """Width without font metrics: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)
