"""导出: the records as CSV or XLSX for officers' own spreadsheets.

Personal data leaves masked unless the caller asks for clear values, and every export is
in the audit log (a clear one under its own action, so it stands out). Cells that a
spreadsheet would run as a formula are neutralised: a name typed as `=HYPERLINK(...)` on a
public form must not become a link in an officer's Excel (CSV/formula injection).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.errors import DomainError
from shared.core.spreadsheets import FORMATS, write_table
from shared.models import Village
from shared.reporting.export_rows import EXPORTS, ExportContext


def export_table(
    session: Session,
    *,
    what: str,
    path: Path,
    actor: str,
    village: str | None = None,
    reveal: bool = False,
    today: date | None = None,
) -> int:
    """Write one kind of record to `path` (.csv or .xlsx) and return the number of rows.

    Identity numbers, phones and people's names are masked unless `reveal`; a clear export is
    audited as `export.reveal`. `today` decides which residences are current. Adds an audit
    entry; the caller commits.
    """
    spec = EXPORTS.get(what)
    if spec is None:
        raise DomainError(
            f"无法导出“{what}”，可导出：{'、'.join(EXPORTS)}",
            f"Cannot export {what!r}; choose one of: {', '.join(EXPORTS)}",
            field="what",
        )
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DomainError(
            f"导出文件名须以 .csv 或 .xlsx 结尾：{path.name}",
            f"The export file name must end in .csv or .xlsx: {path.name}",
            field="path",
        )
    if village is not None:
        if not spec.by_village:
            raise DomainError(
                f"“{what}”不能按村筛选", f"{what!r} cannot be filtered by village", field="village"
            )
        if session.get(Village, village) is None:
            raise DomainError(
                f"村/社区代码 {village} 不存在", f"Village code {village} does not exist", field="village"
            )
    if not path.parent.is_dir():
        raise DomainError(f"目录不存在：{path.parent}", f"Folder does not exist: {path.parent}", field="path")
    context = ExportContext(session=session, village=village, reveal=reveal, today=today or local_today())
    rows = spec.rows(context)
    count = write_table(path, fmt, spec.headers, rows)
    revealed = reveal and spec.has_personal_data
    record_audit(
        session,
        actor=actor,
        action="export.reveal" if revealed else "export",
        target_type="table",
        target_id=what,
        detail={"file": path.name, "format": fmt, "rows": count, "village": village, "revealed": revealed},
    )
    session.flush()
    return count
