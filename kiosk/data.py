"""The kiosk's way to the database: the errors that mean "out of reach for now", and its gate."""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from shared.config import get_settings
from shared.db import session_scope
from shared.gates import GateView, find_gate
from shared.migrate import upgrade_database

log = logging.getLogger("menpai.kiosk")

# A lost connection, a refused one, a locked or missing SQLite file, a full pool: the kiosk says
# "temporarily unavailable" and tries again; anything else is a bug and is not hidden.
UNAVAILABLE = (DBAPIError, PoolTimeout)


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
