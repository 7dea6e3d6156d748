"""From a scanned plate link to the plate page, in a real browser."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Page, Request, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.models import DoorPlate, RecordStatus
from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.reruns import watch_reruns
from tests.e2e.steps import PHONE, PLATE_BUTTONS, plate_with_rooms, settle, show_plate_map, text_top_and_foot

PAGE_TIMEOUT_MS = 30_000


def _plate_with_coordinates(database_url: str) -> tuple[str, str]:
    engine = make_engine(database_url)
    with Session(engine) as session:
        plate = session.scalars(
            select(DoorPlate)
            .where(DoorPlate.status == RecordStatus.ACTIVE, DoorPlate.lon.is_not(None))
            .order_by(DoorPlate.code)
        ).first()
        assert plate is not None
        result = plate.code, plate.address
    engine.dispose()
    return result


def test_scanned_plate_link_opens_its_address_with_a_local_map(page: Page, portal: RunningApp) -> None:
    code, address = _plate_with_coordinates(portal.database_url)
    outside: list[str] = []

    def block_outside(route, request: Request) -> None:  # type: ignore[no-untyped-def]
        if urlparse(request.url).hostname not in ("127.0.0.1", "localhost"):
            outside.append(request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", block_outside)
    page.goto(plate_link(code, portal_url=portal.url))
    expect(page.get_by_role("heading", name=f"麻涌镇 {address}")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("button", name="我住在这里")).to_be_visible()
    map_frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    expect(map_frame.locator(".leaflet-container")).to_have_count(0)  # drawn only when asked
    show_plate_map(page)
    expect(map_frame.locator(".leaflet-marker-pane .awesome-marker").first).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    # Only map tiles may come from outside (and may fail); every script and style is served locally.
    assert all(_is_tile(url) for url in outside), outside


def test_forged_plate_link_shows_the_refusal_and_the_search(page: Page, portal: RunningApp) -> None:
    code, _ = _plate_with_coordinates(portal.database_url)
    link = plate_link(code, portal_url=portal.url)
    forged = link[:-1] + ("A" if link[-1] != "A" else "B")
    page.goto(forged)
    expect(page.get_by_text("无法识别这个门牌链接", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("按地址查找门牌")).to_be_visible()


def test_english_switch_survives_a_reload(page: Page, portal: RunningApp) -> None:
    code, _ = _plate_with_coordinates(portal.database_url)
    page.goto(plate_link(code, portal_url=portal.url))
    expect(page.get_by_role("button", name="我住在这里")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("radio", name="English").click()
    expect(page.get_by_role("button", name="I live here")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert "lang=English" in page.url  # the choice is in the link, so a reload or a shared link keeps it
    page.reload()
    expect(page.get_by_role("button", name="I live here")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    # On a phone the landlord's label takes two lines: the short one beside it stays in the middle
    # of its (as tall) button, level with it, not at its top.
    page.set_viewport_size(PHONE)
    for name in ("I am the landlord or manager", "I live here"):
        button = page.get_by_role("button", name=name)
        top, foot = text_top_and_foot(button)
        box = button.bounding_box()
        assert box is not None
        assert abs((top + foot) / 2 - (box["y"] + box["height"] / 2)) <= 2, name


def _is_tile(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host.endswith("tile.openstreetmap.org") or host.endswith("tianditu.gov.cn")


def test_the_plate_page_reached_from_a_form_looks_like_the_card_a_scan_opens(
    page: Page, portal: RunningApp
) -> None:
    # Back from a form, the plate page is Streamlit's, not the card: on a phone its two declaring
    # buttons stacked and its rooms' table was narrow, so it looked like another site.
    code, _ = _plate_with_coordinates(portal.database_url)
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    page.get_by_role("button", name="我住在这里").click()
    expect(page.get_by_role("heading", name="居住登记：我住在这里")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_test_id("stPageLink-NavLink").first.click()  # ← the address: back to the plate
    landlord, tenant = (page.get_by_role("button", name=name) for name in PLATE_BUTTONS)
    expect(tenant).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    left, right = landlord.bounding_box(), tenant.bounding_box()
    assert left and right and abs(left["y"] - right["y"]) < 2 and left["x"] + left["width"] <= right["x"]
    rooms = page.locator("table").first.bounding_box()
    box = page.get_by_test_id("stMarkdownContainer").filter(has=page.locator("table")).first.bounding_box()
    assert rooms and box and rooms["width"] >= box["width"] - 2  # the rooms' table spans its box
    police = page.locator('a[href^="tel:0769"]').first  # a number to call, on one line
    expect(police).to_have_css("white-space", "nowrap")


def test_a_form_opened_from_the_card_loads_no_script_from_the_network(page: Page, portal: RunningApp) -> None:
    # A form's widgets (select boxes, dates, ticks) and icons come with scripts and a font that
    # Streamlit loads only as the form draws: on a phone's network they held its opening back by
    # half a second. The card fetches them while it is read.
    code, _ = plate_with_rooms(portal.database_url)
    page.set_viewport_size(PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    page.goto(plate_link(code, portal_url=portal.url))
    page.wait_for_load_state("networkidle")  # the card's prefetches are over
    from_network: list[str] = []

    def note(event: dict[str, Any]) -> None:
        response = event["response"]
        cached = response.get("fromDiskCache") or response.get("fromPrefetchCache")
        if "/static/" in response["url"] and not cached:
            from_network.append(urlparse(response["url"]).path)

    cdp.on("Network.responseReceived", note)
    page.get_by_role("button", name="我住在这里").click()
    expect(page.get_by_label("入住日期", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.wait_for_load_state("networkidle")
    assert from_network == []


def test_typing_right_after_a_search_tab_tap_keeps_every_character(page: Page, portal: RunningApp) -> None:
    """A thumb types as soon as 输入地址 shows. The tap asks the server for nothing (the phone
    keeps the chosen tab), so no rerun lands mid-typing: one used to wipe what had been typed. The
    search's own rerun (Enter) leaves the chosen tab open."""
    watch_reruns(page.context)
    page.set_viewport_size(PHONE)
    page.goto(f"{portal.url}/search")
    tab = page.get_by_role("tab", name="输入地址")
    expect(tab).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    asked = page.evaluate("() => window.__menpaiReruns.lastRequest")
    tab.click()
    field = page.get_by_label("地址或门牌编码", exact=True)
    field.press_sequentially("麻涌大道", delay=30)
    page.wait_for_timeout(500)  # time enough for a tap's rerun to come back
    assert page.evaluate("() => window.__menpaiReruns.lastRequest") == asked
    expect(field).to_have_value("麻涌大道")

    field.press("Enter")
    settle(page)
    expect(page.get_by_role("tab", name="输入地址", selected=True)).to_be_visible()
    expect(page.get_by_text("点击打开", exact=False)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(field).to_have_value("麻涌大道")
