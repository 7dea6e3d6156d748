"""审计日志查询: supervisors browse the audit log with filters and export what the filters show.

The log never holds personal data in clear by construction (`shared.core.audit.record_audit` is
given masked values and blind indexes), but its details also carry free text such as the
reason typed for a reveal. So whatever looks like an identity number or a phone is masked
again on the way out, on the screen and in exports alike. An export is itself audited
(`export.audit`) with the filters it honoured.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVarTuple

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.crypto import mask_id_number, mask_phone
from shared.core.spreadsheets import Cell, table_bytes
from shared.models import AuditLog, Role
from shared.staff.auth import StaffIdentity, require_role

ExportFormat = Literal["csv", "xlsx"]
AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
MAX_PAGE = 500
MAX_TEXT = 100
EXPORT_CHUNK = 1_000
HEADERS = (
    "编号 ID",
    "时间(UTC) Time",
    "操作人 Actor",
    "操作 Action",
    "对象类型 Target type",
    "对象 Target",
    "详情 Detail",
)
# Bounded by anything but letters and digits, so blind indexes (hex), plate codes (10 digits),
# village (12) and grid codes (15) are left alone. 15-digit first-generation identity numbers
# are not masked for that reason: they look exactly like grid codes.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")  # GB 11643
MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")
LANDLINE = re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])")  # with its dash only

Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class AuditFilters:
    """What the page's filters say; None means any. `action` also selects the actions under it
    (`login` is every `login.*`); `since` is inclusive, `until` exclusive; `text` is sought,
    ignoring case, in the actor, action, target and details."""

    actor: str | None = None
    action: str | None = None
    target_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None

    def chosen(self) -> dict[str, Any]:
        """The filters that are set, for an export's audit entry."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as shown: details with identity numbers and phones masked."""

    id: int
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    total: int = 0


@dataclass(frozen=True)
class AuditChoices:
    """What the filters offer: the actors, actions (with their dotted prefixes) and target types
    found in the log."""

    actors: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    target_types: tuple[str, ...] = field(default=())


def mask_text(value: str) -> str:
    """Mask what looks like a mainland identity number or a phone inside free text."""
    value = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), value)
    value = MOBILE.sub(lambda m: mask_phone(m.group()), value)
    return LANDLINE.sub(lambda m: mask_phone(m.group()), value)


def mask_detail(value: Any) -> Any:
    """`mask_text` over every string in a JSON value, keys included."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_text(str(k)): mask_detail(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_detail(v) for v in value]
    return value


def audit_choices(session: Session, *, staff: StaffIdentity) -> AuditChoices:
    require_role(staff.role, *AUDIT_ROLES)
    actions = set(session.scalars(select(AuditLog.action).distinct()))
    prefixes = {a.rsplit(".", n)[0] for a in actions for n in range(1, a.count(".") + 1)}
    return AuditChoices(
        actors=tuple(session.scalars(select(AuditLog.actor).distinct().order_by(AuditLog.actor))),
        actions=tuple(sorted(actions | prefixes)),
        target_types=tuple(
            session.scalars(select(AuditLog.target_type).distinct().order_by(AuditLog.target_type))
        ),
    )


def list_audit(
    session: Session,
    *,
    staff: StaffIdentity,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> AuditPage:
    """One page of the audit log under the filters, newest first, and how many match in all."""
    require_role(staff.role, *AUDIT_ROLES)
    filters = AuditFilters(actor, action, target_type, since, until, text)
    total = session.scalar(_filtered(select(func.count(AuditLog.id)), filters)) or 0
    rows = session.execute(
        _filtered(_columns(), filters)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
        .offset(max(offset, 0))
    )
    return AuditPage(items=[_entry(row) for row in rows], total=total)


def export_audit(
    session: Session, *, staff: StaffIdentity, filters: AuditFilters, fmt: ExportFormat, now: datetime
) -> tuple[bytes, int]:
    """Every entry under `filters` (no page limit), in the page's order, as CSV or XLSX, and
    the row count. Audited as `export.audit` with the filters; the caller commits."""
    require_role(staff.role, *AUDIT_ROLES)
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    content, count = table_bytes(fmt, HEADERS, _export_rows(session, filters))
    record_audit(
        session,
        actor=staff.username,
        action="export.audit",
        target_type="table",
        target_id="audit_log",
        detail={"format": fmt, "rows": count, "filters": filters.chosen()},
        at=now,
    )
    session.flush()
    return content, count


def _export_rows(session: Session, filters: AuditFilters) -> Iterator[list[Cell]]:
    query = _filtered(_columns(), filters).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    for row in session.execute(query.execution_options(yield_per=EXPORT_CHUNK)):
        entry = _entry(row)
        yield [
            entry.id,
            entry.at,
            entry.actor,
            entry.action,
            entry.target_type,
            entry.target_id,
            detail_text(entry.detail),
        ]


def detail_text(detail: dict[str, Any]) -> str:
    """An entry's details on one line, as the page's table and the exports show them."""
    return json.dumps(detail, ensure_ascii=False, separators=(", ", ": "), default=str)


def _columns() -> Select[int, datetime, str, str, str, str, dict[str, Any]]:
    return select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.target_type,
        AuditLog.target_id,
        AuditLog.detail,
    )


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=mask_text(row.actor),
        action=row.action,
        target_type=row.target_type,
        target_id=mask_text(row.target_id),
        detail=mask_detail(row.detail or {}),
    )


def _filtered(query: Select[*Row], filters: AuditFilters) -> Select[*Row]:
    if filters.actor:
        query = query.where(AuditLog.actor == filters.actor)
    if filters.action:
        query = query.where(
            or_(
                AuditLog.action == filters.action,
                AuditLog.action.startswith(f"{filters.action}.", autoescape=True),
            )
        )
    if filters.target_type:
        query = query.where(AuditLog.target_type == filters.target_type)
    if filters.since is not None:
        query = query.where(AuditLog.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditLog.at < filters.until)
    text = (filters.text or "").strip()[:MAX_TEXT]
    if text:
        query = query.where(
            or_(
                AuditLog.actor.icontains(text, autoescape=True),
                AuditLog.action.icontains(text, autoescape=True),
                AuditLog.target_id.icontains(text, autoescape=True),
                cast(AuditLog.detail, Text).icontains(text, autoescape=True),
            )
        )
    return query


__all__ = [
    "AUDIT_ROLES",
    "AuditChoices",
    "AuditEntry",
    "AuditFilters",
    "AuditPage",
    "audit_choices",
    "detail_text",
    "export_audit",
    "list_audit",
    "mask_detail",
    "mask_text",
]
