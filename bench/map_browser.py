"""The maps in a real browser: how many requests they make to hosts other than the app's own.

Debian's chromium (through Playwright, as tests/e2e) opens the portal as the demo supervisor, goes
to 标准作业图 and then to a plate page with its small map. Every request to another host is counted
and stopped (an intranet, 政务外网, reaches none). Printed: `external_requests` (both pages), the
hosts, and how long the operation map took to show its markers.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, Route, sync_playwright
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.models import DoorPlate, RecordStatus
from shared.places.links import plate_link
from tests.e2e.conftest import CHROMIUM_ARGS, start_streamlit

OWN_HOSTS = ("127.0.0.1", "localhost")
TIMEOUT_MS = 180_000  # a whole town's map on two shared cores
SETTLE_MS = 5_000  # after the map shows: time for tiles or late scripts to be asked for
SUPERVISOR = ("supervisor", "mayong-supervisor-2026")  # the demo town's account
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def count_external_requests(database_url: str, tmp: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("external_requests: skipped, Debian's chromium is not installed (apt-get install chromium)")
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
    print(f"map_tiles_setting: {env.get('MENPAI_MAP_TILES') or '(unset)'}")
    outside: Counter[str] = Counter()
    process, url = start_streamlit("portal/server.py", env, tmp / "portal.log")
    try:
        seconds, on_map = _visit(chromium, url, database_url, outside)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"operation_map_ready_seconds: {seconds:.1f} s (signed in until its markers show)")
    print(f"operation_map_external_requests: {on_map}")
    print(f"plate_page_external_requests: {sum(outside.values()) - on_map}")
    print(f"external_requests: {sum(outside.values())} count")
    for host, count in outside.most_common(5):
        print(f"  {host}: {count}")


def _visit(chromium: str, url: str, database_url: str, outside: Counter[str]) -> tuple[float, int]:
    """The operation map, then a plate page, in one browser: (seconds to the map, requests
    stopped on the map page)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def stop_outside(route: Route) -> None:
            host = urlparse(route.request.url).hostname or ""
            if host in OWN_HOSTS:
                route.continue_()
            else:
                outside[host] += 1
                route.abort()

        page.route("**/*", stop_outside)
        seconds = _operation_map(page, url)
        on_map = sum(outside.values())
        page.goto(plate_link(_plate_code(database_url), portal_url=url))
        _wait_for_map(page, ".leaflet-marker-pane .awesome-marker")
        browser.close()
    return seconds, on_map


def _operation_map(page: Page, url: str) -> float:
    """Sign in as the supervisor and open 标准作业图 from the menu (a typed URL would start a new,
    signed-out session); seconds from signing in until the map's markers show."""
    page.goto(f"{url}/staff")
    page.get_by_label("用户名").fill(SUPERVISOR[0])
    page.get_by_label("密码", exact=True).fill(SUPERVISOR[1])
    started = time.perf_counter()
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的账号").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name="标准作业图").click()
    page.get_by_role("heading", name="标准作业图").wait_for(timeout=TIMEOUT_MS)
    _wait_for_map(page, ".leaflet-marker-pane .leaflet-marker-icon")
    return time.perf_counter() - started - SETTLE_MS / 1000


def _wait_for_map(page: Page, marker: str) -> None:
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(marker).first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(SETTLE_MS)


def _plate_code(database_url: str) -> str:
    engine = make_engine(database_url)
    with Session(engine) as session:
        code = session.scalars(
            select(DoorPlate.code)
            .where(DoorPlate.status == RecordStatus.ACTIVE, DoorPlate.lon.is_not(None))
            .order_by(DoorPlate.code)
        ).first()
    engine.dispose()
    assert code is not None, "the demo town has plates with coordinates"
    return code
