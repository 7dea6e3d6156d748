"""Plate QR images: a phone reads exactly the link, and a person reads the plate's text."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from shared.core.config import PROJECT_ROOT
from shared.models import PlateKind
from shared.places.links import plate_link
from shared.places.plates import lookup_plate
from shared.places.qr import (
    FONT_PATH,
    KIND_TEXT,
    QUIET_ZONE,
    PlateLabel,
    label_from_plate,
    label_from_view,
    plate_png,
    plate_svg,
    qr_matrix,
)
from tests.factories import make_plate, make_street, make_village

FORMAL = PlateLabel(address="麻涌大道 12号", village="麻一村", code="2000010012", kind=PlateKind.FORMAL)
TEMPORARY = PlateLabel(
    address="黎滘新村三巷 12号之一", village="黎滘村", code="2110030007", kind=PlateKind.TEMPORARY
)
SVG_NS = "{http://www.w3.org/2000/svg}"


def decoded(image: Image.Image) -> list[zxingcpp.Barcode]:
    return [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("label", [FORMAL, TEMPORARY], ids=["formal", "temporary"])
def test_png_decodes_to_exactly_the_link(label: PlateLabel) -> None:
    link = plate_link(label.code)
    image = Image.open(io.BytesIO(plate_png(label, link)))
    barcodes = decoded(image)
    assert [b.text for b in barcodes] == [link]
    assert barcodes[0].ec_level == "Q"


def test_png_decodes_at_the_smallest_scale() -> None:
    link = plate_link(FORMAL.code)
    assert [b.text for b in decoded(Image.open(io.BytesIO(plate_png(FORMAL, link, scale=2))))] == [link]


@pytest.mark.parametrize("label", [FORMAL, TEMPORARY], ids=["formal", "temporary"])
def test_png_shows_text_under_the_code(label: PlateLabel) -> None:
    link = plate_link(label.code)
    scale = 6
    image = Image.open(io.BytesIO(plate_png(label, link, scale=scale))).convert("L")
    code_side = (len(qr_matrix(link)) + 2 * QUIET_ZONE) * scale
    assert image.height > code_side + 4 * 2 * scale  # four lines of text under the code
    text_area = image.crop((0, code_side, image.width, image.height))
    dark = sum(text_area.histogram()[:128])
    assert dark > 500


def test_png_text_differs_with_the_address() -> None:
    link = plate_link(FORMAL.code)
    other = PlateLabel(address="漳澎大道 3号", village=FORMAL.village, code=FORMAL.code, kind=FORMAL.kind)
    assert plate_png(FORMAL, link) != plate_png(other, link)


def test_temporary_plate_is_printed_differently_from_formal() -> None:
    link = plate_link(FORMAL.code)
    as_temporary = PlateLabel(FORMAL.address, FORMAL.village, FORMAL.code, PlateKind.TEMPORARY)
    assert plate_png(FORMAL, link) != plate_png(as_temporary, link)
    assert as_temporary.kind_text == "临时门牌" and FORMAL.kind_text == "正式门牌"


def place_names() -> list[str]:
    with (PROJECT_ROOT / "data" / "villages.csv").open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    return [*names, *KIND_TEXT.values(), "号之一二三四五六七八九十", "麻涌大道东一巷", "氹仔冚塱沥滘涌"]


def test_vendored_font_has_a_glyph_for_every_place_name_character() -> None:
    font = ImageFont.truetype(str(FONT_PATH), 24)
    missing_glyph = bytes(font.getmask("\U000f0000"))  # a private-use character: the .notdef box
    missing = {ch for name in place_names() for ch in name if bytes(font.getmask(ch)) == missing_glyph}
    assert not missing


@pytest.mark.parametrize("label", [FORMAL, TEMPORARY], ids=["formal", "temporary"])
def test_svg_is_xml_with_the_plate_text(label: PlateLabel) -> None:
    svg = plate_svg(label, plate_link(label.code))
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG_NS}svg"
    texts = [element.text for element in root.iter(f"{SVG_NS}text")]
    assert texts == [label.address, label.village, label.code, label.kind_text]
    assert "WenQuanYi Micro Hei" in root.attrib["font-family"]


def test_svg_text_is_escaped() -> None:
    label = PlateLabel(address="A&B <路> 1号", village="麻一村", code="2000010012", kind=PlateKind.FORMAL)
    root = ET.fromstring(plate_svg(label, plate_link(label.code)).encode("utf-8"))
    assert next(e.text for e in root.iter(f"{SVG_NS}text")) == "A&B <路> 1号"


def test_svg_modules_decode_to_the_link() -> None:
    """Rasterise the SVG's module path by hand (no SVG renderer needed) and read it."""
    link = plate_link(TEMPORARY.code)
    root = ET.fromstring(plate_svg(TEMPORARY, link).encode("utf-8"))
    path = next(root.iter(f"{SVG_NS}path"))
    n = len(qr_matrix(link))
    scale = 8
    image = Image.new("L", ((n + 2 * QUIET_ZONE) * scale,) * 2, 255)
    draw = ImageDraw.Draw(image)
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.attrib["d"]):
        left, top = (int(x) + QUIET_ZONE) * scale, (int(y) + QUIET_ZONE) * scale
        draw.rectangle((left, top, left + int(length) * scale - 1, top + scale - 1), fill=0)
    assert [b.text for b in decoded(image)] == [link]


def test_labels_from_a_plate_row_and_from_the_plate_view_agree(session: Session) -> None:
    village = make_village(session, name="麻一村")
    street = make_street(session, village=village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12之一", kind=PlateKind.TEMPORARY, code="2000010012")
    session.commit()

    view = lookup_plate(session, plate.code, today=date(2026, 11, 25))
    assert view is not None
    expected = PlateLabel(
        address="麻涌大道 12号之一", village="麻一村", code="2000010012", kind=PlateKind.TEMPORARY
    )
    assert label_from_view(view) == expected
    assert label_from_plate(plate) == expected


def test_png_refuses_a_scale_too_small_to_read() -> None:
    with pytest.raises(ValueError, match="scale"):
        plate_png(FORMAL, plate_link(FORMAL.code), scale=1)
