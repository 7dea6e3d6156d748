"""An officer's review in a real browser: a tenant's declaration at a plate in the officer's grids,
the officer signs in, opens it from the review queue, approves it, and the plate's page then
counts one more resident in the room."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.db import make_engine
from shared.models import Building, Declaration, DoorPlate, RecordStatus, Residence, Room, User, utcnow
from shared.places.links import plate_link
from shared.places.plates import lookup_plate
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import choose, settle
from tests.e2e.test_staff_login import sign_in_on_the_staff_page
from tests.factories import declare_residence, make_id_number, person_fields

PAGE_TIMEOUT_MS = 30_000
ROW_HEIGHT = 35  # st.dataframe's row (and header) height in pixels
ROW_MARKER_X = 12  # the selection checkbox at the left of a selectable row
RESIDENTIAL = "01"  # code list building_use


@dataclass(frozen=True)
class Declared:
    declaration_id: int
    plate_code: str
    building: str
    building_index: int  # its table's place on the plate page
    room: str
    grid: str  # as the queue's grid filter shows it
    address: str
    residents_before: int


def _declare_in_officers_grid(database_url: str) -> Declared:
    """A tenant's declaration, through the service layer, in an empty room of a dwelling in the
    demo officer's grids, where nothing else waits for review.

    The room has never had a resident and its building no owner on record as a person: the
    `demo_database` fixture builds the town before the tests' secret is set, so the demo's
    people are sealed under another key than the portal's, and the detail page must find no
    one of them to decrypt.
    """
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        grids = session.scalars(select(User.grid_codes).where(User.username == "officer")).one()
        busy = select(Declaration.grid_code).where(Declaration.grid_code.is_not(None))
        room = session.scalars(
            select(Room)
            .join(Building, Building.id == Room.building_id)
            .join(DoorPlate, DoorPlate.code == Building.plate_code)
            .where(
                DoorPlate.grid_code.in_(grids),
                DoorPlate.grid_code.not_in(busy),
                DoorPlate.status == RecordStatus.ACTIVE,
                Building.status == RecordStatus.ACTIVE,
                Building.owner_person_id.is_(None),
                Room.status == RecordStatus.ACTIVE,
                Building.use == RESIDENTIAL,
                ~exists().where(Residence.room_id == Room.id),
            )
            .order_by(DoorPlate.code.desc(), Room.id)
        ).first()
        assert room is not None, "the demo officer's grids have a plate with rooms"
        today = local_today(utcnow())
        plate = lookup_plate(session, room.building.plate_code, today=today)
        assert plate is not None
        before = next(r.resident_count for b in plate.buildings for r in b.rooms if r.id == room.id)
        person = person_fields(
            name="周建华", id_number=make_id_number("430102", "19910203", "051"), birth_date="", sex=""
        )
        declaration = declare_residence(
            session, room=room, now=utcnow(), person=person, move_in=today - timedelta(days=2)
        )
        session.commit()
        declared = Declared(
            declaration_id=declaration.id,
            plate_code=plate.code,
            building=room.building.name,
            building_index=[b.id for b in plate.buildings].index(room.building_id),
            room=room.number,
            grid=f"{plate.village_name} · {plate.grid_name}",
            address=plate.address,
            residents_before=before,
        )
    engine.dispose()
    return declared


def _table_rows(page: Page, index: int = 0) -> Locator:
    """The rows of a table, from the accessible copy the data grid keeps beside its canvas."""
    return page.locator('[data-testid="stDataFrame"]').nth(index).locator("tbody tr")


def _plate_room_rows(page: Page, building_index: int) -> Locator:
    """The rows of a building's rooms table on the plate page, its folded list ("12 间房") opened."""
    for folded in page.get_by_text(re.compile(r"^\d+ 间房$")).all():
        folded.click()
    return page.locator('[data-testid="stMarkdownContainer"] table').nth(building_index).locator("tbody tr")


def _select_row(page: Page, index: int) -> None:
    """Tick a row's selection box on the grid's canvas (row 0 is the first under the header)."""
    y = ROW_HEIGHT * (index + 1) + ROW_HEIGHT // 2
    page.locator('[data-testid="stDataFrame"]').first.click(position={"x": ROW_MARKER_X, "y": y})


def test_officer_approves_from_the_queue_and_the_room_counts_the_resident(
    page: Page, portal: RunningApp
) -> None:
    declared = _declare_in_officers_grid(portal.database_url)
    sign_in_on_the_staff_page(page, portal.url)

    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name="审核队列").click()
    expect(page.get_by_role("heading", name="审核队列")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.get_by_text("筛选", exact=True).click()
    choose(page, "网格", declared.grid)
    rows = _table_rows(page)
    expect(rows).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    expect(rows.first.locator("td").first).to_have_text(str(declared.declaration_id))
    expect(rows.first).to_contain_text("周**")  # the name masked in the queue
    expect(rows.first).not_to_contain_text("周建华")
    settle(page)
    _select_row(page, 0)

    heading = f"居住登记 · {declared.address} {declared.building} {declared.room}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)  # a click during the page's run may land on a button about to be redrawn
    page.get_by_role("button", name="核实通过").click()
    # The room is not on record as let (a warning): the officer confirms having seen it.
    expect(page.get_by_text("确认您已查看并仍要核实通过")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="已查看，确认核实通过").click()
    expect(page.get_by_text("已核实通过，记录已更新。")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("button", name="核实通过")).to_have_count(0)

    page.goto(plate_link(declared.plate_code, portal_url=portal.url))
    expect(page.get_by_role("heading", name=f"麻涌镇 {declared.address}")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    room_cell = page.locator("td", has_text=re.compile(f"^{re.escape(declared.room)}$"))
    room_row = _plate_room_rows(page, declared.building_index).filter(has=room_cell)
    expect(room_row.locator("td").last).to_have_text(
        str(declared.residents_before + 1), timeout=PAGE_TIMEOUT_MS
    )
