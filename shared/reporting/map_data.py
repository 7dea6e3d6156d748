"""The plain data a map is drawn from: layers of compact rows, legend entries, colours.

shared reads the database into these; portal.maps draws them as a Leaflet map (no map library
is imported in shared). Rows are JSON-ready lists, sent to the browser as they are, with coordinates
rounded to COORD_DIGITS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

COORD_DIGITS = 6  # about 0.1 m: more digits only make the page bigger

# The colours leaflet.awesome-markers paints its markers with, for legends and cluster bubbles.
MARKER_COLOURS = {
    "red": "#d63e2a",
    "darkred": "#a23336",
    "orange": "#f69730",
    "beige": "#ffcb92",
    "green": "#72b026",
    "darkgreen": "#728224",
    "blue": "#38aadd",
    "darkblue": "#0067a3",
    "purple": "#d252b9",
    "darkpurple": "#5b396b",
    "cadetblue": "#436978",
    "gray": "#575757",
}

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

# (swatch, text) of one legend line. A swatch is ("dot", colour), ("marker", colour, Font
# Awesome icon name) or ("outline", colour).
LegendEntry = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class MarkerLayer:
    """Clustered markers the browser makes from compact rows: `kind` says which marker and
    popup (the row layouts are in shared.reporting.operation_map_data), `lookup` is the JSON the
    rows index into, sent once, and `cluster_colour` (#rrggbb) paints the cluster bubbles."""

    kind: Literal["plates", "facilities", "pending"]
    name: str
    rows: list[list[Any]]
    lookup: dict[str, Any]
    cluster_colour: str


@dataclass(frozen=True)
class DotLayer:
    """Small circles of one colour from `[lat, lon, count]` rows, not clustered; a circle's
    tooltip is `label` with the count. `show` False: listed in the layer control, not drawn."""

    name: str
    rows: list[list[float | int]]
    colour: str
    label: str
    show: bool = True


@dataclass(frozen=True)
class AreaLayer:
    """Polygons outlined in `colour`: a GeoJSON FeatureCollection whose features carry their
    tooltip text in `properties.label`."""

    name: str
    features: dict[str, Any]
    colour: str


MapLayer = MarkerLayer | DotLayer | AreaLayer


@dataclass(frozen=True)
class OperationMapData:
    """Everything the operation map shows. `layers` in the order the layer control lists them;
    `legend` as (heading, entries) sections, empty when no layer is chosen; `bounds`
    `[[south, west], [north, east]]` of the plates, empty when none is shown."""

    layers: list[MapLayer]
    legend_title: str
    legend: list[tuple[str, list[LegendEntry]]]
    bounds: list[list[float]]


def map_point(lat: float | None, lon: float | None) -> list[float]:
    """`[lat, lon]` rounded for the page; the queries leave out rows without coordinates."""
    if lat is None or lon is None:
        raise ValueError("a map row without coordinates")
    return [round(lat, COORD_DIGITS), round(lon, COORD_DIGITS)]
