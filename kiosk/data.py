"""The kiosk's way to the database: migrations, its gate, and noting an outage
(`shared.core.availability` tells an outage from a bug)."""

from __future__ import annotations

import logging

import streamlit as st

from shared.core.config import get_settings
from shared.core.db import session_scope
from shared.core.migrate import upgrade_database
from shared.gate.gates import GateView, find_gate

log = logging.getLogger("menpai.kiosk")


@st.cache_resource
def prepare_database() -> bool:
    """Apply migrations once per server process (not cached when it fails: retried next run)."""
    upgrade_database()
    return True


def load_gate(ref: str) -> GateView | None:
    """The configured gate as plain values; re-read every few minutes (a changed grid list)."""
    return _load_gate(get_settings().database_url, ref)


@st.cache_data(ttl=300, show_spinner=False)
def _load_gate(database_url: str, ref: str) -> GateView | None:
    with session_scope(database_url) as session:
        return find_gate(session, ref)


def note_outage(error: BaseException) -> None:
    log.warning("database unavailable: %s", type(error).__name__)
