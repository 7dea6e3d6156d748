"""The maps on an intranet (issue 17): with no tile source configured, the supervisor's operation map
and a plate page's small map ask no other host for anything, and the town's own basemap is drawn."""

from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Page, Route, expect

from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import show_plate_map, wait_for_plate_page
from tests.e2e.test_plate_page import _plate_with_coordinates

PAGE_TIMEOUT_MS = 60_000
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def _stop_outside(page: Page) -> list[str]:
    """Every request to another host, stopped (as an intranet would) and listed."""
    outside: list[str] = []

    def handle(route: Route) -> None:
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return outside


def test_operation_map_and_plate_map_fetch_nothing_from_outside(page: Page, portal: RunningApp) -> None:
    assert "MENPAI_MAP_TILES" not in portal.env and "TIANDITU_KEY" not in portal.env
    outside = _stop_outside(page)
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码", exact=True).fill("mayong-supervisor-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name="标准作业图").click()
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-marker-pane .leaflet-marker-icon").first).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    # The basemap's canvas, in its own pane under the operation layers; no tile pane filled.
    expect(frame.locator(".leaflet-menpaiBasemap-pane canvas")).to_have_count(1)
    expect(frame.locator(".leaflet-tile")).to_have_count(0)
    expect(frame.get_by_text("本镇底图 Town basemap")).to_be_visible()

    code, _ = _plate_with_coordinates(portal.database_url)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page, timeout_ms=PAGE_TIMEOUT_MS)
    show_plate_map(page)
    expect(frame.locator(".leaflet-marker-pane .awesome-marker").first).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(frame.locator(".leaflet-menpaiBasemap-pane canvas")).to_have_count(1)
    page.wait_for_timeout(2_000)  # room for any late request
    assert outside == []
