"""The parts of the plate page: what is at the plate, the ways on from it, whom to call."""

from __future__ import annotations

import streamlit as st

from portal.ui.i18n import current_lang, t
from portal.ui.plate_refusal import receipt_button
from portal.ui.rental_rating import staff_rental_box
from portal.ui.text import ROOMS_SHOWN_OPEN, markdown_table, phone_link
from portal.ui.widgets import mini_map
from shared.core.codes import label
from shared.models import PlateKind
from shared.places.links import MAP_PARAM, plate_link_query
from shared.places.plates import PlateView


def show_address(plate: PlateView) -> None:
    kind = (
        t("正式门牌", "Permanent plate")
        if plate.kind is PlateKind.FORMAL
        else t("临时门牌", "Temporary plate")
    )
    st.caption(f"{plate.village_name} · {kind} · {plate.code}")
    st.header(f"麻涌镇 {plate.address}")


# Plates whose landlord opened their rental's receipt in this browser session (code + last 6).
LANDLORD_OF_KEY = "plate.landlord_of"


def remember_landlord_of(plate_code: str) -> None:
    """The receipt check proved this session is the plate's landlord: show him the counts."""
    st.session_state.setdefault(LANDLORD_OF_KEY, set()).add(plate_code)


def may_see_resident_counts(plate: PlateView, *, is_staff: bool) -> bool:
    """Who lives how many to a room tells a stranger which rooms stand empty: only staff and the
    landlord (after his receipt check) see the counts; the public sees the rooms."""
    return is_staff or plate.code in st.session_state.get(LANDLORD_OF_KEY, set())


def show_buildings(plate: PlateView, *, with_counts: bool) -> None:
    """Each building with its rooms; with `with_counts`, how many people live in each (numbers,
    never names)."""
    lang = current_lang()
    for building in plate.buildings:
        with st.container(border=True):
            name = building.name or t("楼栋", "Building")
            st.markdown(
                f"**{name}** · {label('building_type', building.type, lang)}"
                f" · {label('building_use', building.use, lang)} · {building.floors} {t('层', 'floors')}"
            )
            rooms = markdown_table(
                [
                    {
                        t("房间", "Room"): r.number,
                        t("楼层", "Floor"): r.floor,
                        t("出租", "Rental"): t("是", "yes") if r.is_rental else t("否", "no"),
                    }
                    | ({t("现登记人数", "Residents declared"): r.resident_count} if with_counts else {})
                    for r in building.rooms
                ]
            )
            if len(building.rooms) <= ROOMS_SHOWN_OPEN:
                st.markdown(rooms)
            else:  # a long list folded, so the declaring buttons stay near the top of a phone
                with st.expander(t(f"{len(building.rooms)} 间房", f"{len(building.rooms)} rooms")):
                    st.markdown(rooms)
    if not plate.buildings:
        st.info(t("此门牌下暂无楼栋记录。", "No building is recorded at this plate yet."))
    staff_rental_box(plate)  # staff only: 平安出租屋 ratings and the inspection link


def ways_on(plate: PlateView) -> None:
    """Declare as the landlord, as a tenant or for an organisation; or open one's receipt."""
    # Side by side on a phone too (columns stack there), as on the plate card a scan opens first;
    # one above the other only where their words do not fit beside each other.
    with st.container(horizontal=True):
        landlord = st.button(
            t("我是房东/管理人", "I am the landlord or manager"), width="stretch", type="primary"
        )
        tenant = st.button(t("我住在这里", "I live here"), width="stretch", type="primary")
    organisation = st.button(
        t("单位申报", "Declare an organisation here"), type="tertiary", icon=":material/store:"
    )
    if landlord or tenant or organisation:
        target = "declare_landlord" if landlord else "declare_tenant" if tenant else "declare_organisation"
        st.switch_page(f"app_pages/{target}.py", query_params=plate_link_query(plate.code))
    receipt_button()


def show_officer(plate: PlateView) -> None:
    officer = f"{plate.officer_name or '—'} {phone_link(plate.officer_phone)}"
    police = f"{plate.police_station} {phone_link(plate.police_phone)}"
    with st.container(border=True):
        st.markdown(
            f"**{t('网格员', 'Grid officer')}**: {officer}"
            f"  \n**{t('网格', 'Grid')}**: {plate.grid_name or '—'}"
            f"  \n**{t('派出所', 'Police station')}**: {police}"
        )


@st.fragment
def map_on_request(plate: PlateView) -> None:
    """The plate's small map, one tap away: someone at the door needs the address and the ways
    on, not a map, and drawing it made up a tenth of the server's work per declaration and a fifth
    of what a phone loads (issues 12 and 16). The switch reruns only this part of the page."""
    if plate.lon is None or plate.lat is None:
        return
    shown = bool(st.query_params.get(MAP_PARAM))
    if st.toggle(t("在地图上查看位置", "Show on a map"), value=shown, key=f"plate-map-shown-{plate.code}"):
        mini_map(plate.lon, plate.lat, plate.address, key=f"plate-map-{plate.code}", height=260)
