"""Reading an uploaded CSV or XLSX file into rows, for every importer and upload.

Officers send what their office software saves: UTF-8 CSV (with or without BOM), GB18030
CSV from Chinese Excel, or an XLSX workbook. Anything else (a PDF, a picture, an old .xls)
is refused with one clear message before a single row is looked at. Line numbers are the
ones the user sees in the file (header = line 1), so every row error can point at it.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from shared.core.errors import DomainError

MAX_TABLE_BYTES = 50 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
CSV_DELIMITERS = (",", "\t", ";")

# Magic bytes of files people upload by mistake, with what to tell them.
_KNOWN_NOT_TABLES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "PDF 文件", "a PDF file"),
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"BM", "BMP 图片", "a BMP image"),
    (b"RIFF", "音视频或图片文件", "a media file"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"\x1f\x8b", "GZIP 压缩包", "a GZIP archive"),
    (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"),
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls / .doc from old Office
_ZIP_MAGIC = b"PK\x03\x04"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SUPPORTED = (
    "请上传 CSV（UTF-8 或 GB18030 编码）或 XLSX 文件",
    "upload a CSV (UTF-8 or GB18030) or XLSX file",
)


@dataclass(frozen=True)
class TableRow:
    """One data row: cells by header text, and the cells that were numbers in a spreadsheet."""

    line: int
    cells: Mapping[str, str]
    numeric: frozenset[str] = field(default_factory=frozenset)

    def get(self, header: str | None) -> str:
        return self.cells.get(header, "") if header is not None else ""


@dataclass(frozen=True)
class Table:
    """A file read as a header and data rows; blank rows are skipped but keep their numbers."""

    filename: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    format: str  # "csv" or "xlsx"


def refuse(zh: str, en: str, filename: str) -> DomainError:
    """A file-level refusal: one message naming the file, nothing imported."""
    return DomainError(f"文件 {filename} 无法导入：{zh}", f"File {filename} cannot be imported: {en}")


def read_table(*, path: Path | None = None, data: bytes | None = None, filename: str | None = None) -> Table:
    """Read a CSV or XLSX table from a path or from uploaded bytes (with the upload's file name)."""
    if path is not None:
        name = filename or path.name
        if not path.is_file():
            raise DomainError(f"找不到文件：{path}", f"File not found: {path}")
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise refuse("文件太大", f"it is larger than {MAX_TABLE_BYTES // 2**20} MB", name)
        data = path.read_bytes()
    elif data is None:
        raise ValueError("give path or data")
    else:
        name = filename or "upload"
    if len(data) > MAX_TABLE_BYTES:
        raise refuse("文件太大", f"it is larger than {MAX_TABLE_BYTES // 2**20} MB", name)
    if not data.strip():
        raise refuse("文件是空的", "the file is empty", name)
    if data.startswith(_ZIP_MAGIC):
        headers, rows = _read_xlsx(data, name)
        fmt = "xlsx"
    else:
        _refuse_known_binary(data, name)
        headers, rows = _read_csv(data, name)
        fmt = "csv"
    if not rows:
        raise refuse("只有表头，没有数据行", "it has a header row but no data rows", name)
    return Table(filename=name, headers=headers, rows=tuple(rows), format=fmt)


def _refuse_known_binary(data: bytes, name: str) -> None:
    if data.startswith(_OLE2_MAGIC):
        raise refuse(
            "这是旧版 Excel（.xls）或 Word 文件，请在 Excel 中另存为 .xlsx 或 CSV",
            "this is an old Excel (.xls) or Word file; save it as .xlsx or CSV in Excel",
            name,
        )
    for magic, zh, en in _KNOWN_NOT_TABLES:
        if data.startswith(magic):
            raise refuse(
                f"这是{zh}，不是表格。{_SUPPORTED[0]}", f"this is {en}, not a table; {_SUPPORTED[1]}", name
            )


def _decode(data: bytes, name: str) -> str:
    # Excel's "Unicode text" export is UTF-16 with a BOM (and tab-separated).
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes nearly any byte string, so binary junk is caught by its control bytes.
        if len(_CONTROL_CHARS.findall(text[:65536])) == 0:
            return text
    raise refuse(f"不是文本表格。{_SUPPORTED[0]}", f"it is not a text table; {_SUPPORTED[1]}", name)


def _read_csv(data: bytes, name: str) -> tuple[tuple[str, ...], list[TableRow]]:
    text = _decode(data, name)
    # The csv module refuses cells over 128 KiB as a format error, which would throw the whole
    # file out; a cell that long is the row's problem, reported by whoever reads the row.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_TABLE_BYTES))
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[TableRow] = []
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1  # a quoted cell may span lines
            cells = [_clean(c) for c in record]
            if not any(cells):
                continue
            if headers is None:
                headers = _headers(cells, name)
                continue
            rows.append(TableRow(line, _by_header(headers, cells)))
    except csv.Error as exc:
        raise refuse(
            f"第 {start} 行 CSV 格式错误：{exc}", f"line {start} is not valid CSV: {exc}", name
        ) from None
    if headers is None:
        raise refuse("文件是空的", "the file is empty", name)
    return headers, rows


def _read_xlsx(data: bytes, name: str) -> tuple[tuple[str, ...], list[TableRow]]:
    sheet_rows = _xlsx_first_sheet(data, name)
    headers: tuple[str, ...] | None = None
    rows: list[TableRow] = []
    for line, values in enumerate(sheet_rows, start=1):
        cells = [_cell_text(v) for v in values]
        if not any(cells):
            continue
        if headers is None:
            headers = _headers(cells, name)
            continue
        numeric = frozenset(
            h for h, v in zip(headers, values, strict=False) if h and isinstance(v, int | float)
        )
        rows.append(TableRow(line, _by_header(headers, cells), numeric))
    if headers is None:
        raise refuse("第一个工作表是空的", "the first sheet is empty", name)
    return headers, rows


def _xlsx_first_sheet(data: bytes, name: str) -> list[tuple[Any, ...]]:
    """The cell values of the workbook's first sheet, row by row."""
    from openpyxl import load_workbook  # imported here: only XLSX uploads pay for it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions other producers write: noise for an import.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not workbook.worksheets:
                    return []
                return list(workbook.worksheets[0].iter_rows(values_only=True))
            finally:
                workbook.close()
    except Exception:  # whatever a malformed ZIP or XML raises, the answer is the same
        raise refuse(
            f"不是有效的 XLSX 工作簿（可能已损坏，或是其他压缩文件）。{_SUPPORTED[0]}",
            f"it is not a valid XLSX workbook (damaged, or another kind of ZIP file); {_SUPPORTED[1]}",
            name,
        ) from None


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the user typed (301, not 301.0; dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _clean(str(value))


def _clean(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def _headers(cells: list[str], name: str) -> tuple[str, ...]:
    headers = tuple(cells)
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise refuse(f"表头“{header}”出现了两次", f"the header {header!r} appears twice", name)
        seen.add(header)
    return headers


def _by_header(headers: tuple[str, ...], cells: list[str]) -> dict[str, str]:
    return {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
