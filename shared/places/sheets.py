"""门牌打印: A4 PDF sheets of plate QR codes with cut marks, for a village or one street, or the
plates created since a day (new streets, typed addresses an officer placed: the next sheet).

Eight plates a page (2 × 4), each a QR code drawn as vectors (sharp at any printer's
resolution, and small files) with its text under it in the vendored CJK font, which the PDF
embeds as a subset so every viewer and printer shows the same glyphs. Crosses at every cell
corner show where to cut.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ
from shared.core.crypto import Keyring
from shared.core.errors import DomainError
from shared.models import DoorPlate, PlateKind, RecordStatus, Street, Village
from shared.models.places import format_address
from shared.places.links import plate_link
from shared.places.qr import FONT_PATH, QUIET_ZONE, PlateLabel, qr_matrix
from shared.places.search import plate_number_sort_key

FONT_NAME = "MenpaiPlateFont"
COLUMNS, ROWS = 2, 4
PLATES_PER_PAGE = COLUMNS * ROWS
MARGIN = 10 * mm
QR_SIDE = 44 * mm  # with its quiet zone: about 1 mm a module, readable from a metre or two
CUT_MARK_ARM = 3 * mm
ADDRESS_PT, DETAIL_PT, MIN_PT = 12.0, 9.0, 6.0

Progress = Callable[[int, int], None]


def build_plate_sheet(
    plates: Sequence[tuple[PlateLabel, str]],
    *,
    out: BinaryIO | Path,
    progress: Progress | None = None,
    title: str = "",
) -> int:
    """Write the PDF of `(label, link)` pairs to `out`; returns the number of pages.

    `progress(done, total)` is called after each page, counted in plates, so a page can show
    a progress bar for a large village. `title` goes in each page's footer.
    """
    if not plates:
        raise DomainError("没有可打印的门牌。", "There are no plates to print.")
    font = _register_font()
    target = str(out) if isinstance(out, Path) else out
    canvas = Canvas(target, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"门牌二维码 {title}".strip())
    canvas.setCreator("Menpai 门牌")
    page_width, page_height = A4
    cell_width = (page_width - 2 * MARGIN) / COLUMNS
    cell_height = (page_height - 2 * MARGIN) / ROWS
    pages = math.ceil(len(plates) / PLATES_PER_PAGE)
    for page in range(pages):
        chunk = plates[page * PLATES_PER_PAGE : (page + 1) * PLATES_PER_PAGE]
        for index, (label, link) in enumerate(chunk):
            column, row = index % COLUMNS, index // COLUMNS
            left = MARGIN + column * cell_width
            top = page_height - MARGIN - row * cell_height
            _draw_plate(canvas, label, link, left=left, top=top, width=cell_width, font=font)
        _draw_cut_marks(canvas, cell_width, cell_height, rows=math.ceil(len(chunk) / COLUMNS))
        canvas.setFont(font, 7)
        # Bottom left, clear of the cut marks: which sheet this is, once the pages are shuffled.
        canvas.drawString(MARGIN + CUT_MARK_ARM + 2 * mm, MARGIN / 2, f"{title}  {page + 1}/{pages}".strip())
        canvas.showPage()
        if progress is not None:
            progress(min((page + 1) * PLATES_PER_PAGE, len(plates)), len(plates))
    canvas.save()
    return pages


@lru_cache(maxsize=1)
def _register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH)))
    return FONT_NAME


def _draw_plate(
    canvas: Canvas, label: PlateLabel, link: str, *, left: float, top: float, width: float, font: str
) -> None:
    matrix = qr_matrix(link)
    module = QR_SIDE / (len(matrix) + 2 * QUIET_ZONE)
    origin_x = left + (width - QR_SIDE) / 2 + QUIET_ZONE * module
    origin_y = top - 2 * mm - QUIET_ZONE * module  # top edge of the first module row
    # Module units with y downwards: small integers keep the content stream short.
    canvas.saveState()
    canvas.translate(origin_x, origin_y)
    canvas.scale(module, -module)
    path = canvas.beginPath()
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            path.rect(start, y, x - start, 1)
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()

    text_width = width - 6 * mm
    baseline = top - 2 * mm - QR_SIDE
    centre = left + width / 2
    sizes = (ADDRESS_PT, DETAIL_PT, DETAIL_PT, DETAIL_PT)
    texts = (label.address, label.village, label.code, label.kind_text)
    for line, (text, wanted) in enumerate(zip(texts, sizes, strict=True)):
        size = _fitting_size(text, font, wanted, text_width)
        baseline -= size * 1.3
        if line == len(texts) - 1 and label.kind is PlateKind.TEMPORARY:
            # Reversed, as on the PNG: a temporary plate must be told apart at a glance.
            box = pdfmetrics.stringWidth(text, font, size) + 2 * mm
            canvas.rect(centre - box / 2, baseline - size * 0.3, box, size * 1.25, stroke=0, fill=1)
            canvas.setFillGray(1)
        canvas.setFont(font, size)
        canvas.drawCentredString(centre, baseline, text)
        canvas.setFillGray(0)


def _fitting_size(text: str, font: str, wanted: float, width: float) -> float:
    """The wanted size, or smaller for a long address (down to 6 pt, still legible when cut out)."""
    natural = pdfmetrics.stringWidth(text, font, wanted)
    return wanted if natural <= width else max(MIN_PT, wanted * width / natural)


def _draw_cut_marks(canvas: Canvas, cell_width: float, cell_height: float, *, rows: int) -> None:
    """A cross at every corner of the used rows of cells (the last page may be part empty)."""
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.2)
    page_height = A4[1]
    for column in range(COLUMNS + 1):
        for row in range(rows + 1):
            x = MARGIN + column * cell_width
            y = page_height - MARGIN - row * cell_height
            canvas.line(x - CUT_MARK_ARM, y, x + CUT_MARK_ARM, y)
            canvas.line(x, y - CUT_MARK_ARM, x, y + CUT_MARK_ARM)


def new_plates(
    session: Session,
    *,
    since: date,
    village: str | None = None,
    keyring: Keyring | None = None,
    portal_url: str | None = None,
) -> list[tuple[PlateLabel, str]]:
    """Active plates created on or after the day `since` (China's day), in the whole town or one
    village, by village, street and number: what the next print run adds."""
    start = datetime.combine(since, time(0), tzinfo=CHINA_TZ)
    query = (
        select(DoorPlate.code, DoorPlate.number, DoorPlate.kind, Street.name, Street.id, Village.name)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Village.code == Street.village_code)
        .where(DoorPlate.status == RecordStatus.ACTIVE, DoorPlate.created_at >= start)
    )
    if village is not None:
        query = query.where(Street.village_code == _village(session, village).code)
    rows = sorted(session.execute(query).all(), key=lambda r: (r[5], r[3], r[4], plate_number_sort_key(r[1])))
    return [
        (
            PlateLabel(
                address=format_address(street_name, number), village=village_name, code=code, kind=kind
            ),
            plate_link(code, keyring=keyring, portal_url=portal_url),
        )
        for code, number, kind, street_name, _, village_name in rows
    ]


def _village(session: Session, village: str) -> Village:
    wanted = village.strip()
    found = session.scalars(
        select(Village).where((Village.code == wanted) | (Village.name == wanted))
    ).first()
    if found is None:
        raise DomainError(
            f"没有找到村（社区）“{wanted}”。",
            f"No village or community “{wanted}” was found.",
            field="village",
        )
    return found


def plates_for_village(
    session: Session,
    *,
    village: str,
    street: str | None = None,
    keyring: Keyring | None = None,
    portal_url: str | None = None,
) -> list[tuple[PlateLabel, str]]:
    """Active plates of a village (by name or code), or of one of its streets, with their links.

    Ordered as a person walks the street: by street, then by number in numeric order
    (2 before 10, `12之一` right after 12).
    """
    found = _village(session, village)
    query = (
        select(DoorPlate.code, DoorPlate.number, DoorPlate.kind, Street.name, Street.id)
        .join(Street, DoorPlate.street_id == Street.id)
        .where(Street.village_code == found.code, DoorPlate.status == RecordStatus.ACTIVE)
    )
    if street is not None:
        street_ids = _matching_streets(session, village_code=found.code, name=street.strip())
        if not street_ids:
            raise DomainError(
                f"{found.name}没有“{street.strip()}”这条街路巷。",
                f"{found.name} has no street called “{street.strip()}”.",
                field="street",
            )
        query = query.where(Street.id.in_(street_ids))
    rows = sorted(session.execute(query).all(), key=lambda r: (r[3], r[4], plate_number_sort_key(r[1])))
    return [
        (
            PlateLabel(address=format_address(street_name, number), village=found.name, code=code, kind=kind),
            plate_link(code, keyring=keyring, portal_url=portal_url),
        )
        for code, number, kind, street_name, _ in rows
    ]


def _matching_streets(session: Session, *, village_code: str, name: str) -> list[int]:
    """Streets of the village known by this name, current or former (aliases)."""
    streets = session.scalars(select(Street).where(Street.village_code == village_code)).all()
    return [s.id for s in streets if s.name == name or name in (s.aliases or [])]
