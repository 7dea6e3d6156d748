"""Whom to call about a plate whose link does not open: its grid officer (网格员) and the police
station of its village. Both numbers are public: every plate page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import DoorPlate, Grid, Street, Village
from shared.places.links import parse_plate_param


@dataclass(frozen=True)
class PlateContacts:
    village_name: str
    officer_name: str
    officer_phone: str
    police_station: str
    police_phone: str


def contacts_of_link(session: Session, token: str | None) -> PlateContacts | None:
    """The contacts of the plate a `?p=` value names, signed or not: a damaged or altered link
    still names its plate, and only public numbers come back. None when no plate has that code."""
    parsed = parse_plate_param(token)
    return contacts_of_plate(session, parsed.code) if parsed else None


def contacts_of_plate(session: Session, code: str) -> PlateContacts | None:
    """The plate's grid officer (empty when the plate has no grid) and its village's police."""
    row = session.execute(
        select(Village, Grid)
        .select_from(DoorPlate)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .outerjoin(Grid, DoorPlate.grid_code == Grid.code)
        .where(DoorPlate.code == code)
    ).first()
    if row is None:
        return None
    village, grid = row
    return PlateContacts(
        village_name=village.name,
        officer_name=grid.officer_name if grid else "",
        officer_phone=grid.officer_phone if grid else "",
        police_station=village.police_station,
        police_phone=village.police_phone,
    )
