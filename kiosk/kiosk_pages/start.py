"""The start screen: a resident can just scan; three big choices for everything else."""

from __future__ import annotations

import streamlit as st

from kiosk import state
from kiosk.screens.resident import queue_scan
from kiosk.widgets import SCAN_KEY, scan_field
from portal.ui.i18n import t
from shared.gate.gates import GateView

CHOICES = (
    (state.RESIDENT, ("住户通行", "Resident pass"), ":material/qr_code_scanner:"),
    (state.VISITOR, ("访客登记", "Visitor"), ":material/badge:"),
    (state.TENANT, ("新租户登记", "New tenant"), ":material/home_work:"),
)


def show(gate: GateView) -> None:
    st.title(t("门禁终端", "Gate kiosk"))
    st.subheader(f"{gate.village_name} · {gate.name}")
    scan_field(SCAN_KEY, t("住户请直接扫描通行码", "Residents: just scan your pass"), queue_scan)
    for column, (screen, (zh, en), icon) in zip(st.columns(3), CHOICES, strict=True):
        column.button(
            t(zh, en),
            key=f"kiosk.choice-{screen}",  # the CSS makes `st-key-kiosk-choice-*` buttons big
            icon=icon,
            width="stretch",
            on_click=state.go,
            args=(screen,),
        )
