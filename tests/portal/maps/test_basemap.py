"""The town's own basemap on the maps: by default no tile layer and no URL outside the app in the
page, the basemap's rows carried as they are, names as text; tiles only when MENPAI_MAP_TILES says
so, with the basemap then second and taking over when the tiles fail. What the rows hold:
tests/reporting/test_basemap_data.py."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from portal.maps.base import plate_map
from portal.maps.basemap import BASEMAP_NAME
from portal.maps.offline import external_hosts_in_map
from portal.maps.operation_map import PLATE_PAGE_FROM_COMPONENT, draw_operation_map
from shared.core.config import get_settings
from shared.reporting.basemap_data import BasemapData, basemap_near, town_basemap
from shared.reporting.operation_map import operation_map_data

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
HOSTILE = "12号 </script><script>alert(1)</script> `${alert(2)}` \\u"
URL = re.compile(r"""(?:https?:)?//[\w.-]+\.[a-z]{2,}""", re.IGNORECASE)
RING = [[23.0, 113.5], [23.0, 113.6], [23.1, 113.6]]
SMALL = BasemapData(
    villages=[{"name": "麻一村", "fill": "#fbe3c4", "rings": [RING], "label_at": [23.03, 113.57]}],
    streets=[["麻涌大道", [[23.05, 113.55], [23.05, 113.56]]]],
    buildings=[0, 0, 10, 20],
    origin=[23.05, 113.55],
)  # fmt: skip


def operation_map_html(session: Session, basemap: BasemapData | None) -> str:
    data = operation_map_data(session, staff_grid_codes=None, plate_page=PLATE_PAGE_FROM_COMPONENT, now=NOW)
    html: str = draw_operation_map(data, basemap).get_root().render()
    return html


def embedded_basemap(html: str) -> Any:
    found = re.search(r"var (town_basemap_\w+) = \(function \(\) \{\s+var data = (.*);\n", html)
    assert found is not None, "no basemap on the map"
    return json.loads(found.group(2))


def base_layers(html: str) -> list[str]:
    block = html[html.index("base_layers : {") : html.index("overlays :  {")]
    return [json.loads(name) for name in re.findall(r'("(?:[^"\\]|\\.)*") : \w+,', block)]


def set_tiles(monkeypatch: pytest.MonkeyPatch, tiles: str | None, key: str | None = None) -> None:
    for name, value in (("MENPAI_MAP_TILES", tiles), ("TIANDITU_KEY", key)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_by_default_the_operation_map_fetches_nothing_from_outside(town: Session) -> None:
    basemap = town_basemap(town)
    data = operation_map_data(town, staff_grid_codes=None, plate_page=PLATE_PAGE_FROM_COMPONENT, now=NOW)
    m = draw_operation_map(data, basemap)
    html = m.get_root().render()
    assert external_hosts_in_map(m) == set()
    assert "L.tileLayer(" not in html
    assert URL.findall(html) == []  # no tile template, no script, no link to another host
    assert base_layers(html) == [BASEMAP_NAME]
    sent = embedded_basemap(html)
    assert sent["villages"] == basemap.villages
    assert sent["streets"] == basemap.streets
    assert sent["buildings"] == basemap.buildings and sent["origin"] == basemap.origin
    assert len(sent["streets"]) > 10 and len(sent["buildings"]) > 100


def test_plate_map_draws_the_basemap_around_the_plate(town: Session) -> None:
    basemap = town_basemap(town)
    here = basemap.building_points()[0]
    near = basemap_near(basemap, lat=here[0], lon=here[1], metres=400)
    m = plate_map(lon=here[1], lat=here[0], label="麻涌大道 1号", basemap=near)
    html = m.get_root().render()
    assert external_hosts_in_map(m) == set() and URL.findall(html) == []
    assert embedded_basemap(html)["streets"] == near.streets
    assert ".addTo(map_" in html[html.index("var town_basemap_") :]  # shown, not only listed


def test_without_basemap_data_the_map_is_plain_but_still_local() -> None:
    m = plate_map(lon=113.58, lat=23.05, label="x")
    html = m.get_root().render()
    assert "town_basemap_" not in html and "L.tileLayer(" not in html
    assert URL.findall(html) == []


def test_names_reach_the_page_as_text() -> None:
    hostile = BasemapData(
        villages=[{**SMALL.villages[0], "name": HOSTILE}],
        streets=[[HOSTILE, SMALL.streets[0][1]]],
        buildings=SMALL.buildings,
        origin=SMALL.origin,
    )
    html = plate_map(lon=113.55, lat=23.05, label="x", basemap=hostile).get_root().render()
    assert "<script>alert(1)" not in html
    sent = embedded_basemap(html)
    data_line = re.search(r"var data = .*;\n", html)
    assert data_line is not None and "${alert(2)}" not in html.replace(data_line.group(0), "")
    assert sent["villages"][0]["name"] == HOSTILE and sent["streets"][0][0] == HOSTILE
    assert "span.textContent = text;" in html and "innerHTML" not in html


def test_openstreetmap_only_when_configured_with_the_basemap_as_fallback(
    town: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_tiles(monkeypatch, "osm")
    html = operation_map_html(town, SMALL)
    assert "tile.openstreetmap.org" in html
    assert base_layers(html) == ["OpenStreetMap", BASEMAP_NAME]
    script = html[html.index("var town_basemap_") :]
    assert not re.search(r"town_basemap_\w+\.addTo\(", script)  # hidden until the tiles fail
    assert 'layer.on("tileerror"' in script and "map.addLayer(basemap);" in script


def test_tianditu_with_a_key_alone_as_before(town: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    set_tiles(monkeypatch, None, key="0123abcd")
    html = operation_map_html(town, SMALL)
    assert "tianditu.gov.cn/vec_w" in html and "openstreetmap" not in html
    assert base_layers(html) == ["天地图 矢量 Tianditu", BASEMAP_NAME]


@pytest.mark.parametrize(("tiles", "key"), [("none", "0123abcd"), ("tianditu", None), ("NONE", None)])
def test_no_tiles_when_set_to_none_or_tianditu_has_no_key(
    town: Session, monkeypatch: pytest.MonkeyPatch, tiles: str, key: str | None
) -> None:
    set_tiles(monkeypatch, tiles, key)
    html = operation_map_html(town, SMALL)
    assert "L.tileLayer(" not in html and URL.findall(html) == []
    assert base_layers(html) == [BASEMAP_NAME]


def test_an_unknown_tile_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    set_tiles(monkeypatch, "google")
    with pytest.raises(ValueError, match="MENPAI_MAP_TILES='google'"):
        get_settings()
