"""The operation map's data: its layers as the layer control names them, the rows each layer sends
to the browser against independent counts in the database, officers' scope, popups' counts and
signed links, pending declarations. How portal.maps draws them: tests/portal/maps."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.codes import code_list
from shared.demo import build_demo_town
from shared.models import (
    Building,
    DeclarationStatus,
    DoorPlate,
    Facility,
    Grid,
    RecordStatus,
    Role,
    User,
)
from shared.places.links import verify_plate_token
from shared.reporting.map_data import AreaLayer, DotLayer, MapLayer, MarkerLayer, OperationMapData
from shared.reporting.operation_map import LAYERS, map_scope, operation_map_data
from tests.factories import (
    declare_residence,
    make_building,
    make_facility,
    make_id_number,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    person_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
HOSTILE = "12号 </script><script>alert(1)</script> `${alert(2)}` \\u"
FACILITY_GROUPS = [g.zh for g in code_list("facility_group")]
BUILDING_USES = [u.zh for u in code_list("building_use")]
ZH_LAYERS = [
    "网格",
    *(f"楼栋 · {use}" for use in BUILDING_USES),
    *(f"设施 · {group}" for group in FACILITY_GROUPS),
    "门牌",
    "待审核申报",
    *(f"平安出租屋 · {rating}" for rating in ("高风险", "需整改", "平安出租屋", "未检查")),
]


@pytest.fixture
def town(session: Session) -> Session:
    """The small demo town (about 120 plates, 60 facilities), committed."""
    build_demo_town(session, scale="small", seed=2026, today=TODAY)
    session.commit()
    return session


# -- reading the map's data ------------------------------------------------------------------------


def build(session: Session, grids: list[str] | None = None, **kwargs: Any) -> OperationMapData:
    return operation_map_data(session, staff_grid_codes=grids, plate_page="../../", now=NOW, **kwargs)


def names(data: OperationMapData) -> list[str]:
    return [layer.name for layer in data.layers]


def layer(data: OperationMapData, name: str) -> MapLayer:
    [found] = [layer for layer in data.layers if layer.name == name]
    return found


def layer_rows(data: OperationMapData, name: str) -> list[list[Any]]:
    found = layer(data, name)
    assert isinstance(found, MarkerLayer | DotLayer), name
    return found.rows


def lookup(data: OperationMapData, name: str) -> dict[str, Any]:
    found = layer(data, name)
    assert isinstance(found, MarkerLayer), name
    return found.lookup


def grid_features(data: OperationMapData) -> list[dict[str, Any]]:
    found = layer(data, "网格")
    assert isinstance(found, AreaLayer)
    features: list[dict[str, Any]] = found.features["features"]
    return features


# -- layers and counts, against the database -------------------------------------------------------


def test_layer_control_names_every_layer(town: Session) -> None:
    data = build(town)
    assert names(data) == ZH_LAYERS
    assert data.legend_title == "图例"
    assert [heading for heading, _ in data.legend] == ["", "楼栋", "设施", "平安出租屋"]
    assert [text for _, text in data.legend[0][1]] == ["门牌", "网格", "待审核申报", "待审核申报（超期）"]


def test_english_layer_names(town: Session) -> None:
    english = names(build(town, lang="en"))
    assert english[0] == "Grids" and english[-6:-4] == ["Plates", "Pending declarations"]
    assert english[-4:] == [
        f"Rental safety · {r}" for r in ("High risk", "Needs rectification", "Safe rental", "Not inspected")
    ]
    assert "Facilities · Public security" in english and "Buildings · Residential" in english


def test_only_the_chosen_layers(town: Session) -> None:
    assert names(build(town, layers={"plates", "grids"})) == ["网格", "门牌"]
    nothing = build(town, layers=set())
    assert nothing.layers == [] and nothing.legend == [] and nothing.bounds == []
    with pytest.raises(ValueError, match="unknown map layers"):
        build(town, layers={"plates", "roads"})
    assert set(LAYERS) == {"plates", "buildings", "facilities", "grids", "pending", "rentals"}


def test_plate_rows_are_the_active_plates_with_coordinates(town: Session) -> None:
    expected = set(
        town.scalars(
            select(DoorPlate.code).where(
                DoorPlate.status == RecordStatus.ACTIVE,
                DoorPlate.lon.is_not(None),
                DoorPlate.lat.is_not(None),
            )
        )
    )
    data = build(town)
    rows = layer_rows(data, "门牌")
    codes = [verify_plate_token(row[4]) for row in rows]  # each popup links with a signed token
    assert len(rows) == len(expected) > 100
    assert set(codes) == expected
    plates = {p.code: p for p in town.scalars(select(DoorPlate))}
    for row, code in zip(rows, codes, strict=True):
        assert code is not None
        assert row[:2] == [
            pytest.approx(plates[code].lat, abs=1e-6),
            pytest.approx(plates[code].lon, abs=1e-6),
        ]
    lats, lons = [row[0] for row in rows], [row[1] for row in rows]
    assert data.bounds == [  # the map fits the plates
        [pytest.approx(min(lats), abs=1e-6), pytest.approx(min(lons), abs=1e-6)],
        [pytest.approx(max(lats), abs=1e-6), pytest.approx(max(lons), abs=1e-6)],
    ]


def test_facility_rows_per_group_are_the_active_facilities_on_the_map(town: Session) -> None:
    expected: Counter[str] = Counter()
    for facility in town.scalars(select(Facility).where(Facility.status == RecordStatus.ACTIVE)):
        plate = town.get(DoorPlate, facility.plate_code) if facility.plate_code else None
        placed = facility.lon is not None or (plate is not None and plate.lon is not None)
        expected[facility.category] += placed
    data = build(town)
    found = {g.code: len(layer_rows(data, f"设施 · {g.zh}")) for g in code_list("facility_group")}
    assert found == {g.code: expected[g.code] for g in code_list("facility_group")}
    assert sum(found.values()) >= 50 and all(found.values())


def test_building_circles_add_up_to_the_active_buildings_per_use(town: Session) -> None:
    expected: Counter[str] = Counter()
    for building in town.scalars(select(Building).where(Building.status == RecordStatus.ACTIVE)):
        expected[building.use] += building.plate.lon is not None
    data = build(town)
    for use in code_list("building_use"):
        rows = layer_rows(data, f"楼栋 · {use.zh}")
        assert sum(count for _, _, count in rows) == expected[use.code], use.zh


def test_building_layers_start_hidden(town: Session) -> None:
    dots = [layer for layer in build(town).layers if isinstance(layer, DotLayer) and "楼栋" in layer.name]
    assert [layer.name for layer in dots] == [f"楼栋 · {use}" for use in BUILDING_USES]
    assert not any(layer.show for layer in dots)


def test_grid_polygons_carry_village_and_grid_names(town: Session) -> None:
    grids = town.execute(select(Grid.code, Grid.name).where(Grid.polygon.is_not(None))).all()
    features = grid_features(build(town))
    assert sorted(f["id"] for f in features) == sorted(code for code, _ in grids)
    names = dict(grids)
    for feature in features:
        assert feature["properties"]["label"].endswith(" · " + names[feature["id"]])


# -- officers' scope -------------------------------------------------------------------------------


def test_officer_sees_only_the_plates_facilities_and_grids_of_own_grids(town: Session) -> None:
    officer = town.scalars(select(User).where(User.role == Role.OFFICER)).one()
    own = list(officer.grid_codes)
    assert own
    data = build(town, grids=map_scope(staff_identity("officer", own)))
    codes = {verify_plate_token(row[4]) for row in layer_rows(data, "门牌")}
    expected = set(
        town.scalars(
            select(DoorPlate.code).where(
                DoorPlate.status == RecordStatus.ACTIVE,
                DoorPlate.lon.is_not(None),
                DoorPlate.grid_code.in_(own),
            )
        )
    )
    everything = layer_rows(build(town), "门牌")
    assert codes == expected and 0 < len(codes) < len(everything)
    assert {f["id"] for f in grid_features(data)} == set(own)
    facilities = sum(len(layer_rows(data, f"设施 · {g}")) for g in FACILITY_GROUPS)
    assert facilities == town.scalar(
        select(func.count()).where(Facility.status == RecordStatus.ACTIVE, Facility.grid_code.in_(own))
    )


def test_officer_without_grids_sees_an_empty_map(town: Session) -> None:
    data = build(town, grids=map_scope(staff_identity("officer", ())))
    assert layer_rows(data, "门牌") == []
    assert grid_features(data) == []
    assert all(layer_rows(data, f"设施 · {g}") == [] for g in FACILITY_GROUPS)
    assert data.bounds == []


def test_supervisors_and_admins_see_the_whole_town() -> None:
    assert map_scope(staff_identity("supervisor")) is None
    assert map_scope(staff_identity("admin")) is None
    assert map_scope(staff_identity("officer", ["G1", "G2"])) == ["G1", "G2"]


# -- popups and pending declarations, on hand-built data -------------------------------------------


def test_plate_popup_counts_buildings_active_rooms_and_current_residents(session: Session) -> None:
    street = make_street(session, name="麻涌大道")
    plate = make_plate(session, street=street, number="12之一", lon=113.581234567, lat=23.051234567)
    a, b = make_building(session, plate=plate), make_building(session, plate=plate, use="04")
    room = make_room(session, building=a, number="101", is_rental=True)
    make_room(session, building=a, number="102")
    make_room(session, building=b, number="201", status=RecordStatus.RETIRED)
    make_residence(session, room=room)
    make_residence(session, room=room, person=make_person(session, name="王五"))
    make_residence(session, room=room, person=make_person(session, name="赵六"), until=date(2026, 1, 1))
    session.commit()
    data = build(session)
    [row] = layer_rows(data, "门牌")
    assert row[0:2] == [23.051235, 113.581235]  # six decimals are enough
    assert row[3] == "12号之一"
    assert row[5:] == [2, 2, 2]  # buildings, active rooms, current residents
    assert verify_plate_token(row[4]) == plate.code
    plates = lookup(data, "门牌")
    assert plates["streets"][row[2]] == ["麻涌大道", street.village.name]
    assert plates["page"] == "../../" and plates["param"] == "p"
    assert plates["words"] == {
        "buildings": "楼栋",
        "rooms": "房间",
        "residents": "现住人数",
        "open": "打开门牌页",
    }


def test_pending_layer_counts_waiting_and_overdue_declarations_per_plate(session: Session) -> None:
    plate = make_plate(session)
    room = make_room(session, building=make_building(session, plate=plate), is_rental=True)
    declare_residence(session, room=room, now=NOW - timedelta(days=14))  # 10 working days: overdue
    declare_residence(session, room=room, now=NOW - timedelta(hours=3), person=_person("王小明", "015"))
    settled = declare_residence(
        session, room=room, now=NOW - timedelta(days=20), person=_person("刘小红", "026")
    )
    settled.status = DeclarationStatus.REJECTED  # decided: no longer on the pending layer
    elsewhere = make_plate(session, lon=None, lat=None)  # pending, but not on the map
    declare_residence(
        session,
        room=make_room(session, building=make_building(session, plate=elsewhere)),
        now=NOW,
        person=_person("陈小华", "037"),
    )
    session.commit()
    [row] = layer_rows(build(session), "待审核申报")
    assert verify_plate_token(row[2]) == plate.code
    assert row[4:] == [2, 1]  # two waiting, one of them overdue


def test_facility_at_a_plate_without_own_point_stands_at_the_plate(session: Session) -> None:
    plate = make_plate(session, lon=113.6, lat=23.1)
    make_facility(session, name="配电房", category="5", subtype="503", plate=plate, lon=None, lat=None)
    make_facility(session, name="无处可放", lon=None, lat=None)
    session.commit()
    data = build(session)
    [row] = layer_rows(data, "设施 · 房屋配套")
    assert row[:3] == [23.1, 113.6, "配电房"]
    facilities = lookup(data, "设施 · 房屋配套")
    assert facilities["icon"] == "building"
    assert facilities["contacts"][row[4]] == ["麻涌消防", "0769-88220119"]
    assert layer_rows(data, "设施 · 公共安全") == []


def _person(name: str, sequence: str) -> dict[str, Any]:
    """Another tenant (a different identity number), for the `person` field of a declaration."""
    sex = "1" if int(sequence[-1]) % 2 else "2"  # GB 11643: the last sequence digit
    return person_fields(
        name=name,
        sex=sex,
        birth_date=date(1992, 3, 4),
        id_number=make_id_number("430102", "19920304", sequence),
    )


def test_popup_links_carry_the_officers_language(session: Session) -> None:
    street = make_street(session)
    make_plate(session, street=street)
    session.commit()
    assert lookup(build(session, link_query="lang=English"), "门牌")["query"] == "lang=English"
    assert lookup(build(session), "门牌")["query"] == ""
