"""Chinese screens without English (issue 12, part 4): every public page of the portal and every
screen of the kiosk, in 中文 on a phone-sized Chromium, shows no Latin word outside a short list.

What counts is what a person sees: text that is rendered (not display:none, visibility:hidden,
font-size 0 or clipped to a pixel for screen readers), the placeholder of an empty field, and text
put in by CSS (`content:`), which is how portal/ui/builtin_text.py replaces Streamlit's own
strings. Icon ligatures (`search`, `home`) are glyphs, not words. The map's iframe (tile
attribution) is not walked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.reruns import watch_reruns
from tests.e2e.steps import PHONE, plate_with_rooms, settle, wait_for_plate_page

PAGE_TIMEOUT_MS = 30_000
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Codes and units people read as such, the QR code, the brand, and the language switch's English.
ALLOWED = frozenset({"QR", "ID", "Menpai", "English", "MB", "KB", "km", "m", "CSV", "Excel", "XLSX", "x"})

SEEN_TEXT = r"""
() => {
  const shown = (el, own) => {
    if (parseFloat((own || getComputedStyle(el)).fontSize) === 0) return false;
    const box = el.getBoundingClientRect();  // screen-reader-only text is clipped to a pixel
    if (box.width <= 1 || box.height <= 1) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility !== 'visible') return false;
    }
    return true;
  };
  const icon = el => el.closest('[data-testid="stIconMaterial"], [translate="no"]');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement, text = n.textContent.trim();
    const code = el && ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName);
    if (text && el && !code && !icon(el) && shown(el)) out.push(text);
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!el.value && shown(el)) out.push(el.placeholder);
  }
  for (const el of document.querySelectorAll('body *')) {
    for (const where of ['::before', '::after']) {
      const style = getComputedStyle(el, where);
      if (style.content.startsWith('"') && shown(el, style)) out.push(JSON.parse(style.content).trim());
    }
  }
  return out;
}
"""


def english_on(page: Page) -> set[str]:
    """Latin words a person sees on the page, outside the allowed ones."""
    settle(page)
    words = {word for text in page.evaluate(SEEN_TEXT) for word in LATIN_WORD.findall(text)}
    return words - ALLOWED


def reveal(page: Page, element: Locator) -> None:
    """Open the folded section (expander) or the tab an element is in, if it is hidden."""
    settle(page)
    if element.is_visible():
        return
    tabs = page.get_by_test_id("stTabs").filter(has=element)
    if tabs.count():
        index = element.evaluate(
            "e => { const panel = e.closest('[data-testid=\"stTabPanel\"]');"
            " return [...panel.parentElement.children].filter(c => c.dataset.testid === 'stTabPanel')"
            ".indexOf(panel); }"
        )
        tabs.last.get_by_role("tab").nth(index).click()
    else:
        page.get_by_test_id("stExpander").filter(has=element).locator("summary").last.click()
    expect(element).to_be_visible()


@pytest.fixture(autouse=True)
def _patient_expect() -> Iterator[None]:
    """A first page load on two busy cores takes more than expect's default 5 s."""
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    watch_reruns(context)  # `settle` knows when a tap's rerun is over
    yield context.new_page()
    context.close()


def test_portal_public_pages_show_no_english(phone: Page, portal: RunningApp) -> None:
    code, _ = plate_with_rooms(portal.database_url)
    link = plate_link(code, portal_url=portal.url)
    seen: dict[str, set[str]] = {}

    phone.goto(portal.url)
    expect(phone.get_by_role("button", name="我的回执（查进度、补正、搬离）")).to_be_visible()
    seen["home"] = english_on(phone)

    phone.goto(link)
    wait_for_plate_page(phone)
    seen["plate"] = english_on(phone)
    for button, heading in (
        ("我住在这里", "居住登记"),
        ("我是房东/管理人", "出租房屋登记"),
        ("单位申报", "单位"),
    ):
        phone.goto(link)
        wait_for_plate_page(phone)
        phone.get_by_role("button", name=button).click()
        expect(phone.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
        seen[f"declare from {button}"] = english_on(phone)
        choices = phone.get_by_test_id("stMultiSelect")
        if choices.count():  # the open list of a multi-choice: Streamlit adds "Select all"
            reveal(phone, choices.first)
            choices.first.get_by_role("combobox").click()
            seen[f"declare from {button}, a list open"] = english_on(phone)
            phone.keyboard.type("zzzz")  # and when nothing matches, "No results"
            seen[f"declare from {button}, nothing matches"] = english_on(phone)
            phone.keyboard.press("Escape")

    phone.goto(link[:-1] + ("A" if link[-1] != "A" else "B"))
    expect(phone.get_by_role("button", name="按地址查找门牌")).to_be_visible()
    seen["forged link"] = english_on(phone)

    phone.get_by_role("button", name="按地址查找门牌").click()
    expect(phone.get_by_role("heading", name="查找地址")).to_be_visible()
    seen["search"] = english_on(phone)
    phone.get_by_role("tab", name="输入地址").click()
    settle(phone)  # the tab's own rerun: a thumb types once the tab shows its field
    field = phone.get_by_label("地址或门牌编码")
    field.fill("不存在的地址")
    seen["search, typing"] = english_on(phone)  # "Press Enter to apply" while the field has focus
    field.press("Enter")
    expect(phone.get_by_text("没有找到匹配的标准地址", exact=False)).to_be_visible()
    seen["search, nothing found"] = english_on(phone)

    phone.goto(f"{portal.url}/receipt")
    expect(phone.get_by_role("heading", name="我的回执")).to_be_visible()
    seen["receipt"] = english_on(phone)

    phone.goto(f"{portal.url}/no-such-page")
    expect(phone.get_by_role("dialog")).to_be_visible()
    # Our words come with the app's style sheet, which a loaded phone may draw after the dialog.
    phone.wait_for_function(f"() => ({SEEN_TEXT})().includes('页面不存在')")
    seen["unknown page"] = english_on(phone)

    assert {page: words for page, words in seen.items() if words} == {}


def test_kiosk_screens_show_no_english(phone: Page, kiosk: RunningApp) -> None:
    seen: dict[str, set[str]] = {}
    phone.goto(kiosk.url)
    expect(phone.get_by_text("门禁终端")).to_be_visible()
    seen["start"] = english_on(phone)
    choices = phone.locator('[class*="st-key-kiosk-choice-"] button')
    for index in range(choices.count()):
        phone.goto(kiosk.url)
        expect(phone.get_by_text("门禁终端")).to_be_visible()
        settle(phone)
        name = choices.nth(index).inner_text().split("\n")[-1]
        choices.nth(index).click()
        settle(phone)
        seen[name] = english_on(phone)
    assert {screen: words for screen, words in seen.items() if words} == {}


def test_uploader_names_no_type_it_refuses(phone: Page, portal: RunningApp) -> None:
    """The tenant list upload: Streamlit's "Upload" and "20MB per file • XLSX, CSV, XLS" (.xls is
    refused by the reader) give way to ours."""
    code, _ = plate_with_rooms(portal.database_url)
    phone.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(phone)
    phone.get_by_role("button", name="我是房东/管理人").click()
    uploader = phone.get_by_test_id("stFileUploader").first
    expect(uploader).to_be_attached()
    reveal(phone, uploader)
    settle(phone)
    texts = phone.evaluate(SEEN_TEXT)
    assert "选择文件" in texts and "单个文件不超过 5MB" in texts
    assert not any("XLS," in text or text.endswith("XLS") for text in texts)
