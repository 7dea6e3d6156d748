"""通行记录: the passage log for supervisors, filtered, and exported with the same filters.

Rows carry the subject's pseudonym only, so neither the table nor its export holds a name or a
document number; an export is audited all the same, with the filters it honoured.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.spreadsheets import table_bytes  # the one CSV/XLSX writer: formula-safe (neutralise)
from shared.gate.gates import reason_text
from shared.models import Gate, Passage, PassageResult, Village

ExportFormat = Literal["csv", "xlsx"]
SUBJECT_CHARS = 12  # enough to tell subjects apart on a screen; the full pseudonym is exported
HEADERS = (
    "时间(UTC) Time",
    "门岗 Gate",
    "村/社区 Village",
    "结果 Result",
    "原因 Reason",
    "对象 Subject",
    "类别 Kind",
)
RESULT_TEXTS = {PassageResult.ALLOWED: ("通行", "allowed"), PassageResult.DENIED: ("拒绝", "denied")}


@dataclass(frozen=True)
class PassageFilters:
    """What the supervisor chose; None means "any". `until` is exclusive."""

    gate_id: int | None = None
    village: str | None = None
    result: PassageResult | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class PassageView:
    id: int
    at: datetime
    gate_name: str
    village_name: str
    result: PassageResult
    reason: str
    subject: str  # pseudonym, or "" for an unreadable pass
    is_visitor: bool

    def result_text(self, lang: str = "zh") -> str:
        zh, en = RESULT_TEXTS[self.result]
        return en if lang == "en" else zh

    def reason_text(self, lang: str = "zh") -> str:
        return reason_text(self.reason, lang)


def list_passages(
    session: Session,
    *,
    gate_id: int | None = None,
    village: str | None = None,
    result: PassageResult | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = 1000,
) -> list[PassageView]:
    """Passages matching every given filter, newest first, at most `limit` (None: all)."""
    filters = PassageFilters(gate_id, village, result, since, until)
    return list(_passages(session, filters, limit=limit))


def _passages(session: Session, filters: PassageFilters, *, limit: int | None) -> Iterator[PassageView]:
    query = (
        select(Passage, Gate.name, Village.name)
        .join(Gate, Passage.gate_id == Gate.id)
        .join(Village, Gate.village_code == Village.code)
        .order_by(Passage.at.desc(), Passage.id.desc())
    )
    if filters.gate_id is not None:
        query = query.where(Passage.gate_id == filters.gate_id)
    if filters.village:
        query = query.where(Gate.village_code == filters.village)
    if filters.result is not None:
        query = query.where(Passage.result == filters.result)
    if filters.since is not None:
        query = query.where(Passage.at >= filters.since)
    if filters.until is not None:
        query = query.where(Passage.at < filters.until)
    if limit is not None:
        query = query.limit(limit)
    for passage, gate_name, village_name in session.execute(query.execution_options(yield_per=2000)):
        yield PassageView(
            id=passage.id,
            at=passage.at,
            gate_name=gate_name,
            village_name=village_name,
            result=passage.result,
            reason=passage.reason,
            subject=passage.subject_index or "",
            is_visitor=passage.visitor_id is not None,
        )


def short_subject(subject: str) -> str:
    return subject[:SUBJECT_CHARS]


def export_passages(
    session: Session, *, fmt: ExportFormat, actor: str, filters: PassageFilters, now: datetime
) -> tuple[bytes, int]:
    """The passages matching `filters` as a CSV (UTF-8 with BOM, for Excel) or XLSX file, every
    matching row (no display limit), and the row count. Audited as `export` of `passages`."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    content, count = table_bytes(fmt, HEADERS, _rows(session, filters))
    detail: dict[str, Any] = {k: v for k, v in asdict(filters).items() if v is not None}
    record_audit(
        session,
        actor=actor,
        action="export",
        target_type="table",
        target_id="passages",
        detail={"format": fmt, "rows": count, "filters": detail},
        at=now,
    )
    session.flush()
    return content, count


def _rows(session: Session, filters: PassageFilters) -> Iterator[list[Any]]:
    for view in _passages(session, filters, limit=None):
        yield [
            view.at,
            view.gate_name,
            view.village_name,
            f"{view.result_text('zh')} {view.result_text('en')}",
            f"{view.reason_text('zh')} / {view.reason_text('en')}",
            view.subject,
            "访客 visitor" if view.is_visitor else "住户 resident" if view.subject else "",
        ]
