"""门楼牌: looking up a door plate with what the plate page shows.

One plate look-up is what every scan costs, so it is three indexed queries, and it carries
resident counts per room, never names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import BindParameter, ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from shared.models import Building, DoorPlate, Grid, PlateKind, RecordStatus, Residence, Room, Street, Village
from shared.models.places import format_address
from shared.places.links import verify_plate_token


@dataclass(frozen=True)
class RoomView:
    id: int
    number: str
    floor: int
    is_rental: bool
    resident_count: int


@dataclass(frozen=True)
class BuildingView:
    id: int
    name: str
    type: str
    use: str
    floors: int
    rooms: tuple[RoomView, ...]


@dataclass(frozen=True)
class PlateView:
    """Everything the plate page needs about one plate, as plain values (safe to cache)."""

    code: str
    address: str
    street: str
    number: str
    village_code: str
    village_name: str
    kind: PlateKind
    status: RecordStatus
    successor_code: str | None
    lon: float | None
    lat: float | None
    grid_code: str | None
    grid_name: str | None
    officer_name: str | None
    officer_phone: str | None
    police_station: str
    police_phone: str
    buildings: tuple[BuildingView, ...]

    @property
    def is_active(self) -> bool:
        return self.status is RecordStatus.ACTIVE


def active_residence_filter(today: date | BindParameter[date]) -> ColumnElement[bool]:
    """A residence counts while it has no end date or ends after today (a date, or a bound
    parameter in a statement built once)."""
    return or_(Residence.until.is_(None), Residence.until > today)


def current_resident_counts(session: Session, room_ids: list[int], *, today: date) -> dict[int, int]:
    """Number of people living in each room today (rooms with nobody are absent)."""
    if not room_ids:
        return {}
    rows = session.execute(
        select(Residence.room_id, func.count())
        .where(Residence.room_id.in_(room_ids), active_residence_filter(today))
        .group_by(Residence.room_id)
    ).all()
    return {room_id: int(n) for room_id, n in rows}


def lookup_plate(session: Session, code: str, *, today: date) -> PlateView | None:
    """Plate → address, building, rooms and the number of current residents per room."""
    row = session.execute(
        select(DoorPlate, Street.name, Village, Grid)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .outerjoin(Grid, DoorPlate.grid_code == Grid.code)
        .where(DoorPlate.code == code)
    ).first()
    if row is None:
        return None
    plate, street_name, village, grid = row
    buildings = session.scalars(
        select(Building).where(Building.plate_code == code).order_by(Building.id)
    ).all()
    rooms_by_building: dict[int, list[RoomView]] = {b.id: [] for b in buildings}
    if buildings:
        rooms = session.scalars(
            select(Room)
            .where(Room.building_id.in_(rooms_by_building), Room.status == RecordStatus.ACTIVE)
            .order_by(Room.building_id, Room.floor, Room.number)
        ).all()
        counts = current_resident_counts(session, [room.id for room in rooms], today=today)
        for room in rooms:
            rooms_by_building[room.building_id].append(
                RoomView(room.id, room.number, room.floor, room.is_rental, counts.get(room.id, 0))
            )
    return PlateView(
        code=plate.code,
        address=format_address(street_name, plate.number),
        street=street_name,
        number=plate.number,
        village_code=village.code,
        village_name=village.name,
        kind=plate.kind,
        status=plate.status,
        successor_code=plate.successor_code,
        lon=plate.lon,
        lat=plate.lat,
        grid_code=grid.code if grid else None,
        grid_name=grid.name if grid else None,
        officer_name=grid.officer_name if grid else None,
        officer_phone=grid.officer_phone if grid else None,
        police_station=village.police_station,
        police_phone=village.police_phone,
        buildings=tuple(
            BuildingView(b.id, b.name, b.type, b.use, b.floors, tuple(rooms_by_building[b.id]))
            for b in buildings
        ),
    )


class PlateLinkStatus(enum.StrEnum):
    OK = "ok"
    RETIRED = "retired"
    INVALID = "invalid"  # forged, mistyped, or for a plate we do not have


@dataclass(frozen=True)
class PlateLinkResult:
    """What opening a plate link leads to; the page renders one of three outcomes."""

    status: PlateLinkStatus
    plate: PlateView | None = None
    successor: PlateView | None = None


def open_plate_link(session: Session, token: str | None, *, today: date) -> PlateLinkResult:
    """Verify a scanned plate token and look the plate up; a retired plate names its successor."""
    code = verify_plate_token(token)
    plate = lookup_plate(session, code, today=today) if code else None
    if plate is None:
        return PlateLinkResult(PlateLinkStatus.INVALID)
    if plate.is_active:
        return PlateLinkResult(PlateLinkStatus.OK, plate)
    successor = lookup_plate(session, plate.successor_code, today=today) if plate.successor_code else None
    return PlateLinkResult(PlateLinkStatus.RETIRED, plate, successor)
