"""实有设施 and gates of the demo town.

Facilities cover the seed's six groups and every subtype in the code list (the first one
of each, then in rough real-world proportions: far more manhole covers than footbridges).
Building services (房屋配套) hang on a plate; the rest stand at a point in a grid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from shared.core.codes import VillageRow, code_list
from shared.demo.context import Build, Site
from shared.demo.geo import Rect
from shared.models import RecordStatus

BUILDING_SERVICES_GROUP = "5"
RETIRED_SHARE = 0.01

# Relative numbers per subtype code; subtypes not listed get DEFAULT_WEIGHT.
SUBTYPE_WEIGHTS = {
    "101": 900, "102": 700, "103": 40, "104": 150, "105": 60, "106": 10,
    "201": 150, "202": 600, "203": 200, "204": 6, "205": 120, "206": 15,
    "301": 60, "302": 1500, "303": 1400, "304": 700, "305": 80, "306": 60,
    "401": 300, "402": 100, "403": 30, "404": 25, "405": 20,
    "501": 200, "502": 200, "503": 250, "504": 100, "505": 150, "506": 150, "507": 60,
    "601": 60, "602": 150, "603": 20, "604": 16, "605": 30,
}  # fmt: skip
DEFAULT_WEIGHT = 50

# Who answers for a facility: by subtype, else by group.
DEPARTMENTS_BY_SUBTYPE = {
    "102": "东莞市消防救援支队麻涌大队",
    "104": "麻涌镇综治办",
    "106": "麻涌镇人防办",
    "201": "东莞市公安局交警支队麻涌中队",
    "203": "东莞市交通运输局麻涌分局",
    "204": "东莞市轨道交通有限公司",
    "301": "中国邮政麻涌支局",
    "304": "麻涌镇环卫所",
    "305": "麻涌镇环卫所",
    "501": "东莞市东江水务有限公司麻涌分公司",
    "503": "麻涌供电所",
    "504": "东莞新奥燃气有限公司",
    "505": "中国电信东莞麻涌分公司",
    "601": "中国工商银行东莞麻涌支行",
    "604": "东莞市市场监督管理局麻涌分局",
    "605": "东莞市生态环境局麻涌分局",
}
DEPARTMENTS_BY_GROUP = {
    "1": "东莞市公安局麻涌分局",
    "2": "麻涌镇城建办",
    "3": "麻涌镇城建办",
    "4": "麻涌镇文广中心",
    "5": "麻涌镇城建办",
    "6": "麻涌镇城市管理和综合执法分局",
}
GATE_SIDES = ("东门", "西门", "南门", "北门")


@dataclass(frozen=True)
class GridPlace:
    code: str
    village: VillageRow
    rect: Rect


def add_facilities(build: Build, count: int, grids: list[GridPlace], sites: list[Site]) -> None:
    """`count` facilities (at least one of every subtype), each with its department's phone."""
    rng = build.rng
    subtypes = code_list("facility_subtype")
    drawn = list(subtypes) + rng.choices(
        subtypes,
        [SUBTYPE_WEIGHTS.get(s.code, DEFAULT_WEIGHT) for s in subtypes],
        k=max(0, count - len(subtypes)),
    )
    phones: dict[str, str] = {}
    rect_of = {grid.code: grid.rect for grid in grids}
    serials: Counter[tuple[str, str]] = Counter()
    for subtype in drawn[: max(count, len(subtypes))]:
        group = subtype.parent or ""
        department = DEPARTMENTS_BY_SUBTYPE.get(subtype.code) or DEPARTMENTS_BY_GROUP.get(
            group, "麻涌镇人民政府"
        )
        if department not in phones:
            phones[department] = build.numbers.landline()
        plate_code: str | None = None
        if group == BUILDING_SERVICES_GROUP and sites:
            site = sites[rng.randrange(len(sites))]
            plate_code, grid_code, place = site.code, site.grid_code, site.village.name
            # A plate without coordinates: the facility still gets a point in the plate's grid.
            lon, lat = rect_of[grid_code].point(rng) if site.lon is None else (site.lon, site.lat)
            name = f"{site.street}{site.number}号{subtype.zh}"
        else:
            grid_place = grids[rng.randrange(len(grids))]
            grid_code, place = grid_place.code, grid_place.village.name
            lon, lat = grid_place.rect.point(rng)
            serials[(place, subtype.code)] += 1
            name = f"{place}{subtype.zh}{serials[(place, subtype.code)]}号"
        is_retired = rng.random() < RETIRED_SHARE
        build.add(
            "facilities",
            {
                "id": build.take_id("facilities"),
                "category": group,
                "subtype": subtype.code,
                "name": name[:120],
                "lon": lon,
                "lat": lat,
                "plate_code": plate_code,
                "grid_code": grid_code,
                "department": department,
                "phone": phones[department],
                "status": RecordStatus.RETIRED if is_retired else RecordStatus.ACTIVE,
                "created_at": build.now,
                "retired_at": build.now if is_retired else None,
            },
        )


def add_gates(build: Build, village: VillageRow, area: Rect, grid_codes: list[str]) -> None:
    """One or two gates at the village's edge: the first admits residents of all its grids,
    a second one those of the grids on its side."""
    rng = build.rng
    inner = area.inner()
    sides = rng.sample(GATE_SIDES, rng.randint(1, 2))
    for index, side in enumerate(sides):
        lon, lat = {
            "东门": (inner.east, (inner.south + inner.north) / 2),
            "西门": (inner.west, (inner.south + inner.north) / 2),
            "南门": ((inner.west + inner.east) / 2, inner.south),
            "北门": ((inner.west + inner.east) / 2, inner.north),
        }[side]
        grids = grid_codes if index == 0 else grid_codes[: max(1, len(grid_codes) // 2)]
        build.add(
            "gates",
            {
                "id": build.take_id("gates"),
                "name": f"{village.name}{side}",
                "village_code": village.code,
                "grid_codes": list(grids),
                "lon": round(lon, 6),
                "lat": round(lat, 6),
            },
        )
