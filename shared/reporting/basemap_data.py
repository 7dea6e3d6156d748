"""本镇底图: a basemap drawn from the town's own records, for networks (政务外网) that reach no tile
server: village areas from their grids, streets as lines through their plates, buildings as points.

portal.maps.basemap draws it in the browser from these plain rows; nothing is fetched from outside.
Rows are `[lat, lon]` rounded to BASEMAP_DIGITS (about 1 m: a background needs no more, and the
page stays light at 20,000 plates). A street's line follows its plates in house-number order (how
plates are numbered along a street), smoothed (a running median, then a mean) so plates on the
two sides and a misplaced plate do not make it zigzag, then thinned (Douglas-Peucker) to a few points.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.models import Building, DoorPlate, Grid, RecordStatus, Street, Village

BASEMAP_DIGITS = 5
SMOOTHING_WINDOW = 5  # plates in the running median: both sides of a street and one stray plate
THIN_METRES = 6.0  # a street line keeps no bend smaller than this
METRES_PER_DEGREE = 111_320.0
# Pale fills told apart by neighbouring villages (ColorBrewer Pastel1 and Set3, light ones).
VILLAGE_FILLS = (
    "#fbe3c4", "#d9ead3", "#dde4f2", "#f4d9e6", "#fff2b8",
    "#d4ece9", "#ead9f0", "#f6dccf", "#e4efc8", "#e0e0e0",
)  # fmt: skip
_SCALE = 10**BASEMAP_DIGITS
_NUMBER = re.compile(r"\d+")

Point = list[float]  # [lat, lon]


@dataclass(frozen=True)
class BasemapData:
    """What the basemap draws. `villages`: `{"name", "fill", "rings", "label_at"}` with each grid's
    outer ring as `[lat, lon]` points; `streets`: `[name, points]`; `buildings`: the plates with
    an active building, flat `[lat, lon, lat, lon, ...]` in steps of 10^-BASEMAP_DIGITS degrees
    from `origin` (`[lat, lon]`): small integers keep 20,000 points near 200 kB."""

    villages: list[dict[str, Any]]
    streets: list[list[Any]]
    buildings: list[int]
    origin: list[float]

    def building_points(self) -> list[Point]:
        """`buildings` as `[lat, lon]` points."""
        return [
            [
                round(self.origin[0] + lat / _SCALE, BASEMAP_DIGITS),
                round(self.origin[1] + lon / _SCALE, BASEMAP_DIGITS),
            ]
            for lat, lon in zip(self.buildings[::2], self.buildings[1::2], strict=True)
        ]

    def buildings_within(self, *, lat: float, lon: float, dlat: float, dlon: float) -> list[Point]:
        """The building points within `dlat` and `dlon` degrees of a point: a band of the points
        sorted by latitude, found by bisection (a plate page's small map; walking all 20,000
        points for each plate was a third of the portal's CPU under load)."""
        lats, points = self._by_latitude
        first = bisect.bisect_left(lats, lat - dlat)
        last = bisect.bisect_right(lats, lat + dlat)
        return [p for p in points[first:last] if abs(p[1] - lon) <= dlon]

    @cached_property
    def _by_latitude(self) -> tuple[list[float], list[Point]]:
        """Built once per basemap (the town's stays cached for the process); a frozen dataclass
        still takes a cached_property, which writes the instance's __dict__ directly."""
        points = sorted(self.building_points())
        return [p[0] for p in points], points


def town_basemap(session: Session, *, lang: str = "zh") -> BasemapData:
    """The whole town's basemap (a supervisor's map shows the whole town even when an officer's
    layers show only their grids: the streets around a grid are what one finds one's way by)."""
    return _with_buildings(
        villages=_villages(session, lang=lang), streets=_streets(session), points=_buildings(session)
    )


def basemap_near(basemap: BasemapData, *, lat: float, lon: float, metres: float) -> BasemapData:
    """The part of `basemap` within about `metres` of a point (a plate page's small map): the
    villages and streets that reach into the square, the buildings inside it."""
    dlat = metres / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(lat)), 0.1)

    def crosses(points: Sequence[Sequence[float]]) -> bool:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        return (
            min(lats) <= lat + dlat
            and max(lats) >= lat - dlat
            and min(lons) <= lon + dlon
            and max(lons) >= lon - dlon
        )

    return _with_buildings(
        villages=[v for v in basemap.villages if any(crosses(ring) for ring in v["rings"])],
        streets=[s for s in basemap.streets if crosses(s[1])],
        points=basemap.buildings_within(lat=lat, lon=lon, dlat=dlat, dlon=dlon),
    )


def _with_buildings(
    *, villages: list[dict[str, Any]], streets: list[list[Any]], points: list[Point]
) -> BasemapData:
    """The basemap with `points` packed as offsets from their south-west corner."""
    origin = [min(p[0] for p in points), min(p[1] for p in points)] if points else [0.0, 0.0]
    packed = [round((value - base) * _SCALE) for p in points for value, base in zip(p, origin, strict=True)]
    return BasemapData(villages=villages, streets=streets, buildings=packed, origin=origin)


def basemap_version(session: Session) -> tuple[Any, ...]:
    """Changes when plates, streets, grids or buildings are added, retired or renumbered: a cache
    key (one cheap query). Moving a plate or redrawing a grid in place changes nothing here, so
    callers also let a cached basemap expire."""
    figures = (
        func.count(DoorPlate.code),
        func.max(DoorPlate.created_at),
        func.max(DoorPlate.retired_at),
        func.count(DoorPlate.code).filter(DoorPlate.status == RecordStatus.ACTIVE),
    )
    return (
        *session.execute(select(*figures)).one(),
        *session.execute(select(func.count(Street.id), func.max(Street.id))).one(),
        *session.execute(select(func.count(Street.id)).where(Street.status == RecordStatus.ACTIVE)).one(),
        *session.execute(select(func.count(Grid.code))).one(),
        *session.execute(select(func.count(Building.id), func.max(Building.id))).one(),
        *session.execute(select(func.count(Building.id)).where(Building.status == RecordStatus.ACTIVE)).one(),
    )


def street_line(numbers: Sequence[str], points: Sequence[Point]) -> list[Point]:
    """A street's line through its plates: ordered by house number, smoothed, thinned."""
    ordered = [p for _, p in sorted(zip(numbers, points, strict=True), key=lambda pair: _number_key(pair[0]))]
    smoothed = _running_median(ordered, SMOOTHING_WINDOW)
    thinned = _thin(smoothed, THIN_METRES / METRES_PER_DEGREE)
    return [[round(p[0], BASEMAP_DIGITS), round(p[1], BASEMAP_DIGITS)] for p in thinned]


def _number_key(number: str) -> tuple[int, str]:
    """`12` < `12之一` < `13`; a plate without digits goes last."""
    found = _NUMBER.search(number)
    return (int(found.group()), number) if found else (1 << 30, number)


def _running_median(points: Sequence[Point], window: int) -> list[Point]:
    """Each point replaced by the median of its neighbours, then by their mean: the median drops a
    stray plate, the mean the swing between the two sides. The two ends stay where they are."""
    if len(points) < 3:
        return [list(p) for p in points]
    half = window // 2
    medians = [list(points[0])]
    for i in range(1, len(points) - 1):
        span = points[max(0, i - half) : i + half + 1]
        middle = len(span) // 2
        medians.append([sorted(p[0] for p in span)[middle], sorted(p[1] for p in span)[middle]])
    medians.append(list(points[-1]))
    means = [medians[0]]
    for i in range(1, len(points) - 1):
        span = medians[i - 1 : i + 2]  # three: enough against the sides' swing, keeps corners
        means.append([sum(p[0] for p in span) / len(span), sum(p[1] for p in span) / len(span)])
    means.append(medians[-1])
    return means


def _thin(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: the fewest points that stay within `tolerance` (degrees) of the line
    (flat geometry: fine over a street's length)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (ay, ax), (by, bx) = points[first], points[last]
        dy, dx = by - ay, bx - ax
        length = dy * dy + dx * dx or 1e-18
        far, farthest = limit, -1
        for i in range(first + 1, last):
            py, px = points[i]
            share = min(1.0, max(0.0, ((py - ay) * dy + (px - ax) * dx) / length))
            off = (py - ay - share * dy) ** 2 + (px - ax - share * dx) ** 2
            if off > far:
                far, farthest = off, i
        if farthest > 0:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _streets(session: Session) -> list[list[Any]]:
    rows = session.execute(
        select(Street.id, Street.name, DoorPlate.number, DoorPlate.lat, DoorPlate.lon)
        .join(DoorPlate, DoorPlate.street_id == Street.id)
        .where(
            Street.status == RecordStatus.ACTIVE,
            DoorPlate.status == RecordStatus.ACTIVE,
            DoorPlate.lat.is_not(None),
            DoorPlate.lon.is_not(None),
        )
        .order_by(Street.id)
    ).all()
    plates: dict[int, tuple[str, list[str], list[Point]]] = {}
    for street_id, name, number, lat, lon in rows:
        _, numbers, points = plates.setdefault(street_id, (name, [], []))
        numbers.append(number)
        points.append(_point(lat, lon, digits=9))  # rounded once the line is made
    return [
        [name, street_line(numbers, points)] for name, numbers, points in plates.values() if len(points) >= 2
    ]


def _buildings(session: Session) -> list[Point]:
    rows = session.execute(
        select(DoorPlate.lat, DoorPlate.lon)
        .join(Building, Building.plate_code == DoorPlate.code)
        .where(
            Building.status == RecordStatus.ACTIVE,
            DoorPlate.lat.is_not(None),
            DoorPlate.lon.is_not(None),
        )
        .distinct()
        .order_by(DoorPlate.lat, DoorPlate.lon)
    ).all()
    return [_point(lat, lon) for lat, lon in rows]


def _point(lat: float | None, lon: float | None, *, digits: int = BASEMAP_DIGITS) -> Point:
    """`[lat, lon]` rounded; the queries leave out plates without coordinates."""
    if lat is None or lon is None:
        raise ValueError("a basemap point without coordinates")
    return [round(lat, digits), round(lon, digits)]


def _villages(session: Session, *, lang: str) -> list[dict[str, Any]]:
    """Each village as its grids' outer rings in one pale fill (its area is the union of its
    grids: drawn filled without borders, the rings read as one area), labelled at the middle of
    its grids' points."""
    rows = session.execute(
        select(Village.code, Village.name, Village.name_en, Grid.polygon)
        .join(Grid, Grid.village_code == Village.code)
        .where(Grid.polygon.is_not(None))
        .order_by(Village.code, Grid.code)
    ).all()
    villages: dict[str, dict[str, Any]] = {}
    for code, name, name_en, polygon in rows:
        label = name_en if lang.startswith("en") and name_en else name
        village = villages.setdefault(
            code, {"name": label, "fill": VILLAGE_FILLS[len(villages) % len(VILLAGE_FILLS)], "rings": []}
        )
        village["rings"] += _outer_rings(polygon)
    for village in villages.values():
        points = [p for ring in village["rings"] for p in ring]
        village["label_at"] = [
            round(statistics.fmean(p[0] for p in points), BASEMAP_DIGITS),
            round(statistics.fmean(p[1] for p in points), BASEMAP_DIGITS),
        ] if points else None  # fmt: skip
    return [v for v in villages.values() if v["rings"]]


def _outer_rings(geometry: dict[str, Any] | None) -> list[list[Point]]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon as `[lat, lon]` points."""
    if not geometry:
        return []
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
    return [
        [[round(lat, BASEMAP_DIGITS), round(lon, BASEMAP_DIGITS)] for lon, lat, *_ in polygon[0]]
        for polygon in polygons
        if polygon
    ]
