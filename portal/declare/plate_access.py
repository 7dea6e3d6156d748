"""Opening the plate a page works on from its signed `?p=` link, and the one refusal shown for a
link that is broken, forged or for a plate we do not have (portal/ui/plate_refusal.py: the plate
page and the declaration pages say the same thing)."""

from datetime import date

import streamlit as st

from portal.ui.i18n import t
from portal.ui.plate_refusal import refuse_plate_link, show_retired
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.places.links import PLATE_PARAM, plate_link_query
from shared.places.plates import PlateLinkResult, PlateLinkStatus, PlateView, open_plate_link


def open_declaring_plate() -> PlateView:
    """The active plate of this page's link; anything else gets its message and stops the page."""
    token = st.query_params.get(PLATE_PARAM)
    with session_scope() as session:
        result = open_plate_link(session, token, today=local_today())
    if result.status is PlateLinkStatus.INVALID or result.plate is None:
        refuse_plate_link(token)
        st.stop()
    if result.status is PlateLinkStatus.RETIRED:
        show_retired(result.plate, result.successor)
        st.stop()
    plate = result.plate
    return plate


# A minute: a plate's rooms change in the office, rarely and not while a form is open; what a
# stale copy could let through (a room just retired) is refused by the submission's own checks.
@st.cache_data(ttl=60, max_entries=2000, show_spinner=False)
def _plate_of_link(token: str | None, today: date) -> PlateLinkResult:
    """The plate of a link as plain values, shared by every session that opens it."""
    with session_scope() as session:
        return open_plate_link(session, token, today=today)


def back_to_plate(plate: PlateView) -> None:
    """The way back to the plate page, the address as its label."""
    st.page_link(
        "app_pages/plate.py",
        label=f"{plate.village_name} · {plate.address}",
        icon=":material/arrow_back:",
        query_params=plate_link_query(plate.code),
    )


def require_rooms(plate: PlateView) -> None:
    """A person or a rental is declared in a room: without recorded rooms there is nothing to choose."""
    if not any(building.rooms for building in plate.buildings):
        st.info(
            t(
                "此门牌下还没有登记房间，暂不能网上申报；请联系网格员。",
                "No rooms are recorded at this address yet, so it cannot be declared online; "
                "ask the grid officer.",
            )
        )
        st.stop()
