"""找不到我的地址 in a real browser: a resident whose building has no plate types the address on
the search page, finds no plate for it and declares against the typed address; the grid officer
opens it from the 待补录地址 work list and links it to a plate of the library."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.models import Declaration, DoorPlate, RecordStatus, Street, UnplacedStatus, User, Village
from shared.self_service.unplaced import choose_grid
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import CONSENT, choose, settle, submit_declaration, type_into
from tests.e2e.test_staff_login import sign_in_on_the_staff_page
from tests.factories import make_id_number

PAGE_TIMEOUT_MS = 30_000
STREET = "麻涌新开发区一路"  # no village of the demo has it


@dataclass(frozen=True)
class Target:
    village: str
    plate_code: str


def _village_of_the_officer(database_url: str) -> Target:
    """A village whose typed addresses go to a grid of the demo officer, and a plate there."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        grids = set(session.scalars(select(User.grid_codes).where(User.username == "officer")).one())
        for village in session.scalars(select(Village).order_by(Village.code)):
            grid = choose_grid(session, village.code)
            if grid in grids:
                plate = session.scalars(
                    select(DoorPlate.code)
                    .join(Street, Street.id == DoorPlate.street_id)
                    .where(DoorPlate.grid_code == grid, DoorPlate.status == RecordStatus.ACTIVE)
                    .order_by(DoorPlate.code)
                ).first()
                assert plate is not None
                return Target(village.name, plate)
    raise AssertionError("a village whose least loaded grid is the demo officer's")


def test_a_resident_declares_at_a_typed_address_and_the_officer_links_it(
    page: Page, private_portal: RunningApp
) -> None:
    portal = private_portal  # linking adds a building with no owner, which other tests must not see
    target = _village_of_the_officer(portal.database_url)
    page.goto(portal.url)
    page.get_by_role("button", name="找不到我的地址（新楼、没有门牌）").click()
    expect(page.get_by_role("tab", name="找不到我的地址", selected=True)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    choose(page, "所在村（社区）", target.village)
    type_into(page, "街路巷名称", STREET)
    type_into(page, "门牌号码", "8")
    type_into(page, "房号（可不填）", "302")
    settle(page)
    page.get_by_role("button", name="查找相近的门牌").click()
    declare = page.get_by_role("button", name=re.compile("^都不是，按"))
    expect(declare).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    declare.click()
    expect(page.get_by_role("heading", name="居住登记（地址待补录）")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    type_into(page, "姓名", "陈新楼")
    type_into(page, "证件号码", make_id_number("430102", "19920304", "071"))
    type_into(page, "联系电话", "138 0013 8000")
    choose(page, "居住事由", "务工")
    settle(page)
    page.get_by_text(CONSENT).click()
    receipt = submit_declaration(page)
    engine = make_engine(portal.database_url)
    with Session(engine) as session:
        declaration = session.scalars(select(Declaration).where(Declaration.receipt_code == receipt)).one()
        assert declaration.plate_code is None and declaration.unplaced is not None
        declaration_id = declaration.id

    sign_in_on_the_staff_page(page, portal.url)
    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name="到期工作清单").click()
    settle(page)
    page.get_by_role("tab", name=re.compile("^待补录地址")).click()
    page.get_by_role("link", name=re.compile(f"{STREET} 8号 302")).click()
    expect(page.get_by_text("待补录地址", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    type_into(page, "门牌编码", target.plate_code)
    settle(page)
    page.get_by_role("button", name="关联该门牌").click()
    expect(page.get_by_text(f"已关联门牌 {target.plate_code}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    with Session(engine) as session:
        placed = session.get(Declaration, declaration_id)
        assert placed is not None and placed.plate_code == target.plate_code and placed.room_id is not None
        assert placed.unplaced is not None and placed.unplaced.status is UnplacedStatus.LINKED
    engine.dispose()
