"""Which hosts a folium map would fetch scripts and styles from: none is the goal (see
portal.maps.base). The tests and `python -m bench map` check every map with these."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urlsplit

import branca.colormap
import folium
from branca.element import Element


def asset_urls(m: folium.Map) -> list[str]:
    """Every script/style URL `st_folium` will load for this map (it reads them per element).

    Mirrors streamlit_folium's walk, including the d3 URLs it hard-codes for any branca
    colormap (no attribute changes those: keep colormaps and Choropleth legends off our maps).
    """
    urls: list[str] = []
    for element in _walk(m):
        if isinstance(element, branca.colormap.ColorMap):
            urls += [
                "https://d3js.org/d3.v4.min.js",
                "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
            ]
        urls += [url for _, url in getattr(element, "default_css", [])]
        urls += [url for _, url in getattr(element, "default_js", [])]
    return list(dict.fromkeys(urls))


def external_hosts_in_html(html: str) -> set[str]:
    """Hosts that `<script src>` and `<link href>` in `html` would fetch from (none is the goal)."""
    parser = _AssetLinks()
    parser.feed(html)
    parser.close()
    return {host for url in parser.urls if (host := url_host(url))}


def external_hosts_in_map(m: folium.Map) -> set[str]:
    """External hosts of the map, both as folium renders it and as `st_folium` loads it."""
    html = m.get_root().render()
    return external_hosts_in_html(html) | {host for url in asset_urls(m) if (host := url_host(url))}


def url_host(url: str) -> str | None:
    """The host of an absolute or protocol-relative URL; None for local paths and data: URLs."""
    parts = urlsplit(url.strip())
    if parts.scheme in ("", "http", "https") and parts.netloc:
        return parts.hostname
    return None


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


class _AssetLinks(HTMLParser):
    """Collects the URLs of `<script src>` and `<link href>` tags."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        self.urls += [value for name, value in attrs if name == wanted and value]
