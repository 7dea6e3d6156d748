"""Small pieces several portal pages share."""

import streamlit as st
from streamlit_folium import st_folium

from portal.maps.base import plate_map
from portal.maps.town import basemap_around
from portal.ui.i18n import current_lang, t


def search_hint() -> None:
    """The way on when there is no usable plate link: search by village, street and number."""
    st.page_link(
        "app_pages/search.py",
        label=t("按地址查找门牌", "Find a plate by its address"),
        icon=":material/search:",
    )


def mini_map(lon: float | None, lat: float | None, label: str, *, key: str, height: int) -> None:
    """A small map at a plate over the town's own basemap, served without any CDN or tile server;
    a note when the plate has no position."""
    if lon is None or lat is None:
        st.caption(t("此门牌暂无坐标。", "This plate has no coordinates yet."))
        return
    basemap = basemap_around(lon=lon, lat=lat, lang=current_lang())
    folium_map = plate_map(lon=lon, lat=lat, label=label, basemap=basemap)
    # returned_objects=[]: panning the map must not rerun the page.
    # use_container_width: a phone's column is narrower than st_folium's default 500 px.
    st_folium(folium_map, height=height, use_container_width=True, returned_objects=[], key=key)
