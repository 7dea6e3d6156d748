"""From a scanned plate link to a tenant's receipt, in a real browser: the plate page, "我住在这里",
the form filled as a phone user would, the receipt code, then the receipt opened with it; and a
half-filled form that comes back after a reload and a language switch; a landlord declaring two
tenants with the inputs `landlord_form` counts."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, ViewportSize, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.db import make_engine
from shared.declarations.store import payload_of
from shared.models import Declaration, DeclarationKind, FormDraft
from shared.places.links import plate_link
from tests.e2e.conftest import RunningApp
from tests.e2e.reruns import watch_reruns
from tests.e2e.steps import (
    CONSENT,
    FILL,
    PAGE_TIMEOUT_MS,
    PHONE,
    PLEDGE,
    WECHAT_PHONE,
    choose,
    declare_as_tenant,
    landlord_form,
    plate_with_rooms,
    plates_with_rooms,
    play,
    settle,
    submit_declaration,
    tenant_form,
    text_top_and_foot,
    type_into,
    wait_for_plate_page,
)
from tests.factories import make_id_number

# What a label shows after it: " *" on a required field (the mark is drawn by CSS, see
# portal.declare.widgets.required_marks), "none" on any other.
LABEL_MARKS = """(within) => Object.fromEntries(
  [...(within || document).querySelectorAll('[data-testid="stWidgetLabel"] p')].map(
    (p) => [p.innerText.trim(), getComputedStyle(p, '::after').content]))"""


MARKED = '" *"'


def assert_marked(marks: dict[str, str], labels: list[str]) -> None:
    """Each of these labels (of `LABEL_MARKS`) shows the red * after it."""
    assert {label: marks.get(label) for label in labels} == dict.fromkeys(labels, MARKED)


def wait_for_mark(page: Page, label: str, within: Locator | None = None) -> None:
    """Until `label` shows its red *: the marks are drawn at the end of a run, and a run may be
    cut short by another (a page switch, a part that reruns the page)."""
    page.wait_for_function(
        f"(within) => ({LABEL_MARKS})(within)[{label!r}] === {MARKED!r}",
        arg=within.element_handle() if within is not None else None,
        timeout=PAGE_TIMEOUT_MS,
    )


def block_headed(page: Page, title: str) -> Locator:
    """The innermost block holding this heading (`租客 2`, `随行人员 1`): one row's fields."""
    return page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(title, exact=True)).last


def tap_through_plate(
    page: Page, portal: RunningApp, code: str, button: str, *, viewport: ViewportSize = PHONE
) -> None:
    """From the plate's link to one of its declaring buttons, tapped, with the page's reruns
    watched from its first load (so `settle` waits for the form's first run too)."""
    watch_reruns(page.context)
    page.set_viewport_size(viewport)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page)
    page.get_by_role("button", name=button).click()


def open_tenant_form(
    page: Page, portal: RunningApp, plate: int, *, viewport: ViewportSize = PHONE
) -> tuple[str, str]:
    """我住在这里 on a phone, from the `plate`-th plate with rooms (one each test: forms in
    parallel stay apart), once the form's first run is over: reruns are watched from the first
    load, so `settle` waits for every one; the required marks come last. Returns the plate's
    code and a room of it."""
    code, room = plates_with_rooms(portal.database_url, limit=plate + 1)[plate]
    tap_through_plate(page, portal, code, "我住在这里", viewport=viewport)
    expect(page.get_by_label("姓名", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    wait_for_mark(page, "姓名")
    return code, room


def test_a_tenant_declares_from_the_plate_and_opens_the_receipt(page: Page, portal: RunningApp) -> None:
    code, room = plate_with_rooms(portal.database_url)
    number = make_id_number("430102", "19900115", "011")
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    receipt_code = declare_as_tenant(page, room=room, name="李四", id_number=number)

    page.get_by_role("link", name="打开我的回执").click()
    expect(page.get_by_label("回执码", exact=True)).to_have_value(receipt_code, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("证件号码后6位", exact=True).fill(number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile("^状态："))).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(f"回执码 {receipt_code[:5]} {receipt_code[5:]}")).to_be_visible()


def test_the_receipt_opens_at_its_top_on_a_short_phone_screen(page: Page, portal: RunningApp) -> None:
    # The submit button is at the form's foot: the receipt that replaces the form must not open
    # scrolled down there, on half its QR code, with the code to keep above the screen.
    code, room = plates_with_rooms(portal.database_url, limit=7)[6]
    page.set_viewport_size(WECHAT_PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    number = make_id_number("430102", "19880726", "022")
    receipt = declare_as_tenant(page, room=room, name="王芳", id_number=number)
    expect(page.get_by_text("申报已提交")).to_be_in_viewport()
    shown_code = page.get_by_role("heading", name=f"{receipt[:5]} {receipt[5:]}")
    expect(shown_code).to_be_in_viewport()
    label_foot = text_top_and_foot(page.get_by_text("回执码", exact=True))[1]
    code_top = text_top_and_foot(shown_code)[0]
    assert code_top - label_foot <= 16, "the code right under its label"
    # The QR code comes with no full-screen button: on a phone it showed under the finger that
    # tapped 提交申报, over the end of the receipt code ("Y636J" read "Y636 I").
    expect(page.get_by_alt_text("回执二维码")).to_be_in_viewport()
    expect(page.get_by_test_id("stElementToolbar")).to_have_count(0)

    # 我的回执: the answer to 查询 shows from its top. Under the look-up fields it began at the
    # screen's foot, with what was declared and the ways to correct or move out below it.
    page.get_by_role("link", name="打开我的回执").click()
    expect(page.get_by_label("回执码", exact=True)).to_have_value(receipt, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("证件号码后6位", exact=True).fill(number[-6:])
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile("^状态："))).to_be_in_viewport(timeout=PAGE_TIMEOUT_MS)
    for way_on in ("申报内容", "更正并重新提交", "办理搬离"):
        expect(page.get_by_text(way_on, exact=True).first).to_be_in_viewport()
    # 重新提交 from the long correction form: the notice of it shows below the app's bar (the
    # answer scrolled to the screen's top, under the bar, which hid 已重新提交).
    settle(page)  # the answer's own reruns are over: a tap during one can be lost (failed once in CI)
    page.get_by_text("更正并重新提交", exact=True).first.click()
    settle(page)
    page.get_by_role("button", name="重新提交").click()
    notice = page.get_by_text("已重新提交，请等待核实")
    expect(notice).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    page.wait_for_timeout(300)  # the scroll is the page's last script
    bar, shown = page.get_by_test_id("stHeader").bounding_box(), notice.bounding_box()
    assert bar is not None and shown is not None
    assert bar["y"] + bar["height"] <= shown["y"] < WECHAT_PHONE["height"] / 3, (bar, shown)


def test_a_form_sent_back_shows_its_first_field_to_correct(page: Page, portal: RunningApp) -> None:
    # 提交申报 is at the form's foot: on a phone the summary of what is wrong showed there, and the
    # fields it names were screens above it.
    _, room = open_tenant_form(page, portal, 7, viewport=WECHAT_PHONE)
    choose(page, "房间", room)
    type_into(page, "联系电话", "138 0013 8000")
    settle(page)
    page.get_by_role("button", name="提交申报").click()
    settle(page)
    name = page.get_by_label("姓名", exact=True)
    expect(name).to_be_focused(timeout=PAGE_TIMEOUT_MS)
    expect(name).to_be_in_viewport()
    expect(page.get_by_text("姓名不能为空", exact=True)).to_be_in_viewport()
    expect(page.get_by_text("有 4 处需要修改：")).not_to_be_in_viewport()  # the summary, at the foot

    # Corrected, sent again: the next field to correct (the number, now wrong) comes to the screen.
    type_into(page, "姓名", "王芳")
    type_into(page, "证件号码", "123")
    settle(page)
    page.get_by_role("button", name="提交申报").click()
    settle(page)
    number = page.get_by_label("证件号码", exact=True)
    expect(number).to_be_focused(timeout=PAGE_TIMEOUT_MS)
    expect(number).to_be_in_viewport()


def test_each_line_of_the_summary_shows_its_field(page: Page, portal: RunningApp) -> None:
    # The summary is at the form's foot: after correcting the first field, the next one it names
    # is a tap away, not a search up the form.
    open_tenant_form(page, portal, 10, viewport=WECHAT_PHONE)
    page.get_by_role("button", name="提交申报").click()
    settle(page)
    summary = page.get_by_test_id("stAlert").filter(has_text="处需要修改")
    # A field one types into is focused too; a list is only shown, not opened.
    for label, line, focused in (("联系电话", "本人 · 联系电话", True), ("房间", "房间", False)):
        summary.scroll_into_view_if_needed()
        field = page.get_by_label(label, exact=True)
        expect(field).not_to_be_in_viewport()
        summary.get_by_role("link", name=line, exact=True).click()
        expect(field).to_be_in_viewport(timeout=PAGE_TIMEOUT_MS)
        if focused:
            expect(field).to_be_focused()
        else:
            expect(field).not_to_be_focused()
            expect(page.get_by_role("listbox")).to_have_count(0)
    assert "#" not in page.url, "the page shows the field; the browser follows no link"


MAIN_SCROLL = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"


def test_a_reload_opens_the_form_where_its_user_was(page: Page, portal: RunningApp) -> None:
    # WeChat reloads the page when its user comes back from a chat, where they copied a number for
    # a field far down the form: the form came back, but at its top.
    code, room = open_tenant_form(page, portal, 9, viewport=WECHAT_PHONE)
    choose(page, "房间", room)
    type_into(page, "姓名", "王芳")
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]d="), timeout=PAGE_TIMEOUT_MS)
    page.get_by_text(CONSENT).scroll_into_view_if_needed()
    page.wait_for_timeout(600)  # the place is noted a moment after the scrolling stops
    place = page.evaluate(MAIN_SCROLL)
    assert place > 300

    page.reload()
    expect(page.get_by_label("姓名", exact=True)).to_have_value("王芳", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_function(f"() => Math.abs(({MAIN_SCROLL})() - {place}) <= 2", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text(CONSENT)).to_be_in_viewport()

    # A form of its own, with no draft yet, starts at its top.
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page)
    page.get_by_role("button", name="我是房东").click()
    expect(page.get_by_role("heading", name="出租房屋登记：我是房东/管理人")).to_be_visible(
        timeout=PAGE_TIMEOUT_MS
    )
    settle(page)
    assert page.evaluate(MAIN_SCROLL) == 0


# The text of a heading, line by line as the browser wrapped it.
HEADING_LINES = """(heading) => {
  const lines = new Map(), range = document.createRange();
  const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const top = Math.round(range.getBoundingClientRect().top);
      lines.set(top, (lines.get(top) || "") + node.data[i]);
    }
  return [...lines.values()];
}"""


def test_form_headings_fit_a_phone_in_whole_lines(page: Page, portal: RunningApp) -> None:
    # Streamlit's 36 px heading held nine characters in 390 px: "居住登记：我住在这里" took two
    # lines (at first with "里" alone on the second), and pushed the form down the first screen.
    code, _ = plates_with_rooms(portal.database_url, limit=9)[8]
    page.set_viewport_size(PHONE)
    headings = {
        "我住在这里": ["居住登记：我住在这里"],
        "我是房东": ["出租房屋登记：", "我是房东/管理人"],  # too long for one line: even halves
    }
    for button, wrapped in headings.items():
        page.goto(plate_link(code, portal_url=portal.url))
        wait_for_plate_page(page)
        page.get_by_role("button", name=button).click()
        title = page.get_by_role("heading", name="".join(wrapped))
        expect(title).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        # The app's style sheet is drawn by Streamlit's html element, whose code a loaded phone
        # may fetch after the heading shows.
        page.wait_for_function(
            "() => [...document.querySelectorAll('style')].some((s) => s.textContent.includes('text-wrap'))"
        )
        assert title.evaluate(HEADING_LINES) == wrapped


def test_clearing_empties_the_form_on_the_phone_and_the_next_change_keeps_it_empty(
    page: Page, portal: RunningApp
) -> None:
    """清空 asks once more; then every field shows what a fresh form shows (民族 its 汉族), the draft
    leaves the URL, and the next change does not bring the cleared values back: the phone kept
    them on screen and sent them with its next change, and the form came back whole."""
    _, room = open_tenant_form(page, portal, 12)
    number = make_id_number("430102", "19920304", "021")
    for field in tenant_form(room=room, name="王芳", id_number=number)[:3]:  # room, name, number
        play(page, field)
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]d="), timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("button", name="清空").click()
    settle(page)
    page.get_by_role("button", name="确认清空").click()
    settle(page)
    for label in ("姓名", "证件号码"):
        expect(page.get_by_label(label, exact=True)).to_have_value("", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("民族", exact=True)).to_have_value("汉族")
    expect(page).not_to_have_url(re.compile(r"[?&]d="))
    expect(page.get_by_role("button", name="确认清空")).to_have_count(0)

    type_into(page, "联系电话", "138 0013 8000")
    settle(page)
    for label in ("姓名", "证件号码"):
        expect(page.get_by_label(label, exact=True)).to_have_value("")
    expect(page.get_by_label("联系电话", exact=True)).to_have_value("138 0013 8000")


def test_a_half_filled_form_survives_a_reload_and_a_language_switch(page: Page, portal: RunningApp) -> None:
    """WeChat's browser reloads the page when its user goes to a chat to copy an ID number."""
    code, room = plates_with_rooms(portal.database_url, limit=2)[1]
    number = make_id_number("430102", "19920304", "021")
    page.set_viewport_size(PHONE)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page)
    page.get_by_role("button", name="我住在这里").click()
    half = tenant_form(room=room, name="王芳", id_number=number)[:3]  # room, name, number
    for field in half:
        FILL[field.how](page, field.label, field.value)
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]d=[A-Za-z0-9_-]{22}"), timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_text("出生日期 1992-03-04")).to_be_visible()

    page.reload()
    expect(page.get_by_label("姓名", exact=True)).to_have_value("王芳", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("证件号码", exact=True)).to_have_value(number)
    expect(page.get_by_text("户籍地区 湖南省 长沙市 芙蓉区")).to_be_visible()

    page.get_by_text("English", exact=True).click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("王芳", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("Ethnic group", exact=True)).to_have_value("Han")  # a choice, in English too
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_label("姓名", exact=True)).to_have_value("王芳", timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("民族", exact=True)).to_have_value("汉族")

    for field in tenant_form(room=room, name="王芳", id_number=number)[3:]:
        FILL[field.how](page, field.label, field.value)
    page.get_by_text(CONSENT).click()
    submit_declaration(page)
    assert drafts(portal.database_url, plate_code=code) == 0
    expect(page).not_to_have_url(re.compile(r"[?&]d="))


def test_a_draft_link_opened_in_another_browser_gives_a_fresh_form(page: Page, portal: RunningApp) -> None:
    # WeChat's "copy link" shares the form's URL, draft token and all: its reader saw the name
    # and the whole identity number typed by someone else.
    _, room = open_tenant_form(page, portal, 11)
    number = make_id_number("430102", "19920304", "021")
    for field in tenant_form(room=room, name="王芳", id_number=number)[:3]:
        FILL[field.how](page, field.label, field.value)
    settle(page)
    expect(page).to_have_url(re.compile(r"[?&]d=[A-Za-z0-9_-]{22}"), timeout=PAGE_TIMEOUT_MS)
    assert page.context.browser is not None
    stranger = page.context.browser.new_context(viewport=PHONE)
    try:
        other = stranger.new_page()
        other.goto(page.url)
        expect(other.get_by_text("之前的草稿已过期或链接无效")).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        expect(other.get_by_label("姓名", exact=True)).to_have_value("")
        expect(other.get_by_label("证件号码", exact=True)).to_have_value("")
    finally:
        stranger.close()
    page.reload()  # its own browser still has it
    expect(page.get_by_label("证件号码", exact=True)).to_have_value(number, timeout=PAGE_TIMEOUT_MS)


def drafts(database_url: str, *, plate_code: str) -> int:
    """Drafts kept at this plate (each test declares at a plate of its own; the portal is shared)."""
    engine = make_engine(database_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).where(FormDraft.plate_code == plate_code)) or 0
    engine.dispose()
    return count


def test_a_landlord_declares_two_tenants_with_the_inputs_counted(page: Page, portal: RunningApp) -> None:
    """Issue 12: a landlord with two tenants touches at most 16 inputs, plus the pledge."""
    code, room = plates_with_rooms(portal.database_url, limit=3)[2]
    fields = landlord_form(tenants=2, room=room)
    assert len([field for field in fields if field.label != PLEDGE]) <= 16
    tap_through_plate(page, portal, code, "我是房东/管理人")
    # Once the form is drawn, as a thumb starts: while it draws, the first block's 姓名 may show
    # a moment after the first tenant's, and the landlord's name would go into the tenant's.
    expect(page.get_by_role("heading", name="房东/管理人", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    expect(page.get_by_label("姓名", exact=True)).to_have_count(2)  # the landlord's, the tenant's
    for field in fields:
        play(page, field)
    settle(page)
    # The second block came with its part's own rerun: its fields are marked all the same.
    second = block_headed(page, "租客 2")
    wait_for_mark(page, "房间", within=second)
    marks = second.evaluate(LABEL_MARKS)
    asked = ["房间", "姓名", "证件类型", "证件号码", "联系电话", "入住日期"]
    assert_marked(marks, asked)
    receipt_code = submit_declaration(page)
    engine = make_engine(portal.database_url)
    with Session(engine) as session:
        rental = session.scalars(select(Declaration).where(Declaration.receipt_code == receipt_code)).one()
        tenants = payload_of(rental)["tenants"]
    engine.dispose()
    assert (rental.kind, rental.plate_code) == (DeclarationKind.RENTAL, code)
    assert [t["person"]["name"] for t in tenants] == [
        f.value for f in fields if f.label == "姓名" and f.within
    ]


def test_a_wrong_field_is_named_under_it_once_left_and_cleared_once_right(
    page: Page, portal: RunningApp
) -> None:
    """The message of a field shows under it as the thumb leaves it (its room is drawn only then:
    every element costs each rerun on a phone), and goes once the field is right."""
    open_tenant_form(page, portal, 2)
    type_into(page, "联系电话", "12345")
    settle(page)
    message = page.get_by_text("电话号码无效")
    expect(message).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.get_by_text("不能为空").count() == 0  # the fields not yet touched stay quiet
    type_into(page, "联系电话", "138 0013 8000")
    settle(page)
    expect(message).to_have_count(0, timeout=PAGE_TIMEOUT_MS)


def test_a_form_in_progress_shows_no_menu_only_the_way_back(page: Page, portal: RunningApp) -> None:
    """As on the government apps residents know, a form shows no menu: the way back to the plate
    and the language stay; every other page keeps its menu."""
    code, _ = plate_with_rooms(portal.database_url)
    page.set_viewport_size(PHONE)
    page.goto(f"{portal.url}/search")
    menu = page.get_by_test_id("stSidebarNav")
    expect(menu).to_have_count(1, timeout=PAGE_TIMEOUT_MS)
    page.goto(plate_link(code, portal_url=portal.url))
    wait_for_plate_page(page)
    page.get_by_role("button", name="我住在这里").click()
    expect(page.get_by_label("姓名", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    expect(menu).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("麻涌大道|·"))).to_be_visible()
    expect(page.get_by_role("radio", name="English")).to_be_visible()


def test_required_fields_are_marked_and_stay_marked_as_the_form_is_filled(
    page: Page, portal: RunningApp
) -> None:
    """Issue 12: required fields carry a red *; the optional ones, folded under 更多信息, none.
    A field's own rerun redraws only its part: the marks stay."""
    open_tenant_form(page, portal, 3)
    required = ["房间", "姓名", "证件类型", "证件号码", "民族", "联系电话", "居住事由", "入住日期"]
    marks = page.evaluate(LABEL_MARKS, None)
    assert_marked(marks, required)
    assert marks[CONSENT] == "none"

    type_into(page, "姓名", "王伟")
    settle(page)
    page.get_by_text("更多信息（可不填）").last.click()  # the stay's: 住所类型, 拟居住至
    expect(page.get_by_label("住所类型", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    settle(page)
    marks = page.evaluate(LABEL_MARKS, None)
    assert_marked(marks, required)
    assert (marks["住所类型"], marks["拟居住至"]) == ("none", "none")


def test_choosing_another_document_changes_what_is_asked_and_keeps_what_was_typed(
    page: Page, portal: RunningApp
) -> None:
    """The document, its number and 民族 are parts of their own (a number's step redraws no code
    list); choosing a passport redraws the page: sex, birth date, nationality and visa are asked,
    民族 is not, and the name typed stays. Back to a resident card, 民族 is asked again."""
    open_tenant_form(page, portal, 4)
    expect(page.get_by_label("民族", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    type_into(page, "姓名", "John Smith")
    choose(page, "证件类型", "护照")
    settle(page)
    for asked in ("性别", "出生日期", "国籍", "签证（居留许可）有效期至"):
        expect(page.get_by_label(asked, exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("民族", exact=True)).to_have_count(0)
    expect(page.get_by_label("姓名", exact=True)).to_have_value("John Smith")

    choose(page, "证件类型", "居民身份证")
    settle(page)
    expect(page.get_by_label("民族", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    expect(page.get_by_label("国籍", exact=True)).to_have_count(0)


def test_a_family_member_added_on_the_phone_has_its_required_fields_marked(
    page: Page, portal: RunningApp
) -> None:
    """A family member is added by its part's own rerun, yet the page's marks name its fields; a
    passport then asks sex, birth date, nationality and visa, each marked, and no longer 民族."""
    open_tenant_form(page, portal, 5)
    page.get_by_role("button", name="添加随行人员").click()
    settle(page)
    member = block_headed(page, "随行人员 1")
    expect(member.get_by_label("与申报人关系", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_for_mark(page, "与申报人关系", within=member)
    asked = ["与申报人关系", "姓名", "证件类型", "证件号码", "民族"]
    marks = member.evaluate(LABEL_MARKS)
    assert_marked(marks, asked)
    # Often a child's: not marked, and the empty field says who may leave it so.
    assert marks["联系电话"] != MARKED
    expect(member.get_by_label("联系电话", exact=True)).to_have_attribute("placeholder", "未满18周岁可不填")

    choose(page, "证件类型", "护照", within="随行人员 1")
    settle(page)
    expect(member.get_by_label("国籍", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    wait_for_mark(page, "国籍", within=member)
    asked = ["与申报人关系", "姓名", "证件类型", "证件号码", "性别", "出生日期", "国籍"]
    marks = member.evaluate(LABEL_MARKS)
    assert_marked(marks, asked)
    assert "民族" not in marks
