"""Staff sessions in the portal: who is signed in, the sign-in form, sign-out, and the guard that
every staff page calls first.

A sign-in lives on the server (shared.staff.sessions) under an HttpOnly cookie, so a reload, a
typed URL or a second tab stays signed in; session state keeps the `StaffIdentity` (plain values)
and the server session's id for the runs of one tab. The rules (password check, lockout, idle
timeout, roles) live in shared.staff; this module reads and writes session state and shows messages.
"""

from datetime import datetime

import streamlit as st

from portal.ui.browser_session import (
    NOTICE_PARAMETER,
    SESSION_ROUTE,
    SIGNED_OUT_ROUTE,
    cookie_token,
    go_through,
)
from portal.ui.i18n import LANG_KEY, current_lang, t
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.models import Role, utcnow
from shared.staff.auth import (
    StaffIdentity,
    idle_minutes_text,
    is_session_expired,
    load_identity,
    record_sign_out,
    require_role,
)
from shared.staff.sessions import SessionCheck, check_session, end_session, resume_session

IDENTITY_KEY = "staff.identity"
LAST_SEEN_KEY = "staff.last_seen"
SERVER_SESSION_KEY = "staff.server_session"
NOTICE_KEY = "staff.notice"
TRIP_KEY = "staff.trip"  # (route, params) the browser must go through on the next run
COOKIE_CHECKED_KEY = "staff.cookie_checked"


def current_staff() -> StaffIdentity | None:
    """The signed-in staff member, or None. Ends the session after the idle timeout without a
    page run in any tab, at a sign-out in another tab, and when the account was disabled
    meanwhile; otherwise counts this run as activity."""
    now = utcnow()
    identity = st.session_state.get(IDENTITY_KEY)
    if not isinstance(identity, StaffIdentity):
        identity = _resume_from_cookie(now)
    elif isinstance(server_id := st.session_state.get(SERVER_SESSION_KEY), int):
        with session_scope() as session:
            identity = _keep(check_session(session, session_id=server_id, now=now), now)
    else:
        identity = _check_tab_only(identity, now)
    _take_pending_trip()
    return identity


def guard(*roles: Role) -> StaffIdentity:
    """Stop the page unless a staff member with one of `roles` is signed in.

    Each staff page calls this first, although the router lists staff pages only for their
    roles: the page must refuse on its own, whichever way it was opened.
    """
    identity = current_staff()
    try:
        require_role(identity.role if identity else None, *roles)
    except DomainError as error:
        show_notice()
        st.error(error.message(current_lang()))
        if identity is None:
            st.caption(t("请在顶部菜单“工作人员”中登录。", "Sign in from the “Staff” menu at the top."))
        st.stop()
    assert identity is not None
    return identity


def signed_in(identity: StaffIdentity, *, server_session_id: int, ticket: str, now: datetime) -> None:
    """Keep a fresh sign-in in this tab, and send the browser for its cookie on the next run."""
    st.session_state[IDENTITY_KEY] = identity
    st.session_state[LAST_SEEN_KEY] = now
    st.session_state[SERVER_SESSION_KEY] = server_session_id
    st.session_state[TRIP_KEY] = (SESSION_ROUTE, {"ticket": ticket})


def sign_out() -> None:
    """End the session on the server (every tab), forget this tab's state, clear the cookie."""
    identity = st.session_state.get(IDENTITY_KEY)
    if isinstance(identity, StaffIdentity):
        _end_session(identity, now=utcnow(), reason="user")
    st.rerun()


def show_notice() -> None:
    """Say once why a session ended (idle timeout or a disabled account)."""
    notice = st.session_state.pop(NOTICE_KEY, None) or st.query_params.get(NOTICE_PARAMETER)
    if NOTICE_PARAMETER in st.query_params:
        del st.query_params[NOTICE_PARAMETER]
    minutes = idle_minutes_text()
    if notice == "idle":
        st.info(
            t(
                f"您已超过 {minutes} 分钟没有操作，已自动退出，请重新登录。",
                f"You were signed out after {minutes} minutes without activity; please sign in again.",
            )
        )
    elif notice == "disabled":
        st.warning(t("此账号已停用，已退出登录。", "This account has been disabled; you were signed out."))


def _resume_from_cookie(now: datetime) -> StaffIdentity | None:
    """A new tab, a reload or a typed URL: the session the browser's cookie names, if alive."""
    token = cookie_token()
    if token is None or st.session_state.get(COOKIE_CHECKED_KEY):
        return None
    with session_scope() as session:
        check = resume_session(session, token=token, now=now)
    if check.identity is None:
        # Checked once per tab: the cookie is dead, and the trip below clears it.
        st.session_state[COOKIE_CHECKED_KEY] = True
        st.session_state[TRIP_KEY] = (SIGNED_OUT_ROUTE, {"why": check.ended or ""})
        return None
    st.session_state[SERVER_SESSION_KEY] = check.session_id
    return _keep(check, now)


def _keep(check: SessionCheck, now: datetime) -> StaffIdentity | None:
    if check.identity is None:
        _forget(reason=check.ended or "user")
        return None
    st.session_state[IDENTITY_KEY] = check.identity  # a changed role or grid list applies at once
    st.session_state[LAST_SEEN_KEY] = now
    return check.identity


def _check_tab_only(identity: StaffIdentity, now: datetime) -> StaffIdentity | None:
    """A sign-in this tab holds without a server session (page tests set one directly)."""
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, datetime) or is_session_expired(last_seen, now):
        _end_session(identity, now=now, reason="idle")
        return None
    with session_scope() as session:
        fresh = load_identity(session, user_id=identity.user_id)
    if fresh is None:
        _end_session(identity, now=now, reason="disabled")
        return None
    st.session_state[IDENTITY_KEY] = fresh
    st.session_state[LAST_SEEN_KEY] = now
    return fresh


def _end_session(identity: StaffIdentity, *, now: datetime, reason: str) -> None:
    server_id = st.session_state.get(SERVER_SESSION_KEY)
    with session_scope() as session:
        if isinstance(server_id, int):
            end_session(session, session_id=server_id, now=now, reason=reason)
        else:
            record_sign_out(session, identity=identity, now=now, reason=reason)
    _forget(reason=reason)


def _forget(*, reason: str) -> None:
    """Drop everything but the language: on a shared office PC, the next person must see no
    trace of the last one's work (built sheets, filters, form values). The browser then goes
    through the route that clears its cookie."""
    for key in [k for k in st.session_state if k != LANG_KEY]:
        del st.session_state[key]
    st.session_state[COOKIE_CHECKED_KEY] = True
    if reason in ("idle", "disabled"):
        st.session_state[NOTICE_KEY] = reason
    if cookie_token() is not None or reason == "user":
        st.session_state[TRIP_KEY] = (SIGNED_OUT_ROUTE, {"why": reason})


def _take_pending_trip() -> None:
    trip = st.session_state.pop(TRIP_KEY, None)
    if trip is not None:
        route, params = trip
        go_through(route, **params)
