"""The town's own basemap as data: village areas from their grids, street lines through their
plates in house-number order (smoothed, thinned), buildings as points, the part near a plate, and
the version its cache is keyed on. How portal.maps draws it: tests/portal/maps/test_basemap.py."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.demo import build_demo_town
from shared.models import Building, DoorPlate, Grid, RecordStatus, Street
from shared.reporting.basemap_data import (
    BASEMAP_DIGITS,
    basemap_near,
    basemap_version,
    street_line,
    town_basemap,
)
from tests.factories import make_building, make_grid_area, make_plate, make_street, make_village

LAT = 23.05
STEP = 0.0005  # about 55 m between plates


def test_street_line_follows_house_numbers_not_the_order_plates_were_entered() -> None:
    numbers = ["3", "1", "10", "2", "2之一"]
    points = [[LAT, 113.5 + STEP * int(n.split("之")[0])] for n in numbers]
    line = street_line(numbers, points)
    assert line[0] == [LAT, 113.5005] and line[-1] == [LAT, 113.505]
    lons = [p[1] for p in line]
    assert lons == sorted(lons)  # never doubles back


def test_street_line_ignores_a_stray_plate_and_keeps_only_the_bends() -> None:
    numbers = [str(n) for n in range(1, 21)]
    points = [[LAT + (0.00005 if n % 2 else -0.00005), 113.5 + STEP * n] for n in range(1, 21)]  # two sides
    points[9] = [LAT + 0.01, points[9][1]]  # plate 10 placed a kilometre north by mistake
    line = street_line(numbers, points)
    assert max(abs(p[0] - LAT) for p in line) < 0.0001  # no spike towards the stray plate
    assert len(line) < 6  # a straight street needs few points
    assert all(round(c, BASEMAP_DIGITS) == c for p in line for c in p)


def test_a_bent_street_keeps_its_corner_a_little_rounded() -> None:
    numbers = [str(n) for n in range(1, 21)]
    points = [
        [LAT, 113.5 + STEP * n] if n <= 10 else [LAT + STEP * (n - 10), 113.5 + STEP * 10]
        for n in range(1, 21)
    ]
    line = street_line(numbers, points)
    corner = min(math.hypot(p[0] - LAT, p[1] - 113.505) for p in line)
    assert corner < 0.0003  # within about 30 m of plate 10, at the corner: smoothing rounds it
    assert line[0] == [LAT, 113.5005] and line[-1] == [LAT + STEP * 10, 113.505]
    assert 3 <= len(line) <= 8


@pytest.fixture
def small_town(session: Session) -> Session:
    build_demo_town(session, scale="small", seed=2026, today=date(2026, 11, 25))
    session.commit()
    return session


def test_town_basemap_has_every_village_grid_street_and_building(small_town: Session) -> None:
    session = small_town
    basemap = town_basemap(session)
    grids = session.execute(select(Grid.village_code, Grid.polygon).where(Grid.polygon.is_not(None))).all()
    assert sum(len(v["rings"]) for v in basemap.villages) == len(grids)
    assert len(basemap.villages) == len({village for village, _ in grids})
    assert len({v["fill"] for v in basemap.villages}) > 1
    for village in basemap.villages:
        south, north = (
            min(p[0] for r in village["rings"] for p in r),
            max(p[0] for r in village["rings"] for p in r),
        )
        assert south <= village["label_at"][0] <= north
    on_street = Counter(
        session.scalars(
            select(DoorPlate.street_id)
            .join(Street)
            .where(
                Street.status == RecordStatus.ACTIVE,
                DoorPlate.status == RecordStatus.ACTIVE,
                DoorPlate.lat.is_not(None),
                DoorPlate.lon.is_not(None),
            )
        )
    )
    names = {street_id: name for street_id, name in session.execute(select(Street.id, Street.name))}
    assert sorted(name for name, _ in basemap.streets) == sorted(
        names[s] for s, n in on_street.items() if n >= 2
    )
    with_buildings = session.execute(
        select(DoorPlate.lat, DoorPlate.lon)
        .join(Building, Building.plate_code == DoorPlate.code)
        .where(Building.status == RecordStatus.ACTIVE, DoorPlate.lat.is_not(None))
        .distinct()
    ).all()
    expected = sorted([round(lat, BASEMAP_DIGITS), round(lon, BASEMAP_DIGITS)] for lat, lon in with_buildings)
    assert sorted(basemap.building_points()) == expected
    assert all(isinstance(n, int) for n in basemap.buildings)


def test_village_names_follow_the_language(session: Session) -> None:
    village = make_village(session, name="麻一村")
    make_grid_area(session, village=village, west=113.5, south=23.0, east=113.51, north=23.01)
    assert [v["name"] for v in town_basemap(session).villages] == ["麻一村"]
    assert [v["name"] for v in town_basemap(session, lang="en").villages] == [village.name_en]


def test_retired_plates_and_one_plate_streets_draw_no_line(session: Session) -> None:
    street = make_street(session)
    make_plate(session, street=street, number="1", lon=113.5, lat=LAT)
    make_plate(session, street=street, number="2", lon=113.501, lat=LAT, status=RecordStatus.RETIRED)
    lonely = make_street(session)
    make_plate(session, street=lonely, number="1", lon=113.6, lat=LAT)
    assert town_basemap(session).streets == []


def test_the_part_near_a_plate(small_town: Session) -> None:
    basemap = town_basemap(small_town)
    here = basemap.building_points()[0]
    near = basemap_near(basemap, lat=here[0], lon=here[1], metres=300)
    assert here in near.building_points()
    assert 0 < len(near.building_points()) < len(basemap.building_points())
    assert all(abs(p[0] - here[0]) < 0.003 and abs(p[1] - here[1]) < 0.0035 for p in near.building_points())
    assert 0 < len(near.streets) < len(basemap.streets)
    assert 1 <= len(near.villages) < len(basemap.villages)
    assert len(str(near)) < len(str(basemap)) / 4


@pytest.mark.parametrize("metres", [50, 300, 2000])
def test_the_buildings_near_a_point_are_those_within_its_square(small_town: Session, metres: int) -> None:
    basemap = town_basemap(small_town)
    everything = basemap.building_points()
    dlat, dlon = metres / 111_320, metres / 100_000
    for lat, lon in everything[::7]:
        found = basemap.buildings_within(lat=lat + 0.0001, lon=lon, dlat=dlat, dlon=dlon)
        expected = [p for p in everything if abs(p[0] - lat - 0.0001) <= dlat and abs(p[1] - lon) <= dlon]
        assert sorted(found) == sorted(expected)


def test_version_changes_when_the_places_change(session: Session) -> None:
    street = make_street(session)
    plate = make_plate(session, street=street, number="1")
    before = basemap_version(session)
    assert basemap_version(session) == before
    make_plate(session, street=street, number="2")
    added = basemap_version(session)
    assert added != before
    make_building(session, plate=plate)
    built = basemap_version(session)
    assert built != added
    plate.status = RecordStatus.RETIRED
    session.flush()
    assert basemap_version(session) != built
