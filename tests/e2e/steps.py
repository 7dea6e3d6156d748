"""What a phone user does in the portal, as Playwright steps shared by the browser tests and
`python -m bench load`: find a plate with rooms, fill fields as a thumb does, declare as a tenant;
and many tenants declaring at once (`declare_at_once`).

The tenant form is written down once (`tenant_form`) and played by the sync steps, which the tests
use, and by async twins, which drive many pages of one browser from one thread: a browser (or a
Playwright connection) per user costs a 2-core machine several times the CPU of the server.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from playwright.async_api import Page as AsyncPage
from playwright.async_api import TimeoutError as AsyncTimeoutError
from playwright.async_api import async_playwright
from playwright.async_api import expect as async_expect
from playwright.sync_api import Locator, Page, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.checkdigits import gb11643_check_char
from shared.core.db import make_engine
from shared.models import Building, DoorPlate, RecordStatus, Room
from tests.e2e.reruns import is_watched, wait_for_reruns

PAGE_TIMEOUT_MS = 30_000
PHONE: ViewportSize = {"width": 390, "height": 844}  # a phone's screen: forms must work one column wide
# What WeChat's built-in browser leaves of that screen under its title bar and above its toolbar.
WECHAT_PHONE: ViewportSize = {"width": 390, "height": 664}
STREAMLIT_ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
RECEIPT_CODE = re.compile(r"^[2-9A-HJKMNP-Z]{5} [2-9A-HJKMNP-Z]{5}$")  # shown as two groups of five
PLATE_BUTTONS = ("我是房东/管理人", "我住在这里")  # side by side, both primary
CONSENT = "我已阅读并同意个人信息告知"
PLEDGE = "我已阅读并承诺遵守治安责任书"
ADD_TENANT = "添加租客"
TENANT_NAMES = ("王小明", "李小红", "张伟", "刘洋", "黄丽")


@dataclass(frozen=True)
class Field:
    """One input of a form and how a thumb works it: "type", "choose" (a select box), "date",
    "press" (a button) or "tick" (a box, by its text). `within`: the heading of the block it is in
    (`租客 2`) where a label repeats (each tenant has a 姓名); None for the first so labelled."""

    how: str
    label: str
    value: Any
    within: str | None = None


def plate_with_rooms(database_url: str) -> tuple[str, str]:
    """The first active plate with an active room: (plate code, room number)."""
    rows = plates_with_rooms(database_url, limit=1)
    assert rows, "the demo town has a plate with rooms"
    return rows[0]


def plates_with_rooms(database_url: str, *, limit: int) -> list[tuple[str, str]]:
    """Up to `limit` distinct plates of one building each, with a room: (plate code, room number), in
    a stable order. One building, so the room's label in the form is its bare number."""
    one_building = select(Building.plate_code).group_by(Building.plate_code).having(func.count() == 1)
    engine = make_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(
            select(DoorPlate.code, func.min(Room.number))
            .join(Building, Building.plate_code == DoorPlate.code)
            .join(Room, Room.building_id == Building.id)
            .where(
                DoorPlate.status == RecordStatus.ACTIVE,
                Building.status == RecordStatus.ACTIVE,
                Room.status == RecordStatus.ACTIVE,
                DoorPlate.code.in_(one_building),
            )
            .group_by(DoorPlate.code)
            .order_by(DoorPlate.code)
            .limit(limit)
        ).all()
    engine.dispose()
    return [(code, number) for code, number in rows]


def tenant_form(*, room: str, name: str, id_number: str, moved_in: date | None = None) -> list[Field]:
    """What a phone user touches on the tenant form, in order (the privacy tick, `CONSENT`, comes
    after): sex, birth date and region come from a resident card's number, 汉族 is preselected,
    the move-in is today unless `moved_in` says otherwise, the optional fields stay folded."""
    fields = [
        Field("choose", "房间", room),
        Field("type", "姓名", name),
        Field("type", "证件号码", id_number),
        Field("type", "联系电话", "138 0013 8000"),
        Field("choose", "居住事由", "务工"),
    ]
    if moved_in is not None:
        fields.append(Field("date", "入住日期", moved_in))
    return fields


def landlord_form(
    *, tenants: int, room: str = "101", moved_in: date = date(2025, 3, 1), first_serial: int = 1
) -> list[Field]:
    """What a landlord touches to declare `tenants` tenants, in order: their own name, number and
    phone (a resident card is preselected); per tenant, 添加租客 (the first block is shown
    already), then room, name, number, phone and move-in (the reason, 务工, and the rest stay
    folded); last the pledge. People are numbered from `first_serial` (distinct valid numbers)."""
    fields = [
        Field("type", "姓名", "陈建国"),
        Field("type", "证件号码", citizen_number(first_serial)),
        Field("type", "联系电话", "139 2345 6789"),
    ]
    for position in range(1, tenants + 1):
        block = f"租客 {position}"
        if position > 1:
            fields.append(Field("press", ADD_TENANT, None))
        fields += [
            Field("choose", "房间", room, block),
            Field("type", "姓名", TENANT_NAMES[position % len(TENANT_NAMES)], block),
            Field("type", "证件号码", citizen_number(first_serial + position), block),
            Field("type", "联系电话", f"138 0013 {8000 + position:04d}", block),
            Field("date", "入住日期", moved_in, block),
        ]
    return [*fields, Field("tick", PLEDGE, True)]


def citizen_number(serial: int) -> str:
    """A valid resident card number (GB 11643), one per serial."""
    first17 = f"441900{date(1970, 1, 1) + timedelta(days=97 * serial):%Y%m%d}{serial % 1000:03d}"
    return first17 + gb11643_check_char(first17)


def settle(page: Page, *, timeout_ms: float = PAGE_TIMEOUT_MS) -> None:
    """Wait until every rerun the page asked for (a field left, an option picked, a button) is
    over and drawn (`tests.e2e.reruns`): one field step is one rerun. A click during a rerun may
    land on an element about to be replaced. A page not yet watched is watched from now on; until
    then, Streamlit's own signs: no "running" indicator and no element faded as stale."""
    if is_watched(page):
        wait_for_reruns(page, timeout_ms=timeout_ms)
        return
    expect(page.get_by_test_id("stStatusWidget")).to_be_hidden(timeout=timeout_ms)
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=timeout_ms)


def _scope(page: Page, within: str | None) -> Page | Locator:
    """The block headed `within` (the innermost holding that heading), or the whole page."""
    if within is None:
        return page
    return page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(within, exact=True)).last


def type_into(page: Page, label: str, text: str, *, within: str | None = None) -> None:
    """Type into a text field and leave it, as a thumb does (Streamlit commits on blur)."""
    settle(page)
    field = _scope(page, within).get_by_label(label, exact=True).first
    field.fill(text)
    field.press("Tab")


def choose(page: Page, label: str, option: str, *, attempts: int = 3, within: str | None = None) -> None:
    """Open a select box, type to narrow its list (long lists are virtualised), pick the option.
    A rerun landing while the list is open closes it: then it is opened again. An option already
    chosen (the only room, preselected) is left as it is, as a thumb would."""
    for attempt in range(1, attempts + 1):
        settle(page)
        field = _scope(page, within).get_by_label(label, exact=True).first
        if field.input_value() == option:
            return
        field.click()
        field.press_sequentially(option)
        wanted = page.get_by_role("option", name=option, exact=True)
        try:
            wanted.click(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            if attempt == attempts:
                raise
            page.keyboard.press("Escape")
            field.fill("")


def enter_date(page: Page, label: str, day: date, *, within: str | None = None) -> None:
    """A date field is typed segment by segment (year, month, day), as on a phone's keypad."""
    settle(page)
    _scope(page, within).get_by_role("spinbutton", name=f"year, {label}").first.click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")


def press(page: Page, label: str, _: object = None, *, within: str | None = None) -> None:
    settle(page)
    _scope(page, within).get_by_role("button", name=label, exact=True).first.click()


def tick(page: Page, label: str, _: object = True, *, within: str | None = None) -> None:
    settle(page)
    _scope(page, within).get_by_text(label, exact=True).first.click()


FILL: dict[str, Callable[..., None]] = {
    "type": type_into,
    "choose": choose,
    "date": enter_date,
    "press": press,
    "tick": tick,
}


def play(page: Page, field: Field) -> None:
    """Work one input as a thumb does, in its block."""
    FILL[field.how](page, field.label, field.value, within=field.within)


MAP_SWITCH = "在地图上查看位置"


def show_plate_map(page: Page) -> None:
    """The small map is drawn when asked: tap 在地图上查看位置 (on the plate card a link to the
    plate page with its map shown; on the plate page a switch)."""
    page.get_by_text(MAP_SWITCH, exact=True).click()


def wait_for_plate_page(page: Page, *, timeout_ms: float = PAGE_TIMEOUT_MS) -> None:
    """The plate page is ready when its two declaring buttons show."""
    for name in PLATE_BUTTONS:
        expect(page.get_by_role("button", name=name)).to_be_visible(timeout=timeout_ms)


def fill_tenant_form(
    page: Page,
    *,
    room: str,
    name: str,
    id_number: str,
    moved_in: date | None = None,
    timeout_ms: float = PAGE_TIMEOUT_MS,
) -> None:
    """From the plate page to a filled, consented tenant form, one step short of 提交申报."""
    page.get_by_role("button", name="我住在这里").click(timeout=timeout_ms)
    expect(page.get_by_role("heading", name="居住登记：我住在这里")).to_be_visible(timeout=timeout_ms)
    for field in tenant_form(room=room, name=name, id_number=id_number, moved_in=moved_in):
        FILL[field.how](page, field.label, field.value)
    page.get_by_text(CONSENT).click()


def submit_declaration(page: Page, *, timeout_ms: float = PAGE_TIMEOUT_MS) -> str:
    """Press 提交申报 and wait for 申报已提交; the receipt code shown, without its space."""
    page.get_by_role("button", name="提交申报").click(timeout=timeout_ms)
    expect(page.get_by_text("申报已提交")).to_be_visible(timeout=timeout_ms)
    heading = page.get_by_role("heading", name=RECEIPT_CODE)
    expect(heading).to_be_visible(timeout=timeout_ms)
    return heading.inner_text().replace(" ", "")


def declare_as_tenant(
    page: Page,
    *,
    room: str,
    name: str,
    id_number: str,
    moved_in: date | None = None,
    timeout_ms: float = PAGE_TIMEOUT_MS,
) -> str:
    """From the plate page to the receipt: fill the tenant form, submit, return the receipt code."""
    fill_tenant_form(
        page, room=room, name=name, id_number=id_number, moved_in=moved_in, timeout_ms=timeout_ms
    )
    return submit_declaration(page, timeout_ms=timeout_ms)


@dataclass
class Visit:
    """One phone user declaring from a plate link: what they type, and what they saw and when."""

    link: str
    room: str
    name: str
    id_number: str
    page_ready_s: float | None = None  # link opened until the plate page's buttons show
    submit_s: float | None = None  # 提交申报 pressed until 申报已提交 shows
    receipt_code: str | None = None
    error: str | None = None


def declare_at_once(visits: Sequence[Visit], *, launch_args: Mapping[str, Any], timeout_ms: float) -> None:
    """Many tenants at once, each in a browser context (cookies, storage, Streamlit session) of
    their own in one browser: all open their links together and fill the form, then all press
    提交申报 together, so the submissions meet at the server. Fills in each visit's times and receipt
    code or error. Runs its own event loop in a thread, so callers may hold a sync Playwright."""
    worker = threading.Thread(
        target=asyncio.run, args=(_declare_at_once(visits, launch_args, timeout_ms),), daemon=True
    )
    worker.start()
    worker.join()


async def _declare_at_once(
    visits: Sequence[Visit], launch_args: Mapping[str, Any], timeout_ms: float
) -> None:
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(**launch_args)
            try:
                pages = []
                for _ in visits:
                    context = await browser.new_context(viewport=PHONE)
                    context.set_default_timeout(timeout_ms)
                    pages.append(await context.new_page())
                pairs = list(zip(pages, visits, strict=True))
                await asyncio.gather(*(_open_and_fill(page, visit, timeout_ms) for page, visit in pairs))
                await asyncio.gather(
                    *(_submit(page, visit, timeout_ms) for page, visit in pairs if not visit.error)
                )
            finally:
                await browser.close()
    except Exception as error:  # the browser would not start, or would not stop
        for visit in visits:
            visit.error = visit.error or f"{type(error).__name__}: {str(error).strip()[:200]}"


async def _open_and_fill(page: AsyncPage, visit: Visit, timeout_ms: float) -> None:
    try:
        started = time.perf_counter()
        await page.goto(visit.link, timeout=timeout_ms)
        for name in PLATE_BUTTONS:
            await async_expect(page.get_by_role("button", name=name)).to_be_visible(timeout=timeout_ms)
        visit.page_ready_s = time.perf_counter() - started
        await page.get_by_role("button", name="我住在这里").click()
        heading = page.get_by_role("heading", name="居住登记：我住在这里")
        await async_expect(heading).to_be_visible(timeout=timeout_ms)
        for field in tenant_form(room=visit.room, name=visit.name, id_number=visit.id_number):
            await _ASYNC_FILL[field.how](page, field.label, field.value)
        await page.get_by_text(CONSENT).click()
    except Exception as error:
        visit.error = await _what_went_wrong(error, page)


async def _submit(page: AsyncPage, visit: Visit, timeout_ms: float) -> None:
    try:
        started = time.perf_counter()
        await page.get_by_role("button", name="提交申报").click()
        await async_expect(page.get_by_text("申报已提交")).to_be_visible(timeout=timeout_ms)
        visit.submit_s = time.perf_counter() - started
        heading = page.get_by_role("heading", name=RECEIPT_CODE)
        await async_expect(heading).to_be_visible(timeout=timeout_ms)
        visit.receipt_code = (await heading.inner_text()).replace(" ", "")
    except Exception as error:
        visit.error = await _what_went_wrong(error, page)


async def _type_into(page: AsyncPage, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    await field.fill(text)
    await field.press("Tab")


async def _choose(page: AsyncPage, label: str, option: str, attempts: int = 3) -> None:
    """As `choose`: the rerun of the field just left may land while the list is open and close
    it (a thumb then opens it again); an option already chosen is left as it is."""
    field = page.get_by_label(label, exact=True)
    for attempt in range(1, attempts + 1):
        if await field.input_value() == option:
            return
        await field.click()
        await field.press_sequentially(option)
        try:
            await page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            return
        except AsyncTimeoutError:
            if attempt == attempts:
                raise
            await page.keyboard.press("Escape")
            await field.fill("")


async def _enter_date(page: AsyncPage, label: str, day: date) -> None:
    await page.get_by_role("spinbutton", name=f"year, {label}").click()
    await page.keyboard.type(day.strftime("%Y%m%d"))
    await page.keyboard.press("Tab")


# the twins of type_into, choose and enter_date
_ASYNC_FILL: dict[str, Callable[[AsyncPage, str, Any], Awaitable[None]]] = {
    "type": _type_into,
    "choose": _choose,
    "date": _enter_date,
}


async def _what_went_wrong(error: Exception, page: AsyncPage) -> str:
    """The first line of the error, the last step Playwright was waiting on (its call log's last
    line: an element not enabled says the page lost its server), the page, and any error Streamlit
    shows on the page (messages, not a trace)."""
    lines = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {lines[0] if lines else ''}"
    waited = [line.strip(" -") for line in lines[1:] if line.strip().startswith("- ")]
    if waited:
        message += f" | last: {waited[-1][:160]}"
    message += f" | at {page.url}"
    try:
        shown = await page.locator(STREAMLIT_ERRORS).all_inner_texts()
    except Exception:  # the page itself is gone
        shown = []
    if shown:
        message += " | page shows: " + " / ".join(" ".join(text.split()) for text in shown)[:300]
    return message


# Where an element's text is drawn: its box may hold room around it (a heading's padding, a
# button's height).
_TEXT_TOP_AND_FOOT = """(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const text = range.getBoundingClientRect();
  return [text.top, text.bottom];
}"""


def text_top_and_foot(element: Locator) -> tuple[float, float]:
    """The top and the foot of an element's text on the screen, in CSS pixels."""
    top, foot = element.evaluate(_TEXT_TOP_AND_FOOT)
    return float(top), float(foot)
