"""住户通行: scan a resident's (or visitor's) pass, by the USB scanner or the webcam, and show
the gate's decision; a scan that finds the database out of reach is kept and retried."""

from __future__ import annotations

import streamlit as st

from kiosk.screens.resident import CAMERA_ON_KEY, camera, queue_scan
from kiosk.widgets import SCAN_KEY, back_button, scan_field
from portal.ui.i18n import t
from shared.gate.gates import GateView


def show(gate: GateView) -> None:
    st.header(t("住户通行", "Resident pass"))
    st.markdown(
        t(
            "请将手机上的**住户通行码**对准下方的扫码器；也可以用摄像头拍摄通行码。",
            "Hold the **resident pass** on your phone to the scanner below, or show it to the camera.",
        )
    )
    scan_field(SCAN_KEY, t("扫描通行码", "Scan your pass"), queue_scan)
    if st.toggle(t("使用摄像头", "Use the camera"), key=CAMERA_ON_KEY):
        camera()
    back_button()
