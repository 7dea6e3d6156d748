"""The gate kiosk in a real browser: a USB scanner (a keyboard) types a pass into the field the
kiosk keeps focused, a webcam (Chromium's fake camera playing a QR image) shows a pass, and an
idle kiosk forgets what was typed."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.gate.gates import PLACE_COLUMNS, find_gate, join_place, place_of
from shared.gate.passes import issue_pass, pass_qr_png, pass_token
from shared.models import Residence, Room, utcnow
from tests.e2e.conftest import CHROMIUM_ARGS, RunningApp

PAGE_TIMEOUT_MS = 30_000


def _resident_pass(kiosk: RunningApp) -> str:
    """A fresh pass of someone living in a home this kiosk's gate admits."""
    engine = make_engine(kiosk.database_url)
    with Session(engine) as session:
        gate = find_gate(session, kiosk.env["MENPAI_GATE"])
        assert gate is not None
        rows = session.execute(
            join_place(
                select(Residence.id, *PLACE_COLUMNS)
                .select_from(Residence)
                .join(Room, Residence.room_id == Room.id)
                .where(Residence.until.is_(None))
                .order_by(Residence.id)
            )
        )
        home = next(
            row[0]
            for row in rows
            if gate.admits(village_code=place_of(row).village_code, grid_code=place_of(row).grid_code)
        )
        token = pass_token(issue_pass(session, residence_id=home, now=utcnow()))
        session.commit()
    engine.dispose()
    return token


def _open(page: Page, kiosk: RunningApp) -> None:
    page.goto(kiosk.url)
    expect(page.get_by_text("门禁终端")).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def test_scanner_types_a_pass_into_the_focused_field_and_is_allowed(page: Page, kiosk: RunningApp) -> None:
    token = _resident_pass(kiosk)
    _open(page, kiosk)
    page.get_by_role("button", name="住户通行").click()  # the tap moves the focus onto the button
    expect(page.get_by_role("heading", name="住户通行")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    scan_field = page.get_by_label("扫描通行码")
    expect(scan_field).to_be_focused(timeout=PAGE_TIMEOUT_MS)  # the kiosk's script moved it back
    # A USB scanner is a keyboard: it types the QR's text and presses Enter; nobody clicks first.
    page.keyboard.type(f"https://mp.dg.gov.cn/?pass={token}")
    page.keyboard.press("Enter")
    expect(page.get_by_text("✓ 请通行")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("住户：")).to_be_visible()
    expect(page.get_by_test_id("stToolbar")).to_be_hidden()
    expect(page.get_by_test_id("stMainMenu")).to_be_hidden()


def test_scanner_works_on_the_start_screen_and_a_forgery_is_denied(page: Page, kiosk: RunningApp) -> None:
    token = _resident_pass(kiosk)
    _open(page, kiosk)
    expect(page.get_by_label("住户请直接扫描通行码")).to_be_focused(timeout=PAGE_TIMEOUT_MS)
    page.keyboard.type(token[:-1] + ("A" if token[-1] != "A" else "B"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("✗ 不能通行")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("无法识别的通行码")).to_be_visible()


def test_idle_kiosk_forgets_what_a_visitor_typed(page: Page, kiosk: RunningApp) -> None:
    _open(page, kiosk)
    page.get_by_role("button", name="访客登记").click()
    name = page.get_by_label("姓名", exact=True)
    name.fill("王小明")
    name.press("Tab")
    expect(page.get_by_role("heading", name="访客登记")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    # MENPAI_KIOSK_IDLE_SECONDS=20 for this kiosk: after it, the start screen, nothing kept.
    expect(page.get_by_role("button", name="访客登记")).to_be_visible(timeout=40_000)
    page.get_by_role("button", name="访客登记").click()
    expect(page.get_by_label("姓名", exact=True)).to_have_value("", timeout=PAGE_TIMEOUT_MS)


# -- the webcam ----------------------------------------------------------------------------------


def _y4m_of(png: bytes, path: Path, *, frames: int = 30) -> Path:
    """A Y4M video (what Chromium's fake camera plays) showing the QR code still, 640×480, 4:2:0."""
    code = Image.open(io.BytesIO(png)).convert("L")
    frame = Image.new("L", (640, 480), 255)
    frame.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (320 * 240)  # grey: no colour
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


@pytest.fixture
def camera_browser(
    playwright: Playwright, kiosk: RunningApp, tmp_path: Path
) -> Iterator[tuple[Browser, str]]:
    """Chromium whose camera plays a video of a resident's pass QR code."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed")
    token = _resident_pass(kiosk)
    video = _y4m_of(pass_qr_png(token, scale=6), tmp_path / "pass.y4m")
    browser = playwright.chromium.launch(
        executable_path=chromium,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    yield browser, token
    browser.close()


def test_webcam_photo_of_a_pass_is_read(camera_browser: tuple[Browser, str], kiosk: RunningApp) -> None:
    browser, _ = camera_browser
    context = browser.new_context(permissions=["camera"])
    page = context.new_page()
    _open(page, kiosk)
    page.get_by_role("button", name="住户通行").click()
    page.get_by_text("使用摄像头").click()
    take = page.get_by_test_id("stCameraInputButton")
    expect(take).to_be_enabled(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let the fake camera deliver frames
    take.click()
    expect(page.get_by_text("✓ 请通行")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    context.close()
