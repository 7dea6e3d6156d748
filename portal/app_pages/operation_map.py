"""标准作业图 (officer, supervisor, admin): plates, buildings, facilities, grids and pending
declarations on one map; officers see their own grids. Panning and clicking stay in the browser
(`returned_objects=[]`): only the layer choice reruns the page."""

import streamlit as st
from streamlit_folium import st_folium

from portal.maps.operation_map import PLATE_PAGE_FROM_COMPONENT, draw_operation_map
from portal.maps.town import cached_town_basemap
from portal.ui.i18n import current_lang, lang_query, t
from portal.ui.staff import guard
from shared.core.db import session_scope
from shared.models import Role, utcnow
from shared.reporting.operation_map import LAYERS, map_scope, operation_map_data

staff = guard(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
st.set_page_config(layout="wide")
st.header(t("标准作业图", "Operation map"))
names = {
    "plates": t("门牌", "Plates"),
    "buildings": t("楼栋（按用途）", "Buildings by use"),
    "facilities": t("设施（六大类）", "Facilities (six groups)"),
    "grids": t("网格", "Grids"),
    "pending": t("待审核申报", "Pending declarations"),
    "rentals": t("平安出租屋评级", "Rental safety ratings"),
}
chosen = st.pills(
    t("图层", "Layers"),
    options=LAYERS,
    format_func=names.__getitem__,
    selection_mode="multi",
    default=list(LAYERS),
    key="operation_map.layers",
)
scope = map_scope(staff)
if scope is not None:
    st.caption(t("只显示您负责的网格。", "Only your own grids are shown."))
with session_scope() as session:
    data = operation_map_data(
        session,
        staff_grid_codes=scope,
        plate_page=PLATE_PAGE_FROM_COMPONENT,
        layers=chosen,
        now=utcnow(),
        lang=current_lang(),
        link_query=lang_query(),
    )
st.caption(
    t(
        "楼栋图层默认隐藏，可在地图右上角勾选；点击门牌查看地址、楼栋、房间和现住人数。",
        "Building layers start hidden: tick them at the map's top right. Click a plate for its "
        "address, buildings, rooms and residents.",
    )
)
folium_map = draw_operation_map(data, cached_town_basemap(current_lang()))
st_folium(folium_map, height=680, use_container_width=True, returned_objects=[], key="operation_map.map")
