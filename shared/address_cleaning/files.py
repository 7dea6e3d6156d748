"""地址清洗 for whole files: a register's addresses in, the same rows with standard plates out.

The market regulator sends what its system exports: a CSV or XLSX with an address column
among many. The output keeps every input column and adds the best plate, its standard
address, the score, whether a person must check, and the next candidates. Cells are
neutralised against formula injection: registration addresses were typed by the public.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from shared.address_cleaning.matching import AddressMatcher, MatchResult, build_matcher
from shared.core.errors import DomainError
from shared.core.spreadsheets import FORMATS, Cell, write_table
from shared.core.table_columns import header_key
from shared.core.tables import Table, read_table

Progress = Callable[[int, int], None]

# Headers registers use for the address; the first such column wins, else the first column.
ADDRESS_HEADERS = (
    "地址", "address", "详细地址", "登记地址", "注册地址", "住所", "经营场所", "经营地址", "住址",
    "居住地址", "现住址", "门牌地址", "通讯地址", "addr", "registered address", "business address",
)  # fmt: skip
RESULT_HEADERS = (
    "门牌编码（plate code）",
    "标准地址（standard address）",
    "村/社区（village）",
    "得分（score）",
    "需复核（needs review）",
    "其他候选（other candidates）",
)
REVIEW_YES, REVIEW_NO = "是 yes", "否 no"


@dataclass
class MatchReport:
    """What a file's matching found; `rows` are the output rows under `headers`."""

    filename: str
    address_header: str
    headers: tuple[str, ...]
    rows: list[list[Cell]] = field(default_factory=list)
    matched: int = 0  # a plate, and no need for a person to check
    needs_review: int = 0  # a person should check (includes the unmatched)
    unmatched: int = 0  # no plate found at all
    out: Path | None = None

    @property
    def total(self) -> int:
        return len(self.rows)


def match_addresses_file(
    session: Session, *, path: Path, out: Path, progress: Progress | None = None
) -> MatchReport:
    """Match every address of a CSV/XLSX file and write the results to `out` (.csv or .xlsx).

    Refuses (DomainError) an unreadable file, an output name that is not .csv/.xlsx, a folder
    that does not exist, and an output that would overwrite the input.
    """
    fmt = _output_format(out)
    if out.resolve() == path.resolve():
        raise DomainError(
            f"输出文件不能覆盖输入文件：{out}", f"The output must not overwrite the input: {out}", field="out"
        )
    if not out.parent.is_dir():
        raise DomainError(f"目录不存在：{out.parent}", f"Folder does not exist: {out.parent}", field="out")
    table = read_table(path=path)
    matcher = build_matcher(session)
    if matcher.plate_count == 0:
        raise DomainError(
            "数据库中没有在用的门牌，无法匹配", "The database holds no active plates to match against"
        )
    report = match_table(matcher, table, progress=progress)
    write_table(out, fmt, report.headers, report.rows)
    report.out = out
    return report


def match_addresses_upload(
    matcher: AddressMatcher, *, data: bytes, filename: str, progress: Progress | None = None
) -> tuple[MatchReport, bytes]:
    """Match an uploaded file; returns the report and the result file in the upload's format."""
    table = read_table(data=data, filename=filename)
    report = match_table(matcher, table, progress=progress)
    with tempfile.TemporaryDirectory(prefix="menpai-match-") as folder:
        path = Path(folder) / f"result.{table.format}"
        write_table(path, table.format, report.headers, report.rows)
        return report, path.read_bytes()


def result_file_name(filename: str) -> str:
    """`register.xlsx` → `register.matched.xlsx`: the name a result is saved under."""
    path = Path(filename)
    suffix = path.suffix.lower() if path.suffix.lower() in FORMATS else ".csv"
    return f"{path.stem}.matched{suffix}"


def match_table(matcher: AddressMatcher, table: Table, *, progress: Progress | None = None) -> MatchReport:
    """Match each row's address; the input's own columns come first, unchanged."""
    address = _address_header(table)
    # A result file matched again replaces its old result columns instead of doubling them.
    kept = [h for h in table.headers if h and h not in RESULT_HEADERS]
    report = MatchReport(table.filename, address, (*kept, *RESULT_HEADERS))
    total = len(table.rows)
    for done, row in enumerate(table.rows, start=1):
        result = matcher.match(row.get(address))
        cells: list[Cell] = [row.get(h) for h in kept]
        report.rows.append(cells + _result_cells(result))
        if result.best is None:
            report.unmatched += 1
        if result.needs_review:
            report.needs_review += 1
        else:
            report.matched += 1
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
    return report


def _result_cells(result: MatchResult) -> list[Cell]:
    best = result.best
    others = "; ".join(f"{c.plate_code} {c.village} {c.address} ({c.score:.2f})" for c in result.candidates)
    review = REVIEW_YES if result.needs_review else REVIEW_NO
    if best is None:
        return ["", "", "", 0.0, review, others]
    return [best.plate_code, best.address, best.village, round(best.score, 2), review, others]


def _address_header(table: Table) -> str:
    wanted = {header_key(h) for h in ADDRESS_HEADERS}
    for header in table.headers:
        if header and header_key(header) in wanted:
            return header
    return next(h for h in table.headers if h)


def _output_format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise DomainError(
            f"输出文件名须以 .csv 或 .xlsx 结尾：{out.name}",
            f"The output file name must end in .csv or .xlsx: {out.name}",
            field="out",
        )
    return fmt
