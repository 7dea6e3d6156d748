"""本镇底图 drawn in the browser from shared.reporting.basemap_data: village areas, streets with
their names, buildings as points. No tile server: the rows ride in the page (about 300 kB for a
town) and Leaflet draws them on a canvas, so the map works on an intranet that reaches neither
OpenStreetMap nor 天地图.

Its own panes keep it under every operation layer whatever order layers are switched in: areas
and streets at z-index 250 (tiles are at 200, overlays at 400), names at 450 (under markers, 600).
Street names and buildings appear from zoom 16 and 15, when they no longer crowd each other. When
tiles are configured it is the second base layer and takes over if the tiles fail to load.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from folium.map import Layer
from folium.template import Template

from shared.reporting.basemap_data import BASEMAP_DIGITS, BasemapData

BASEMAP_NAME = "本镇底图 Town basemap"
LAND_COLOUR = "#f2efe9"
STREET_COLOURS = ("#cfc6b6", "#ffffff")  # casing, then the street itself
BUILDING_COLOUR = "#a8957f"
FAILED_TILES = 4  # tile errors with none loaded before the basemap takes over

_TEMPLATE = """
{% macro script(this, kwargs) %}
    var {{ this.get_name() }} = (function () {
        var data = {{ this.data|tojson }};
        var style = {{ this.style|tojson }};
        function pane(map, name, zIndex) {
            var found = map.getPane(name) || map.createPane(name);
            found.style.zIndex = zIndex;
            found.style.pointerEvents = "none";
            return name;
        }
        function label(at, text, css, paneName) {
            var span = document.createElement("span");
            span.textContent = text;
            span.style.cssText = "position:absolute;transform:translate(-50%,-50%);white-space:nowrap;"
                + "font:" + css + " sans-serif;color:#4a4238;text-shadow:0 0 3px #fff,0 0 3px #fff;";
            return L.marker(at, {
                icon: L.divIcon({html: span, className: "", iconSize: null}),
                interactive: false, keyboard: false, pane: paneName
            });
        }
        function build(map) {
            var areas = pane(map, "menpaiBasemap", 250), names = pane(map, "menpaiBasemapNames", 450);
            var renderer = L.canvas({pane: areas, padding: 0.3});
            var ground = L.layerGroup(), buildings = L.layerGroup(), streetNames = L.layerGroup();
            var villageNames = L.layerGroup();
            data.villages.forEach(function (village) {
                ground.addLayer(L.polygon(village.rings, {
                    renderer: renderer, color: village.fill, weight: 1, fillColor: village.fill,
                    fillOpacity: 1, interactive: false
                }));
                if (village.label_at) {
                    villageNames.addLayer(label(village.label_at, village.name, "bold 13px/1", names));
                }
            });
            style.streets.forEach(function (colour, i) {
                data.streets.forEach(function (street) {
                    ground.addLayer(L.polyline(street[1], {
                        renderer: renderer, color: colour, weight: i ? 4 : 7, lineCap: "round",
                        lineJoin: "round", interactive: false
                    }));
                });
            });
            data.streets.forEach(function (street) {
                var middle = street[1][Math.floor(street[1].length / 2)];
                streetNames.addLayer(label(middle, street[0], "11px/1", names));
            });
            for (var i = 0; i + 1 < data.buildings.length; i += 2) {
                buildings.addLayer(L.circleMarker(
                    [data.origin[0] + data.buildings[i] / data.scale,
                     data.origin[1] + data.buildings[i + 1] / data.scale],
                    {renderer: renderer, radius: 2.5, stroke: false, fillColor: style.building,
                     fillOpacity: 0.9, interactive: false}
                ));
            }
            return {
                ground: ground, villageNames: villageNames, streetNames: streetNames, buildings: buildings
            };
        }
        var Basemap = L.Layer.extend({
            options: {attribution: "本镇数据 Town records"},
            onAdd: function (map) {
                this._parts = this._parts || build(map);
                this._background = map.getContainer().style.background;
                map.getContainer().style.background = style.land;
                map.addLayer(this._parts.ground);
                map.addLayer(this._parts.villageNames);
                var parts = this._parts;
                this._onZoom = function () {
                    var zoom = map.getZoom();
                    [[parts.buildings, zoom >= 15], [parts.streetNames, zoom >= 16]].forEach(function (pair) {
                        if (pair[1]) { map.addLayer(pair[0]); } else { map.removeLayer(pair[0]); }
                    });
                };
                map.on("zoomend", this._onZoom);
                this._onZoom();
            },
            onRemove: function (map) {
                map.off("zoomend", this._onZoom);
                var parts = this._parts;
                [parts.ground, parts.villageNames, parts.streetNames, parts.buildings].forEach(
                    function (part) { map.removeLayer(part); }
                );
                map.getContainer().style.background = this._background;
            }
        });
        return new Basemap();
    })();
    {%- if this.fallback_for %}
    (function (basemap, tiles, map) {
        // Tiles that cannot be fetched (an intranet): switch to the town's own basemap once.
        var loaded = 0, failed = 0, switched = false;
        tiles.forEach(function (layer) {
            layer.on("tileload", function () { loaded += 1; });
            layer.on("tileerror", function () {
                failed += 1;
                if (switched || loaded > 0 || failed < {{ this.failed_tiles }}) { return; }
                switched = true;
                tiles.forEach(function (other) { map.removeLayer(other); });
                map.addLayer(basemap);
            });
        });
    })({{ this.get_name() }}, [
        {%- for tiles in this.fallback_for %}{{ tiles.get_name() }}{{ "," if not loop.last }}{% endfor -%}
    ], {{ this._parent.get_name() }});
    {%- endif %}
{% endmacro %}
"""


class TownBasemap(Layer):
    """The basemap as a base layer (a radio button in the layer control). `fallback_for`: the
    tile layers it replaces when they fail to load; it is then added hidden (`show` False)."""

    _template = Template(_TEMPLATE)

    def __init__(
        self, basemap: BasemapData, *, show: bool = True, fallback_for: Sequence[folium.TileLayer] = ()
    ) -> None:
        super().__init__(name=BASEMAP_NAME, overlay=False, control=True, show=show)
        self._name = "TownBasemap"
        self.data = {
            "villages": basemap.villages,
            "streets": basemap.streets,
            "buildings": basemap.buildings,
            "origin": basemap.origin,
            "scale": 10**BASEMAP_DIGITS,
        }
        self.style = {"land": LAND_COLOUR, "streets": list(STREET_COLOURS), "building": BUILDING_COLOUR}
        self.fallback_for = list(fallback_for)
        self.failed_tiles = FAILED_TILES
