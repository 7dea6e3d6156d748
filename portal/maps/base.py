"""Folium maps that render with no internet: local Leaflet assets, and under them the town's own
basemap (portal.maps.basemap) or, when MENPAI_MAP_TILES says so, OpenStreetMap or 天地图 tiles.

folium loads Leaflet and its plugins from public CDNs, which an intranet (政务外网) or an
offline machine cannot reach. `st_folium` loads, one after another inside its iframe, the
`default_js`/`default_css` lists of every element on the map; one failed file stops the chain
and the map stays blank with no error. `offline_assets()` points those lists at the copies in
`portal/static/vendor/` (fetched by `scripts/vendor-map-assets`), served by Streamlit's static
file serving. Tiles come from outside, so by default there are none (MENPAI_MAP_TILES=none):
the basemap drawn from the town's records is the background and the page fetches nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import quote

import folium
import folium.elements
import folium.plugins
from branca.element import MacroElement
from folium.template import Template

from portal.maps.basemap import TownBasemap
from portal.maps.offline import url_host
from shared.core.config import PROJECT_ROOT, get_settings
from shared.reporting.basemap_data import BasemapData

VENDOR_DIR = PROJECT_ROOT / "portal" / "static" / "vendor"
# Relative to st_folium's component iframe (/component/streamlit_folium.../index.html): it
# also works under server.baseUrlPath, where "/app/static/..." does not.
STREAMLIT_STATIC_PREFIX = "../../app/static/vendor"
MAX_ZOOM = 18  # 天地图's "w" matrix set ends at 18; MarkerCluster needs a max zoom to render at all
TOWN_CENTRE = (113.58, 23.05)  # 麻涌镇, lon/lat, approximate

# folium's asset names -> files under vendor/. Names not listed keep folium's CDN URL, which
# tests/portal/maps/test_base.py then reports as an external host.
_VENDORED: dict[type[Any], tuple[dict[str, str], dict[str, str]]] = {
    folium.Map: (
        {
            "leaflet": "leaflet@1.9.4/dist/leaflet.js",
            "jquery": "jquery@3.7.1/dist/jquery.min.js",
            "bootstrap": "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",
            "awesome_markers": "leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.min.js",
        },
        {
            "leaflet_css": "leaflet@1.9.4/dist/leaflet.css",
            "bootstrap_css": "bootstrap@5.2.2/dist/css/bootstrap.min.css",
            "glyphicons_css": "bootstrap@3.4.1/dist/css/bootstrap-glyphicons.css",
            "awesome_markers_font_css": "fontawesome-free@6.2.0/css/all.min.css",
            "awesome_markers_css": "leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css",
            "awesome_rotate_css": "folium/leaflet.awesome.rotate.min.css",
        },
    ),
    # FastMarkerCluster inherits these class attributes.
    folium.plugins.MarkerCluster: (
        {"markerclusterjs": "leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js"},
        {
            "markerclustercss": "leaflet.markercluster@1.5.3/dist/MarkerCluster.css",
            "markerclusterdefaultcss": "leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css",
        },
    ),
}

_TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)

# Markers are built in the browser; the label goes in as text, never as HTML.
_LABELLED_MARKER_JS = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]));
    marker.bindTooltip(function () {
        var label = document.createElement("span");
        label.textContent = row[2];
        return label;
    });
    return marker;
}"""


# Captured at import, before offline_assets() changes the class attributes (tests compare against it).
_CDN_DEFAULTS = {cls: (list(cls.default_js), list(cls.default_css)) for cls in _VENDORED}


def folium_cdn_defaults() -> dict[type[Any], tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """Folium's own asset lists as shipped (CDN URLs), captured before any re-pointing."""
    return {cls: (list(js), list(css)) for cls, (js, css) in _CDN_DEFAULTS.items()}


def offline_assets(static_prefix: str = STREAMLIT_STATIC_PREFIX) -> None:
    """Point folium (class-wide) at the vendored assets under `static_prefix`.

    The default suits `st_folium`; a standalone HTML file next to the vendor folder can pass
    e.g. "vendor". Calling it again just re-points the same entries.
    """
    prefix = static_prefix.rstrip("/")
    for cls, (js, css) in _VENDORED.items():
        cls.default_js = [
            (name, f"{prefix}/{js[name]}" if name in js else url) for name, url in cls.default_js
        ]
        cls.default_css = [
            (name, f"{prefix}/{css[name]}" if name in css else url) for name, url in cls.default_css
        ]


def tianditu_key() -> str | None:
    """The 天地图 browser key from TIANDITU_KEY, or None."""
    return os.environ.get("TIANDITU_KEY", "").strip() or None


def tile_layers(source: str, tianditu_key: str | None) -> list[folium.TileLayer]:
    """Base tiles from outside as MENPAI_MAP_TILES says: none (the default), OpenStreetMap, or
    天地图 vector + labels, which need a key (without one: none).

    天地图 is CGCS2000 without the GCJ-02 offset, so phone GPS plots on it directly.
    """
    if source == "osm":
        return [folium.TileLayer("OpenStreetMap", name="OpenStreetMap", max_zoom=MAX_ZOOM)]
    if source != "tianditu" or tianditu_key is None:
        return []
    key = quote(tianditu_key, safe="")
    return [
        folium.TileLayer(
            tiles=_TIANDITU_URL.format(layer=layer, key=key),
            attr="&copy; 天地图 Tianditu",
            name=name,
            subdomains="01234567",
            overlay=overlay,
            max_zoom=MAX_ZOOM,
        )
        for layer, name, overlay in (
            ("vec", "天地图 矢量 Tianditu", False),
            ("cva", "天地图 注记 Labels", True),
        )
    ]


def plate_map(
    *,
    lon: float,
    lat: float,
    label: str,
    grid_polygon: dict[str, Any] | None = None,
    zoom: int = 17,
    basemap: BasemapData | None = None,
) -> folium.Map:
    """The small map on the plate page: a marker at the plate and, if known, its grid (网格),
    over the basemap around it (shared.reporting.basemap_data.basemap_near)."""
    m = _base_map(lon=lon, lat=lat, zoom=zoom, basemap=basemap)
    if grid_polygon is not None:
        folium.GeoJson(grid_polygon, name="网格 Grid", style_function=_grid_style).add_to(m)
    folium.Marker(
        [lat, lon], tooltip=_html_text(label), icon=folium.Icon(color="red", icon="home", prefix="fa")
    ).add_to(m)
    return m


def town_overview_map(
    points: Sequence[tuple[float, float, str]],
    grids: Sequence[tuple[str, dict[str, Any]]] | None = None,
    *,
    basemap: BasemapData | None = None,
) -> folium.Map:
    """Many plates (lon, lat, label) clustered in the browser, grid polygons, a layer control.

    FastMarkerCluster sends the points as one array and builds markers in the browser, which
    keeps 20,000 plates quick; the map fits the points' bounds.
    """
    lon, lat = TOWN_CENTRE
    m = _base_map(lon=lon, lat=lat, zoom=13, basemap=basemap)
    if grids:
        group = folium.FeatureGroup(name="网格 Grids").add_to(m)
        for name, polygon in grids:
            # control=False: Leaflet's layer control would show the name as HTML.
            folium.GeoJson(
                polygon, tooltip=_html_text(name), style_function=_grid_style, control=False
            ).add_to(group)
    folium.plugins.FastMarkerCluster(  # type: ignore[no-untyped-call]  # folium leaves it unannotated
        [[p_lat, p_lon, label] for p_lon, p_lat, label in points],
        callback=_LABELLED_MARKER_JS,
        name="门牌 Plates",
    ).add_to(m)
    if points:
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]])
    folium.LayerControl().add_to(m)
    return m


def base_map(*, lon: float, lat: float, zoom: int, basemap: BasemapData | None = None) -> folium.Map:
    """An empty map with local assets, Leaflet's marker image path, the configured tiles and the
    basemap, for maps composed elsewhere (portal.maps.operation_map)."""
    return _base_map(lon=lon, lat=lat, zoom=zoom, basemap=basemap)


def _base_map(*, lon: float, lat: float, zoom: int, basemap: BasemapData | None) -> folium.Map:
    """A map with local assets, the configured tiles and the basemap: shown when there are no
    tiles, else a second base layer that takes over when the tiles cannot be fetched.

    `maxZoom` goes in as a Leaflet option: folium applies `max_zoom` only to the tile layer it
    creates itself, and with `tiles=None` it creates none.
    """
    if not _is_offline():
        offline_assets()
    m = folium.Map(location=[lat, lon], zoom_start=zoom, tiles=None, control_scale=True, maxZoom=MAX_ZOOM)
    _IconImagePath().add_to(m)
    tiles = tile_layers(get_settings().map_tiles, tianditu_key())
    for layer in tiles:
        layer.add_to(m)
    if basemap is not None:
        base_tiles = [layer for layer in tiles if not layer.overlay]
        TownBasemap(basemap, show=not base_tiles, fallback_for=tiles).add_to(m)
    return m


def _is_offline() -> bool:
    """Whether offline_assets() already ran (with any prefix): a caller's prefix is kept."""
    return not any(url_host(url) for _, url in folium.Map.default_js)


def _html_text(text: str) -> str:
    """Text as HTML for folium's Tooltip, which pastes it into a JavaScript `template literal`.

    Escaping `<` and `&` is not enough there: a backquote or `${` would run as script and a
    backslash (`\\u`) is a syntax error that leaves the whole map blank.
    """
    return escape(text).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _grid_style(_feature: dict[str, Any]) -> dict[str, Any]:
    return {"color": "#1f5fa8", "weight": 2, "fillOpacity": 0.06}


class _IconImagePath(MacroElement):
    """Tells Leaflet where its default marker images are, next to the leaflet.css in use.

    Leaflet guesses the folder from leaflet.css, but st_folium runs the map script before that
    CSS has loaded and Leaflet's fallback drops a slash (`.../distmarker-icon.png`): every
    marker without an icon of its own (FastMarkerCluster's) would show as a broken image.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.path|tojson }};
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca leaves it unannotated
        self._name = "IconImagePath"
        leaflet_css = dict(folium.Map.default_css)["leaflet_css"]
        self.path = leaflet_css.rsplit("/", 1)[0] + "/images/"
