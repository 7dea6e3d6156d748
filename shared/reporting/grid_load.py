"""网格工作量: every grid with who answers for it and how much work it holds, for planning
which officer takes which grid (`menpai grids`).

Counted as the dashboard counts (shared.reporting.dashboard): rental buildings are active buildings
with an active rental room, by the building's grid; pending declarations wait for an officer
(PENDING_STATES), overdue ones for more than OVERDUE_WORKING_DAYS working days since their current
version. The standard load is one officer per OFFICER_STANDARD rental buildings.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.models import Declaration, DoorPlate, Grid, RecordStatus, Village
from shared.reporting.dashboard import OFFICER_STANDARD
from shared.reporting.dashboard_counts import active_officers, rental_buildings_per_grid
from shared.review.states import (
    OVERDUE_WORKING_DAYS,
    PENDING_STATES,
    waiting_since_column,
    working_days_between,
)


@dataclass(frozen=True)
class GridLoad:
    """One grid: where it is, its officer accounts and the work in it."""

    code: str
    name: str
    village_code: str
    village_name: str
    public_officer: str  # the name printed on the plate page (Grid.officer_name)
    officers: tuple[str, ...]  # active officer accounts answering for it: "display name (username)"
    plates: int
    rental_buildings: int
    pending: int
    overdue: int

    @property
    def officers_needed(self) -> int:
        """Officers the grid's rental buildings call for at the standard (at least one)."""
        return max(1, math.ceil(self.rental_buildings / OFFICER_STANDARD))

    @property
    def is_unassigned(self) -> bool:
        return not self.officers


def grid_loads(session: Session, *, now: datetime, village_code: str | None = None) -> list[GridLoad]:
    """Every grid (or a village's), by village then code, with its officers and its work."""
    query = select(Grid, Village.name).join(Village, Village.code == Grid.village_code)
    if village_code is not None:
        query = query.where(Grid.village_code == village_code)
    rows = session.execute(query.order_by(Grid.village_code, Grid.code)).all()
    officers: dict[str, list[str]] = {}
    for username, display_name, codes in sorted(active_officers(session)):
        for code in codes:
            officers.setdefault(code, []).append(f"{display_name} ({username})" if display_name else username)
    plates = {
        grid: int(n)
        for grid, n in session.execute(
            select(DoorPlate.grid_code, func.count())
            .where(DoorPlate.status == RecordStatus.ACTIVE, DoorPlate.grid_code.is_not(None))
            .group_by(DoorPlate.grid_code)
        )
    }
    rental = rental_buildings_per_grid(session)
    pending, overdue = _pending_per_grid(session, now=now)
    return [
        GridLoad(
            code=grid.code,
            name=grid.name,
            village_code=grid.village_code,
            village_name=village_name,
            public_officer=grid.officer_name,
            officers=tuple(officers.get(grid.code, ())),
            plates=plates.get(grid.code, 0),
            rental_buildings=rental.get(grid.code, 0),
            pending=pending[grid.code],
            overdue=overdue[grid.code],
        )
        for grid, village_name in rows
    ]


def _pending_per_grid(session: Session, *, now: datetime) -> tuple[Counter[str], Counter[str]]:
    today = local_today(now)
    pending: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    rows = session.execute(
        select(Declaration.grid_code, waiting_since_column()).where(
            Declaration.status.in_(PENDING_STATES), Declaration.grid_code.is_not(None)
        )
    )
    for grid_code, since in rows:
        if grid_code is None or since is None:
            continue
        pending[grid_code] += 1
        if working_days_between(since.astimezone(CHINA_TZ).date(), today) > OVERDUE_WORKING_DAYS:
            overdue[grid_code] += 1
    return pending, overdue
