"""From a scanned plate link to a tenant's receipt, in a real browser: the plate page, "我住在这里",
the form filled as a phone user would, the receipt code, then the receipt opened with it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import make_engine
from shared.links import plate_link
from shared.models import Building, DoorPlate, RecordStatus, Room
from tests.e2e.conftest import RunningApp
from tests.factories import make_id_number

PAGE_TIMEOUT_MS = 30_000
PHONE = {"width": 390, "height": 844}  # a phone's screen: forms must work one column wide


def _plate_with_rooms(database_url: str) -> tuple[str, str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        row = session.execute(
            select(DoorPlate.code, Room.number)
            .join(Building, Building.plate_code == DoorPlate.code)
            .join(Room, Room.building_id == Building.id)
            .where(DoorPlate.status == RecordStatus.ACTIVE, Room.status == RecordStatus.ACTIVE)
            .order_by(DoorPlate.code, Room.id)
        ).first()
    engine.dispose()
    assert row is not None
    return row[0], row[1]


def _type(page: Page, label: str, text: str) -> None:
    """Type into a text field and leave it, as a thumb does (Streamlit commits on blur)."""
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Tab")


def _choose(page: Page, label: str, option: str) -> None:
    """Open a select box, type to narrow its list (long lists are virtualised), pick the option."""
    field = page.get_by_label(label, exact=True)
    field.click()
    field.press_sequentially(option)
    page.get_by_role("option", name=option, exact=True).click()


def _date(page: Page, label: str, day: date) -> None:
    """A date field is typed segment by segment (year, month, day), as on a phone's keypad."""
    page.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")


def test_a_tenant_declares_from_the_plate_and_opens_the_receipt(page: Page, portal: RunningApp) -> None:
    code, room = _plate_with_rooms(portal.database_url)
    number = make_id_number("430102", "19900115", "011")
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    page.get_by_role("button", name="我住在这里").click(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="居住登记：我住在这里")).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    _choose(page, "房间", room)
    _type(page, "姓名", "李四")
    _type(page, "证件号码", number)
    _choose(page, "民族", "汉族")
    _type(page, "户籍地址", "湖南省长沙市芙蓉区五一路1号")
    _type(page, "联系电话", "138 0013 8000")
    _choose(page, "居住事由", "务工")
    _date(page, "入住日期", date.today() - timedelta(days=3))
    page.get_by_text("我已阅读并同意个人信息告知").click()
    page.get_by_role("button", name="提交申报").click()

    expect(page.get_by_text("申报已提交")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    heading = page.get_by_role("heading", name=re.compile(r"^[2-9A-HJKMNP-Z]{5} [2-9A-HJKMNP-Z]{5}$"))
    expect(heading).to_be_visible()
    receipt_code = heading.inner_text().replace(" ", "")

    page.get_by_role("link", name="打开我的回执").click()
    expect(page.get_by_label("回执码", exact=True)).to_have_value(receipt_code, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("申报人证件号码后6位", exact=True).fill(number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile("^状态: "))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(f"回执码 {receipt_code[:5]} {receipt_code[5:]}")).to_be_visible()
