"""Printable A4 sheets of plates, and which plates a village's sheet holds, in which order."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PageObject, PdfReader
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.models import PlateKind, RecordStatus
from shared.places.links import plate_link, verify_plate_token
from shared.places.qr import QUIET_ZONE, PlateLabel
from shared.places.sheets import PLATES_PER_PAGE, build_plate_sheet, plates_for_village
from tests.factories import make_plate, make_street, make_village

QR_BLOCK = re.compile(r"q\n[\d.]+ 0 0 -[\d.]+ [\d.]+ [\d.]+ cm\n0 g\nn (.*?)\nf\*?\nQ", re.S)
MODULE_RUN = re.compile(r"(\d+) (\d+) (\d+) 1 re")
CUT_LINE = re.compile(r"n [\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S")


def sample_plates(count: int) -> list[tuple[PlateLabel, str]]:
    plates = []
    for n in range(1, count + 1):
        code = f"{2000010000 + n}"
        kind = PlateKind.TEMPORARY if n % 4 == 0 else PlateKind.FORMAL
        plates.append((PlateLabel(f"麻涌大道 {n}号", "黎滘村", code, kind), plate_link(code)))
    return plates


def pdf_of(plates: list[tuple[PlateLabel, str]]) -> PdfReader:
    out = io.BytesIO()
    build_plate_sheet(plates, out=out, title="黎滘村")
    return PdfReader(io.BytesIO(out.getvalue()))


def content_of(page: PageObject) -> str:
    contents = page.get_contents()
    assert contents is not None
    return contents.get_data().decode("latin-1")


def qr_codes_drawn_on(page_content: str) -> list[str]:
    """Rasterise each vector QR code of a page (module runs in module units) and decode it."""
    found: list[str] = []
    for block in QR_BLOCK.findall(page_content):
        runs = [tuple(map(int, run)) for run in MODULE_RUN.findall(block)]
        n = max(x + length for x, _, length in runs)
        scale = 6
        image = Image.new("L", ((n + 2 * QUIET_ZONE) * scale,) * 2, 255)
        draw = ImageDraw.Draw(image)
        for x, y, length in runs:
            left, top = (x + QUIET_ZONE) * scale, (y + QUIET_ZONE) * scale
            draw.rectangle((left, top, left + length * scale - 1, top + scale - 1), fill=0)
        found.extend(b.text for b in zxingcpp.read_barcodes(image))
    return found


@pytest.mark.parametrize("count", [1, 7, 8, 9, 17])
def test_sheet_has_one_page_per_eight_plates(count: int) -> None:
    out = io.BytesIO()
    pages = build_plate_sheet(sample_plates(count), out=out)
    assert pages == math.ceil(count / PLATES_PER_PAGE)
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == pages


def test_sheet_shows_each_plate_text() -> None:
    plates = sample_plates(9)
    reader = pdf_of(plates)
    first, second = (page.extract_text() for page in reader.pages)
    for label, _ in plates[:8]:
        assert label.address in first and label.code in first
    assert "麻涌大道 9号" in second and "麻涌大道 9号" not in first
    assert "黎滘村" in first and "正式门牌" in first and "临时门牌" in first


def test_sheet_qr_codes_decode_to_the_links_in_order() -> None:
    plates = sample_plates(10)
    reader = pdf_of(plates)
    decoded = [link for page in reader.pages for link in qr_codes_drawn_on(content_of(page))]
    assert decoded == [link for _, link in plates]


@pytest.mark.parametrize(("count", "crosses"), [(8, 3 * 5), (3, 3 * 3), (1, 3 * 2)])
def test_cut_marks_cross_every_corner_of_the_used_cells(count: int, crosses: int) -> None:
    content = content_of(pdf_of(sample_plates(count)).pages[0])
    assert len(CUT_LINE.findall(content)) == 2 * crosses


def test_progress_reports_plates_done_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    build_plate_sheet(
        sample_plates(20), out=io.BytesIO(), progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(8, 20), (16, 20), (20, 20)]


def test_sheet_is_written_to_a_path(tmp_path: Path) -> None:
    target = tmp_path / "sheet.pdf"
    assert build_plate_sheet(sample_plates(2), out=target) == 1
    assert target.read_bytes().startswith(b"%PDF-")


def test_very_long_address_still_fits_its_cell() -> None:
    long_address = "麻涌镇黎滘村新围坊东二巷北段内街 1288号之十二"
    plates = [(PlateLabel(long_address, "黎滘村", "2000010001", PlateKind.FORMAL), plate_link("2000010001"))]
    assert long_address in pdf_of(plates).pages[0].extract_text()


def test_empty_sheet_is_refused() -> None:
    with pytest.raises(DomainError, match="no plates"):
        build_plate_sheet([], out=io.BytesIO())


def test_village_plates_in_walking_order(session: Session) -> None:
    village = make_village(session, name="黎滘村", code="441900126211")
    lane = make_street(session, village=village, name="黎滘二巷")
    road = make_street(session, village=village, name="黎滘大道")
    for number in ["10", "12之一", "2", "12", "13", "12之二"]:
        make_plate(session, street=road, number=number)
    make_plate(session, street=lane, number="1")
    make_plate(session, street=road, number="3", status=RecordStatus.RETIRED)
    make_plate(session, village=make_village(session, name="麻一村"), number="5")
    session.commit()

    plates = plates_for_village(session, village="黎滘村", portal_url="https://mp.dg.gov.cn")
    addresses = [label.address for label, _ in plates]
    road_addresses = [f"黎滘大道 {n}" for n in ["2号", "10号", "12号", "12号之一", "12号之二", "13号"]]
    assert sorted(addresses) == sorted(["黎滘二巷 1号", *road_addresses])
    assert [a for a in addresses if a.startswith("黎滘大道")] == road_addresses
    assert {label.village for label, _ in plates} == {"黎滘村"}
    for label, link in plates:
        assert link.startswith("https://mp.dg.gov.cn/?p=")
        assert verify_plate_token(link.split("?p=")[1]) == label.code

    by_code = plates_for_village(session, village=" 441900126211 ", portal_url="https://mp.dg.gov.cn")
    assert by_code == plates


def test_street_sheet_holds_only_that_street(session: Session) -> None:
    village = make_village(session, name="麻一村")
    road = make_street(session, village=village, name="麻涌大道")
    road.aliases = ["麻涌路"]
    make_street(session, village=village, name="麻一新街")
    make_plate(session, street=road, number="1", kind=PlateKind.TEMPORARY)
    make_plate(session, street=road, number="2")
    session.commit()

    plates = plates_for_village(session, village="麻一村", street="麻涌大道")
    assert [(label.address, label.kind) for label, _ in plates] == [
        ("麻涌大道 1号", PlateKind.TEMPORARY),
        ("麻涌大道 2号", PlateKind.FORMAL),
    ]
    assert plates_for_village(session, village="麻一村", street="麻涌路") == plates
    assert plates_for_village(session, village="麻一村", street="麻一新街") == []


@pytest.mark.parametrize(
    ("village", "street", "field", "zh", "en"),
    [
        ("不存在村", None, "village", "没有找到村（社区）“不存在村”", "No village or community “不存在村”"),
        ("麻一村", "无名路", "street", "麻一村没有“无名路”这条街路巷", "has no street called “无名路”"),
    ],
)
def test_unknown_village_or_street_is_refused_in_both_languages(
    session: Session, village: str, street: str | None, field: str, zh: str, en: str
) -> None:
    make_village(session, name="麻一村")
    session.commit()
    with pytest.raises(DomainError) as caught:
        plates_for_village(session, village=village, street=street)
    assert caught.value.field == field
    assert zh in caught.value.message("zh")
    assert en in caught.value.message("en")
