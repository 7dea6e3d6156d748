"""The town's box and point-in-polygon for grids: holes, multipolygons, features, overlaps."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from shared.places.town_area import TOWN_BOUNDS, Bounds, GridLocator, bounding_box, point_in_geometry
from tests.factories import make_grid, make_grid_area, make_village


def square(west: float, south: float, size: float) -> list[list[float]]:
    return [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]


DONUT: dict[str, Any] = {"type": "Polygon", "coordinates": [square(0, 0, 10), square(4, 4, 2)]}
TWO_ISLANDS: dict[str, Any] = {
    "type": "MultiPolygon",
    "coordinates": [[square(0, 0, 1)], [square(5, 5, 1)]],
}


@pytest.mark.parametrize(
    ("lon", "lat", "geometry", "inside"),
    [
        (1, 1, DONUT, True),
        (5, 5, DONUT, False),  # in the hole
        (11, 5, DONUT, False),
        (5.5, 5.5, TWO_ISLANDS, True),
        (3, 3, TWO_ISLANDS, False),
        (1, 1, {"type": "Feature", "geometry": DONUT, "properties": {}}, True),
        (1, 1, {"type": "Point", "coordinates": [1, 1]}, False),
        (1, 1, None, False),
    ],
)
def test_point_in_geometry(lon: float, lat: float, geometry: dict[str, Any] | None, inside: bool) -> None:
    assert point_in_geometry(lon, lat, geometry) is inside


def test_town_bounds_hold_the_town_centre_and_not_a_swapped_point() -> None:
    assert TOWN_BOUNDS.contains(113.58, 23.05)
    assert not TOWN_BOUNDS.contains(23.05, 113.58)


def test_locator_finds_the_grid_and_knows_villages_without_polygons(session: Session) -> None:
    drawn, undrawn = make_village(session), make_village(session)
    make_grid_area(session, village=drawn, code="G-1", west=113.5, south=23.0, east=113.6, north=23.1)
    make_grid(session, village=undrawn, code="G-2")  # no polygon yet
    locator = GridLocator(session)
    found = locator.grid_at(113.55, 23.05)
    assert found is not None and (found.code, found.village_code) == ("G-1", drawn.code)
    assert locator.grid_at(113.65, 23.05) is None
    assert locator.has_polygons(drawn.code) and not locator.has_polygons(undrawn.code)


def test_bounding_boxes_cover_every_polygon() -> None:
    assert bounding_box(TWO_ISLANDS) == Bounds(0, 0, 6, 6)
    assert bounding_box({"type": "Feature", "geometry": DONUT}) == Bounds(0, 0, 10, 10)
    assert bounding_box({"type": "Point", "coordinates": [1, 1]}) is None
