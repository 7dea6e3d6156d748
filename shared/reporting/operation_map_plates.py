"""The operation map's layers at plates, whose popups link to the plate page: each reads only
the columns it needs and returns one compact array of rows, which the browser turns into markers
(portal.maps.layers).

Rows sent to the browser (coordinates rounded to COORD_DIGITS):
- plates: [lat, lon, street index, door number, signed plate token, buildings, active rooms,
  current residents], with a look-up of [street, village] names;
- pending declarations: [lat, lon, signed plate token, address, waiting, overdue].
`grid_codes` None means the whole town, else only rows in those grids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.models import Building, Declaration, DoorPlate, RecordStatus, Residence, Room, Street, Village
from shared.models.places import format_address
from shared.places.links import PLATE_PARAM, plate_token
from shared.places.plates import active_residence_filter
from shared.reporting.dashboard import in_grids, pending_declarations
from shared.reporting.map_data import (
    MARKER_COLOURS,
    OVERDUE_COLOUR,
    PENDING_COLOUR,
    PLATE_COLOUR,
    MarkerLayer,
    map_point,
)
from shared.review.states import PENDING_STATES


def plate_layer(
    session: Session,
    grid_codes: Sequence[str] | None,
    *,
    text: dict[str, str],
    plate_page: str,
    link_query: str = "",
    now: datetime,
) -> tuple[MarkerLayer, list[list[float]]]:
    """Active plates with coordinates, each with its buildings, active rooms and current
    residents counted as the plate page counts them; and the bounds of the plates."""
    buildings = _per_plate(select(Building.plate_code, func.count(Building.id).label("n")))
    rooms = _per_plate(
        select(Building.plate_code, func.count(Room.id).label("n"))
        .join(Room, Room.building_id == Building.id)
        .where(Room.status == RecordStatus.ACTIVE)
    )
    residents = _per_plate(
        select(Building.plate_code, func.count(Residence.id).label("n"))
        .join(Room, Room.building_id == Building.id)
        .join(Residence, Residence.room_id == Room.id)
        .where(Room.status == RecordStatus.ACTIVE, active_residence_filter(local_today(now)))
    )
    rows = session.execute(
        select(
            DoorPlate.lat,
            DoorPlate.lon,
            DoorPlate.street_id,
            DoorPlate.number,
            DoorPlate.code,
            func.coalesce(buildings.c.n, 0),
            func.coalesce(rooms.c.n, 0),
            func.coalesce(residents.c.n, 0),
        )
        .outerjoin(buildings, buildings.c.plate_code == DoorPlate.code)
        .outerjoin(rooms, rooms.c.plate_code == DoorPlate.code)
        .outerjoin(residents, residents.c.plate_code == DoorPlate.code)
        .where(*_placed_plate(), in_grids(DoorPlate.grid_code, grid_codes))
        .order_by(DoorPlate.code)
    ).all()
    street_ids = sorted({row[2] for row in rows})
    index = {street_id: i for i, street_id in enumerate(street_ids)}
    names = {
        street_id: [street, village]
        for street_id, street, village in session.execute(
            select(Street.id, Street.name, Village.name)
            .join(Village, Village.code == Street.village_code)
            .where(Street.id.in_(select(DoorPlate.street_id).where(*_placed_plate())))
        )
    }
    data = [
        [
            *map_point(lat, lon),
            index[street_id],
            _door_number(number),
            plate_token(code),
            int(n_buildings),
            int(n_rooms),
            int(n_residents),
        ]
        for lat, lon, street_id, number, code, n_buildings, n_rooms, n_residents in rows
    ]
    lookup = {
        "streets": [names[street_id] for street_id in street_ids],
        "words": {key: text[key] for key in ("buildings", "rooms", "residents", "open")},
        "page": plate_page,
        "param": PLATE_PARAM,
        "query": link_query,
    }
    layer = MarkerLayer("plates", text["plates"], data, lookup, cluster_colour=PLATE_COLOUR)
    if not data:
        return layer, []
    lats, lons = [float(row[0]) for row in rows], [float(row[1]) for row in rows]
    return layer, [[min(lats), min(lons)], [max(lats), max(lons)]]


def pending_layer(
    session: Session,
    grid_codes: Sequence[str] | None,
    *,
    text: dict[str, str],
    plate_page: str,
    link_query: str = "",
    now: datetime,
) -> MarkerLayer:
    """Plates with declarations waiting for an officer, red where one is overdue (counted as
    the dashboard counts them)."""
    waiting: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for item in pending_declarations(session, now=now, grid_codes=grid_codes):
        if item.plate_code is None:  # a typed address has no place on the map until it is placed
            continue
        waiting[item.plate_code] += 1
        late[item.plate_code] += item.is_overdue
    pending_plates = select(Declaration.plate_code).where(
        Declaration.status.in_(PENDING_STATES), in_grids(Declaration.grid_code, grid_codes)
    )
    rows = session.execute(
        select(DoorPlate.code, DoorPlate.lat, DoorPlate.lon, DoorPlate.number, Street.name)
        .join(Street, Street.id == DoorPlate.street_id)
        .where(DoorPlate.code.in_(pending_plates), DoorPlate.lat.is_not(None), DoorPlate.lon.is_not(None))
        .order_by(DoorPlate.code)
    ).all()
    data = [
        [
            *map_point(lat, lon),
            plate_token(code),
            format_address(street, number),
            waiting[code],
            late[code],
        ]
        for code, lat, lon, number, street in rows
    ]
    return MarkerLayer(
        "pending",
        text["pending"],
        data,
        {
            "words": {key: text[key] for key in ("waiting", "late", "open")},
            "page": plate_page,
            "param": PLATE_PARAM,
            "query": link_query,
            "pending": PENDING_COLOUR,
            "overdue": OVERDUE_COLOUR,
        },
        cluster_colour=MARKER_COLOURS[OVERDUE_COLOUR],
    )


def _per_plate(counting: Any) -> Any:
    """A `plate_code, n` counting query grouped per plate, as a subquery to join."""
    return counting.group_by(Building.plate_code).subquery()


def _placed_plate() -> tuple[ColumnElement[bool], ...]:
    return (
        DoorPlate.status == RecordStatus.ACTIVE,
        DoorPlate.lat.is_not(None),
        DoorPlate.lon.is_not(None),
    )


def _door_number(number: str) -> str:
    """The number as the address writes it (`12号之一`), without the street."""
    return format_address("", number).strip()
