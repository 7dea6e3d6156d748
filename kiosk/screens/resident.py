"""Pieces of the resident screen: the webcam as a second scanner, the scan waiting to be checked
(retried while the database is out of reach), and the gate's decision."""

from __future__ import annotations

import streamlit as st

from kiosk import state
from kiosk.camera import read_qr
from kiosk.data import note_outage
from kiosk.widgets import unavailable
from portal.ui.i18n import current_lang, t
from portal.ui.text import escape_markdown
from shared.core.availability import is_database_unavailable
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.gate.gates import GateDecision
from shared.gate.pass_check import check_pass
from shared.models import utcnow

RETRY_SECONDS = 3
CAMERA_ON_KEY = "kiosk.camera_on"
CAMERA_TURN_KEY = "kiosk.camera_turn"  # a new key per photo gives a fresh camera widget
NOTICE_KEY = "kiosk.camera_notice"


def queue_scan(text: str) -> None:
    """What the scanner typed (or the camera read) waits here until it is checked."""
    st.session_state[state.PENDING_SCAN_KEY] = text


def camera() -> None:
    """The webcam, a fresh widget for each photo; a photo without a QR code says so."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(notice)
    key = f"kiosk.camera.{st.session_state.get(CAMERA_TURN_KEY, 0)}"
    st.camera_input(t("拍摄通行码", "Photograph the pass"), key=key, on_change=_photo_taken, args=(key,))


def _photo_taken(key: str) -> None:
    photo = st.session_state.get(key)
    st.session_state[CAMERA_TURN_KEY] = st.session_state.get(CAMERA_TURN_KEY, 0) + 1
    if photo is None:
        return
    text = read_qr(photo.getvalue())
    if text is None:
        st.session_state[NOTICE_KEY] = t(
            "没有识别到二维码，请让通行码充满画面后再拍一次。",
            "No QR code found: hold the pass closer so it fills the picture, and try again.",
        )
        return
    queue_scan(text)


def has_pending() -> bool:
    return state.PENDING_SCAN_KEY in st.session_state


@st.fragment(run_every=RETRY_SECONDS)
def check_pending(gate_id: int) -> None:
    """Check the waiting scan; while the database is out of reach, say so and try again every
    few seconds (only this fragment reruns, so the idle timer still ends a forgotten wait)."""
    text = st.session_state.get(state.PENDING_SCAN_KEY)
    if text is None:
        return
    try:
        with session_scope() as session:
            decision = check_pass(session, gate_id=gate_id, scanned=str(text), now=utcnow())
    except Exception as error:
        if not is_database_unavailable(error):  # a bug is not an outage: it surfaces
            raise
        note_outage(error)
        unavailable(retrying=True)
        st.button(t("取消", "Cancel"), key="kiosk.cancel_check", on_click=state.forget_everything)
        return
    except DomainError as error:  # the gate was removed while the kiosk ran
        del st.session_state[state.PENDING_SCAN_KEY]
        st.error(error.message(current_lang()))
        return
    del st.session_state[state.PENDING_SCAN_KEY]
    state.show_result(decision)
    st.rerun()


def show_decision(decision: GateDecision) -> None:
    """Green with the masked name and the room, or red with the plain reason."""
    lang = current_lang()
    outcome = "allowed" if decision.allowed else "denied"
    with st.container(key=f"kiosk.result-{outcome}"):
        if decision.allowed:
            st.markdown(f"# ✓ {t('请通行', 'Please go ahead')}")
        else:
            st.markdown(f"# ✗ {t('不能通行', 'Not allowed')}")
        st.markdown(f"**{decision.message(lang)}**")
        if decision.masked_name:
            kind = t("访客", "Visitor") if decision.is_visitor else t("住户", "Resident")
            st.markdown(f"{kind}：{escape_markdown(decision.masked_name)}")
        if decision.room_label:
            st.markdown(f"{t('住址', 'Home')}：{escape_markdown(decision.room_label)}")
    st.button(
        t("继续", "Next"), key="kiosk.next", type="primary", on_click=state.next_person, width="stretch"
    )
