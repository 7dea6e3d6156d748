"""审核队列导出: the filtered review queue as CSV or XLSX, as the officer sees it on screen.

Every item under the page's filters (not only the page shown), in the queue's order, with the
declarant's name masked as in the table; nothing else personal is in a queue row. Each export
is audited (`export.queue`) with the filters it honoured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.spreadsheets import Cell, table_bytes
from shared.declarations.labels import KIND_LABELS, OFFICER_STATUS_LABELS, SEVERITY_LABELS
from shared.review.queue import QueueFilters, iter_queue
from shared.review.queue_items import QueueItem
from shared.staff.auth import StaffIdentity

ExportFormat = Literal["csv", "xlsx"]
HEADERS = (
    "编号 ID",
    "超期 Overdue",
    "风险 Risk",
    "问题 Findings",
    "状态 State",
    "类型 Kind",
    "申报人 Declarant",
    "地址 Address",
    "村（社区） Village",
    "网格 Grid",
    "提交时间(UTC) Waiting since",
    "等待工作日 Working days",
)


def export_queue(
    session: Session, *, staff: StaffIdentity, filters: QueueFilters, now: datetime, fmt: ExportFormat
) -> bytes:
    """The file of the queue under `filters`, for the staff member's grids only (the queue's own
    scope check applies). Adds the audit entry; the caller commits."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    items = iter_queue(session, staff=staff, filters=filters, now=now)
    content, count = table_bytes(fmt, HEADERS, _rows(items))
    record_audit(
        session,
        actor=staff.username,
        action="export.queue",
        target_type="table",
        target_id="review_queue",
        detail={"format": fmt, "rows": count, "filters": _chosen(filters)},
        at=now,
    )
    session.flush()
    return content


def _rows(items: Iterator[QueueItem]) -> Iterator[list[Cell]]:
    for item in items:
        yield [
            item.declaration_id,
            "是 yes" if item.is_overdue else "",
            _both(SEVERITY_LABELS[item.max_severity]) if item.max_severity else "",
            ", ".join(item.rules),
            _both(OFFICER_STATUS_LABELS[item.status]),
            _both(KIND_LABELS[item.kind]),
            item.declarant,
            item.address,
            item.village,
            item.grid_code or "",
            item.waiting_since,
            item.working_days,
        ]


def _both(pair: tuple[str, str]) -> str:
    """Chinese first, then English, as the exports' headers."""
    return f"{pair[0]} {pair[1]}"


def _chosen(filters: QueueFilters) -> dict[str, Any]:
    return {
        key: [str(s) for s in value] if key == "states" else value
        for key, value in asdict(filters).items()
        if value is not None
    }


__all__ = ["HEADERS", "export_queue"]
