"""驾驶舱: the town's figures per village (村/社区) and the officers' load, for leaders and export.

The one place these figures are counted (the operation map's pending layer counts with the same
`pending_declarations`). Definitions, per village (by the street of the plate a record hangs on):

- plates: active door plates; geo-tagged: those with both coordinates.
- buildings: active buildings; rental buildings: those with at least one rental room.
- rental rooms: active rooms marked `is_rental` in active buildings.
- declared rooms: rental rooms with at least one current resident (a residence with no end date
  or ending after today), or named by a declaration that is approved or still open (received,
  has issues, correction requested, resubmitted): rejected and withdrawn ones do not count.
  A declaration names its room (`room_id`), or, for a landlord's multi-room rental, the room
  list in its (encrypted) payload.
- verified rooms: rental rooms named by an approved declaration.
- pending: declarations waiting for an officer (shared.review.states.PENDING_STATES); overdue: those
  waiting more than OVERDUE_WORKING_DAYS working days since the current version. A declaration
  at a typed address counts in the village chosen for it.
- addresses to place (待补录地址): declarations at a typed address still without a plate, in the
  village chosen (rejected and withdrawn ones do not count).
- permits due (居住证): migrants whose unbroken registered stay reaches 183 days within 30 days
  (shared.review.residence_lists), each counted once, in the village of their first home.
- population: distinct people with a current residence, by category (户籍/流动/境外); the
  town's total counts a person living in two villages once.
- officers: active accounts with the officer role and a grid in the village; the standard is
  one officer per OFFICER_STANDARD rental buildings, so a village needs ceil(rental buildings /
  60) and an officer's load is the rental buildings in their grids / 60 (above 1: over standard).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.inspections.checklist import Rating
from shared.inspections.ratings import village_rating_counts
from shared.models import (
    Declaration,
    DoorPlate,
    Grid,
    PersonCategory,
    Street,
    UnplacedAddress,
    Village,
)
from shared.reporting.dashboard_counts import (
    active_officers,
    building_counts,
    plate_counts,
    population,
    rental_buildings_per_grid,
    room_counts,
    town_population,
    unplaced_counts,
)
from shared.review.residence_lists import permits_due_by_village
from shared.review.states import (
    OVERDUE_WORKING_DAYS,
    PENDING_STATES,
    waiting_since_column,
    working_days_between,
)

OFFICER_STANDARD = 60  # rental buildings per grid officer
TOWN_CODE = "441900126000"  # NBS statistics code of 麻涌镇


@dataclass(frozen=True)
class AreaFigures:
    """The figures of one village, or of the whole town (see the module docstring)."""

    code: str
    name: str
    name_en: str
    plates: int = 0
    geotagged_plates: int = 0
    buildings: int = 0
    rental_buildings: int = 0
    rental_rooms: int = 0
    declared_rooms: int = 0
    verified_rooms: int = 0
    pending: int = 0
    overdue: int = 0
    unplaced: int = 0  # 待补录地址
    permits_due: int = 0  # 居住证: 183 days reached within 30 days
    rentals_needs_work: int = 0  # 平安出租屋 ratings (shared.inspections): 需整改
    rentals_high_risk: int = 0  # 高风险
    local: int = 0  # population by category (户籍/流动/境外)
    migrant: int = 0
    foreign: int = 0
    officers: int = 0

    @property
    def geotagged_share(self) -> float | None:
        return _share(self.geotagged_plates, self.plates)

    @property
    def declared_share(self) -> float | None:
        return _share(self.declared_rooms, self.rental_rooms)

    @property
    def verified_share(self) -> float | None:
        return _share(self.verified_rooms, self.rental_rooms)

    @property
    def officers_needed(self) -> int:
        return math.ceil(self.rental_buildings / OFFICER_STANDARD)

    def population(self, category: PersonCategory) -> int:
        return int(getattr(self, category.value))


@dataclass(frozen=True)
class OfficerLoad:
    username: str
    display_name: str
    grid_codes: tuple[str, ...]
    rental_buildings: int

    @property
    def load(self) -> float:
        """1.0 is the standard (OFFICER_STANDARD rental buildings); above 1 the officer is over it."""
        return self.rental_buildings / OFFICER_STANDARD


@dataclass(frozen=True)
class DashboardFigures:
    as_of: date
    villages: list[AreaFigures]
    town: AreaFigures
    officers: list[OfficerLoad]


@dataclass(frozen=True)
class PendingDeclaration:
    declaration_id: int
    plate_code: str | None  # None: a typed address waiting for its plate
    village_code: str
    is_overdue: bool


def dashboard_figures(session: Session, *, now: datetime) -> DashboardFigures:
    """Every village's figures, the town's, and each officer's load, as of `now`."""
    today = local_today(now)
    plates = plate_counts(session)
    buildings = building_counts(session)
    rooms = room_counts(session, today=today)
    waiting: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for item in pending_declarations(session, now=now):
        waiting[item.village_code] += 1
        late[item.village_code] += item.is_overdue
    people = population(session, today=today)
    to_place = unplaced_counts(session)
    permits = permits_due_by_village(session, today=today)
    ratings = village_rating_counts(session, today=today)
    officers = _officer_loads(session)
    grid_village = {grid: village for grid, village in session.execute(select(Grid.code, Grid.village_code))}
    officers_in: dict[str, set[str]] = {}
    for officer in officers:
        for grid in officer.grid_codes:
            if grid in grid_village:
                officers_in.setdefault(grid_village[grid], set()).add(officer.username)
    villages = [
        AreaFigures(
            code=code,
            name=name,
            name_en=name_en,
            plates=plates.get(code, (0, 0))[0],
            geotagged_plates=plates.get(code, (0, 0))[1],
            buildings=buildings.get(code, (0, 0))[0],
            rental_buildings=buildings.get(code, (0, 0))[1],
            rental_rooms=rooms.get(code, (0, 0, 0))[0],
            declared_rooms=rooms.get(code, (0, 0, 0))[1],
            verified_rooms=rooms.get(code, (0, 0, 0))[2],
            pending=waiting[code],
            overdue=late[code],
            unplaced=to_place.get(code, 0),
            permits_due=permits.get(code, 0),
            rentals_needs_work=ratings.get(code, {}).get(Rating.NEEDS_WORK, 0),
            rentals_high_risk=ratings.get(code, {}).get(Rating.HIGH_RISK, 0),
            **{c.value: people.get((code, c), 0) for c in PersonCategory},
            officers=len(officers_in.get(code, ())),
        )
        for code, name, name_en in session.execute(
            select(Village.code, Village.name, Village.name_en).order_by(Village.code)
        )
    ]
    town_people = town_population(session, today=today)
    town = AreaFigures(
        code=TOWN_CODE,
        name="全镇",
        name_en="Whole town",
        **{key: sum(getattr(v, key) for v in villages) for key in _SUMMED},
        **{c.value: town_people.get(c, 0) for c in PersonCategory},
        officers=sum(1 for officer in officers if officer.grid_codes),
    )
    return DashboardFigures(as_of=today, villages=villages, town=town, officers=officers)


_SUMMED = (
    "plates",
    "geotagged_plates",
    "buildings",
    "rental_buildings",
    "rental_rooms",
    "declared_rooms",
    "verified_rooms",
    "pending",
    "overdue",
    "unplaced",
    "permits_due",
    "rentals_needs_work",
    "rentals_high_risk",
)


def pending_declarations(
    session: Session, *, now: datetime, grid_codes: Sequence[str] | None = None
) -> list[PendingDeclaration]:
    """Declarations waiting for an officer, with whether each is overdue (counted in working days
    from its current version, as the review queue counts); `grid_codes` as in `in_grids`."""
    today = local_today(now)
    rows = session.execute(
        select(
            Declaration.id,
            Declaration.plate_code,
            func.coalesce(Street.village_code, UnplacedAddress.village_code),
            waiting_since_column(),
        )
        .outerjoin(DoorPlate, DoorPlate.code == Declaration.plate_code)
        .outerjoin(Street, Street.id == DoorPlate.street_id)
        .outerjoin(UnplacedAddress, UnplacedAddress.declaration_id == Declaration.id)
        .where(Declaration.status.in_(PENDING_STATES), in_grids(Declaration.grid_code, grid_codes))
        .order_by(Declaration.id)
    ).all()
    return [
        PendingDeclaration(
            declaration_id=declaration_id,
            plate_code=plate_code,
            village_code=village_code,
            is_overdue=working_days_between(since.astimezone(CHINA_TZ).date(), today) > OVERDUE_WORKING_DAYS,
        )
        for declaration_id, plate_code, village_code, since in rows
    ]


def in_grids(column: Any, grid_codes: Sequence[str] | None) -> ColumnElement[bool]:
    """Rows whose grid (in `column`) is one of `grid_codes`; None means every row (a supervisor's
    whole town), an empty list none (an officer with no grid)."""
    if grid_codes is None:
        return true()
    if not grid_codes:
        return false()
    result: ColumnElement[bool] = column.in_(list(grid_codes))
    return result


def _officer_loads(session: Session) -> list[OfficerLoad]:
    """Active officers with the rental buildings of their grids, busiest first."""
    per_grid = rental_buildings_per_grid(session)
    loads = [
        OfficerLoad(
            username=username,
            display_name=display_name,
            grid_codes=grids,
            rental_buildings=sum(per_grid.get(grid, 0) for grid in set(grids)),
        )
        for username, display_name, grids in active_officers(session)
    ]
    return sorted(loads, key=lambda o: (-o.rental_buildings, o.username))


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
