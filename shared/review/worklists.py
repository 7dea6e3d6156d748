"""到期工作清单: the due-date lists officers work through besides the queue.

Rentals due for re-inspection (a building with a let room not visited in person for
`rental_visit_days()`, 120 by default, as rental-management rules commonly ask), residences
whose planned stay ends within 14 days (or already ended, still open on record), and records
with no coordinates (plates, with the buildings behind them, and facilities), and 待补录地址:
declarations made at a typed address waiting for their plate, oldest first. Each list is
scoped like the queue: an officer's own grids, the whole town for supervisors and admins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Generic, TypeVar, TypeVarTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.crypto import decrypt, mask_id_number, mask_name
from shared.models import (
    Building,
    Declaration,
    DeclarationStatus,
    DoorPlate,
    Facility,
    Person,
    RecordStatus,
    Residence,
    Room,
    Street,
    UnplacedAddress,
    UnplacedStatus,
    Village,
)
from shared.models.places import format_address
from shared.places.plates import active_residence_filter
from shared.staff.auth import StaffIdentity
from shared.staff.scope import grid_scope

DEFAULT_RENTAL_VISIT_DAYS = 120
ENV_RENTAL_VISIT_DAYS = "MENPAI_RENTAL_VISIT_DAYS"
ENDING_WITHIN_DAYS = 14
MAX_ROWS = 500

T = TypeVar("T")
Row = TypeVarTuple("Row")


@dataclass(frozen=True)
class RentalDue:
    building_id: int
    plate_code: str
    address: str  # the plate's address and the building's name
    village: str
    grid_code: str | None
    rental_rooms: int
    last_visited_at: datetime | None
    days_since_visit: int | None  # None: never visited


@dataclass(frozen=True)
class StayEnding:
    residence_id: int
    name: str  # masked
    id_number: str  # masked
    address: str
    room: str
    since: date
    planned_until: date
    days_left: int  # negative: the planned stay is over and the residence still open


@dataclass(frozen=True)
class MissingCoordinates:
    kind: str  # "plate" or "facility"
    key: str  # plate code or facility id
    name: str  # the plate's address or the facility's name
    village: str
    grid_code: str | None
    buildings: int  # buildings behind the plate (0 for a facility)


@dataclass(frozen=True)
class AddressToPlace:
    declaration_id: int
    typed: str
    village: str
    grid_code: str | None
    best_candidate: str  # the matcher's best plate when the resident typed, or ""
    candidates: int
    submitted_at: datetime
    days_waiting: int


@dataclass(frozen=True)
class WorkList(Generic[T]):
    items: list[T]
    total: int


def rental_visit_days() -> int:
    """Days after which a let building is due for a visit; `MENPAI_RENTAL_VISIT_DAYS` sets it."""
    raw = os.environ.get(ENV_RENTAL_VISIT_DAYS, "").strip()
    try:
        days = int(raw) if raw else DEFAULT_RENTAL_VISIT_DAYS
    except ValueError:
        raise ValueError(f"{ENV_RENTAL_VISIT_DAYS} must be a whole number of days, not {raw!r}") from None
    if not 1 <= days <= 3650:
        raise ValueError(f"{ENV_RENTAL_VISIT_DAYS} must be between 1 and 3650 days, not {days}")
    return days


def rentals_due_for_visit(
    session: Session, *, staff: StaffIdentity, now: datetime, days: int | None = None, limit: int = MAX_ROWS
) -> WorkList[RentalDue]:
    """Let buildings not visited in person for `days`: never visited first, then the oldest."""
    days = days if days is not None else rental_visit_days()
    rental_rooms = (
        select(Room.building_id, func.count().label("n"))
        .where(Room.is_rental.is_(True), Room.status == RecordStatus.ACTIVE)
        .group_by(Room.building_id)
        .subquery()
    )
    query = (
        select(Building, rental_rooms.c.n, DoorPlate.number, Street.name, Village.name)
        .join(rental_rooms, rental_rooms.c.building_id == Building.id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .join(Village, Village.code == Street.village_code)
        .where(
            Building.status == RecordStatus.ACTIVE,
            grid_scope(staff, Building.grid_code),
            or_(Building.last_visited_at.is_(None), Building.last_visited_at < now - timedelta(days=days)),
        )
    )
    total = _count(session, query)
    rows = session.execute(
        query.order_by(Building.last_visited_at.is_not(None), Building.last_visited_at, Building.id).limit(
            limit
        )
    ).all()
    today = local_today(now)
    return WorkList(
        [
            RentalDue(
                building_id=building.id,
                plate_code=building.plate_code,
                address=_joined(format_address(street, number), building.name),
                village=village,
                grid_code=building.grid_code,
                rental_rooms=int(n),
                last_visited_at=building.last_visited_at,
                days_since_visit=(today - building.last_visited_at.astimezone(CHINA_TZ).date()).days
                if building.last_visited_at
                else None,
            )
            for building, n, number, street, village in rows
        ],
        total,
    )


def stays_ending(
    session: Session,
    *,
    staff: StaffIdentity,
    now: datetime,
    within_days: int = ENDING_WITHIN_DAYS,
    limit: int = MAX_ROWS,
) -> WorkList[StayEnding]:
    """Open residences whose planned stay ends within `within_days` (or has already ended):
    the officer asks whether the person stays (a new declaration) or has left (a move-out)."""
    today = local_today(now)
    query = (
        select(Residence, Person, Room.number, Building.name, DoorPlate.number, Street.name)
        .join(Person, Person.id == Residence.person_id)
        .join(Room, Room.id == Residence.room_id)
        .join(Building, Building.id == Room.building_id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(
            active_residence_filter(today),
            Residence.planned_until.is_not(None),
            Residence.planned_until <= today + timedelta(days=within_days),
            grid_scope(staff, Building.grid_code),
        )
    )
    total = _count(session, query)
    rows = session.execute(query.order_by(Residence.planned_until, Residence.id).limit(limit)).all()
    items = []
    for residence, person, room, building, number, street in rows:
        assert residence.planned_until is not None  # filtered above
        items.append(
            StayEnding(
                residence_id=residence.id,
                name=mask_name(person.name),
                id_number=mask_id_number(decrypt(person.id_number_enc)),
                address=format_address(street, number),
                room=_joined(building, room),
                since=residence.since,
                planned_until=residence.planned_until,
                days_left=(residence.planned_until - today).days,
            )
        )
    return WorkList(items, total)


def records_without_coordinates(
    session: Session, *, staff: StaffIdentity, limit: int = MAX_ROWS
) -> WorkList[MissingCoordinates]:
    """Active plates (with the buildings behind them: buildings are placed by their plate) and
    active facilities with no position on the map; a facility placed at a plate with a position
    is on the map and not listed."""
    buildings = (
        select(Building.plate_code, func.count().label("n"))
        .where(Building.status == RecordStatus.ACTIVE)
        .group_by(Building.plate_code)
        .subquery()
    )
    plates = (
        select(DoorPlate, Street.name, Village.name, func.coalesce(buildings.c.n, 0))
        .join(Street, Street.id == DoorPlate.street_id)
        .join(Village, Village.code == Street.village_code)
        .outerjoin(buildings, buildings.c.plate_code == DoorPlate.code)
        .where(
            DoorPlate.status == RecordStatus.ACTIVE,
            or_(DoorPlate.lon.is_(None), DoorPlate.lat.is_(None)),
            grid_scope(staff, DoorPlate.grid_code),
        )
    )
    placed_plates = select(DoorPlate.code).where(DoorPlate.lon.is_not(None), DoorPlate.lat.is_not(None))
    facilities = (
        select(Facility, Village.name)
        .outerjoin(DoorPlate, DoorPlate.code == Facility.plate_code)
        .outerjoin(Street, Street.id == DoorPlate.street_id)
        .outerjoin(Village, Village.code == Street.village_code)
        .where(
            Facility.status == RecordStatus.ACTIVE,
            or_(Facility.lon.is_(None), Facility.lat.is_(None)),
            or_(Facility.plate_code.is_(None), Facility.plate_code.not_in(placed_plates)),
            grid_scope(staff, Facility.grid_code),
        )
    )
    total = _count(session, plates) + _count(session, facilities)
    items = [
        MissingCoordinates(
            "plate", plate.code, format_address(street, plate.number), village, plate.grid_code, int(n)
        )
        for plate, street, village, n in session.execute(plates.order_by(DoorPlate.code).limit(limit))
    ]
    room_left = max(limit - len(items), 0)
    items += [
        MissingCoordinates("facility", str(facility.id), facility.name, village or "", facility.grid_code, 0)
        for facility, village in session.execute(facilities.order_by(Facility.id).limit(room_left))
    ]
    return WorkList(items, total)


def addresses_to_place(
    session: Session, *, staff: StaffIdentity, now: datetime, limit: int = MAX_ROWS
) -> WorkList[AddressToPlace]:
    """待补录地址, oldest first; a rejected or withdrawn declaration no longer needs its plate."""
    query = (
        select(UnplacedAddress, Declaration.created_at, Declaration.grid_code, Village.name)
        .join(Declaration, Declaration.id == UnplacedAddress.declaration_id)
        .join(Village, Village.code == UnplacedAddress.village_code)
        .where(
            UnplacedAddress.status == UnplacedStatus.OPEN,
            Declaration.status.not_in((DeclarationStatus.REJECTED, DeclarationStatus.WITHDRAWN)),
            grid_scope(staff, Declaration.grid_code),
        )
    )
    today = local_today(now)
    items = [
        AddressToPlace(
            declaration_id=unplaced.declaration_id,
            typed=unplaced.typed_text,
            village=village,
            grid_code=grid_code,
            best_candidate=str(unplaced.candidates[0]["address"]) if unplaced.candidates else "",
            candidates=len(unplaced.candidates),
            submitted_at=created_at,
            days_waiting=(today - created_at.astimezone(CHINA_TZ).date()).days,
        )
        for unplaced, created_at, grid_code, village in session.execute(
            query.order_by(Declaration.created_at, Declaration.id).limit(limit)
        )
    ]
    return WorkList(items, _count(session, query))


def _count(session: Session, query: Select[*Row]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)
