"""Writing a table as CSV or XLSX for officers' own spreadsheets, safe to open.

Cells that a spreadsheet would run as a formula are neutralised: a name typed as
`=HYPERLINK(...)` on a public form must not become a link in an officer's Excel (CSV/formula
injection). Every export, download and cleaned file goes through `write_table`.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

Cell = str | int | float | bool | date | datetime | None
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Cell) -> str | int | float | bool | datetime | date | None:
    """A text cell a spreadsheet would treat as a formula gets a leading single quote (OWASP)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)  # Excel has no time zones
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def xlsx_cell(value: Cell) -> str | int | float | bool | datetime | date | None:
    """A cell for a workbook: characters XML cannot hold are dropped first, so `\x01=HYPERLINK(…)`
    is neutralised as the `=HYPERLINK(…)` it becomes once they are gone."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)


def write_table(path: Path, fmt: str, headers: tuple[str, ...], rows: Iterable[list[Cell]]) -> int:
    """Write `rows` under `headers` as CSV or XLSX (`fmt`) to `path` and return the row count.

    Every cell goes through `neutralise`. The file is written beside the target and moved into
    place: a failed export never leaves a half-written file that looks complete."""
    partial = path.with_name(f".{path.name}.part")
    try:
        count = _write_csv(partial, headers, rows) if fmt == "csv" else _write_xlsx(partial, headers, rows)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def table_bytes(fmt: str, headers: tuple[str, ...], rows: Iterable[list[Cell]]) -> tuple[bytes, int]:
    """The file `write_table` would write, as bytes for a download button, and the row count."""
    with tempfile.TemporaryDirectory(prefix="menpai-export-") as folder:
        path = Path(folder) / f"export.{fmt}"
        count = write_table(path, fmt, headers, rows)
        return path.read_bytes(), count


def _write_csv(path: Path, headers: tuple[str, ...], rows: Iterable[list[Cell]]) -> int:
    count = 0
    # utf-8-sig: the BOM is how Excel on Chinese Windows knows the file is UTF-8.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if v is None else neutralise(v) for v in row])
            count += 1
    return count


def _write_xlsx(path: Path, headers: tuple[str, ...], rows: Iterable[list[Cell]]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # streams rows: a town's people fit in memory this way
    sheet = workbook.create_sheet("data")
    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
        count += 1
    workbook.save(path)
    return count
