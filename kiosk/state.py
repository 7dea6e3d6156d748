"""What one kiosk session remembers, and forgetting it.

A kiosk is shared by everyone who walks up to it, so its session state is short-lived: every
full run of the script counts as activity (only a touch, a scan or a typed value committed by
Enter causes one; the kiosk's own timers rerun a fragment, not the script), and after
`idle_seconds()` without one, or when someone finishes, everything is dropped, the language
too: the next person starts on the Chinese start screen with nothing of the last one's.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from kiosk.config import idle_seconds, result_seconds

SCREEN_KEY = "kiosk.screen"
LAST_ACTIVITY_KEY = "kiosk.last_activity"
RESULT_KEY = "kiosk.result"
RESULT_AT_KEY = "kiosk.result_at"
PENDING_SCAN_KEY = "kiosk.pending_scan"
GENERATION_KEY = "kiosk.generation"

START, RESIDENT, VISITOR, TENANT = "start", "resident", "visitor", "tenant"


def clock() -> float:
    """Seconds since the epoch; one place, so tests can move time."""
    return time.time()


def screen() -> str:
    return str(st.session_state.get(SCREEN_KEY, START))


def go(to: str) -> None:
    """Open a screen (a button's on_click)."""
    st.session_state[SCREEN_KEY] = to


def forget_everything(keep: tuple[str, ...] = ()) -> None:
    """Drop every value of this session (widgets, forms, results, the language) but `keep`, and
    start a new generation of field keys (`fresh_key`)."""
    generation = int(st.session_state.get(GENERATION_KEY, 0)) + 1
    for key in list(st.session_state.keys()):
        if key not in keep:
            del st.session_state[key]
    st.session_state[GENERATION_KEY] = generation


def fresh_key(namespace: str) -> str:
    """The key prefix of a form's fields, new after every `forget_everything`. The browser may
    still hold a field's old value and send it with the next touch; under a new key it belongs to
    no field, so the next person never sees the last one's name. Unchanged before the first reset."""
    generation = int(st.session_state.get(GENERATION_KEY, 0))
    return namespace if generation == 0 else f"{namespace}~{generation}"


def note_activity() -> None:
    """Called once at the top of every full run: forget an idle session, then count this run."""
    last = st.session_state.get(LAST_ACTIVITY_KEY)
    if isinstance(last, float) and clock() - last >= idle_seconds():
        forget_everything()
    st.session_state[LAST_ACTIVITY_KEY] = clock()


def is_idle() -> bool:
    last = st.session_state.get(LAST_ACTIVITY_KEY)
    return isinstance(last, float) and clock() - last >= idle_seconds()


def show_result(decision: Any) -> None:
    st.session_state[RESULT_KEY] = decision
    st.session_state[RESULT_AT_KEY] = clock()


def current_result() -> Any:
    return st.session_state.get(RESULT_KEY)


def result_is_over() -> bool:
    shown = st.session_state.get(RESULT_AT_KEY)
    return isinstance(shown, float) and clock() - shown >= result_seconds()


def next_person() -> None:
    """After a result: the start screen, ready for the next scan (a button's on_click)."""
    forget_everything()
