"""Opening the plate a page works on from its signed `?p=` link (a cached copy: the plate page and
the declaration pages read it from the database once a minute per plate, not on every run), and
the one refusal shown for a link that is broken, forged or for a plate we do not have
(portal/ui/plate_refusal.py: the plate page and the declaration pages say the same thing)."""

from datetime import date

import streamlit as st

from portal.ui.i18n import t
from portal.ui.plate_refusal import refuse_plate_link, show_retired
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.places.links import PLATE_PARAM, plate_link_query, verify_plate_token
from shared.places.plates import PlateLinkResult, PlateLinkStatus, PlateView, open_plate_link


def open_declaring_plate() -> PlateView:
    """The active plate of this page's link; anything else gets its message and stops the page."""
    token = st.query_params.get(PLATE_PARAM)
    result = plate_of_link(token)
    if result.status is PlateLinkStatus.INVALID or result.plate is None:
        refuse_plate_link(token)
        st.stop()
    if result.status is PlateLinkStatus.RETIRED:
        show_retired(result.plate, result.successor)
        st.stop()
    return result.plate


def plate_of_link(token: str | None) -> PlateLinkResult:
    """What a plate link leads to, from a copy shared by every session that opens it: the plate
    page and each rerun of a declaration page read nothing from the database. A link that does
    not verify is refused before the cache, so forged links cannot fill it."""
    if token is None or verify_plate_token(token) is None:
        return PlateLinkResult(PlateLinkStatus.INVALID)
    return _plate_of_link(token, local_today())


# A minute: a plate's rooms change in the office, rarely and not while a form is open; what a
# stale copy could let through (a room just retired) is refused by the submission's own checks.
# Keyed on the verified token, one per plate and key (`today`: a plate retired on a date).
@st.cache_data(ttl=60, max_entries=2000, show_spinner=False)
def _plate_of_link(token: str, today: date) -> PlateLinkResult:
    """The plate of a link as plain values."""
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
