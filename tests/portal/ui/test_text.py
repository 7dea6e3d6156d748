"""Typed text in Markdown stays text, also in a table's cells."""

from __future__ import annotations

from portal.ui.text import escape_markdown, markdown_table


def test_formatting_characters_stay_literal() -> None:
    assert escape_markdown("王*伟* [链接](x) #1") == "王\\*伟\\* \\[链接\\](x) \\#1"


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
