"""访客登记: who visits whom, for what; then a visitor pass valid for a few hours.

No `st.form`: inside a form nothing reaches the server until it is sent, so the idle timer
could not tell a visitor still typing from an empty kiosk. Every field commits as it is left.
"""

from __future__ import annotations

import streamlit as st

from kiosk.screens.visitor import PASS_KEY, show_pass, visitor_form
from kiosk.widgets import back_button
from portal.ui.i18n import t
from shared.gate.gates import GateView
from shared.gate.visitors import VisitorPass


def show(gate: GateView) -> None:
    issued = st.session_state.get(PASS_KEY)
    if isinstance(issued, VisitorPass):
        show_pass(issued)
        return
    st.header(t("访客登记", "Visitor registration"))
    visitor_form(gate)
    back_button()
