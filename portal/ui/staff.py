"""Staff sessions in the portal: who is signed in, the sign-in form, sign-out, and the guard that
every staff page calls first.

Session state holds a `StaffIdentity` (plain values) and the time of the last page run. The
rules (password check, lockout, idle timeout, roles) live in `shared.staff.auth`; this module only
reads and writes session state and shows messages.
"""

from datetime import datetime

import streamlit as st

from portal.ui.i18n import LANG_KEY, current_lang, t
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.models import Role, utcnow
from shared.staff.auth import (
    IDLE_TIMEOUT,
    LoginRefused,
    StaffIdentity,
    authenticate,
    is_session_expired,
    load_identity,
    record_sign_out,
    require_role,
)

IDENTITY_KEY = "staff.identity"
LAST_SEEN_KEY = "staff.last_seen"
NOTICE_KEY = "staff.notice"


def current_staff() -> StaffIdentity | None:
    """The signed-in staff member, or None. Ends the session after IDLE_TIMEOUT without a page
    run, and when the account was disabled meanwhile; otherwise counts this run as activity."""
    identity = st.session_state.get(IDENTITY_KEY)
    if not isinstance(identity, StaffIdentity):
        return None
    now = utcnow()
    last_seen = st.session_state.get(LAST_SEEN_KEY)
    if not isinstance(last_seen, datetime) or is_session_expired(last_seen, now):
        _end_session(identity, now=now, reason="idle")
        return None
    with session_scope() as session:
        fresh = load_identity(session, user_id=identity.user_id)
    if fresh is None:
        _end_session(identity, now=now, reason="disabled")
        return None
    st.session_state[IDENTITY_KEY] = fresh  # a changed role or grid list applies at once
    st.session_state[LAST_SEEN_KEY] = now
    return fresh


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


def sign_in_form() -> None:
    """Username and password; on success the session is signed in and the app reruns, so the
    navigation shows the pages of the account's role."""
    show_notice()
    with st.form("staff.sign_in", clear_on_submit=True):  # the password does not stay in the form
        username = st.text_input(t("用户名", "Username"), max_chars=40, autocomplete="username")
        password = st.text_input(
            t("密码", "Password"), type="password", max_chars=200, autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("登录", "Sign in"), type="primary")
    if not submitted:
        return
    if not username or not password:
        st.warning(t("请输入用户名和密码。", "Please enter your username and password."))
        return
    now = utcnow()
    refused: LoginRefused | None = None
    # The refusal is caught inside the transaction, so the failure count and audit are committed.
    with session_scope() as session:
        try:
            identity = StaffIdentity.of(authenticate(session, username=username, password=password, now=now))
        except LoginRefused as error:
            refused = error
    if refused is not None:
        st.error(refused.message(current_lang()))
        return
    st.session_state[IDENTITY_KEY] = identity
    st.session_state[LAST_SEEN_KEY] = now
    st.rerun()


def sign_out() -> None:
    """Audit the sign-out, forget everything this session held, and rerun."""
    identity = st.session_state.get(IDENTITY_KEY)
    if isinstance(identity, StaffIdentity):
        _end_session(identity, now=utcnow(), reason="user")
    st.rerun()


def show_notice() -> None:
    """Say once why a session ended (idle timeout or a disabled account)."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    minutes = int(IDLE_TIMEOUT.total_seconds() // 60)
    if notice == "idle":
        st.info(
            t(
                f"您已超过 {minutes} 分钟没有操作，已自动退出，请重新登录。",
                f"You were signed out after {minutes} minutes without activity; please sign in again.",
            )
        )
    elif notice == "disabled":
        st.warning(t("此账号已停用，已退出登录。", "This account has been disabled; you were signed out."))


def _end_session(identity: StaffIdentity, *, now: datetime, reason: str) -> None:
    with session_scope() as session:
        record_sign_out(session, identity=identity, now=now, reason=reason)
    # Drop everything but the language: on a shared office PC, the next person must see no
    # trace of the last one's work (built sheets, filters, form values).
    for key in [k for k in st.session_state if k != LANG_KEY]:
        del st.session_state[key]
    if reason != "user":
        st.session_state[NOTICE_KEY] = reason
