"""Staff sign-in and the admin's plate sheet, in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp
from tests.e2e.steps import choose

PAGE_TIMEOUT_MS = 30_000
PDF_TIMEOUT_MS = 120_000


def test_typed_admin_url_without_sign_in_shows_the_public_page(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/admin-plates")
    expect(page.get_by_role("heading", name="门牌 · 麻涌镇")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="打印门牌")).to_have_count(0)


def test_admin_signs_in_and_downloads_a_plate_sheet(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码", exact=True).fill("mayong-admin-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible(timeout=PAGE_TIMEOUT_MS)

    # In-app navigation keeps the session; a typed URL would open a new, signed-out one.
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


def test_wrong_password_is_refused(page: Page, portal: RunningApp) -> None:
    page.goto(f"{portal.url}/staff")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码", exact=True).fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误。")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
