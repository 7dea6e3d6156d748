"""The address library of the demo town: villages, grids, streets and door plates.

A plate's code is `VVV SSS PPPP` (10 digits): the village code's last three digits, the
street's number in its village and the plate's number on its street. Short enough for a
QR code, stable for life, and readable by an officer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared.core.codes import VillageRow
from shared.demo import names
from shared.demo.context import Build, Site
from shared.demo.geo import Rect
from shared.models import PlateKind, RecordStatus

SUB_NUMBER_SHARE = 0.03  # plates squeezed in later get "12之一"
TEMPORARY_SHARE = 0.05  # 临时 plates
NO_COORDINATES_SHARE = 0.02  # the officers' "no coordinates" work list
RETIRED_SHARE = 0.005  # plates retired with a successor
MIN_SPECIAL = 3  # even the small town has a few of each of the above


@dataclass(frozen=True)
class GridArea:
    code: str
    rect: Rect


def plate_code(village_code: str, street_seq: int, plate_seq: int) -> str:
    """The standard address code printed on the plate and in its QR code."""
    if not (0 < street_seq < 1000 and 0 < plate_seq < 10000):
        raise ValueError(f"street {street_seq} / plate {plate_seq} does not fit a 10-digit plate code")
    return f"{village_code[-3:]}{street_seq:03d}{plate_seq:04d}"


def add_village(build: Build, village: VillageRow) -> None:
    build.add(
        "villages",
        {
            "code": village.code,
            "name": village.name,
            "name_en": village.name_en,
            "kind": village.kind,
            "police_station": village.police_station,
            "police_phone": village.police_phone,
        },
    )


def add_grids(build: Build, village: VillageRow, area: Rect, count: int) -> list[GridArea]:
    """`count` grids tiling the village's area, each with its officer and work mobile."""
    grids: list[GridArea] = []
    for index, rect in enumerate(area.split(count), start=1):
        code = f"{village.code}{index:03d}"
        build.add(
            "grids",
            {
                "code": code,
                "village_code": village.code,
                "name": f"{village.name}第{index}网格",
                "polygon": rect.polygon(),
                "officer_name": names.chinese_name(build.rng, is_male=build.rng.random() < 0.6, local=True),
                "officer_phone": build.numbers.mobile(),
            },
        )
        grids.append(GridArea(code, rect))
    return grids


def add_streets_and_plates(
    build: Build, village: VillageRow, grids: list[GridArea], premises: list[str], *, per_street: int
) -> list[Site]:
    """Streets of the village, each laid along a line in one grid, and the plates on them in
    order along the line. Returns the active plates with the premises behind each."""
    rng = build.rng
    street_count = max(1, math.ceil(len(premises) / per_street))
    street_names = names.street_names(rng, village.name, street_count)
    sites: list[Site] = []
    for seq, name in enumerate(street_names, start=1):
        chunk = premises[(seq - 1) * len(premises) // street_count : seq * len(premises) // street_count]
        grid = grids[(seq - 1) % len(grids)]
        street_id = build.take_id("streets")
        build.add(
            "streets",
            {
                "id": street_id,
                "name": name,
                "village_code": village.code,
                "aliases": [],
                "status": RecordStatus.ACTIVE,
            },
        )
        points = _points_along(build, grid.rect, len(chunk))
        number = 0
        for plate_seq, (kind, (lon, lat)) in enumerate(zip(chunk, points, strict=True), start=1):
            if number and rng.random() < SUB_NUMBER_SHARE and not sites[-1].number.endswith("之一"):
                label = f"{number}之一"
            else:
                number += 1
                label = str(number)
            code = plate_code(village.code, seq, plate_seq)
            sites.append(Site(code, village, grid.code, name, label, lon, lat, kind))
            build.add("door_plates", _plate_row(build, code, street_id, label, grid.code, lon, lat))
    return sites


def _points_along(build: Build, rect: Rect, count: int) -> list[tuple[float, float]]:
    """Positions of `count` plates spread along a street crossing the grid, a little jittered."""
    rng = build.rng
    inner = rect.inner()
    is_east_west = rng.random() < 0.5
    fixed = rng.uniform(0.15, 0.85)
    jitter = 0.01 * min(inner.east - inner.west, inner.north - inner.south)
    points: list[tuple[float, float]] = []
    for i in range(count):
        along = (i + 0.5) / count
        if is_east_west:
            lon = inner.west + along * (inner.east - inner.west)
            lat = inner.south + fixed * (inner.north - inner.south)
        else:
            lon = inner.west + fixed * (inner.east - inner.west)
            lat = inner.south + along * (inner.north - inner.south)
        points.append(rect.clamp(lon + rng.uniform(-jitter, jitter), lat + rng.uniform(-jitter, jitter)))
    return points


def _plate_row(
    build: Build, code: str, street_id: int, number: str, grid_code: str, lon: float | None, lat: float | None
) -> dict[str, object]:
    return {
        "code": code,
        "street_id": street_id,
        "number": number,
        "kind": PlateKind.FORMAL,
        "grid_code": grid_code,
        "lon": lon,
        "lat": lat,
        "status": RecordStatus.ACTIVE,
        "successor_code": None,
        "created_at": build.now,
        "retired_at": None,
    }


def mark_special_plates(build: Build, sites: list[Site]) -> None:
    """Make some plates temporary (临时) and some without coordinates, town-wide."""
    rng = build.rng
    rows = {row["code"]: row for row in build.rows["door_plates"]}
    count = len(sites)
    for site in rng.sample(sites, min(count, max(MIN_SPECIAL, round(count * TEMPORARY_SHARE)))):
        rows[site.code]["kind"] = PlateKind.TEMPORARY
    for site in rng.sample(sites, min(count, max(MIN_SPECIAL, round(count * NO_COORDINATES_SHARE)))):
        rows[site.code]["lon"] = rows[site.code]["lat"] = None
        site.lon = site.lat = None


def add_retired_plates(build: Build, sites: list[Site]) -> None:
    """Old plates retired when a street was renumbered, each pointing at its successor and
    numbered after the street's last plate. Inserted after the active plates, so the
    successor exists when the old one arrives."""
    rng = build.rng
    plates = build.rows["door_plates"]
    by_code = {row["code"]: row for row in plates}
    on_street: dict[int, int] = {}  # street id → plates on it
    last_number: dict[int, int] = {}
    for row in plates:
        street_id = row["street_id"]
        on_street[street_id] = on_street.get(street_id, 0) + 1
        if row["number"].isdigit():
            last_number[street_id] = max(last_number.get(street_id, 0), int(row["number"]))
    retired: list[dict[str, object]] = []
    for site in rng.sample(sites, min(len(sites), max(MIN_SPECIAL, round(len(sites) * RETIRED_SHARE)))):
        street_id = by_code[site.code]["street_id"]
        on_street[street_id] += 1
        last_number[street_id] = last_number.get(street_id, 0) + 1
        code = site.code[:6] + f"{on_street[street_id]:04d}"  # same village and street, next plate
        row = _plate_row(
            build, code, street_id, str(last_number[street_id]), site.grid_code, site.lon, site.lat
        )
        row.update(status=RecordStatus.RETIRED, successor_code=site.code, retired_at=build.now)
        retired.append(row)
    plates.extend(retired)
