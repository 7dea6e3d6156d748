"""Map layers built in the browser from compact arrays, and a plain HTML legend.

A `folium.Marker` is a Python object rendered into its own lines of script: 28,000 of them take
seconds to build and megabytes to send. These layers send one JSON array of rows per layer and a
JavaScript function that turns a row into a Leaflet marker in the browser, like folium's
FastMarkerCluster, with two differences: markers go into the cluster in one `addLayers` call
(markercluster's bulk path: one `addTo` per marker re-clusters every time), and a look-up table
rides along with the rows so repeated text (street names, departments) is sent once.

Text reaches the page as DOM text nodes (`textContent`), never as HTML. The legend is a plain
Leaflet control: branca colormaps and Choropleth legends make `st_folium` fetch d3 from the
internet (see portal/maps/offline.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import folium.plugins
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from shared.reporting.map_data import LegendEntry

# A cluster bubble in one colour with the number of markers inside; `%COLOUR%` is filled in.
_CLUSTER_ICON_JS = """function (cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? 30 : count < 100 ? 36 : 44;
    var bubble = document.createElement("div");
    bubble.style.cssText = "width:100%;height:100%;border-radius:50%;background:%COLOUR%;"
        + "color:%TEXT%;font:bold 12px/1 sans-serif;display:flex;align-items:center;"
        + "justify-content:center;border:2px solid rgba(255,255,255,.85);box-sizing:border-box;"
        + "box-shadow:0 0 0 4px %COLOUR%55;";
    bubble.textContent = count;
    return L.divIcon({html: bubble, className: "", iconSize: L.point(size, size)});
}"""


def cluster_icon_js(colour: str) -> str:
    """An `iconCreateFunction` drawing clusters as bubbles of one colour (a `#rrggbb` value)."""
    if not (
        len(colour) == 7 and colour.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in colour[1:])
    ):
        raise ValueError(f"expected a #rrggbb colour, got {colour!r}")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    text = "#1c1c1c" if 0.299 * red + 0.587 * green + 0.114 * blue > 160 else "#fff"  # readable on light
    return _CLUSTER_ICON_JS.replace("%COLOUR%", colour).replace("%TEXT%", text)


class BrowserCluster(folium.plugins.FastMarkerCluster):
    """Clustered markers made in the browser: `rows` are `[lat, lon, ...]` lists and
    `marker_factory` is JavaScript source for `function (lookup) { return function (row) {...} }`,
    called once with `lookup` (any JSON) to make the per-row function, which returns a marker.

    The row list is sent as it is (FastMarkerCluster would check every location in Python):
    callers build rows from database floats. Leaflet.markercluster options go in `options`
    (snake_case is camel-cased by folium).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var lookup = {{ this.lookup|tojson }};
                var makeMarker = ({{ this.marker_factory }})(lookup);
                var data = {{ this.data|tojson }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                {%- if this.icon_create_function is not none %}
                cluster.options.iconCreateFunction = {{ this.icon_create_function.strip() }};
                {%- endif %}
                var markers = new Array(data.length);
                for (var i = 0; i < data.length; i++) {
                    markers[i] = makeMarker(data[i]);
                }
                cluster.addLayers(markers);
                return cluster;
            })();
        {% endmacro %}"""
    )

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        marker_factory: str,
        name: str,
        lookup: Any = None,
        show: bool = True,
        icon_create_function: str | None = None,
        **options: Any,
    ) -> None:
        super().__init__(  # type: ignore[no-untyped-call]  # folium leaves it unannotated
            [], name=name, show=show, icon_create_function=icon_create_function, **options
        )
        self._name = "BrowserCluster"
        self.data = [list(row) for row in rows]
        self.lookup = lookup
        self.marker_factory = marker_factory


class CircleLayer(Layer):
    """Small circles of one colour made in the browser from `[lat, lon, count]` rows, not clustered.

    The map should prefer canvas (`preferCanvas`): tens of thousands of SVG circles make panning
    slow, on a canvas they are cheap. A circle grows a little with `count` (e.g. buildings behind
    one plate); its tooltip is `label` with the count.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                var data = {{ this.data|tojson }};
                var style = {{ this.style|tojson }};
                var label = {{ this.label|tojson }};
                var circles = new Array(data.length);
                for (var i = 0; i < data.length; i++) {
                    var row = data[i];
                    var options = Object.assign({}, style, {radius: Math.min(style.radius + row[2] - 1, 9)});
                    circles[i] = L.circleMarker([row[0], row[1]], options);
                    circles[i].count = row[2];
                }
                var group = L.featureGroup(circles);
                group.bindTooltip(function (circle) {
                    var text = document.createElement("span");
                    text.textContent = circle.count > 1 ? label + " × " + circle.count : label;
                    return text;
                });
                return group;
            })();
        {% endmacro %}"""
    )

    def __init__(
        self, rows: Sequence[Sequence[Any]], *, colour: str, label: str, name: str, show: bool = True
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "CircleLayer"
        self.data = [list(row) for row in rows]
        self.label = label
        self.style = {
            "radius": 4,
            "color": "#ffffff",
            "weight": 1,
            "fillColor": colour,
            "fillOpacity": 0.85,
        }


class Legend(MacroElement):
    """A box on the map explaining the symbols: sections of (swatch, text) entries.

    A swatch is ("dot", colour), ("marker", colour, Font Awesome icon name) or ("outline",
    colour). The HTML is made here with every text escaped and goes into a Leaflet control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function () {
                var legend = L.control({position: {{ this.position|tojson }}});
                legend.onAdd = function () {
                    var box = L.DomUtil.create("div", "menpai-legend leaflet-bar");
                    box.innerHTML = {{ this.html|tojson }};
                    L.DomEvent.disableClickPropagation(box);
                    L.DomEvent.disableScrollPropagation(box);
                    return box;
                };
                legend.addTo({{ this._parent.get_name() }});
            })();
        {% endmacro %}"""
    )

    def __init__(
        self,
        title: str,
        sections: Sequence[tuple[str, Sequence[LegendEntry]]],
        *,
        position: str = "bottomleft",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca leaves it unannotated
        self._name = "Legend"
        self.position = position
        self.html = _legend_html(title, sections)


def _legend_html(title: str, sections: Sequence[tuple[str, Sequence[LegendEntry]]]) -> str:
    """A <details> box (open; a click folds it away): each section a heading (if any) and its
    entries in two columns."""
    parts = [
        '<details open style="background:#fff;padding:6px 10px;font:12px/1.5 sans-serif;'
        'max-height:320px;overflow-y:auto;color:#1c1c1c">',
        f'<summary style="font-weight:bold;cursor:pointer">{escape(title)}</summary>',
    ]
    for heading, entries in sections:
        if heading:
            parts.append(f'<div style="margin-top:4px;font-weight:bold">{escape(heading)}</div>')
        parts.append('<div style="display:grid;grid-template-columns:auto auto;column-gap:10px">')
        parts += [
            f'<div style="white-space:nowrap">{_swatch(swatch)} {escape(text)}</div>'
            for swatch, text in entries
        ]
        parts.append("</div>")
    parts.append("</details>")
    return "".join(parts)


def _swatch(swatch: tuple[str, ...]) -> str:
    kind, colour = swatch[0], escape(swatch[1])
    box = "display:inline-block;vertical-align:middle;width:14px;height:14px;"
    if kind == "dot":
        return f'<span style="{box}border-radius:50%;background:{colour};border:1px solid #fff"></span>'
    if kind == "marker":
        icon = escape(swatch[2])
        return (
            f'<span style="{box}border-radius:3px;background:{colour};color:#fff;font-size:9px;'
            f'text-align:center;line-height:14px"><i class="fa fa-{icon}"></i></span>'
        )
    if kind == "outline":
        return f'<span style="{box}border:2px solid {colour};background:{colour}10"></span>'
    raise ValueError(f"unknown legend swatch {kind!r}")
