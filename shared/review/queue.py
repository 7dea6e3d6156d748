"""审核队列: the officer's queue of declarations, sorted by risk then age, with counts per state.

An officer sees the declarations of their own grids (网格), a supervisor or admin the whole town;
a declaration at a plate with no grid is seen by supervisors only. Risk is the worst finding's
severity, then the number of findings; age is counted from the current version (a resubmission
starts the clock again). The query pages in SQL and decrypts only the payloads on the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.crypto import mask_name
from shared.declarations.store import open_payload
from shared.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    DoorPlate,
    Finding,
    Severity,
    Street,
    Village,
)
from shared.models.places import format_address
from shared.review.scope import grid_scope
from shared.self_service.receipt_view import room_ids_of, room_labels
from shared.staff.auth import StaffIdentity

# Waiting for the officer. CORRECTION_REQUESTED waits for the declarant instead.
PENDING_STATES = (DeclarationStatus.RECEIVED, DeclarationStatus.HAS_ISSUES, DeclarationStatus.RESUBMITTED)
# An officer may still approve or reject while a requested correction is outstanding (e.g.
# after settling it on a visit).
REVIEWABLE_STATES = frozenset({*PENDING_STATES, DeclarationStatus.CORRECTION_REQUESTED})
# Guangdong asks for declarations to be handled within a few working days; past this many the
# queue marks an item overdue. Weekends only: public holidays and swapped working days are not
# modelled.
OVERDUE_WORKING_DAYS = 5
SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}
MAX_PAGE = 500

Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue page's filters say; `None` means no filter. Ages are calendar days since
    the current version was submitted."""

    village: str | None = None  # village code
    grid: str | None = None  # grid code
    states: tuple[DeclarationStatus, ...] = PENDING_STATES
    rule: str | None = None  # a finding's rule id
    min_age_days: int | None = None
    max_age_days: int | None = None


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue: no personal data in clear (the declarant's name is masked)."""

    declaration_id: int
    kind: DeclarationKind
    status: DeclarationStatus
    declarant: str
    address: str
    village: str
    grid_code: str | None
    rules: tuple[str, ...]
    max_severity: Severity | None
    finding_count: int
    waiting_since: datetime
    age_days: int
    working_days: int
    is_overdue: bool


@dataclass(frozen=True)
class QueuePage:
    items: list[QueueItem]
    counts_by_state: dict[DeclarationStatus, int] = field(default_factory=dict)
    total: int = 0


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start`, up to and including `end`."""
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, extra = divmod(days, 7)
    tail = (start + timedelta(days=weeks * 7 + i) for i in range(1, extra + 1))
    return weeks * 5 + sum(1 for d in tail if d.weekday() < 5)


def list_queue(
    session: Session,
    *,
    staff: StaffIdentity,
    filters: QueueFilters,
    now: datetime,
    limit: int = 50,
    offset: int = 0,
) -> QueuePage:
    """The page of the queue the staff member may see: riskiest first, then oldest."""
    limit = max(1, min(limit, MAX_PAGE))
    waiting = waiting_since_column()
    scoped = _filtered(select(Declaration.id), staff=staff, filters=filters, now=now, waiting=waiting)
    total = session.scalar(select(func.count()).select_from(scoped.subquery())) or 0
    rows = session.execute(
        _ordered(
            _filtered(_item_columns(waiting), staff=staff, filters=filters, now=now, waiting=waiting), waiting
        )
        .limit(limit)
        .offset(max(offset, 0))
    ).all()
    return QueuePage(
        items=_items(session, rows, now=now),
        counts_by_state=count_by_state(session, staff=staff, filters=filters, now=now),
        total=total,
    )


def iter_queue(
    session: Session, *, staff: StaffIdentity, filters: QueueFilters, now: datetime
) -> Iterator[QueueItem]:
    """Every item of the filtered queue in the page's order, not one page: what an export
    writes. The order is read once as ids; payloads are decrypted a page at a time."""
    waiting = waiting_since_column()
    ids = list(
        session.scalars(
            _ordered(
                _filtered(select(Declaration.id), staff=staff, filters=filters, now=now, waiting=waiting),
                waiting,
            )
        )
    )
    for start in range(0, len(ids), MAX_PAGE):
        chunk = ids[start : start + MAX_PAGE]
        rank = {declaration_id: n for n, declaration_id in enumerate(chunk)}
        rows = session.execute(
            _item_columns(waiting)
            .join(DoorPlate, DoorPlate.code == Declaration.plate_code)
            .join(Street, Street.id == DoorPlate.street_id)
            .where(Declaration.id.in_(chunk))
        ).all()
        yield from _items(session, sorted(rows, key=lambda row: rank[row.id]), now=now)


def count_by_state(
    session: Session, *, staff: StaffIdentity, filters: QueueFilters, now: datetime
) -> dict[DeclarationStatus, int]:
    """How many declarations in each state, under every filter but the states one."""
    every_state = QueueFilters(**{**filters.__dict__, "states": tuple(DeclarationStatus)})
    query = _filtered(
        select(Declaration.status, func.count()),
        staff=staff,
        filters=every_state,
        now=now,
        waiting=waiting_since_column(),
    ).group_by(Declaration.status)
    counts = {state: 0 for state in DeclarationStatus}
    counts.update({DeclarationStatus(state): int(n) for state, n in session.execute(query)})
    return counts


def clean_candidates(
    session: Session, *, staff: StaffIdentity, filters: QueueFilters, now: datetime
) -> dict[int, int]:
    """Bulk approval's candidates: the filtered items awaiting review with no findings at all,
    as declaration id → row version (the token each approval is checked against)."""
    states = tuple(s for s in filters.states if s in PENDING_STATES)
    query = _filtered(
        select(Declaration.id, Declaration.row_version),
        staff=staff,
        filters=QueueFilters(**{**filters.__dict__, "states": states}),
        now=now,
        waiting=waiting_since_column(),
    ).where(~exists().where(Finding.declaration_id == Declaration.id))
    return {int(i): int(v) for i, v in session.execute(query.order_by(Declaration.id))}


def waiting_since_column() -> Any:
    """When the current version came in: the officer's clock starts again at a resubmission."""
    return (
        select(DeclarationVersion.created_at)
        .where(
            DeclarationVersion.declaration_id == Declaration.id,
            DeclarationVersion.version == Declaration.version,
        )
        .correlate(Declaration)
        .scalar_subquery()
        .label("waiting_since")
    )


def declarant_name(kind: DeclarationKind, payload: dict[str, Any]) -> str:
    holder = {
        DeclarationKind.RESIDENCE: "person",
        DeclarationKind.RENTAL: "landlord",
        DeclarationKind.ORGANISATION: "declarant",
    }[kind]
    return str(payload[holder]["name"])


def _filtered(
    query: Select[*Row], *, staff: StaffIdentity, filters: QueueFilters, now: datetime, waiting: Any
) -> Select[*Row]:
    query = (
        query.join(DoorPlate, DoorPlate.code == Declaration.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(grid_scope(staff, Declaration.grid_code), Declaration.status.in_(filters.states))
    )
    if filters.village:
        query = query.where(Street.village_code == filters.village)
    if filters.grid:
        query = query.where(Declaration.grid_code == filters.grid)
    if filters.rule:
        query = query.where(
            exists().where(Finding.declaration_id == Declaration.id, Finding.rule == filters.rule)
        )
    today = local_today(now)
    if filters.min_age_days is not None:  # submitted on or before today − min days
        query = query.where(waiting < _local_midnight(today - timedelta(days=filters.min_age_days - 1)))
    if filters.max_age_days is not None:  # submitted on or after today − max days
        query = query.where(waiting >= _local_midnight(today - timedelta(days=filters.max_age_days)))
    return query


def _item_columns(waiting: Any) -> Select[Any]:
    """What a queue row shows, as plain columns: a town's queue must not fill the session."""
    return select(
        Declaration.id,
        Declaration.kind,
        Declaration.status,
        Declaration.grid_code,
        Declaration.payload_enc,
        waiting,
        Street.name,
        DoorPlate.number,
        Street.village_code,
    )


def _ordered(query: Select[*Row], waiting: Any) -> Select[*Row]:
    """Riskiest first (worst severity, then most findings), then the longest waiting."""
    risk = _risk_subquery()
    return query.outerjoin(risk, risk.c.declaration_id == Declaration.id).order_by(
        func.coalesce(risk.c.rank, 0).desc(),
        func.coalesce(risk.c.n, 0).desc(),
        waiting.asc(),
        Declaration.id.asc(),
    )


def _items(session: Session, rows: Sequence[Any], *, now: datetime) -> list[QueueItem]:
    findings = _findings_of(session, [row.id for row in rows])
    villages = _village_names(session, {row.village_code for row in rows})
    today = local_today(now)
    # Only these rows' payloads are decrypted.
    payloads = {row.id: open_payload(row.payload_enc) for row in rows}
    rooms_of = {row.id: room_ids_of(row.kind, payloads[row.id]) for row in rows}
    labels = room_labels(session, sorted({r for ids in rooms_of.values() for r in ids}))
    items = []
    for row in rows:
        rooms = [labels.get(r, "") for r in rooms_of[row.id]]
        found = findings.get(row.id, [])
        waited = row.waiting_since.astimezone(CHINA_TZ).date()
        working = working_days_between(waited, today)
        items.append(
            QueueItem(
                declaration_id=row.id,
                kind=row.kind,
                status=row.status,
                declarant=mask_name(declarant_name(row.kind, payloads[row.id])),
                address=_address(format_address(row.name, row.number), rooms),
                village=villages.get(row.village_code, ""),
                grid_code=row.grid_code,
                rules=tuple(dict.fromkeys(rule for rule, _ in found)),
                max_severity=max((s for _, s in found), key=SEVERITY_RANK.__getitem__, default=None),
                finding_count=len(found),
                waiting_since=row.waiting_since,
                age_days=(today - waited).days,
                working_days=working,
                is_overdue=row.status in PENDING_STATES and working > OVERDUE_WORKING_DAYS,
            )
        )
    return items


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA_TZ)


def _risk_subquery() -> Any:
    rank = case(*((Finding.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=0)
    return (
        select(Finding.declaration_id, func.max(rank).label("rank"), func.count().label("n"))
        .group_by(Finding.declaration_id)
        .subquery()
    )


def _findings_of(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str, Severity]]]:
    found: dict[int, list[tuple[str, Severity]]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(Finding.declaration_id, Finding.rule, Finding.severity)
        .where(Finding.declaration_id.in_(ids))
        .order_by(Finding.id)
    )
    for declaration_id, rule, severity in rows:
        found.setdefault(declaration_id, []).append((rule, severity))
    for entries in found.values():
        entries.sort(key=lambda e: -SEVERITY_RANK[e[1]])
    return found


def _village_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(Village.code, Village.name).where(Village.code.in_(codes)))
    return {code: name for code, name in rows}


def _address(plate: str, rooms: list[str]) -> str:
    if not rooms:
        return plate
    more = f" (+{len(rooms) - 3})" if len(rooms) > 3 else ""
    return f"{plate} {' '.join(rooms[:3])}{more}"


__all__ = [
    "OVERDUE_WORKING_DAYS",
    "PENDING_STATES",
    "REVIEWABLE_STATES",
    "QueueFilters",
    "QueueItem",
    "QueuePage",
    "clean_candidates",
    "count_by_state",
    "iter_queue",
    "list_queue",
    "working_days_between",
]
