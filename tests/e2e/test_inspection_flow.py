"""平安出租屋 in a real browser: an officer inspects a let building in his grid and one item
fails; the landlord opens his rental's receipt, sees the 整改 with its deadline and reports it
done; the officer sees the report and closes it, and the rental is rated 平安出租屋."""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.db import make_engine
from shared.declarations.forms import validate_rental
from shared.inspections.checklist import checklist
from shared.models import Building, DoorPlate, Inspection, RecordStatus, Room, User, utcnow
from shared.self_service.submit import submit_rental
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import settle
from tests.e2e.test_staff_login import sign_in_on_the_staff_page
from tests.factories import LANDLORD_ID, rental_fields

PAGE_TIMEOUT_MS = 30_000
FAILED = "smoke"  # 安装独立式感烟火灾探测报警器


@dataclass(frozen=True)
class Rental:
    plate_code: str
    building_id: int
    receipt_code: str


def _let_building_with_landlord(database_url: str) -> Rental:
    """A never-inspected let building in the demo officer's grids, and its landlord's rental
    declaration of one let room (through the service layer, as the landlord's form would)."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        grids = session.scalars(select(User.grid_codes).where(User.username == "officer")).one()
        room = session.scalars(
            select(Room)
            .join(Building, Building.id == Room.building_id)
            .join(DoorPlate, DoorPlate.code == Building.plate_code)
            .where(
                DoorPlate.grid_code.in_(grids),
                DoorPlate.status == RecordStatus.ACTIVE,
                Building.status == RecordStatus.ACTIVE,
                Building.id.not_in(select(Inspection.building_id)),
                Room.is_rental.is_(True),
                Room.status == RecordStatus.ACTIVE,
            )
            .order_by(Room.id)
        ).first()
        assert room is not None, "the demo officer's grids have a let room"
        data = validate_rental(rental_fields([room.id]), today=local_today(utcnow()))
        declaration = submit_rental(
            session, plate_code=room.building.plate_code, data=data, idempotency_key="e2e-insp", now=utcnow()
        )
        session.commit()
        rental = Rental(room.building.plate_code, room.building_id, declaration.receipt_code)
    engine.dispose()
    return rental


def _open_inspection(page: Page, portal: RunningApp, rental: Rental) -> None:
    page.goto(f"{portal.url}/inspection?plate={rental.plate_code}&b={rental.building_id}")
    expect(page.get_by_role("heading", name="平安出租屋检查")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)


def _rating(page: Page) -> Locator:
    """The box at the top of the rental that gives its rating (the first alert after any flash)."""
    return page.locator('[data-testid="stAlert"]').filter(has_text="出租房间")


def test_inspection_rectification_done_and_closed(page: Page, browser: Browser, portal: RunningApp) -> None:
    rental = _let_building_with_landlord(portal.database_url)
    sign_in_on_the_staff_page(page, portal.url)  # waits for the cookie: the next URL is typed
    _open_inspection(page, portal, rental)
    expect(_rating(page)).to_contain_text("未检查", timeout=PAGE_TIMEOUT_MS)
    for item in checklist():
        group = page.get_by_role("radiogroup", name=item.zh)
        group.get_by_text("不合格" if item.code == FAILED else "合格", exact=True).click()
    page.get_by_label("检查备注").fill("二楼走廊无烟感")
    page.get_by_role("button", name="提交检查结果").click()
    expect(page.get_by_text("已记录检查结果，新增整改 1 项")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(_rating(page)).to_contain_text("需整改")
    smoke = next(item for item in checklist() if item.code == FAILED)

    landlord = browser.new_context(locale="zh-CN").new_page()
    landlord.goto(f"{portal.url}/receipt?r={rental.receipt_code}")
    landlord.get_by_label("证件号码后6位", exact=True).fill(LANDLORD_ID[-6:])
    landlord.get_by_role("button", name="查询").click()
    expect(landlord.get_by_role("heading", name="安全检查整改")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(landlord.get_by_text(smoke.zh)).to_be_visible()
    expect(landlord.get_by_text("整改期限")).to_be_visible()
    landlord.get_by_label("整改情况").fill("已在每层安装烟感")
    landlord.get_by_role("button", name="已整改", exact=True).click()
    expect(landlord.get_by_text("已反馈，等待网格员复查")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(landlord.get_by_text("已整改待复查")).to_be_visible()

    _open_inspection(page, portal, rental)
    expect(page.get_by_text("已在每层安装烟感")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="复查合格，销号").click()
    expect(page.get_by_text("已销号", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(_rating(page)).to_contain_text("平安出租屋")
    expect(page.get_by_text("没有未销号的整改事项。")).to_be_visible()

    landlord.reload()
    landlord.get_by_label("证件号码后6位", exact=True).fill(LANDLORD_ID[-6:])
    landlord.get_by_role("button", name="查询").click()
    expect(landlord.get_by_text("已销号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(landlord.get_by_role("button", name="已整改", exact=True)).to_have_count(0)
