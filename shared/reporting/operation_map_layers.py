"""The operation map's layers: each reads only the columns it needs and adds one compact array
per layer to the map, which the browser turns into markers (shared.reporting.map_layers).

Rows sent to the browser (coordinates rounded to COORD_DIGITS):
- plates: [lat, lon, street index, door number, signed plate token, buildings, active rooms,
  current residents], with a look-up of [street, village] names;
- facilities, per group: [lat, lon, name, subtype index, contact index], with the subtype labels
  and the (department, phone) pairs;
- buildings, per use: [lat, lon, buildings at that plate];
- pending declarations: [lat, lon, signed plate token, address, waiting, overdue].
`grid_codes` None means the whole town, else only rows in those grids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import folium
from folium.utilities import JsCode
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from shared.core.codes import code_list
from shared.declarations.fields import local_today
from shared.models import (
    Building,
    Declaration,
    DoorPlate,
    Facility,
    Grid,
    RecordStatus,
    Residence,
    Room,
    Street,
    Village,
)
from shared.models.places import format_address
from shared.places.links import PLATE_PARAM, plate_token
from shared.places.plates import active_residence_filter
from shared.reporting.dashboard import in_grids, pending_declarations
from shared.reporting.map_layers import (
    MARKER_COLOURS,
    BrowserCluster,
    CircleLayer,
    LegendEntry,
    cluster_icon_js,
)
from shared.reporting.operation_map_js import (
    FACILITY_MARKER_JS,
    GRID_TOOLTIP_JS,
    PENDING_MARKER_JS,
    PLATE_MARKER_JS,
)
from shared.review.queue import PENDING_STATES

COORD_DIGITS = 6  # about 0.1 m: more digits only make the page bigger
# Facility groups (code list facility_group): awesome-markers colour and Font Awesome icon.
FACILITY_STYLE = {
    "1": ("darkpurple", "shield-halved"),
    "2": ("cadetblue", "road"),
    "3": ("green", "faucet"),
    "4": ("purple", "landmark"),
    "5": ("beige", "building"),
    "6": ("gray", "circle-info"),
}
# Building uses (code list building_use); unknown codes take the last colour.
USE_COLOURS = {
    "01": "#4e79a7",
    "02": "#f28e2b",
    "03": "#76b7b2",
    "04": "#e15759",
    "05": "#9c755f",
    "06": "#edc948",
    "99": "#bab0ac",
}
GRID_COLOUR = "#1f5fa8"
PLATE_COLOUR = "#2a81cb"  # Leaflet's default marker, which plates use
PENDING_COLOUR, OVERDUE_COLOUR = "orange", "red"  # not used by any facility group


def add_plates(
    m: folium.Map,
    session: Session,
    grid_codes: Sequence[str] | None,
    *,
    text: dict[str, str],
    plate_page: str,
    link_query: str = "",
    now: datetime,
) -> list[list[float]]:
    """Active plates with coordinates, each with its buildings, active rooms and current
    residents counted as the plate page counts them; returns the bounds of the plates."""
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
            *_point(lat, lon),
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
    BrowserCluster(
        data,
        marker_factory=PLATE_MARKER_JS,
        lookup=lookup,
        name=text["plates"],
        icon_create_function=cluster_icon_js(PLATE_COLOUR),
        chunked_loading=True,
        show_coverage_on_hover=False,
    ).add_to(m)
    if not data:
        return []
    lats, lons = [float(row[0]) for row in rows], [float(row[1]) for row in rows]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def add_buildings(
    m: folium.Map, session: Session, grid_codes: Sequence[str] | None, *, name: str, lang: str
) -> list[LegendEntry]:
    """Active buildings at their plate's position, one hidden layer per use: a circle per plate
    and use, sized by how many buildings stand there. Returns the legend entries."""
    rows = session.execute(
        select(Building.use, DoorPlate.lat, DoorPlate.lon, func.count(Building.id))
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .where(
            Building.status == RecordStatus.ACTIVE,
            DoorPlate.lat.is_not(None),
            DoorPlate.lon.is_not(None),
            in_grids(Building.grid_code, grid_codes),
        )
        .group_by(Building.use, DoorPlate.code, DoorPlate.lat, DoorPlate.lon)
        .order_by(Building.use, DoorPlate.code)
    ).all()
    by_use: dict[str, list[list[float | int]]] = {}
    for use, lat, lon, count in rows:
        by_use.setdefault(use, []).append([*_point(lat, lon), int(count)])
    entries: list[LegendEntry] = []
    for code in code_list("building_use"):
        colour = USE_COLOURS.get(code.code, USE_COLOURS["99"])
        entries.append((("dot", colour), code.label(lang)))
        CircleLayer(
            by_use.get(code.code, []),
            colour=colour,
            label=code.label(lang),
            name=f"{name} · {code.label(lang)}",
            show=False,
        ).add_to(m)
    return entries


def add_facilities(
    m: folium.Map, session: Session, grid_codes: Sequence[str] | None, *, name: str, lang: str
) -> list[LegendEntry]:
    """Active facilities in one clustered layer per group (the seed's six), placed at their own
    point or else at their plate's. Returns the legend entries."""
    rows = session.execute(
        select(
            Facility.category,
            Facility.subtype,
            Facility.name,
            Facility.department,
            Facility.phone,
            Facility.lat,
            Facility.lon,
            DoorPlate.lat,
            DoorPlate.lon,
        )
        .outerjoin(DoorPlate, DoorPlate.code == Facility.plate_code)
        .where(Facility.status == RecordStatus.ACTIVE, in_grids(Facility.grid_code, grid_codes))
        .order_by(Facility.id)
    ).all()
    subtypes = {code.code: i for i, code in enumerate(code_list("facility_subtype"))}
    contacts: dict[tuple[str, str], int] = {}
    by_group: dict[str, list[list[Any]]] = {}
    for group, subtype, title, department, phone, lat, lon, plate_lat, plate_lon in rows:
        if lat is None or lon is None:
            lat, lon = plate_lat, plate_lon
        if lat is None or lon is None:
            continue  # listed in the work list of records without coordinates
        contact = contacts.setdefault((department, phone), len(contacts))
        by_group.setdefault(group, []).append([*_point(lat, lon), title, subtypes.get(subtype, -1), contact])
    subtype_labels = [code.label(lang) for code in code_list("facility_subtype")]
    contact_list = [list(pair) for pair in contacts]
    entries: list[LegendEntry] = []
    for entry in code_list("facility_group"):
        colour, icon = FACILITY_STYLE.get(entry.code, FACILITY_STYLE["6"])
        entries.append((("marker", MARKER_COLOURS[colour], icon), entry.label(lang)))
        BrowserCluster(
            by_group.get(entry.code, []),
            marker_factory=FACILITY_MARKER_JS,
            lookup={"icon": icon, "colour": colour, "subtypes": subtype_labels, "contacts": contact_list},
            name=f"{name} · {entry.label(lang)}",
            icon_create_function=cluster_icon_js(MARKER_COLOURS[colour]),
            chunked_loading=True,
            show_coverage_on_hover=False,
        ).add_to(m)
    return entries


def add_grids(m: folium.Map, session: Session, grid_codes: Sequence[str] | None, *, name: str) -> None:
    """Grid polygons as one GeoJSON layer; the tooltip names the village and the grid."""
    rows = session.execute(
        select(Grid.code, Grid.name, Village.name, Grid.polygon)
        .join(Village, Village.code == Grid.village_code)
        .where(Grid.polygon.is_not(None), in_grids(Grid.code, grid_codes))
        .order_by(Grid.code)
    ).all()
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"label": f"{village} · {grid}"},
            "geometry": polygon,
        }
        for code, grid, village, polygon in rows
        if polygon
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda _feature: {"color": GRID_COLOUR, "weight": 2, "fillOpacity": 0.04},
        on_each_feature=JsCode(GRID_TOOLTIP_JS),
    ).add_to(m)


def add_pending(
    m: folium.Map,
    session: Session,
    grid_codes: Sequence[str] | None,
    *,
    text: dict[str, str],
    plate_page: str,
    link_query: str = "",
    now: datetime,
) -> None:
    """Plates with declarations waiting for an officer, red where one is overdue (counted as
    the dashboard counts them)."""
    waiting: Counter[str] = Counter()
    late: Counter[str] = Counter()
    for item in pending_declarations(session, now=now, grid_codes=grid_codes):
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
            *_point(lat, lon),
            plate_token(code),
            format_address(street, number),
            waiting[code],
            late[code],
        ]
        for code, lat, lon, number, street in rows
    ]
    BrowserCluster(
        data,
        marker_factory=PENDING_MARKER_JS,
        lookup={
            "words": {key: text[key] for key in ("waiting", "late", "open")},
            "page": plate_page,
            "param": PLATE_PARAM,
            "query": link_query,
            "pending": PENDING_COLOUR,
            "overdue": OVERDUE_COLOUR,
        },
        name=text["pending"],
        icon_create_function=cluster_icon_js(MARKER_COLOURS[OVERDUE_COLOUR]),
        show_coverage_on_hover=False,
    ).add_to(m)


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


def _point(lat: float | None, lon: float | None) -> list[float]:
    """`[lat, lon]` rounded for the page; the queries leave out rows without coordinates."""
    if lat is None or lon is None:
        raise ValueError("a map row without coordinates")
    return [round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)]
