"""Gate kiosk: one screen, no menu. Pass checks and visitor registration build on this start screen."""

import os

import streamlit as st

from shared.migrate import upgrade_database

st.set_page_config(
    page_title="门禁 Gate", page_icon="🚪", layout="centered", initial_sidebar_state="collapsed"
)


@st.cache_resource
def _prepare_database() -> bool:
    upgrade_database()
    return True


_prepare_database()
gate_name = os.environ.get("MENPAI_GATE", "")
st.title("门禁终端 Gate kiosk")
st.subheader(gate_name or "未设置门岗 Gate not configured")
st.write("请出示住户通行码，或扫描门牌登记。 Show your resident pass, or scan a door plate to register.")
st.info("通行核验将在门禁版本中提供。 Pass checks arrive with the kiosk release.")
