"""我的回执: open a declaration with its receipt code and the last 6 characters of the document,
see where it stands, correct and resubmit it, declare the move-out, confirm tenants."""

import streamlit as st

from portal.receipt.actions import (
    NOTICE,
    SHOW_FROM_STATUS,
    confirm_tenants,
    correction_form,
    look_up,
    move_out_form,
    opened_receipt,
)
from portal.receipt.pass_widgets import show_resident_pass, show_visitors
from portal.receipt.permit_widgets import show_permit
from portal.receipt.rectifications import show_rectifications
from portal.receipt.widgets import show_declared, show_people, show_status, show_timeline, show_way_back
from portal.ui.builtin_text import RECEIPT_OPENED_BOX
from portal.ui.i18n import t
from portal.ui.scroll import scroll_to_start
from shared.core.clock import local_today
from shared.models import utcnow

way_back = st.empty()
st.header(t("我的回执", "My receipt"))
look_up()  # a refused one closes the receipt that was open
opened = opened_receipt()
show_way_back(way_back, opened.view if opened else None)
if opened is None:
    st.stop()

view = opened.view
today = local_today(utcnow())
with st.container(key=RECEIPT_OPENED_BOX):  # what 查询 or an action shows: from its top
    if notice := st.session_state.get(NOTICE):
        st.success(t(*notice))
    show_status(view)
show_declared(view)
show_people(view)
show_resident_pass(view)  # an approved residence: the gate pass of each person
show_permit(view)  # a migrant resident: when a 居住证 can be applied for, and what to bring
show_visitors(view)  # an approved rental: recent visitors to its rooms, masked
show_rectifications(view)  # a rental: the 整改 of the landlord's safety inspection
confirm_tenants(view)
correction_form(view, today=today)
move_out_form(view, today=today)
show_timeline(view)
if turn := st.session_state.pop(SHOW_FROM_STATUS, None):
    # Once per opening: the script would run again whenever the page is drawn anew (a visit
    # back). Last on the page: an element there only once shifts none of the others.
    scroll_to_start(f"st-key-{RECEIPT_OPENED_BOX}", turn=turn)
