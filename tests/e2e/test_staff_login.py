"""Staff sign-in in a real browser: the session survives reloads, typed URLs and new tabs (its
HttpOnly cookie), ends at sign-out and after the idle time, and a staff page typed while signed
out comes back after the sign-in; and the admin's plate sheet."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from portal.ui.browser_session import COOKIE_NAME
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import RunningApp, start_streamlit
from tests.e2e.steps import choose, settle

PAGE_TIMEOUT_MS = 30_000
PDF_TIMEOUT_MS = 120_000
IDLE_SECONDS = 12  # the idle time of the portal started for the timeout test


def sign_in(page: Page, username: str = "officer", password: str = "mayong-officer-2026") -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def sign_in_on_the_staff_page(page: Page, url: str, username: str = "officer") -> None:
    page.goto(f"{url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    sign_in(page, username, f"mayong-{username}-2026")
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    session_cookie(page.context)  # signed in for the next page too: a URL typed now keeps it


def session_cookie(context: BrowserContext) -> dict[str, object]:
    """The staff session cookie once the browser holds it (set by a trip through a route)."""
    cookie = _until_cookie(context, held=True)
    assert cookie is not None
    return cookie


def no_session_cookie(context: BrowserContext) -> None:
    """Until the browser no longer holds the staff session cookie (cleared by a trip through a route)."""
    _until_cookie(context, held=False)


def _until_cookie(context: BrowserContext, *, held: bool) -> dict[str, object] | None:
    """Until the browser holds the staff session cookie, or no longer does; the cookie if held."""
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    while True:
        found = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
        if bool(found) == held:
            return dict(found[0]) if found else None
        if time.monotonic() > deadline:
            raise AssertionError("no staff session cookie" if held else "the staff session cookie stays")
        time.sleep(0.2)


def test_reload_typed_url_and_new_tab_keep_the_session(page: Page, portal: RunningApp) -> None:
    sign_in_on_the_staff_page(page, portal.url)
    cookie = session_cookie(page.context)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    assert COOKIE_NAME not in page.url and "ticket" not in page.url  # nothing secret in the URL
    assert page.evaluate("document.cookie").find(COOKIE_NAME) == -1  # scripts cannot read it

    page.reload()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.goto(f"{portal.url}/review")  # typed
    expect(page.get_by_role("heading", name="审核队列")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    other_tab = page.context.new_page()
    other_tab.goto(f"{portal.url}/worklists")
    expect(other_tab.get_by_role("heading", name="到期工作清单")).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    # Signing out in one tab ends the session for every tab and clears the cookie.
    page.goto(f"{portal.url}/staff")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    deadline = time.monotonic() + 10
    while any(c["name"] == COOKIE_NAME for c in page.context.cookies()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(c["name"] == COOKIE_NAME for c in page.context.cookies())
    other_tab.reload()
    expect(other_tab.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def test_cookie_of_an_ended_session_opens_nothing(page: Page, portal: RunningApp) -> None:
    """A copy of the cookie taken before sign-out is worth nothing after it."""
    sign_in_on_the_staff_page(page, portal.url)
    copied = session_cookie(page.context)
    page.get_by_role("button", name="退出登录").click()
    # Signed out, the page goes through the route that clears the cookie and comes back: only
    # then is the typed URL below the user's next step (before, it raced that trip).
    no_session_cookie(page.context)
    page.wait_for_url(f"{portal.url}/staff", wait_until="load", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.context.add_cookies([{k: v for k, v in copied.items() if k != "partitionKey"}])  # type: ignore[list-item]
    page.goto(f"{portal.url}/review")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="审核队列")).to_have_count(0)


def test_typed_staff_url_signed_out_returns_to_it_after_sign_in(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/worklists?lang=English")  # the query comes back too
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("“Work lists” needs a staff sign-in")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password", exact=True).fill("mayong-officer-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Work lists")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    session_cookie(page.context)
    expect(page).to_have_url(f"{portal.url}/worklists?lang=English")


def test_wrong_password_says_tries_left_and_keeps_the_username(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    sign_in(page, "supervisor", "not-the-password")
    expect(page.get_by_text("还可尝试 4 次")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("用户名")).to_have_value("supervisor")
    expect(page.get_by_label("密码", exact=True)).to_have_value("")


@pytest.fixture(scope="module")
def portal_short_idle(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second portal whose staff sessions end after IDLE_SECONDS without activity."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=demo_database, MENPAI_SECRET_KEY=TEST_SECRET, PYTHONUNBUFFERED="1")
    env.update(MENPAI_STAFF_IDLE_MINUTES=str(IDLE_SECONDS / 60))
    env.pop("MENPAI_DATA_DIR", None)
    log = tmp_path_factory.mktemp("logs") / "portal-short-idle.log"
    process, url = start_streamlit("portal/server.py", env, log)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_idle_timeout_still_ends_the_session(page: Page, portal_short_idle: str) -> None:
    url = portal_short_idle
    sign_in_on_the_staff_page(page, url)
    session_cookie(page.context)
    page.goto(f"{url}/review")
    expect(page.get_by_role("heading", name="审核队列")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    time.sleep(IDLE_SECONDS + 1)
    page.reload()  # a reload after the idle time: the cookie opens nothing, and is cleared
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("没有操作，已自动退出")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    deadline = time.monotonic() + 10
    while any(c["name"] == COOKIE_NAME for c in page.context.cookies()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(c["name"] == COOKIE_NAME for c in page.context.cookies())
    # Signing in again there returns to the review queue.
    sign_in(page)
    expect(page.get_by_role("heading", name="审核队列")).to_be_visible(timeout=PAGE_TIMEOUT_MS)


def test_admin_signs_in_and_downloads_a_plate_sheet(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码", exact=True).fill("mayong-admin-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    page.get_by_text("工作人员", exact=True).click()
    page.get_by_role("menuitem", name="打印门牌").click()
    expect(page.get_by_role("heading", name="打印门牌")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    choose(page, "村（社区）", "麻一村")
    page.get_by_role("button", name="生成 PDF").click()
    download_button = page.get_by_role("button", name="下载 PDF")
    expect(download_button).to_be_visible(timeout=PDF_TIMEOUT_MS)
    expect(page.get_by_text("个门牌，")).to_be_visible()
    with page.expect_download() as download_info:
        download_button.click()
    path = download_info.value.path()
    assert path.read_bytes().startswith(b"%PDF-")


def test_officer_typing_an_admin_url_gets_the_public_page(page: Page, portal: RunningApp) -> None:
    sign_in_on_the_staff_page(page, portal.url)
    page.goto(f"{portal.url}/admin-plates")
    expect(page.get_by_role("heading", name="门牌 · 麻涌镇")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="打印门牌")).to_have_count(0)


def test_a_filter_chosen_before_a_language_switch_shows_in_the_new_language(
    page: Page, portal: RunningApp
) -> None:
    # The browser kept showing a choice held in the session by its old label: 拒绝 on an English page.
    sign_in_on_the_staff_page(page, portal.url, "supervisor")
    page.goto(f"{portal.url}/passages")
    expect(page.get_by_label("结果", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    choose(page, "结果", "拒绝")
    settle(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_label("Result", exact=True)).to_have_value("Denied", timeout=PAGE_TIMEOUT_MS)
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_label("结果", exact=True)).to_have_value("拒绝", timeout=PAGE_TIMEOUT_MS)


def test_a_preset_filter_shows_in_the_new_language(page: Page, portal: RunningApp) -> None:
    # The queue's states start chosen (the pending ones): after a switch they kept their Chinese
    # labels on an English page.
    sign_in_on_the_staff_page(page, portal.url)
    page.goto(f"{portal.url}/review")
    page.get_by_text("筛选", exact=True).click()
    states = page.get_by_test_id("stMultiSelect")
    expect(states).to_contain_text("待核实", timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_text("Filters", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    expect(states).to_contain_text("Received")
    expect(states).not_to_contain_text("待核实")


def test_a_filter_left_on_all_shows_in_the_new_language(page: Page, portal: RunningApp) -> None:
    # A filter's 全部… option (all villages, all groups) kept its Chinese label on an English page.
    sign_in_on_the_staff_page(page, portal.url, "supervisor")
    page.goto(f"{portal.url}/facilities")
    expect(page.get_by_label("大类", exact=True)).to_have_value("全部大类", timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_label("Group", exact=True)).to_have_value("All groups", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("Village", exact=True)).to_have_value("All villages")


def test_the_plate_sheets_all_streets_shows_in_the_new_language(page: Page, portal: RunningApp) -> None:
    sign_in_on_the_staff_page(page, portal.url, "admin")
    page.goto(f"{portal.url}/admin-plates")
    choose(page, "村（社区）", "麻涌社区(示例)")
    expect(page.get_by_label("街路巷（可选）", exact=True)).to_have_value(
        "全部街路巷", timeout=PAGE_TIMEOUT_MS
    )
    settle(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_label("Street (optional)", exact=True)).to_have_value(
        "All streets", timeout=PAGE_TIMEOUT_MS
    )
