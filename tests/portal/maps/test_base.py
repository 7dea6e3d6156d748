"""Maps with no internet: every script and style comes from portal/static/vendor, tiles as configured."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any

import branca.colormap
import folium
import folium.plugins
import pytest
import streamlit_folium

from portal.maps import base
from portal.maps.base import (
    STREAMLIT_STATIC_PREFIX,
    VENDOR_DIR,
    offline_assets,
    plate_map,
    tile_layers,
    town_overview_map,
)
from portal.maps.offline import asset_urls, external_hosts_in_html, external_hosts_in_map
from shared.core.config import get_settings

GRID = {
    "type": "Polygon",
    "coordinates": [[[113.57, 23.04], [113.59, 23.04], [113.59, 23.06], [113.57, 23.06], [113.57, 23.04]]],
}
POINTS = [(113.58, 23.05, "麻涌大道 12号"), (113.60, 23.07, "新基路 3号"), (113.55, 23.01, "漳澎大街 8号")]
CDN_HOSTS = {
    "cdn.jsdelivr.net",
    "cdnjs.cloudflare.com",
    "code.jquery.com",
    "netdna.bootstrapcdn.com",
    "unpkg.com",
    "d3js.org",
}


def _maps() -> list[folium.Map]:
    return [
        plate_map(lon=113.58, lat=23.05, label="麻涌大道 12号", grid_polygon=GRID),
        town_overview_map(POINTS, grids=[("麻一村 第1网格", GRID)]),
    ]


def _script_and_style_urls(html: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(r'<link[^>]*\shref="([^"]+)"', html)


def _vendored_file(url: str, prefix: str = STREAMLIT_STATIC_PREFIX) -> PurePosixPath:
    assert url.startswith(prefix + "/"), f"{url} is not under {prefix}"
    return PurePosixPath(url.removeprefix(prefix + "/"))


# --- the detector itself (negative controls) ---


def test_cdn_script_and_stylesheet_are_reported() -> None:
    html = """<head>
        <script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>
        <link rel="stylesheet" href="//netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css"/>
        <script src="../../app/static/vendor/jquery@3.7.1/dist/jquery.min.js"></script>
        <link rel="icon" href="data:image/png;base64,AAAA"/>
        <script>var tiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";</script>
    </head>"""
    assert external_hosts_in_html(html) == {"cdn.jsdelivr.net", "netdna.bootstrapcdn.com"}


def test_folium_defaults_are_reported_before_offline_assets() -> None:
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    assert external_hosts_in_map(m) == {
        "cdn.jsdelivr.net",
        "cdnjs.cloudflare.com",
        "code.jquery.com",
        "netdna.bootstrapcdn.com",
    }


def test_plugin_without_vendored_assets_is_reported() -> None:
    m = plate_map(lon=113.58, lat=23.05, label="x")
    folium.plugins.Fullscreen().add_to(m)
    assert "cdn.jsdelivr.net" in external_hosts_in_map(m)


def test_colormap_is_reported_because_st_folium_adds_d3_from_the_internet() -> None:
    m = plate_map(lon=113.58, lat=23.05, label="x")
    branca.colormap.LinearColormap(["red", "blue"]).add_to(m)
    assert {"d3js.org", "cdnjs.cloudflare.com"} <= external_hosts_in_map(m)


# --- our maps ---


@pytest.mark.parametrize("make", [0, 1], ids=["plate_map", "town_overview_map"])
def test_map_fetches_no_script_or_style_from_outside(make: int) -> None:
    m = _maps()[make]
    hosts = external_hosts_in_map(m)
    assert hosts == set()
    assert not CDN_HOSTS & external_hosts_in_html(m.get_root().render())


@pytest.mark.parametrize("make", [0, 1], ids=["plate_map", "town_overview_map"])
def test_every_asset_the_map_loads_exists_in_vendor(make: int) -> None:
    """A missing file stops st_folium's loading chain and leaves the map blank."""
    m = _maps()[make]
    urls = set(asset_urls(m)) | set(_script_and_style_urls(m.get_root().render()))
    assert len(urls) >= 10
    for url in urls:
        assert (VENDOR_DIR / _vendored_file(url)).is_file(), url


def test_st_folium_loads_only_vendored_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """What streamlit_folium itself hands its iframe (it drops folium's <script> tags)."""
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(town_overview_map(POINTS), returned_objects=[])
    links = sent["css_links"] + sent["js_links"]
    assert "../../app/static/vendor/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js" in links
    assert sent["js_links"][0].endswith("/leaflet.js")  # loaded one after another: Leaflet first
    for url in links:
        assert (VENDOR_DIR / _vendored_file(url)).is_file(), url
    assert external_hosts_in_html(sent["header"] + sent["html"]) == set()


def test_default_marker_images_are_found_although_st_folium_loads_css_late(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Leaflet's own guess yields `.../distmarker-icon.png` when leaflet.css is not loaded yet."""
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(town_overview_map(POINTS), returned_objects=[])
    path = re.search(r'L\.Icon\.Default\.imagePath = "([^"]+)";', sent["script"])
    assert path is not None
    assert path.group(1) == "../../app/static/vendor/leaflet@1.9.4/dist/images/"
    assert (VENDOR_DIR / _vendored_file(path.group(1) + "marker-icon.png")).is_file()
    assert sent["script"].index("L.Icon.Default.imagePath") < sent["script"].index("L.markerClusterGroup(")


def test_vendored_css_refers_only_to_files_that_exist() -> None:
    """CSS pulls images and fonts by relative url(): the folder layout must be intact."""
    stylesheets = sorted(VENDOR_DIR.rglob("*.css"))
    assert len(stylesheets) >= 7
    for css in stylesheets:
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            target = css.parent / ref.split("?")[0].split("#")[0]
            assert target.resolve().is_file(), f"{css.relative_to(VENDOR_DIR)} -> {ref}"


def test_offline_assets_takes_another_prefix_and_can_run_twice() -> None:
    offline_assets("vendor")
    offline_assets("vendor/")
    html = plate_map(lon=113.58, lat=23.05, label="x").get_root().render()
    urls = _script_and_style_urls(html)
    assert urls
    for url in urls:
        assert (VENDOR_DIR / _vendored_file(url, prefix="vendor")).is_file(), url
    names = [name for name, _ in folium.Map.default_js]
    assert names == ["leaflet", "jquery", "bootstrap", "awesome_markers"]


def test_map_has_a_max_zoom_so_clusters_render_without_tiles() -> None:
    html = town_overview_map(POINTS).get_root().render()
    map_options = html[html.index("L.map(") :].split(");")[0]
    assert '"maxZoom": 18' in map_options


# --- tiles ---


def test_no_tiles_unless_configured() -> None:
    assert tile_layers("none", "0123abcd") == []
    assert tile_layers("tianditu", None) == []  # 天地图 without a key: none rather than a broken layer


def test_openstreetmap_when_configured() -> None:
    [layer] = tile_layers("osm", None)
    assert "tile.openstreetmap.org" in layer.tiles
    assert layer.options["max_zoom"] == 18


def test_tianditu_vector_and_labels_with_a_key() -> None:
    base, labels = tile_layers("tianditu", "0123abcd")
    assert "/vec_w/wmts?" in base.tiles and "LAYER=vec&" in base.tiles
    assert "/cva_w/wmts?" in labels.tiles and "LAYER=cva&" in labels.tiles
    assert not base.overlay and labels.overlay
    for layer in (base, labels):
        assert layer.tiles.startswith("https://t{s}.tianditu.gov.cn/")
        assert layer.tiles.endswith("&tk=0123abcd")
        assert layer.options["subdomains"] == "01234567"
        assert "{z}" in layer.tiles and "{x}" in layer.tiles and "{y}" in layer.tiles


def test_tianditu_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIANDITU_KEY", "  ")
    assert base.tianditu_key() is None
    monkeypatch.setenv("TIANDITU_KEY", " 0123abcd ")
    get_settings.cache_clear()
    assert base.tianditu_key() == "0123abcd"
    # A key alone still means 天地图, as before MENPAI_MAP_TILES existed.
    html = plate_map(lon=113.58, lat=23.05, label="x").get_root().render()
    assert "tianditu.gov.cn/vec_w" in html and "tk=0123abcd" in html
    assert "openstreetmap" not in html


# --- labels are text, never markup or script ---

HOSTILE = "12号 </script><script>alert(1)</script> `${alert(2)}` \\u"


def test_plate_label_cannot_inject_script() -> None:
    html = plate_map(lon=113.58, lat=23.05, label=HOSTILE).get_root().render()
    assert "<script>alert(1)" not in html
    assert "${alert(2)}" not in html
    assert "`${" not in html
    assert "\\u\n" not in html and "\\u " not in html
    assert "&lt;/script&gt;" in html


def test_overview_labels_and_grid_names_cannot_inject_script() -> None:
    m = town_overview_map([(113.58, 23.05, HOSTILE)], grids=[(HOSTILE, GRID)])
    html = m.get_root().render()
    assert "<script>alert(1)" not in html
    # Point labels travel as one JSON array and reach the page as text nodes.
    data = re.search(r"var data = (.*);\n", html)
    assert data is not None and json.loads(data.group(1)) == [[23.05, 113.58, HOSTILE]]
    assert "label.textContent = row[2];" in html
    # Grid names go through folium's Tooltip, a JavaScript template literal.
    assert "&#96;&#36;{alert(2)}&#96;" in html
    assert "${alert(2)}" not in html.replace(data.group(0), "")


def test_overview_sends_points_as_lat_lon_label_rows() -> None:
    html = town_overview_map(POINTS).get_root().render()
    assert '[23.05, 113.58, "\\u9ebb\\u6d8c\\u5927\\u9053 12\\u53f7"]' in html
    assert html.count("L.markerClusterGroup(") == 1
    assert "L.control.layers(" in html
