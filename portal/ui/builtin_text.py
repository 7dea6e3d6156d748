"""Streamlit's own English, replaced with ours where its API gives no parameter.

Labels, placeholders and accepted types are set on each widget. What Streamlit draws itself (the
uploader's button and limits, the date field's yyyy/mm/dd, an empty list's "No results", the
"Page not found" dialog, the skip link, "Press Enter to apply") is hidden by CSS and our text
shown in its place. Checked against Streamlit 1.67's DOM (its data-testid and ARIA attributes):
tests/e2e/test_no_english.py walks every public page and fails on any English word left.

The same style sheet (one element per run, not two) also sets what a phone needs of Streamlit's
layout: headings sized for a phone and wrapped into even lines, tables across their box, numbers to
call on one line.
"""

from __future__ import annotations

import streamlit as st

from portal.ui.headings import HEADING_CLASS
from portal.ui.i18n import t

RECEIPT_CODE_BOX = "receipt-code"  # the container of a receipt's code (portal.declare.submit)
RECEIPT_OPENED_BOX = "receipt-opened"  # 我的回执's notice and status (portal/app_pages/receipt.py)

# The hidden text keeps its box (font-size 0, not visibility:hidden): a date segment must stay
# focusable. Sizes are Streamlit's theme sizes for each place (sm = 0.875rem).
_SWAP = """{selector} {{ font-size: 0 !important; }}
{selector}::{where} {{ content: "{text}"; font-size: {size}; }}"""


def _swap(selector: str, text: str, *, size: str = "0.875rem", where: str = "after") -> str:
    assert '"' not in text and "\\" not in text, "the text goes into a CSS string"
    return _SWAP.format(selector=selector, text=text, size=size, where=where)


def builtin_text_css() -> str:
    """The style sheet in the current language (our English drops the uploader's type list:
    Streamlit lists .xls, which the tenant upload takes only to explain how to convert it)."""
    max_mb = st.get_option("server.maxUploadSize")
    dialog = 'section[role="dialog"]'
    rules = [
        _swap('[data-testid="stSkipToContent"]', t("跳到主要内容", "Skip to main content")),
        _swap(
            '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
            t("选择文件", "Choose a file"),
        ),
        _swap(
            '[data-testid="stFileUploaderDropzoneInstructions"] span',
            t(f"单个文件不超过 {max_mb}MB", f"Up to {max_mb} MB per file"),
            size="0.75rem",
        ),
        *(
            _swap(
                f'[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{part}"]',
                text,
                size="1rem",
            )
            for part, text in (("year", t("年", "yyyy")), ("month", t("月", "mm")), ("day", t("日", "dd")))
        ),
        _swap('[role="listbox"][data-empty="true"] [role="option"] span', t("没有匹配的选项", "No match")),
        _swap('[role="option"][data-key="__select_all__"] > div', t("全选", "Select all")),
        _swap('[role="option"][data-key="__select_matches__"] > div', t("选择全部匹配项", "Select matches")),
        _swap(
            '[data-testid="InputInstructions"] > span:first-child',
            t("按回车键确认", "Press Enter to apply"),
            size="0.75rem",
        ),
        # Streamlit's only dialogs here: "Page not found" (it then runs the main page) and, with
        # a code block, "Connection error".
        _swap(f"{dialog}:not(:has(pre, code)) > h2", t("页面不存在", "Page not found"), size="1.5rem"),
        _swap(
            f"{dialog}:not(:has(pre, code)) > div",
            t(
                "您打开的页面不存在或需要登录，已为您打开首页。",
                "This page does not exist or needs signing in: here is the home page.",
            ),
            size="1rem",
        ),
        _swap(f"{dialog}:has(pre, code) > h2", t("连接已断开", "Connection lost"), size="1.5rem"),
        _swap(
            f"{dialog}:has(pre, code) > div",
            t(
                "暂时连不上服务器，请检查网络后刷新页面。",
                "The server cannot be reached: check the network, then reload.",
            ),
            size="1rem",
        ),
    ]
    # Not Streamlit's English, but the same sheet (one element less in every rerun): on a phone a
    # long heading wraps after its punctuation into even lines ("居住登记：" / "我住在这里"), not
    # with a last character alone; a phrase too long for a line still breaks anywhere.
    rules.append(
        f':is([data-testid="stHeading"] :is(h1, h2, h3), .{HEADING_CLASS}) '
        "{ text-wrap: balance; word-break: keep-all; overflow-wrap: anywhere; }"
    )
    # The forms' HTML headings (portal.ui.headings) in the look of Streamlit's own: its theme's
    # heading sizes, weight and spacing (a Markdown box ends 1rem into the gap under it), and
    # room under the app's bar when a link scrolls to one.
    rules.append(
        f".{HEADING_CLASS} {{ font-family: inherit; font-weight: 600; line-height: 1.2;"
        " margin: 0 0 -1rem;"
        " color: inherit; letter-spacing: -0.005em; scroll-margin-top: 3.75rem; }"
        f" h2.{HEADING_CLASS} {{ font-size: 2.25rem; padding: 1rem 0; }}"
        f" h3.{HEADING_CLASS} {{ font-size: 1.75rem; padding: 0.75rem 0 1rem; }}"
    )
    # On a phone the form comes first: a page's heading on one line where it fits (ten characters,
    # "居住登记：我住在这里", in 390 px), a section's heading close to its first field. Streamlit's
    # 36 px page heading took two lines, and the phone field fell to the foot of the first screen.
    rules.append(
        "@media (max-width: 640px) {"
        f' :is([data-testid="stHeading"] h2, h2.{HEADING_CLASS})'
        " { font-size: 1.625rem; padding-top: 0.25rem; }"
        f' :is([data-testid="stHeading"] h3, h3.{HEADING_CLASS})'
        " { font-size: 1.25rem; padding: 0.5rem 0 0.625rem; }"
        " }"
    )
    # A receipt code right under its label: a heading's room above it parted the two by 40 px.
    rules.append(
        f".st-key-{RECEIPT_CODE_BOX} p {{ margin-bottom: 0.25rem; }}"
        f" .st-key-{RECEIPT_CODE_BOX} h2 {{ padding-top: 0.25rem; }}"
    )
    # 我的回执 scrolls its answer to the screen's top: below the app's bar (its menu button), not
    # under it, where the bar hid the notice of what was just done (已重新提交).
    rules.append(f".st-key-{RECEIPT_OPENED_BOX} {{ scroll-margin-top: 4.25rem; }}")
    # A table of rooms spans its box, as on the plate card; a number to call stays on one line
    # (a narrow screen broke "0769-" from "88221110", which read as two numbers).
    rules.append('[data-testid="stMarkdownContainer"] table { width: 100%; }')
    rules.append('[data-testid="stMarkdownContainer"] a[href^="tel:"] { white-space: nowrap; }')
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def replace_builtin_text() -> None:
    """Once per run, from the app's entry file: a style-only st.html takes no room on the page."""
    st.html(builtin_text_css())
