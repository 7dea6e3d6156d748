"""Find an address without a QR code: village → street → number, or free text."""

import streamlit as st

from portal.i18n import t
from shared.addresses import list_plate_numbers, list_streets, list_villages, search_addresses
from shared.db import session_scope
from shared.links import plate_link_query

st.header(t("查找地址", "Find an address"))

with session_scope() as session:
    villages = list_villages(session)

tab_choose, tab_text = st.tabs(
    [t("按村、街道、门牌号", "By village, street, number"), t("输入地址", "Type the address")]
)
with tab_choose:
    village = st.selectbox(
        t("村（社区）", "Village or community"),
        villages,
        format_func=lambda v: v[1],
        index=None,
        placeholder=t("请选择", "Choose"),
        key="search.village",
    )
    if village:
        with session_scope() as session:
            streets = list_streets(session, village_code=village[0])
        street = st.selectbox(
            t("街路巷", "Street"),
            streets,
            format_func=lambda s: s.name,
            index=None,
            placeholder=t("请选择", "Choose"),
            key="search.street",
        )
        if street:
            with session_scope() as session:
                numbers = list_plate_numbers(session, street_id=street.id)
            plate = st.selectbox(
                t("门牌号", "Number"),
                numbers,
                format_func=lambda n: f"{n[1]}号",
                index=None,
                placeholder=t("请选择", "Choose"),
                key="search.number",
            )
            if plate:
                st.page_link(
                    "app_pages/plate.py",
                    label=t(f"打开 {street.name} {plate[1]}号", f"Open {street.name} {plate[1]}"),
                    icon=":material/arrow_forward:",
                    query_params=plate_link_query(plate[0]),
                )
with tab_text:
    text = st.text_input(
        t("地址或门牌编码", "Address or plate code"),
        placeholder=t("例如 麻涌大道12号", "e.g. 麻涌大道12号"),
        key="search.text",
        max_chars=80,
    )
    if text:
        with session_scope() as session:
            hits = search_addresses(session, text)
        if not hits:
            st.warning(
                t(
                    "没有找到匹配的标准地址，请换个写法或按村、街道选择。",
                    "No standard address matches: try another spelling, or choose by village and street.",
                )
            )
        for hit in hits:
            st.page_link(
                "app_pages/plate.py",
                label=f"{hit.village_name} · {hit.address}",
                query_params=plate_link_query(hit.code),
            )
