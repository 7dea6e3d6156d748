"""The plate page: what a phone shows after scanning a door plate's QR code (the home page
without one)."""

import streamlit as st

from portal.declare.plate_access import plate_of_link
from portal.ui.plate_page import (
    map_on_request,
    may_see_resident_counts,
    show_address,
    show_buildings,
    show_officer,
    ways_on,
)
from portal.ui.plate_refusal import refuse_plate_link, show_home, show_retired
from portal.ui.staff import current_staff
from shared.places.links import MAP_PARAM, PLATE_PARAM
from shared.places.plates import PlateLinkStatus

token = st.query_params.get(PLATE_PARAM)
if not token:
    show_home()
    st.stop()

result = plate_of_link(token)
plate = result.plate
if result.status is PlateLinkStatus.INVALID or plate is None:
    refuse_plate_link(token)
    st.stop()
if result.status is PlateLinkStatus.RETIRED:
    show_retired(plate, result.successor)
    st.stop()

show_address(plate)
map_asked = bool(st.query_params.get(MAP_PARAM))  # from the plate card: the map first, in view
if map_asked:
    map_on_request(plate)
show_buildings(plate, with_counts=may_see_resident_counts(plate, is_staff=current_staff() is not None))
ways_on(plate)
show_officer(plate)
if not map_asked:
    map_on_request(plate)
