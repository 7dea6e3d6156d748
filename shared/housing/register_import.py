"""房屋登记导入: the land and property records officers compare declarations against.

One row per room: the plate it is behind, the building, the room, its owner, use and rental
flag. Every bad row is reported with its line, column and reason and the good rows are kept;
a file that is not a usable table is refused as a whole before anything is written. Importing
the same file again changes nothing, so an office can re-send its whole register each month.
The columns are in `COLUMNS` (shared.housing.columns); matching rows to records is in
shared.housing.records (owners in shared.housing.owner_book).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from shared.core.audit import record_file_import
from shared.core.errors import DomainError
from shared.core.table_columns import match_columns
from shared.core.tables import read_table
from shared.housing.columns import COLUMNS
from shared.housing.import_report import ImportReport, RowError, Tally
from shared.housing.records import HousingRun

__all__ = ["COLUMNS", "ImportReport", "RowError", "Tally", "import_housing"]

FLUSH_EVERY = 1000

Progress = Callable[[int, int], None]


def import_housing(
    session: Session,
    *,
    path: Path | None = None,
    data: bytes | None = None,
    filename: str | None = None,
    actor: str,
    today: date,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a housing register (CSV or XLSX) from a path or uploaded bytes.

    Raises `DomainError` (nothing written) when the file is not a table, is empty, has only a
    header or lacks required columns. Otherwise adds and flushes; the caller commits, or rolls
    back for a dry run.
    """
    if path is not None:
        if not path.is_file():
            raise DomainError(f"找不到文件：{path}", f"File not found: {path}")
        data, filename = path.read_bytes(), filename or path.name
    if data is None:
        raise ValueError("give path or data")
    table = read_table(data=data, filename=filename)
    headers = match_columns(table, COLUMNS)
    run = HousingRun(session, table, headers, today)
    total = len(table.rows)
    # No autoflush: each row would otherwise flush every pending insert before its look-ups.
    # The run's caches find what earlier rows added; a flush per batch keeps inserts batched.
    with session.no_autoflush:
        for done, row in enumerate(table.rows, start=1):
            run.import_row(row)
            if done % FLUSH_EVERY == 0:
                session.flush()
            if progress is not None:
                progress(done, total)
        run.finish()
    session.flush()
    report = run.report
    record_file_import(
        session,
        actor=actor,
        action="import.housing",
        filename=table.filename,
        file_format=table.format,
        data=data,
        counts=report.counts(),
    )
    session.flush()
    return report
