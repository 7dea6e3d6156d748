"""The demo town's geometry: the town's box cut into village areas, each cut into grids.

Areas are axis-aligned rectangles that tile their parent exactly, so grid polygons tile a
village and villages tile the town. Points are drawn inside a rectangle with a margin, so
every plate lies strictly inside its grid's polygon whatever rounding a reader applies.
Coordinates are WGS84/CGCS2000 degrees (the two differ by centimetres).
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import Any

# 麻涌镇 on the Pearl River's east bank (REFERENCE.md: approximate).
TOWN_WEST, TOWN_SOUTH, TOWN_EAST, TOWN_NORTH = 113.50, 22.98, 113.65, 23.10
COORD_DIGITS = 6  # about 0.1 m: what a phone's GPS gives
MARGIN = 0.04  # share of a rectangle's width and height kept clear at each edge


@dataclass(frozen=True)
class Rect:
    """An area between two longitudes and two latitudes."""

    west: float
    south: float
    east: float
    north: float

    def split(self, count: int) -> list[Rect]:
        """Cut into `count` rectangles that tile this one: one row up to 3, else two or three
        rows with the columns spread evenly (5 → 3 + 2)."""
        rows = 1 if count <= 3 else 2 if count <= 8 else math.ceil(math.sqrt(count))
        per_row = [count // rows + (1 if i < count % rows else 0) for i in range(rows)]
        lat_edges = _edges(self.south, self.north, rows)
        pieces: list[Rect] = []
        for row, columns in enumerate(per_row):
            lon_edges = _edges(self.west, self.east, columns)
            for col in range(columns):
                pieces.append(Rect(lon_edges[col], lat_edges[row], lon_edges[col + 1], lat_edges[row + 1]))
        return pieces

    def inner(self) -> Rect:
        """This rectangle less its margin: where points may be drawn."""
        dx, dy = (self.east - self.west) * MARGIN, (self.north - self.south) * MARGIN
        return Rect(self.west + dx, self.south + dy, self.east - dx, self.north - dy)

    def point(self, rng: random.Random) -> tuple[float, float]:
        """A random point strictly inside (lon, lat)."""
        box = self.inner()
        return (
            round(rng.uniform(box.west, box.east), COORD_DIGITS),
            round(rng.uniform(box.south, box.north), COORD_DIGITS),
        )

    def clamp(self, lon: float, lat: float) -> tuple[float, float]:
        """The nearest point of the inner rectangle, rounded like every stored coordinate."""
        box = self.inner()
        return (
            round(min(max(lon, box.west), box.east), COORD_DIGITS),
            round(min(max(lat, box.south), box.north), COORD_DIGITS),
        )

    def polygon(self) -> dict[str, Any]:
        """GeoJSON Polygon, counter-clockwise exterior ring (RFC 7946), closed."""
        ring = [
            [self.west, self.south],
            [self.east, self.south],
            [self.east, self.north],
            [self.west, self.north],
            [self.west, self.south],
        ]
        return {"type": "Polygon", "coordinates": [ring]}


TOWN = Rect(TOWN_WEST, TOWN_SOUTH, TOWN_EAST, TOWN_NORTH)


def _edges(low: float, high: float, parts: int) -> list[float]:
    """Evenly spaced cut lines, rounded once so neighbours share exactly the same edge."""
    step = (high - low) / parts
    edges = [round(low + i * step, COORD_DIGITS) for i in range(parts)]
    return [*edges, high]


def village_areas(count: int) -> list[Rect]:
    """The town box cut into `count` village areas, in a near-square layout (15 → 4 × 4 less one)."""
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    lat_edges = _edges(TOWN_SOUTH, TOWN_NORTH, rows)
    lon_edges = _edges(TOWN_WEST, TOWN_EAST, columns)
    areas: list[Rect] = []
    for index in range(count):
        row, col = divmod(index, columns)
        # The last row may be short: its areas widen to keep the town covered.
        in_row = min(columns, count - row * columns)
        edges = lon_edges if in_row == columns else _edges(TOWN_WEST, TOWN_EAST, in_row)
        areas.append(Rect(edges[col], lat_edges[row], edges[col + 1], lat_edges[row + 1]))
    return areas


def point_in_polygon(lon: float, lat: float, polygon: dict[str, Any]) -> bool:
    """Ray casting over the exterior ring of a GeoJSON Polygon (points on an edge: outside)."""
    ring = polygon["coordinates"][0]
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside
