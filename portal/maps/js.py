"""JavaScript the operation map runs in the browser (portal.maps.operation_map).

Each marker factory is `function (lookup) { return function (row) {...}; }`: called once with the
layer's look-up table, it returns the function that makes one marker from one compact row (the
row layouts are in shared.reporting.operation_map_data). Popups are made when first opened, from text
nodes only: names typed into forms never reach the page as HTML.
"""

# The link from a popup to the plate page (in a new tab, in the officer's language), put into each
# factory that needs it: the factories are separate scripts.
_PLATE_LINK_JS = """
    function plateLink(lookup, token, text) {
        var link = document.createElement("a");
        link.href = lookup.page + "?" + lookup.param + "=" + encodeURIComponent(token)
            + (lookup.query ? "&" + lookup.query : "");
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = text;
        return link;
    }"""

PLATE_MARKER_JS = (
    """function (lookup) {"""
    + _PLATE_LINK_JS
    + """
    function line(box, text, bold) {
        var el = document.createElement(bold ? "b" : "div");
        el.textContent = text;
        box.appendChild(el);
    }
    return function (row) {
        var marker = L.marker([row[0], row[1]]);
        marker.bindPopup(function () {
            var street = lookup.streets[row[2]], words = lookup.words, box = document.createElement("div");
            line(box, street[0] + " " + row[3], true);
            line(box, street[1] + " · " + row[4].split(".")[0]);
            line(box, words.buildings + " " + row[5] + " · " + words.rooms + " " + row[6]
                + " · " + words.residents + " " + row[7]);
            box.appendChild(plateLink(lookup, row[4], words.open));
            return box;
        });
        return marker;
    };
}"""
)
FACILITY_MARKER_JS = """function (lookup) {
    var icon = L.AwesomeMarkers.icon({icon: lookup.icon, prefix: "fa", markerColor: lookup.colour});
    return function (row) {
        var marker = L.marker([row[0], row[1]], {icon: icon});
        marker.bindPopup(function () {
            var box = document.createElement("div"), contact = lookup.contacts[row[4]];
            [row[2], lookup.subtypes[row[3]], contact[0], contact[1]].forEach(function (text, i) {
                if (!text) { return; }
                var el = document.createElement(i === 0 ? "b" : "div");
                el.textContent = text;
                box.appendChild(el);
            });
            return box;
        });
        return marker;
    };
}"""
PENDING_MARKER_JS = (
    """function (lookup) {"""
    + _PLATE_LINK_JS
    + """
    var icons = [false, true].map(function (late) {
        return L.AwesomeMarkers.icon({
            icon: late ? "triangle-exclamation" : "hourglass-half", prefix: "fa",
            markerColor: late ? lookup.overdue : lookup.pending
        });
    });
    return function (row) {
        // Above the plate's own pin, which stands at the same point.
        var marker = L.marker([row[0], row[1]], {icon: icons[row[5] > 0 ? 1 : 0], zIndexOffset: 1000});
        marker.bindPopup(function () {
            var box = document.createElement("div"), words = lookup.words;
            var title = document.createElement("b");
            title.textContent = row[3];
            box.appendChild(title);
            var counts = document.createElement("div");
            counts.textContent = words.waiting + " " + row[4]
                + (row[5] ? " · " + words.late + " " + row[5] : "");
            box.appendChild(counts);
            box.appendChild(plateLink(lookup, row[2], words.open));
            return box;
        });
        return marker;
    };
}"""
)
GRID_TOOLTIP_JS = """function (feature, layer) {
    var text = document.createElement("span");
    text.textContent = feature.properties.label;
    layer.bindTooltip(text, {sticky: true});
}"""
