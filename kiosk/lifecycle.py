"""What the kiosk's router runs: its gate, its clock (results end, idle sessions are forgotten),
the screen of this run, and the retry after the database was found out of reach."""

from __future__ import annotations

import streamlit as st

from kiosk import state
from kiosk.config import configured_gate
from kiosk.data import load_gate, note_outage, prepare_database
from kiosk.kiosk_pages import resident, setup, start, tenant, visitor
from kiosk.screens.resident import check_pending, has_pending, show_decision
from kiosk.widgets import back_button, unavailable
from portal.ui.i18n import LANG_KEY
from shared.core.availability import is_database_unavailable
from shared.gate.gates import GateView

RETRY_SECONDS = 3
OUTAGE_KEY = "kiosk.outage_at"
SCREENS = {state.START: start.show, state.RESIDENT: resident.show, state.VISITOR: visitor.show,
           state.TENANT: tenant.show}  # fmt: skip


@st.fragment(run_every=1)
def watch() -> None:
    """The kiosk's clock: back to the start after a result was shown long enough, and forget
    everything once nobody has touched the screen for the idle time."""
    if state.current_result() is not None and state.result_is_over():
        state.next_person()
        st.rerun()
    if state.is_idle():
        state.forget_everything()
        st.rerun()


@st.fragment(run_every=RETRY_SECONDS)
def retry_soon(*, from_start: bool = False) -> None:
    """Rerun the whole app a few seconds after an outage was met (not at once: this also runs
    inline in the run that met it); `from_start`: on the start screen, with nothing of the
    screen that failed (the language kept)."""
    since = st.session_state.setdefault(OUTAGE_KEY, state.clock())
    if state.clock() - since >= RETRY_SECONDS:
        del st.session_state[OUTAGE_KEY]
        if from_start:
            state.forget_everything(keep=(LANG_KEY,))
        st.rerun()


def the_gate() -> GateView:
    """This kiosk's gate; the first-run setup, a configuration error or an outage stop the run."""
    setting = configured_gate()
    try:
        prepare_database()
        if setting is None:
            setup.show()
            st.stop()
        gate = load_gate(setting.ref) if setting.ref else None
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        note_outage(error)
        unavailable(retrying=True)
        retry_soon()
        st.stop()
    if gate is None:
        where = "MENPAI_GATE" if setting.source == "env" else setting.source
        st.error(
            f"门岗配置有误：{where} 指定的门岗“{setting.ref}”不存在。请联系系统管理员。\n\n"
            f"Gate configuration error: {where} names no gate called “{setting.ref}”. "
            "Please call the administrator."
        )
        st.stop()
    return gate


def show_screen(gate: GateView) -> None:
    """A scan waiting to be checked, else the decision shown, else the chosen screen; an outage
    met on the way is said and retried from the start screen."""
    try:
        if has_pending():
            check_pending(gate.id)
        elif (decision := state.current_result()) is not None:
            show_decision(decision)
        else:
            SCREENS.get(state.screen(), start.show)(gate)
    except Exception as error:
        if not is_database_unavailable(error):
            raise
        note_outage(error)
        unavailable(retrying=True)
        back_button("kiosk.back_after_outage")
        retry_soon(from_start=True)
