"""Typed text in Markdown stays text, also in a table's cells."""

from __future__ import annotations

from portal.ui.text import escape_markdown, markdown_table, phone_link


def test_formatting_characters_stay_literal() -> None:
    assert escape_markdown("王*伟* [链接](x) #1") == "王\\*伟\\* \\[链接\\](x) \\#1"


def test_typed_icon_emoji_and_colour_codes_stay_text() -> None:
    """Streamlit's Markdown draws `:material/home:` as an icon (even with its colons escaped),
    `:smile:` as an emoji and `:red[…]` in colour; typed, each shows as written (the word joiner
    U+2060 is invisible)."""
    shown = escape_markdown("李:material/home:四 :smile: :red[x] 10:30")
    assert shown == "李\\:\u2060material/home\\:四 \\:smile\\: \\:red\\[x\\] 10\\:30"


def test_a_table_row_per_row_whatever_its_cells_hold() -> None:
    table = markdown_table([{"房间": "101", "备注": "a|b"}, {"房间": "1\n02", "备注": ""}])
    assert table.splitlines() == [
        "| 房间 | 备注 |",
        "|---|---|",
        "| 101 | a\\|b |",
        "| 1 02 |  |",
    ]


def test_no_rows_no_table() -> None:
    assert markdown_table([]) == ""


def test_a_number_to_call_is_one_tap() -> None:
    assert phone_link("+8613800138000") == "[138 0013 8000](tel:+8613800138000)"
    assert phone_link("0769-88221110") == "[0769-88221110](tel:076988221110)"
    assert phone_link(None) == ""
