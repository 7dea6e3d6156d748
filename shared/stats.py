"""Town figures for the portal's overview and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shared.models import Building, DoorPlate, RecordStatus, Residence, Room, Street, Village
from shared.plates import active_residence_filter


@dataclass(frozen=True)
class VillageFigures:
    code: str
    name: str
    plates: int
    buildings: int
    rental_rooms: int
    residents: int


def village_figures(session: Session, *, today: date) -> list[VillageFigures]:
    """Per village: active plates, buildings, rental rooms and current residents."""
    plates = _counts(
        session,
        select(Street.village_code, func.count(DoorPlate.code))
        .join(DoorPlate, DoorPlate.street_id == Street.id)
        .where(DoorPlate.status == RecordStatus.ACTIVE)
        .group_by(Street.village_code),
    )
    building_rows = (
        select(Street.village_code.label("village"), Building.id.label("building_id"))
        .join(DoorPlate, DoorPlate.street_id == Street.id)
        .join(Building, Building.plate_code == DoorPlate.code)
        .subquery()
    )
    village = building_rows.c.village
    buildings = _counts(session, select(village, func.count()).group_by(village))
    rentals = _counts(
        session,
        select(village, func.count(Room.id))
        .join(Room, Room.building_id == building_rows.c.building_id)
        .where(Room.is_rental.is_(True))
        .group_by(village),
    )
    residents = _counts(
        session,
        select(village, func.count(Residence.id))
        .join(Room, Room.building_id == building_rows.c.building_id)
        .join(Residence, Residence.room_id == Room.id)
        .where(active_residence_filter(today))
        .group_by(village),
    )
    villages = session.scalars(select(Village).order_by(Village.code)).all()
    return [
        VillageFigures(
            code=v.code,
            name=v.name,
            plates=plates.get(v.code, 0),
            buildings=buildings.get(v.code, 0),
            rental_rooms=rentals.get(v.code, 0),
            residents=residents.get(v.code, 0),
        )
        for v in villages
    ]


def _counts(session: Session, statement: Select[str, int]) -> dict[str, int]:
    """Run a `key, count` grouping into a dict."""
    return {key: int(n) for key, n in session.execute(statement).all()}
