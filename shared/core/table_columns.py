"""The columns an importer understands, found in a file's header row by name or alias.

Headers are matched folded (full-width forms, case, spaces, brackets), so 业主姓名 (Owner
Name) and ＯＷＮＥＲ＿ＮＡＭＥ find the same column; missing required columns are refused together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from shared.core.tables import Table, refuse


def header_key(text: str) -> str:
    """Fold a header for matching: full-width forms, case, spaces, underscores, brackets."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s_\-()（）\[\]【】/:：*]+", "", folded)


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its key, its names in both languages, other accepted
    header spellings, and what goes in it (for the README's table)."""

    key: str
    zh: str
    en: str
    required: bool
    aliases: tuple[str, ...] = ()
    values: str = ""

    def spellings(self) -> tuple[str, ...]:
        return (self.zh, self.en, self.key, *self.aliases)

    def title(self) -> str:
        return f"{self.zh}（{self.en}）"


def match_columns(table: Table, columns: tuple[Column, ...]) -> dict[str, str | None]:
    """Map each column key to the file's header for it (None when an optional one is absent).

    Missing required columns are refused together, named in both languages, with the headers
    the file does have, so one fix of the file's header row is enough. Unknown headers are
    ignored: offices add their own remarks columns.
    """
    by_key = {header_key(s): c for c in columns for s in c.spellings()}
    found: dict[str, str | None] = {c.key: None for c in columns}
    for header in table.headers:
        column = by_key.get(header_key(header))
        if column is None or not header:
            continue
        if found[column.key] is not None:
            raise refuse(
                f"“{found[column.key]}”和“{header}”都是{column.zh}列，请只保留一列",
                f"{found[column.key]!r} and {header!r} are both the {column.en} column; keep one",
                table.filename,
            )
        found[column.key] = header
    missing = [c for c in columns if c.required and found[c.key] is None]
    if missing:
        shown = "、".join(h for h in table.headers if h)
        if len(shown) > 200:
            shown = shown[:200] + "…"
        raise refuse(
            f"缺少必需的列：{'、'.join(c.zh for c in missing)}。文件的表头是：{shown}",
            f"required columns missing: {', '.join(c.en for c in missing)}. The file's headers are: {shown}",
            table.filename,
        )
    return found


def columns_markdown(columns: tuple[Column, ...]) -> str:
    """The column table for the README, generated so documentation and code cannot drift."""
    lines = [
        "| 列名 (Chinese header) | English header | required | other accepted headers | values |",
        "|---|---|---|---|---|",
    ]
    for c in columns:
        aliases = ", ".join(c.aliases)
        lines.append(f"| {c.zh} | {c.en} | {'yes' if c.required else 'no'} | {aliases} | {c.values} |")
    return "\n".join(lines)
