"""The plate page: what a phone shows after scanning a door plate's QR code."""

import streamlit as st

from portal.declare.plate_access import refuse_plate_link
from portal.ui.i18n import current_lang, t
from portal.ui.widgets import mini_map, phone_text, search_hint
from shared.core.clock import local_today
from shared.core.codes import label
from shared.core.db import session_scope
from shared.models import PlateKind
from shared.places.links import PLATE_PARAM, plate_link_query
from shared.places.plates import PlateLinkStatus, open_plate_link

token = st.query_params.get(PLATE_PARAM)
if not token:
    st.header(t("门牌 · 麻涌镇", "Door plates · Mayong"))
    st.write(
        t(
            "请用手机扫描门牌上的二维码，或按地址查找。",
            "Scan the QR code on a door plate with your phone, or find the address.",
        )
    )
    search_hint()
    st.stop()

with session_scope() as session:
    result = open_plate_link(session, token, today=local_today())

if result.status is PlateLinkStatus.INVALID:
    refuse_plate_link()
    st.stop()

plate = result.plate
assert plate is not None
if result.status is PlateLinkStatus.RETIRED:
    st.warning(t(f"门牌 {plate.address} 已停用。", f"The plate {plate.address} has been retired."))
    if result.successor:
        st.page_link(
            "app_pages/plate.py",
            label=t(f"新门牌：{result.successor.address}", f"Its replacement: {result.successor.address}"),
            icon=":material/arrow_forward:",
            query_params=plate_link_query(result.successor.code),
        )
    search_hint()
    st.stop()

kind = (
    t("正式门牌", "Permanent plate") if plate.kind is PlateKind.FORMAL else t("临时门牌", "Temporary plate")
)
st.caption(f"{plate.village_name} · {kind} · {plate.code}")
st.header(f"麻涌镇 {plate.address}")

lang = current_lang()
for building in plate.buildings:
    with st.container(border=True):
        st.markdown(
            f"**{building.name or t('楼栋', 'Building')}** · {label('building_type', building.type, lang)}"
            f" · {label('building_use', building.use, lang)} · {building.floors} {t('层', 'floors')}"
        )
        st.dataframe(
            [
                {
                    t("房间", "Room"): r.number,
                    t("楼层", "Floor"): r.floor,
                    t("出租", "Rental"): t("是", "yes") if r.is_rental else t("否", "no"),
                    t("现登记人数", "Residents declared"): r.resident_count,
                }
                for r in building.rooms
            ],
            hide_index=True,
            width="stretch",
        )
if not plate.buildings:
    st.info(t("此门牌下暂无楼栋记录。", "No building is recorded at this plate yet."))

col_landlord, col_tenant = st.columns(2)
with col_landlord:
    landlord = st.button(
        t("我是房东/管理人", "I am the landlord or manager"), width="stretch", type="primary"
    )
with col_tenant:
    tenant = st.button(t("我住在这里", "I live here"), width="stretch", type="primary")
organisation = st.button(
    t("单位申报", "Declare an organisation here"), type="tertiary", icon=":material/store:"
)
if landlord or tenant or organisation:
    target = "declare_landlord" if landlord else "declare_tenant" if tenant else "declare_organisation"
    st.switch_page(f"app_pages/{target}.py", query_params=plate_link_query(plate.code))

with st.container(border=True):
    st.markdown(
        f"**{t('网格员', 'Grid officer')}**: {plate.officer_name or '—'} {phone_text(plate.officer_phone)}"
        f"  \n**{t('网格', 'Grid')}**: {plate.grid_name or '—'}"
        f"  \n**{t('派出所', 'Police station')}**: {plate.police_station} {phone_text(plate.police_phone)}"
    )
mini_map(plate.lon, plate.lat, plate.address, key=f"plate-map-{plate.code}", height=260)
