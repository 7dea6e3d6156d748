"""Screenshots of what users see, taken by the browser for the README: the plate page and a tenant's
declaration on a phone, the review queue and the operation map on a staff member's screen, and the
gate kiosk in landscape.

Each shot is written to the test's tmp dir; with MENPAI_UPDATE_SCREENSHOTS=1 it is also copied to
docs/screenshots/. Outside requests (map tiles) are refused, so the shots look the same offline.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from playwright.sync_api import Page, Route, ViewportSize, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.config import PROJECT_ROOT
from shared.core.db import make_engine
from shared.demo.town import DEMO_ACCOUNTS
from shared.models import Building, DoorPlate, RecordStatus, Room, User, utcnow
from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import (
    PAGE_TIMEOUT_MS,
    PHONE,
    choose,
    plate_with_rooms,
    settle,
    show_plate_map,
    type_into,
    wait_for_plate_page,
)
from tests.factories import declare_residence, make_id_number, person_fields

# Generous: the first page of a cold server on a busy machine; a ready page ends the wait at once.
TIMEOUT_MS = 2 * PAGE_TIMEOUT_MS
DESKTOP: ViewportSize = {"width": 1280, "height": 800}  # an office screen
KIOSK: ViewportSize = {"width": 1280, "height": 800}  # a landscape touch screen at the gate
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
MAX_BYTES = 300_000  # the README loads them all
MIN_COLOURS = 40  # a blank or half-drawn page has a handful
FOLIUM_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _stay_local(page: Page) -> None:
    """Refuse every request off this machine (map tiles): the shots must not depend on the network."""

    def route(route: Route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)


def _wait_until_settled(page: Page) -> None:
    """Streamlit has finished its run (`settle`) and the fonts are in."""
    settle(page, timeout_ms=TIMEOUT_MS)
    page.evaluate("document.fonts.ready.then(() => true)")


# Resolves once Leaflet has left the map alone for a moment: the fit to the plates, the clustering and
# the markers are done (a canvas redraw changes no element); rejects if it never settles.
_MAP_IS_STILL_JS = """limit => new Promise((resolve, reject) => {
    const pane = document.querySelector('.leaflet-map-pane');
    const giveUp = setTimeout(() => reject(new Error('the map kept moving')), limit);
    let quiet;
    const observer = new MutationObserver(() => { clearTimeout(quiet); quiet = setTimeout(done, 800); });
    function done() { observer.disconnect(); clearTimeout(giveUp); resolve(true); }
    observer.observe(pane, {attributes: true, childList: true, subtree: true});
    quiet = setTimeout(done, 800);
})"""


def _wait_until_map_is_still(page: Page) -> None:
    """The folium map inside its component iframe has stopped changing."""
    frame = page.locator(FOLIUM_FRAME).element_handle().content_frame()
    assert frame is not None
    frame.evaluate(_MAP_IS_STILL_JS, TIMEOUT_MS)


def _shoot(page: Page, tmp_path: Path, name: str) -> bytes:
    """The visible screen as a PNG in tmp_path, and in docs/screenshots/ when asked to update them."""
    _wait_until_settled(page)
    path = tmp_path / name
    png = page.screenshot(path=path, full_page=False, scale="css", animations="disabled", caret="hide")
    if os.environ.get("MENPAI_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / name)
    return png


def _assert_is_a_drawn_screen(png: bytes, size: ViewportSize) -> None:
    """The shot has the screen's size, is small enough for the README, and is not blank."""
    image = Image.open(io.BytesIO(png))
    assert image.size == (size["width"], size["height"])
    assert len(png) < MAX_BYTES, f"{len(png)} bytes"
    colours = image.convert("RGB").getcolors(maxcolors=size["width"] * size["height"])
    assert colours is not None and len(colours) > MIN_COLOURS, f"{len(colours or [])} colours"


def _sign_in(page: Page, portal: RunningApp, username: str) -> None:
    account = next(a for a in DEMO_ACCOUNTS if a.username == username)
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码", exact=True).fill(account.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=TIMEOUT_MS)


def _open_staff_page(page: Page, title: str) -> None:
    """Through the menu: in-app navigation keeps the session, a typed URL would sign out."""
    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name=title).click()
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=TIMEOUT_MS)


# Tenants waiting for review, as the queue and the map show them:
# (name, identity number's region, birth date and sequence, days since they declared).
WAITING = (
    ("王芳", "510107", "19950312", "042", 6),
    ("陈志强", "420103", "19880921", "071", 3),
    ("刘洋", "450103", "19990607", "015", 1),
    ("黄丽娟", "430102", "19920118", "028", 0),
)
RESIDENTIAL = "01"  # code list building_use


@pytest.fixture(scope="module")
def waiting_declarations(portal: RunningApp) -> list[str]:
    """Tenants' declarations awaiting the demo officer, submitted over the last days (the demo
    town has none). They go to a grid of the officer's where every dwelling has an owner on
    record, so test_review_flow, which needs a grid without pending work and an owner-less
    dwelling, still finds one. Returns the tenants' names."""
    engine = make_engine(portal.database_url)
    with Session(engine) as session:
        grids = session.scalars(select(User.grid_codes).where(User.username == "officer")).one()
        ownerless = (
            select(DoorPlate.grid_code)
            .join(Building, Building.plate_code == DoorPlate.code)
            .where(Building.use == RESIDENTIAL, Building.owner_person_id.is_(None))
        )
        rooms = session.scalars(
            select(Room)
            .join(Building, Building.id == Room.building_id)
            .join(DoorPlate, DoorPlate.code == Building.plate_code)
            .where(
                DoorPlate.grid_code.in_(grids),
                DoorPlate.grid_code.not_in(ownerless),
                DoorPlate.status == RecordStatus.ACTIVE,
                Room.status == RecordStatus.ACTIVE,
            )
            .order_by(DoorPlate.code, Room.id)
        ).all()
        assert len(rooms) >= len(WAITING), "the demo officer has a grid of owned dwellings"
        for room, (name, region, birth, sequence, days_ago) in zip(rooms, WAITING, strict=False):
            now = utcnow() - timedelta(days=days_ago)
            person = person_fields(
                name=name, id_number=make_id_number(region, birth, sequence), birth_date="", sex=""
            )
            declare_residence(
                session, room=room, now=now, person=person, move_in=local_today(now) - timedelta(days=2)
            )
        session.commit()
    engine.dispose()
    return [name for name, *_ in WAITING]


def test_plate_page_on_a_phone(page: Page, portal: RunningApp, tmp_path: Path) -> None:
    code, _ = plate_with_rooms(portal.database_url)
    _stay_local(page)
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page, timeout_ms=TIMEOUT_MS)
    expect(page.get_by_role("heading", name=re.compile("^麻涌镇 "))).to_be_visible()
    _assert_is_a_drawn_screen(_shoot(page, tmp_path, "plate.png"), PHONE)
    show_plate_map(page)  # the small map, one tap away
    map_frame = page.frame_locator(FOLIUM_FRAME)
    expect(map_frame.locator(".leaflet-marker-pane .awesome-marker")).to_be_visible(timeout=TIMEOUT_MS)
    expect(map_frame.locator(".leaflet-control-zoom-in")).to_be_visible()
    _wait_until_map_is_still(page)


def test_tenant_declaration_on_a_phone(page: Page, portal: RunningApp, tmp_path: Path) -> None:
    code, room = plate_with_rooms(portal.database_url)
    _stay_local(page)
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page, timeout_ms=TIMEOUT_MS)
    page.get_by_role("button", name="我住在这里").click()
    heading = page.get_by_role("heading", name="居住登记：我住在这里")
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)
    # Demo-looking answers; the identity number stays empty, so no real-looking one is in the shot.
    choose(page, "房间", room)
    type_into(page, "姓名", "张小明")
    choose(page, "民族", "汉族")
    expect(page.get_by_label("姓名", exact=True)).to_have_value("张小明")
    expect(page.get_by_label("证件号码", exact=True)).to_have_value("")
    page.evaluate("document.activeElement.blur()")  # no focus ring in the shot
    heading.evaluate("element => element.scrollIntoView({block: 'start'})")
    _assert_is_a_drawn_screen(_shoot(page, tmp_path, "declaration.png"), PHONE)


def test_review_queue_on_a_staff_screen(
    page: Page, portal: RunningApp, waiting_declarations: list[str], tmp_path: Path
) -> None:
    page.set_viewport_size(DESKTOP)
    _sign_in(page, portal, "officer")
    _open_staff_page(page, "审核队列")
    rows = page.get_by_test_id("stDataFrame").first.locator("tbody tr")
    expect(rows.nth(len(waiting_declarations) - 1)).to_be_attached(timeout=TIMEOUT_MS)
    table = page.get_by_test_id("stDataFrame").first
    for name in waiting_declarations:  # names are masked in the queue
        expect(table).to_contain_text(name[0] + "*" * (len(name) - 1))
        expect(table).not_to_contain_text(name)
    _assert_is_a_drawn_screen(_shoot(page, tmp_path, "review-queue.png"), DESKTOP)


def test_operation_map_on_a_staff_screen(
    page: Page, portal: RunningApp, waiting_declarations: list[str], tmp_path: Path
) -> None:
    _stay_local(page)
    page.set_viewport_size(DESKTOP)
    _sign_in(page, portal, "officer")
    _open_staff_page(page, "标准作业图")
    map_frame = page.frame_locator(FOLIUM_FRAME)
    expect(map_frame.locator(".leaflet-overlay-pane canvas").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(map_frame.locator(".leaflet-marker-pane > *").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(map_frame.get_by_text("图例")).to_be_visible()
    expect(map_frame.locator(".awesome-marker .fa-hourglass-half").first).to_be_visible()  # the waiting
    _wait_until_map_is_still(page)
    # The whole map in view, legend and layer list too, as an officer scrolls to it.
    page.locator(FOLIUM_FRAME).evaluate("element => element.scrollIntoView({block: 'end'})")
    _assert_is_a_drawn_screen(_shoot(page, tmp_path, "map.png"), DESKTOP)


def test_kiosk_start_screen_in_landscape(page: Page, kiosk: RunningApp, tmp_path: Path) -> None:
    page.set_viewport_size(KIOSK)
    page.goto(kiosk.url)
    expect(page.get_by_role("heading", name="门禁终端")).to_be_visible(timeout=TIMEOUT_MS)
    for choice in ("住户通行", "访客登记", "新租户登记"):
        expect(page.get_by_role("button", name=choice)).to_be_visible()
    expect(page.get_by_label("住户请直接扫描通行码")).to_be_focused(timeout=TIMEOUT_MS)
    _assert_is_a_drawn_screen(_shoot(page, tmp_path, "kiosk.png"), KIOSK)
