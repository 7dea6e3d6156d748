"""数据库暂时无法连接: what the portal shows instead of a traceback while the database is out of
reach, and the timer that tries again until it is back."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st

from portal.ui.staff import IDENTITY_KEY
from shared.core.availability import is_database_unavailable, unavailable_text
from shared.staff.auth import StaffIdentity

log = logging.getLogger("menpai.portal")

RETRY_SECONDS = 5
OUTAGE_KEY = "portal.outage_at"


def is_outage(error: Exception) -> bool:
    """True (and logged, without the traceback) when `error` means the database is out of reach."""
    if not is_database_unavailable(error):
        return False
    log.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error))
    return True


def remembered_staff() -> StaffIdentity | None:
    """Who was signed in, not checked against the database: for the menu only while it is out of
    reach, so the page's URL survives the outage (no page runs until it is back)."""
    identity = st.session_state.get(IDENTITY_KEY)
    return identity if isinstance(identity, StaffIdentity) else None


@contextmanager
def unless_database_is_down() -> Iterator[None]:
    """Run the block (a page); if the database turns out to be out of reach, replace what the
    block drew with the message and end the run. Other errors pass through."""
    drawn = st.empty()
    try:
        with drawn.container():
            yield
    except Exception as error:
        if not is_outage(error):
            raise
        drawn.empty()
        show_unavailable()


def show_unavailable() -> NoReturn:
    """The message in both languages; the whole app runs again in a few seconds."""
    st.error(unavailable_text(), icon=":material/cloud_off:")
    st.session_state[OUTAGE_KEY] = time.time()
    _retry_soon()
    st.stop()


@st.fragment(run_every=RETRY_SECONDS)
def _retry_soon() -> None:
    # The fragment also runs inline in the failed run itself: rerun only once time has passed.
    since = st.session_state.get(OUTAGE_KEY)
    if isinstance(since, float) and time.time() - since >= RETRY_SECONDS - 0.5:
        del st.session_state[OUTAGE_KEY]
        st.rerun()
