"""The operation map: its layers as the layer control names them, the rows each layer sends to
the browser against independent counts in the database, officers' scope, popups' counts and
signed links, pending declarations, and nothing fetched from outside."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

import pytest
import streamlit_folium
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
from shared.reporting.mapping import (
    STREAMLIT_STATIC_PREFIX,
    VENDOR_DIR,
    external_hosts_in_html,
    external_hosts_in_map,
    folium_cdn_defaults,
)
from shared.reporting.operation_map import LAYERS, build_operation_map, map_scope
from tests.factories import (
    declare_residence,
    make_building,
    make_facility,
    make_grid_area,
    make_id_number,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
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
]


@pytest.fixture(autouse=True)
def _folium_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Start from folium's shipped (CDN) asset lists, whatever ran before; no 天地图 key."""
    for cls, (js, css) in folium_cdn_defaults().items():
        monkeypatch.setattr(cls, "default_js", js)
        monkeypatch.setattr(cls, "default_css", css)
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    yield


@pytest.fixture
def town(session: Session) -> Session:
    """The small demo town (about 120 plates, 60 facilities), committed."""
    build_demo_town(session, scale="small", seed=2026, today=TODAY)
    session.commit()
    return session


# -- reading the map's HTML -----------------------------------------------------------------------


def overlays(html: str) -> dict[str, str]:
    """Layer-control name → the layer's JavaScript variable, as the control lists them."""
    block = html[html.index("overlays :  {") : html.index("L.control.layers(")]
    return {json.loads(name): var for name, var in re.findall(r'("(?:[^"\\]|\\.)*") : (\w+),', block)}


def embedded(html: str, var: str, what: str = "data") -> Any:
    """The JSON a browser-built layer carries (`var data = ...;` in the layer's function)."""
    start = html.index(f"var {var} = (function () {{")
    found = re.compile(rf"var {what} = (.*);\n").search(html, start)
    assert found is not None, f"no {what} in {var}"
    return json.loads(found.group(1))


def layer_rows(html: str, name: str) -> list[list[Any]]:
    rows: list[list[Any]] = embedded(html, overlays(html)[name])
    return rows


def grid_features(html: str) -> list[dict[str, Any]]:
    var = overlays(html)["网格"]
    found = re.search(rf"{var}_add\((\{{.*\}})\);\n", html)
    assert found is not None
    features: list[dict[str, Any]] = json.loads(found.group(1))["features"]
    return features


def render(session: Session, grids: list[str] | None = None, **kwargs: Any) -> str:
    html: str = build_operation_map(session, staff_grid_codes=grids, now=NOW, **kwargs).get_root().render()
    return html


# -- layers and counts, against the database -------------------------------------------------------


def test_layer_control_names_every_layer(town: Session) -> None:
    html = render(town)
    assert list(overlays(html)) == ZH_LAYERS
    assert html.count("L.control.layers(") == 1
    assert "menpai-legend" in html


def test_english_layer_names(town: Session) -> None:
    names = list(overlays(render(town, lang="en")))
    assert names[0] == "Grids" and names[-2:] == ["Plates", "Pending declarations"]
    assert "Facilities · Public security" in names and "Buildings · Residential" in names


def test_only_the_chosen_layers(town: Session) -> None:
    assert list(overlays(render(town, layers={"plates", "grids"}))) == ["网格", "门牌"]
    assert overlays(render(town, layers=set())) == {}
    with pytest.raises(ValueError, match="unknown map layers"):
        render(town, layers={"plates", "roads"})
    assert set(LAYERS) == {"plates", "buildings", "facilities", "grids", "pending"}


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
    rows = layer_rows(render(town), "门牌")
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


def test_facility_rows_per_group_are_the_active_facilities_on_the_map(town: Session) -> None:
    expected: Counter[str] = Counter()
    for facility in town.scalars(select(Facility).where(Facility.status == RecordStatus.ACTIVE)):
        plate = town.get(DoorPlate, facility.plate_code) if facility.plate_code else None
        placed = facility.lon is not None or (plate is not None and plate.lon is not None)
        expected[facility.category] += placed
    html = render(town)
    found = {g.code: len(layer_rows(html, f"设施 · {g.zh}")) for g in code_list("facility_group")}
    assert found == {g.code: expected[g.code] for g in code_list("facility_group")}
    assert sum(found.values()) >= 50 and all(found.values())


def test_building_circles_add_up_to_the_active_buildings_per_use(town: Session) -> None:
    expected: Counter[str] = Counter()
    for building in town.scalars(select(Building).where(Building.status == RecordStatus.ACTIVE)):
        expected[building.use] += building.plate.lon is not None
    html = render(town)
    for use in code_list("building_use"):
        rows = layer_rows(html, f"楼栋 · {use.zh}")
        assert sum(count for _, _, count in rows) == expected[use.code], use.zh


def test_building_layers_start_hidden_the_rest_shown(town: Session) -> None:
    html = render(town)
    for name, var in overlays(html).items():
        assert (f"{var}.addTo(map_" in html) is not name.startswith("楼栋"), name


def test_grid_polygons_carry_village_and_grid_names(town: Session) -> None:
    grids = town.execute(select(Grid.code, Grid.name).where(Grid.polygon.is_not(None))).all()
    features = grid_features(render(town))
    assert sorted(f["id"] for f in features) == sorted(code for code, _ in grids)
    names = dict(grids)
    for feature in features:
        assert feature["properties"]["label"].endswith(" · " + names[feature["id"]])


# -- officers' scope -------------------------------------------------------------------------------


def test_officer_sees_only_the_plates_facilities_and_grids_of_own_grids(town: Session) -> None:
    officer = town.scalars(select(User).where(User.role == Role.OFFICER)).one()
    own = list(officer.grid_codes)
    assert own
    html = render(town, grids=map_scope(staff_identity("officer", own)))
    codes = {verify_plate_token(row[4]) for row in layer_rows(html, "门牌")}
    expected = set(
        town.scalars(
            select(DoorPlate.code).where(
                DoorPlate.status == RecordStatus.ACTIVE,
                DoorPlate.lon.is_not(None),
                DoorPlate.grid_code.in_(own),
            )
        )
    )
    everything = layer_rows(render(town), "门牌")
    assert codes == expected and 0 < len(codes) < len(everything)
    assert {f["id"] for f in grid_features(html)} == set(own)
    facilities = sum(len(layer_rows(html, f"设施 · {g}")) for g in FACILITY_GROUPS)
    assert facilities == town.scalar(
        select(func.count()).where(Facility.status == RecordStatus.ACTIVE, Facility.grid_code.in_(own))
    )


def test_officer_without_grids_sees_an_empty_map(town: Session) -> None:
    html = render(town, grids=map_scope(staff_identity("officer", ())))
    assert layer_rows(html, "门牌") == []
    assert grid_features(html) == []
    assert all(layer_rows(html, f"设施 · {g}") == [] for g in FACILITY_GROUPS)


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
    html = render(session)
    [row] = layer_rows(html, "门牌")
    assert row[0:2] == [23.051235, 113.581235]  # six decimals are enough
    assert row[3] == "12号之一"
    assert row[5:] == [2, 2, 2]  # buildings, active rooms, current residents
    assert verify_plate_token(row[4]) == plate.code
    lookup = embedded(html, overlays(html)["门牌"], "lookup")
    assert lookup["streets"][row[2]] == ["麻涌大道", street.village.name]
    assert lookup["page"] == "../../" and lookup["param"] == "p"


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
    [row] = layer_rows(render(session), "待审核申报")
    assert verify_plate_token(row[2]) == plate.code
    assert row[4:] == [2, 1]  # two waiting, one of them overdue


def test_facility_at_a_plate_without_own_point_stands_at_the_plate(session: Session) -> None:
    plate = make_plate(session, lon=113.6, lat=23.1)
    make_facility(session, name="配电房", category="5", subtype="503", plate=plate, lon=None, lat=None)
    make_facility(session, name="无处可放", lon=None, lat=None)
    session.commit()
    html = render(session)
    [row] = layer_rows(html, "设施 · 房屋配套")
    assert row[:3] == [23.1, 113.6, "配电房"]
    lookup = embedded(html, overlays(html)["设施 · 房屋配套"], "lookup")
    assert lookup["icon"] == "building" and lookup["contacts"][row[4]] == ["麻涌消防", "0769-88220119"]
    assert layer_rows(html, "设施 · 公共安全") == []


# -- safety: text is text, every file is local ------------------------------------------------------


def test_names_cannot_inject_script(session: Session) -> None:
    """Street, facility and grid names travel as JSON strings and reach the page as text nodes."""
    village = make_village(session, name="麻一村")
    grid = make_grid_area(session, village=village, west=113.5, south=23.0, east=113.6, north=23.1)
    grid.name = HOSTILE
    plate = make_plate(session, street=make_street(session, village=village, name=HOSTILE), grid=grid)
    make_facility(session, name=HOSTILE, plate=plate)
    session.commit()
    html = render(session)
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    assert HOSTILE in layer_rows(html, "设施 · 公共安全")[0]
    assert embedded(html, overlays(html)["门牌"], "lookup")["streets"][0][0] == HOSTILE
    assert grid_features(html)[0]["properties"]["label"] == f"麻一村 · {HOSTILE}"
    assert html.count(".innerHTML") == 1  # the legend's own markup, escaped in Python


def test_map_fetches_nothing_from_outside_and_every_file_is_vendored(town: Session) -> None:
    m = build_operation_map(town, staff_grid_codes=None, now=NOW)
    assert external_hosts_in_map(m) == set()
    sent: dict[str, Any] = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kwargs: sent.update(kwargs)
    try:
        streamlit_folium.st_folium(m, returned_objects=[])
    finally:
        streamlit_folium._component_func = original
    links = sent["css_links"] + sent["js_links"]
    assert sent["js_links"][0].endswith("/leaflet.js")
    assert any("leaflet.markercluster.js" in url for url in links)
    assert any("leaflet.awesome-markers" in url for url in links)
    for url in links:
        assert url.startswith(STREAMLIT_STATIC_PREFIX + "/"), url
        assert (VENDOR_DIR / PurePosixPath(url.removeprefix(STREAMLIT_STATIC_PREFIX + "/"))).is_file(), url
    assert external_hosts_in_html(sent["header"] + sent["html"]) == set()
    assert "d3" not in " ".join(links)  # no branca colormap: the legend is plain HTML


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
    html = render(session, link_query="lang=English")
    assert embedded(html, overlays(html)["门牌"], "lookup")["query"] == "lang=English"
    chinese = render(session)
    assert embedded(chinese, overlays(chinese)["门牌"], "lookup")["query"] == ""
    assert '(lookup.query ? "&" + lookup.query : "")' in html  # the link appends it
