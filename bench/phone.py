"""Phone self-service (issue 12, part 6): one person at a time on a phone-sized Chromium against
the town-scale demo, measured as they would feel it.

A fresh SQLite file gets the town-scale demo; `streamlit run portal/server.py` serves it and
`streamlit run bench/phone_baseline.py` serves a bare page with the same fields, both at once.
Sessions run one after another, each in a browser context of its own (its own Streamlit
session), a portal session and a bare page session in turn; the first pair is a warm-up and is
not counted. Each opens a plate link (plate page ready: until its declaring buttons
show), fills the tenant form as tests/e2e/steps.py describes it (a field step: from the first
touch of a field until Streamlit's rerun after it is over) and submits (server CPU of a session:
user + system time of the portal process, from /proc, plate link to receipt). The same fields are
filled on the bare page in the same run. Inputs a person must touch are counted from the steps.
Printed as `name: value unit`, not asserted; goals (issue 12): plate page ready <= 1.0 s, field
step <= 1.2x the bare page, server CPU <= 0.4 s per tenant declaration.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.load import SECRET, _build_town, _id_number, _name, _portal, cpu_seconds
from bench.phone_baseline import baseline_fields
from shared.core.crypto import Keyring
from shared.places.links import plate_link
from tests.e2e.conftest import CHROMIUM_ARGS, start_streamlit
from tests.e2e.reruns import watch_reruns
from tests.e2e.steps import (
    CONSENT,
    PHONE,
    PLEDGE,
    Field,
    landlord_form,
    plates_with_rooms,
    play,
    settle,
    submit_declaration,
    tenant_form,
    wait_for_plate_page,
)

SESSIONS = 21  # the first is the warm-up; twenty more steady the medians (a field step is a few frames)
TIMEOUT_MS = 120_000


def run() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("phone: skipped, Debian's chromium is not installed (apt-get install chromium)")
        return
    with tempfile.TemporaryDirectory(prefix="menpai-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'phone.db'}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MENPAI_"))}
        env.update(DATABASE_URL=database_url, MENPAI_SECRET_KEY=SECRET, PYTHONUNBUFFERED="1")
        env["MENPAI_DATA_DIR"] = str(Path(tmp) / "data")
        _build_town(env)
        plates = plates_with_rooms(database_url, limit=SESSIONS + 1)
        keyring = Keyring.from_master(SECRET.encode("utf-8"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                with (
                    _portal(env, Path(tmp) / "portal.log") as (process, portal_url),
                    _bare_page(env, Path(tmp) / "baseline.log") as bare_url,
                ):
                    links = [
                        (plate_link(code, keyring=keyring, portal_url=portal_url), room)
                        for code, room in plates
                    ]
                    portal, baseline = _measure(browser, links[:SESSIONS], process.pid, bare_url)
                    draft_kept = _draft_kept_after_reload(browser, *links[SESSIONS])
            finally:
                browser.close()
    ready, field_steps, cpu = portal
    ratio = statistics.median(field_steps) / statistics.median(baseline)
    print(f"plate_page_ready_median: {statistics.median(ready):.2f} s")
    print(f"field_step_median: {1000 * statistics.median(field_steps):.0f} ms")
    print(f"field_step_p90: {1000 * _rank(field_steps, 0.90):.0f} ms")
    print(f"baseline_field_step_median: {1000 * statistics.median(baseline):.0f} ms")
    print(f"field_step_ratio: {ratio:.2f} x")
    print(f"session_server_cpu: {statistics.median(cpu):.2f} s")
    print(f"tenant_inputs: {len(tenant_form(room='101', name='王伟', id_number='x')) + 1} inputs")
    print(f"landlord_two_tenants_inputs: {_landlord_inputs()}")
    print(f"draft_kept_after_reload: {int(draft_kept)}")


def _measure(
    browser: Browser, links: Sequence[tuple[str, str]], server_pid: int, bare_url: str
) -> tuple[tuple[list[float], list[float], list[float]], list[float]]:
    """A session on the portal and one on the bare page in turn, the one first then the other
    (both servers up all along): a machine that speeds up or slows down during the run does so for
    both. The first pair warms the servers' caches and is not counted."""
    ready: list[float] = []
    field_steps: list[float] = []
    cpu: list[float] = []
    baseline: list[float] = []
    for serial, (link, room) in enumerate(links):
        portal_first = serial % 2 == 0
        if not portal_first:
            bare_steps = _baseline_session(browser, bare_url)
        opened, taken, used = _portal_session(browser, link, room, serial, server_pid)
        if portal_first:
            bare_steps = _baseline_session(browser, bare_url)
        if serial:
            ready.append(opened)
            field_steps += taken
            cpu.append(used)
            baseline += bare_steps
    return (ready, field_steps, cpu), baseline


def _portal_session(
    browser: Browser, link: str, room: str, serial: int, server_pid: int
) -> tuple[float, list[float], float]:
    """A tenant's declaration: plate page ready, every field step, the server's CPU seconds."""
    page = _phone(browser)
    try:
        # Read at both ends only: a sampling thread in this process (bench.load.ServerMemory)
        # took the interpreter from the page's driver during the portal's sessions alone.
        cpu_before, started = cpu_seconds(server_pid), time.perf_counter()
        page.goto(link)
        wait_for_plate_page(page, timeout_ms=TIMEOUT_MS)
        opened = time.perf_counter() - started
        page.get_by_role("button", name="我住在这里").click()
        fields = tenant_form(room=room, name=_name(serial), id_number=_id_number(serial))
        expect(page.get_by_label(fields[0].label, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
        taken = _fill(page, fields)
        page.get_by_text(CONSENT).click()
        submit_declaration(page, timeout_ms=TIMEOUT_MS)
        return opened, taken, cpu_seconds(server_pid) - cpu_before
    finally:
        page.context.close()


@contextmanager
def _bare_page(env: dict[str, str], log: Path) -> Iterator[str]:
    """The bare page with the same fields, served while the portal is."""
    process, url = start_streamlit("bench/phone_baseline.py", env, log)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _baseline_session(browser: Browser, url: str) -> list[float]:
    """The same fields on the bare page."""
    page = _phone(browser)
    try:
        page.goto(url)
        fields = baseline_fields()
        expect(page.get_by_label(fields[0].label, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
        return _fill(page, fields)
    finally:
        page.context.close()


def _fill(page: Page, fields: Sequence[Field]) -> list[float]:
    """Fill each field as a thumb does; seconds from its first touch until the rerun is over."""
    settle(page, timeout_ms=TIMEOUT_MS)
    taken = []
    for field in fields:
        started = time.perf_counter()
        play(page, field)
        settle(page, timeout_ms=TIMEOUT_MS)
        taken.append(time.perf_counter() - started)
    return taken


def _draft_kept_after_reload(browser: Browser, link: str, room: str) -> bool:
    """Half the tenant form typed, the page reloaded: are the typed values back? (Issue 12, part
    1: WeChat reloads a page when its user switches to a chat and back.)"""
    page = _phone(browser)
    try:
        page.goto(link)
        wait_for_plate_page(page, timeout_ms=TIMEOUT_MS)
        page.get_by_role("button", name="我住在这里").click()
        fields = tenant_form(room=room, name="林小梅", id_number=_id_number(900))
        half = fields[: math.ceil(len(fields) / 2)]
        expect(page.get_by_label(half[0].label, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
        _fill(page, half)
        page.wait_for_timeout(1000)  # a draft saved on change has had its moment
        page.reload()
        typed = [f for f in half if f.how == "type"]
        first = page.get_by_label(typed[0].label, exact=True)
        expect(first).to_be_visible(timeout=TIMEOUT_MS)
        settle(page, timeout_ms=TIMEOUT_MS)
        return all(page.get_by_label(f.label, exact=True).input_value() == f.value for f in typed)
    finally:
        page.context.close()


def _landlord_inputs() -> str:
    """Inputs of the landlord form with two tenants as tests/e2e/steps.py describes it: 添加租客
    once and the pledge included (issue 12: <= 16 plus the pledge)."""
    fields = landlord_form(tenants=2)
    pledge = sum(field.label == PLEDGE for field in fields)
    return f"{len(fields)} inputs ({len(fields) - pledge} plus the pledge)"


def _phone(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    watch_reruns(context)  # a field step ends when its rerun is over (tests/e2e/reruns.py)
    return context.new_page()


def _rank(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
