"""标准作业图 drawn with folium from shared.reporting.operation_map's data.

Each layer goes to the browser as one compact array that JavaScript turns into markers
(portal.maps.layers, portal.maps.js). Every script and style is served locally
(portal.maps.base); the legend is plain HTML, never a branca colormap.
"""

from __future__ import annotations

import folium
from folium.utilities import JsCode

from portal.maps.base import TOWN_CENTRE, base_map
from portal.maps.js import FACILITY_MARKER_JS, GRID_TOOLTIP_JS, PENDING_MARKER_JS, PLATE_MARKER_JS
from portal.maps.layers import BrowserCluster, CircleLayer, Legend, cluster_icon_js
from shared.reporting.basemap_data import BasemapData
from shared.reporting.map_data import DotLayer, MapLayer, MarkerLayer, OperationMapData

# The plate page from inside st_folium's component iframe (/component/<name>/index.html), which
# also holds under server.baseUrlPath; see STREAMLIT_STATIC_PREFIX in portal.maps.base.
PLATE_PAGE_FROM_COMPONENT = "../../"
# Per kind of marker layer: the marker factory, and whether markercluster adds them in chunks
# (keeps the page responsive while thousands of plates or facilities go in).
_MARKERS = {
    "plates": (PLATE_MARKER_JS, True),
    "facilities": (FACILITY_MARKER_JS, True),
    "pending": (PENDING_MARKER_JS, False),
}


def draw_operation_map(data: OperationMapData, basemap: BasemapData | None = None) -> folium.Map:
    """The folium map of `data` over `basemap` (the town's own; see portal.maps.base): its layers
    in order, fitted to the plates, a layer control and, when any layer is chosen, the legend."""
    m = base_map(lon=TOWN_CENTRE[0], lat=TOWN_CENTRE[1], zoom=13, basemap=basemap)
    m.options["preferCanvas"] = True  # thousands of circles: canvas, not one SVG node each
    for layer in data.layers:
        _layer(layer).add_to(m)
    if data.bounds:
        m.fit_bounds(data.bounds)
    folium.LayerControl(collapsed=False).add_to(m)
    if data.legend:
        Legend(data.legend_title, data.legend).add_to(m)
    return m


def _layer(layer: MapLayer) -> folium.map.Layer:
    if isinstance(layer, MarkerLayer):
        factory, chunked = _MARKERS[layer.kind]
        options = {"chunked_loading": True} if chunked else {}
        return BrowserCluster(
            layer.rows,
            marker_factory=factory,
            lookup=layer.lookup,
            name=layer.name,
            icon_create_function=cluster_icon_js(layer.cluster_colour),
            **options,
            show_coverage_on_hover=False,
        )
    if isinstance(layer, DotLayer):
        return CircleLayer(
            layer.rows, colour=layer.colour, label=layer.label, name=layer.name, show=layer.show
        )
    colour = layer.colour  # an AreaLayer: the grids
    return folium.GeoJson(
        layer.features,
        name=layer.name,
        style_function=lambda _feature: {"color": colour, "weight": 2, "fillOpacity": 0.04},
        on_each_feature=JsCode(GRID_TOOLTIP_JS),
    )
