"""Gate kiosk (门禁终端): one screen at a time, no menu, no toolbar, and no memory of the last person.

The gate is fixed by configuration (`MENPAI_GATE`, else `data/kiosk-gate.json` written by an
administrator at the first start). A resident scans the pass on the start screen or the
resident screen; visitors register; new tenants declare. Idle for `MENPAI_KIOSK_IDLE_SECONDS`
(60 s), the kiosk forgets everything; while the database is out of reach it says so and retries,
from its start screen (`shared.core.availability` decides what counts as out of reach).
"""

import streamlit as st

from kiosk import state
from kiosk.lifecycle import show_screen, the_gate, watch
from kiosk.widgets import kiosk_chrome
from portal.ui.i18n import t

st.set_page_config(
    page_title="门禁终端 Gate", page_icon="🚪", layout="centered", initial_sidebar_state="collapsed"
)
state.note_activity()
kiosk_chrome()
gate = the_gate()
watch()
show_screen(gate)
st.caption(t("麻涌镇 · 门牌", "Mayong · Menpai"))
