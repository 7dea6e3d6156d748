"""From a scanned plate link to a tenant's receipt, in a real browser: the plate page, "我住在这里",
the form filled as a phone user would, the receipt code, then the receipt opened with it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import PAGE_TIMEOUT_MS, PHONE, declare_as_tenant, plate_with_rooms
from tests.factories import make_id_number


def test_a_tenant_declares_from_the_plate_and_opens_the_receipt(page: Page, portal: RunningApp) -> None:
    code, room = plate_with_rooms(portal.database_url)
    number = make_id_number("430102", "19900115", "011")
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    receipt_code = declare_as_tenant(page, room=room, name="李四", id_number=number)

    page.get_by_role("link", name="打开我的回执").click()
    expect(page.get_by_label("回执码", exact=True)).to_have_value(receipt_code, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("申报人证件号码后6位", exact=True).fill(number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile("^状态: "))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(f"回执码 {receipt_code[:5]} {receipt_code[5:]}")).to_be_visible()
