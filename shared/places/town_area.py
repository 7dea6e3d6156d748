"""The town's area and its grids: is a point in 麻涌镇, and which 网格 holds it.

Facilities and temporary plates arrive with bare coordinates; their grid (and so the officer
who answers for them) comes from the grid polygons. Point-in-polygon is done here with the
standard library: grids are a few hundred rectangles-ish polygons, not a GIS workload.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Grid

COORD_DIGITS = 6  # about 0.1 m: what a phone's GPS gives, and what the demo stores


@dataclass(frozen=True)
class Bounds:
    """An area between two longitudes and two latitudes (degrees, WGS84/CGCS2000)."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


# 麻涌镇 with a margin around REFERENCE.md's approximate 113.50–113.65°E, 22.98–23.10°N: a point
# outside this box is a typo or swapped coordinates, not a place in town.
TOWN_BOUNDS = Bounds(west=113.45, south=22.95, east=113.70, north=23.15)

Ring = Sequence[Sequence[float]]


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting (even-odd rule); points exactly on an edge may fall either way."""
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def _in_polygon_rings(lon: float, lat: float, rings: Sequence[Ring]) -> bool:
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def point_in_geometry(lon: float, lat: float, geometry: dict[str, Any] | None) -> bool:
    """Whether a GeoJSON Polygon or MultiPolygon (holes respected) contains the point; a
    Feature is read through to its geometry, anything else contains nothing."""
    if not geometry:
        return False
    if geometry.get("type") == "Feature":
        return point_in_geometry(lon, lat, geometry.get("geometry"))
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return _in_polygon_rings(lon, lat, coordinates)
    if kind == "MultiPolygon":
        return any(_in_polygon_rings(lon, lat, polygon) for polygon in coordinates)
    return False


@dataclass(frozen=True)
class GridArea:
    code: str
    village_code: str
    polygon: dict[str, Any]
    box: Bounds | None = None  # the polygon's bounding box, to skip most polygons cheaply

    def contains(self, lon: float, lat: float) -> bool:
        if self.box is not None and not self.box.contains(lon, lat):
            return False
        return point_in_geometry(lon, lat, self.polygon)


def bounding_box(geometry: dict[str, Any]) -> Bounds | None:
    """The box around every ring of a Polygon or MultiPolygon (a Feature read through)."""
    if geometry.get("type") == "Feature":
        return bounding_box(geometry.get("geometry") or {})
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    points = [point for polygon in polygons for ring in polygon for point in ring]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return Bounds(min(lons), min(lats), max(lons), max(lats))


class GridLocator:
    """The grid polygons read once, for many look-ups (an import of thousands of rows)."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Grid.code, Grid.village_code, Grid.polygon).order_by(Grid.code)).all()
        self.areas = tuple(
            GridArea(code, village, polygon, bounding_box(polygon))
            for code, village, polygon in rows
            if polygon
        )

    def grid_at(self, lon: float, lat: float) -> GridArea | None:
        """The grid whose polygon holds the point (the first by code where grids overlap)."""
        return next((a for a in self.areas if a.contains(lon, lat)), None)

    def has_polygons(self, village_code: str) -> bool:
        """Whether the village's grids are drawn at all (a fresh install may have none yet)."""
        return any(a.village_code == village_code for a in self.areas)
