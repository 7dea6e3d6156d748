"""The counting queries behind shared.reporting.dashboard, per village (by the street of the plate a record
hangs on); the definitions are in shared.reporting.dashboard's docstring."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from shared.declarations.store import payload_of
from shared.models import (
    Building,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DoorPlate,
    Person,
    PersonCategory,
    RecordStatus,
    Residence,
    Role,
    Room,
    Street,
    UnplacedAddress,
    UnplacedStatus,
    User,
)
from shared.places.plates import active_residence_filter
from shared.review.states import REVIEWABLE_STATES
from shared.self_service.receipt_people import room_ids_of

# A room counts as declared while a declaration naming it is approved or still open.
DECLARED_STATES = frozenset({DeclarationStatus.APPROVED, *REVIEWABLE_STATES})


def plate_counts(session: Session) -> dict[str, tuple[int, int]]:
    """village → (active plates, those with coordinates)."""
    placed = and_(DoorPlate.lon.is_not(None), DoorPlate.lat.is_not(None))
    rows = session.execute(
        select(Street.village_code, func.count(), func.sum(case((placed, 1), else_=0)))
        .join(DoorPlate, DoorPlate.street_id == Street.id)
        .where(DoorPlate.status == RecordStatus.ACTIVE)
        .group_by(Street.village_code)
    )
    return {village: (int(n), int(geo or 0)) for village, n, geo in rows}


def building_counts(session: Session) -> dict[str, tuple[int, int]]:
    """village → (active buildings, those with a rental room)."""
    rows = session.execute(
        select(Street.village_code, func.count(), func.sum(case((_has_rental_room(), 1), else_=0)))
        .select_from(Building)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(Building.status == RecordStatus.ACTIVE)
        .group_by(Street.village_code)
    )
    return {village: (int(n), int(rental or 0)) for village, n, rental in rows}


def room_counts(session: Session, *, today: date) -> dict[str, tuple[int, int, int]]:
    """village → (rental rooms, declared rooms, verified rooms)."""
    rental = session.execute(
        select(Room.id, Street.village_code)
        .join(Building, Building.id == Room.building_id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(
            Room.is_rental.is_(True),
            Room.status == RecordStatus.ACTIVE,
            Building.status == RecordStatus.ACTIVE,
        )
    ).all()
    occupied = set(
        session.scalars(select(Residence.room_id).where(active_residence_filter(today)).distinct())
    )
    declared, verified = _declared_rooms(session)
    counts: dict[str, tuple[int, int, int]] = {}
    for room_id, village in rental:
        n, d, v = counts.get(village, (0, 0, 0))
        counts[village] = (n + 1, d + (room_id in occupied or room_id in declared), v + (room_id in verified))
    return counts


def _declared_rooms(session: Session) -> tuple[set[int], set[int]]:
    """Rooms named by approved-or-open declarations, and by approved ones. Only a multi-room
    rental keeps its rooms in the payload alone: those payloads are decrypted, no other."""
    named = session.execute(
        select(Declaration.room_id, Declaration.status).where(
            Declaration.status.in_(DECLARED_STATES), Declaration.room_id.is_not(None)
        )
    ).all()
    rooms = [(int(room), status) for room, status in named if room is not None]
    multi_room = session.scalars(
        select(Declaration).where(
            Declaration.status.in_(DECLARED_STATES),
            Declaration.room_id.is_(None),
            Declaration.kind == DeclarationKind.RENTAL,
        )
    )
    for declaration in multi_room:
        rooms += [
            (room, declaration.status) for room in room_ids_of(declaration.kind, payload_of(declaration))
        ]
    declared = {room for room, _ in rooms}
    verified = {room for room, status in rooms if status is DeclarationStatus.APPROVED}
    return declared, verified


def population(session: Session, *, today: date) -> dict[tuple[str, PersonCategory], int]:
    """(village, category) → distinct people with a current residence in the village."""
    rows = session.execute(
        select(Street.village_code, Person.category, func.count(func.distinct(Person.id)))
        .select_from(Residence)
        .join(Person, Person.id == Residence.person_id)
        .join(Room, Room.id == Residence.room_id)
        .join(Building, Building.id == Room.building_id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(active_residence_filter(today))
        .group_by(Street.village_code, Person.category)
    )
    return {(village, PersonCategory(category)): int(n) for village, category, n in rows}


def town_population(session: Session, *, today: date) -> dict[PersonCategory, int]:
    """category → distinct people with a current residence anywhere in town."""
    rows = session.execute(
        select(Person.category, func.count(func.distinct(Person.id)))
        .select_from(Residence)
        .join(Person, Person.id == Residence.person_id)
        .where(active_residence_filter(today))
        .group_by(Person.category)
    )
    return {PersonCategory(category): int(n) for category, n in rows}


def rental_buildings_per_grid(session: Session) -> dict[str, int]:
    """grid → active buildings with at least one active rental room."""
    rows = session.execute(
        select(Building.grid_code, func.count())
        .where(Building.status == RecordStatus.ACTIVE, Building.grid_code.is_not(None), _has_rental_room())
        .group_by(Building.grid_code)
    )
    return {grid: int(n) for grid, n in rows if grid is not None}


def active_officers(session: Session) -> list[tuple[str, str, tuple[str, ...]]]:
    """(username, display name, grids) of every active officer account."""
    rows = session.execute(
        select(User.username, User.display_name, User.grid_codes).where(
            User.role == Role.OFFICER, User.is_active.is_(True)
        )
    )
    return [(username, display_name, tuple(grids or ())) for username, display_name, grids in rows]


def _has_rental_room() -> Any:
    """Correlated to Building: the building has an active room that is let."""
    return (
        select(Room.id)
        .where(Room.building_id == Building.id, Room.is_rental.is_(True), Room.status == RecordStatus.ACTIVE)
        .exists()
    )


def unplaced_counts(session: Session) -> dict[str, int]:
    """待补录地址 per village: typed addresses still waiting for their plate."""
    rows = session.execute(
        select(UnplacedAddress.village_code, func.count())
        .join(Declaration, Declaration.id == UnplacedAddress.declaration_id)
        .where(
            UnplacedAddress.status == UnplacedStatus.OPEN,
            Declaration.status.not_in((DeclarationStatus.REJECTED, DeclarationStatus.WITHDRAWN)),
        )
        .group_by(UnplacedAddress.village_code)
    )
    return {village: int(n) for village, n in rows}
