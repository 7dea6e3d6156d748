"""The operation map as portal.maps draws it: the layer control lists shared's layers in their
order, each layer carries its rows and look-up as they are, building layers start hidden,
names stay text, and nothing is fetched from outside. What the rows hold: tests/reporting."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import pytest
import streamlit_folium
from sqlalchemy.orm import Session

from portal.maps.base import STREAMLIT_STATIC_PREFIX, VENDOR_DIR
from portal.maps.offline import external_hosts_in_html, external_hosts_in_map
from portal.maps.operation_map import PLATE_PAGE_FROM_COMPONENT, draw_operation_map
from shared.reporting.map_data import AreaLayer, OperationMapData
from shared.reporting.operation_map import operation_map_data
from tests.factories import make_facility, make_grid_area, make_plate, make_street, make_village

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
HOSTILE = "12号 </script><script>alert(1)</script> `${alert(2)}` \\u"


def data_of(session: Session, **kwargs: Any) -> OperationMapData:
    kwargs.setdefault("staff_grid_codes", None)
    return operation_map_data(session, plate_page=PLATE_PAGE_FROM_COMPONENT, now=NOW, **kwargs)


def render(data: OperationMapData) -> str:
    html: str = draw_operation_map(data).get_root().render()
    return html


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


def geojson(html: str, var: str) -> Any:
    found = re.search(rf"{var}_add\((\{{.*\}})\);\n", html)
    assert found is not None
    return json.loads(found.group(1))


def test_layer_control_lists_the_layers_in_order_with_their_rows(town: Session) -> None:
    data = data_of(town)
    html = render(data)
    control = overlays(html)
    assert list(control) == [layer.name for layer in data.layers]
    assert len(control) > 10 and len(set(control.values())) == len(control)
    for layer in data.layers:
        var = control[layer.name]
        if isinstance(layer, AreaLayer):
            assert geojson(html, var) == layer.features
            continue
        assert embedded(html, var) == layer.rows, layer.name
        if hasattr(layer, "lookup"):
            assert embedded(html, var, "lookup") == layer.lookup, layer.name
    assert html.count("L.control.layers(") == 1
    assert html.count("menpai-legend") == 1
    assert '"preferCanvas": true' in html
    [[south, west], [north, east]] = data.bounds
    assert f"fitBounds(\n                [[{south}, {west}], [{north}, {east}]]" in html


def test_no_layer_chosen_no_legend(town: Session) -> None:
    html = render(data_of(town, layers=set()))
    assert overlays(html) == {}
    assert "menpai-legend" not in html and "fitBounds" not in html


# Shown at first: everything but the buildings by use and the rentals that need nothing (平安出租屋,
# 未检查), which an officer turns on when needed.
HIDDEN_AT_FIRST = ("楼栋", "平安出租屋 · 平安出租屋", "平安出租屋 · 未检查")


def test_building_layers_and_safe_rentals_start_hidden_the_rest_shown(town: Session) -> None:
    html = render(data_of(town))
    for name, var in overlays(html).items():
        assert (f"{var}.addTo(map_" in html) is not name.startswith(HIDDEN_AT_FIRST), name


def test_popups_link_to_the_plate_page_from_the_component_in_the_officers_language(
    town: Session,
) -> None:
    html = render(data_of(town, link_query="lang=English"))
    lookup = embedded(html, overlays(html)["门牌"], "lookup")
    assert lookup["page"] == "../../" and lookup["param"] == "p" and lookup["query"] == "lang=English"
    assert '(lookup.query ? "&" + lookup.query : "")' in html  # the link appends it


def test_names_cannot_inject_script(session: Session) -> None:
    """Street, facility and grid names travel as JSON strings and reach the page as text nodes."""
    village = make_village(session, name="麻一村")
    grid = make_grid_area(session, village=village, west=113.5, south=23.0, east=113.6, north=23.1)
    grid.name = HOSTILE
    plate = make_plate(session, street=make_street(session, village=village, name=HOSTILE), grid=grid)
    make_facility(session, name=HOSTILE, plate=plate)
    session.commit()
    html = render(data_of(session))
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    control = overlays(html)
    assert HOSTILE in embedded(html, control["设施 · 公共安全"])[0]
    assert embedded(html, control["门牌"], "lookup")["streets"][0][0] == HOSTILE
    [feature] = geojson(html, control["网格"])["features"]
    assert feature["properties"]["label"] == f"麻一村 · {HOSTILE}"
    assert html.count(".innerHTML") == 1  # the legend's own markup, escaped in Python


def test_map_fetches_nothing_from_outside_and_every_file_is_vendored(
    town: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = draw_operation_map(data_of(town))
    assert external_hosts_in_map(m) == set()
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(m, returned_objects=[])
    links = sent["css_links"] + sent["js_links"]
    assert sent["js_links"][0].endswith("/leaflet.js")
    assert any("leaflet.markercluster.js" in url for url in links)
    assert any("leaflet.awesome-markers" in url for url in links)
    for url in links:
        assert url.startswith(STREAMLIT_STATIC_PREFIX + "/"), url
        assert (VENDOR_DIR / PurePosixPath(url.removeprefix(STREAMLIT_STATIC_PREFIX + "/"))).is_file(), url
    assert external_hosts_in_html(sent["header"] + sent["html"]) == set()
    assert "d3" not in " ".join(links)  # no branca colormap: the legend is plain HTML
