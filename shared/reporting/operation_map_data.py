"""The operation map's layers of places: each reads only the columns it needs and returns one
compact array of rows per layer, which the browser turns into markers (portal.maps.layers).
The layers at plates, which link to the plate page, are in shared.reporting.operation_map_plates.

Rows sent to the browser (coordinates rounded to COORD_DIGITS):
- facilities, per group: [lat, lon, name, subtype index, contact index], with the subtype labels
  and the (department, phone) pairs;
- buildings, per use: [lat, lon, buildings at that plate];
- grids: GeoJSON features with the village and grid name as `properties.label`.
`grid_codes` None means the whole town, else only rows in those grids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.codes import code_list
from shared.models import Building, DoorPlate, Facility, Grid, RecordStatus, Village
from shared.reporting.dashboard import in_grids
from shared.reporting.map_data import (
    FACILITY_STYLE,
    GRID_COLOUR,
    MARKER_COLOURS,
    USE_COLOURS,
    AreaLayer,
    DotLayer,
    LegendEntry,
    MarkerLayer,
    map_point,
)


def building_layers(
    session: Session, grid_codes: Sequence[str] | None, *, name: str, lang: str
) -> tuple[list[DotLayer], list[LegendEntry]]:
    """Active buildings at their plate's position, one hidden layer per use: a circle per plate
    and use, sized by how many buildings stand there; and the legend entries."""
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
        by_use.setdefault(use, []).append([*map_point(lat, lon), int(count)])
    layers: list[DotLayer] = []
    entries: list[LegendEntry] = []
    for code in code_list("building_use"):
        colour = USE_COLOURS.get(code.code, USE_COLOURS["99"])
        entries.append((("dot", colour), code.label(lang)))
        layers.append(
            DotLayer(
                f"{name} · {code.label(lang)}",
                by_use.get(code.code, []),
                colour=colour,
                label=code.label(lang),
                show=False,
            )
        )
    return layers, entries


def facility_layers(
    session: Session, grid_codes: Sequence[str] | None, *, name: str, lang: str
) -> tuple[list[MarkerLayer], list[LegendEntry]]:
    """Active facilities in one clustered layer per group (the seed's six), placed at their own
    point or else at their plate's; and the legend entries."""
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
        row = [*map_point(lat, lon), title, subtypes.get(subtype, -1), contact]
        by_group.setdefault(group, []).append(row)
    subtype_labels = [code.label(lang) for code in code_list("facility_subtype")]
    contact_list = [list(pair) for pair in contacts]
    layers: list[MarkerLayer] = []
    entries: list[LegendEntry] = []
    for entry in code_list("facility_group"):
        colour, icon = FACILITY_STYLE.get(entry.code, FACILITY_STYLE["6"])
        entries.append((("marker", MARKER_COLOURS[colour], icon), entry.label(lang)))
        layers.append(
            MarkerLayer(
                "facilities",
                f"{name} · {entry.label(lang)}",
                by_group.get(entry.code, []),
                {"icon": icon, "colour": colour, "subtypes": subtype_labels, "contacts": contact_list},
                cluster_colour=MARKER_COLOURS[colour],
            )
        )
    return layers, entries


def grid_layer(session: Session, grid_codes: Sequence[str] | None, *, name: str) -> AreaLayer:
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
    return AreaLayer(name, {"type": "FeatureCollection", "features": features}, colour=GRID_COLOUR)
