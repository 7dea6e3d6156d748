"""审核队列: the officer's queue of declarations, sorted by risk then age, with counts per state.

An officer sees the declarations of their own grids (网格), a supervisor or admin the whole town;
a declaration at a plate with no grid is seen by supervisors only. Risk is the worst finding's
severity, then the number of findings; age is counted from the current version (a resubmission
starts the clock again). The query pages in SQL and decrypts only the payloads on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.models import Declaration, DeclarationStatus, DoorPlate, Finding, Street, UnplacedAddress
from shared.review.queue_items import QueueItem, item_columns, queue_items, village_of_item
from shared.review.states import PENDING_STATES, SEVERITY_RANK, waiting_since_column
from shared.staff.auth import StaffIdentity
from shared.staff.scope import grid_scope

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
class QueuePage:
    items: list[QueueItem]
    counts_by_state: dict[DeclarationStatus, int] = field(default_factory=dict)
    total: int = 0


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
            _filtered(item_columns(waiting), staff=staff, filters=filters, now=now, waiting=waiting), waiting
        )
        .limit(limit)
        .offset(max(offset, 0))
    ).all()
    return QueuePage(
        items=queue_items(session, rows, now=now),
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
        rows = session.execute(_placed_or_typed(item_columns(waiting)).where(Declaration.id.in_(chunk))).all()
        yield from queue_items(session, sorted(rows, key=lambda row: rank[row.id]), now=now)


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


def _filtered(
    query: Select[*Row], *, staff: StaffIdentity, filters: QueueFilters, now: datetime, waiting: Any
) -> Select[*Row]:
    query = _placed_or_typed(query).where(
        grid_scope(staff, Declaration.grid_code), Declaration.status.in_(filters.states)
    )
    if filters.village:
        query = query.where(village_of_item() == filters.village)
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


def _placed_or_typed(query: Select[*Row]) -> Select[*Row]:
    """The plate and street, or for a declaration still without a plate its typed address."""
    return (
        query.outerjoin(DoorPlate, DoorPlate.code == Declaration.plate_code)
        .outerjoin(Street, Street.id == DoorPlate.street_id)
        .outerjoin(UnplacedAddress, UnplacedAddress.declaration_id == Declaration.id)
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


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=CHINA_TZ)


def _risk_subquery() -> Any:
    rank = case(*((Finding.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=0)
    return (
        select(Finding.declaration_id, func.max(rank).label("rank"), func.count().label("n"))
        .group_by(Finding.declaration_id)
        .subquery()
    )
