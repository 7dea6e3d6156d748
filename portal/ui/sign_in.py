"""The staff sign-in form (登录), on the 登录 page and in place of any staff page typed while
signed out: after the sign-in the browser lands on the page that was asked for."""

import streamlit as st

from portal.ui.browser_session import this_browser
from portal.ui.i18n import current_lang, t
from portal.ui.staff import show_notice, signed_in
from shared.core.db import session_scope
from shared.models import utcnow
from shared.staff.auth import LoginRefused, StaffIdentity, authenticate
from shared.staff.sessions import open_session

USERNAME_KEY = "staff.sign_in.username"  # the last name typed, to fill the form again
REFUSAL_KEY = "staff.sign_in.refusal"
TRIES_KEY = "staff.sign_in.tries"  # wrong tries of this tab per name (see authenticate)
ATTEMPT_KEY = "staff.sign_in.attempt"


def sign_in_form() -> None:
    """Username and password; on success the session is signed in and the app reruns, so the
    navigation shows the pages of the account's role. A refusal keeps the username filled and
    says how many tries are left."""
    show_notice()
    refusal = st.session_state.pop(REFUSAL_KEY, None)
    if refusal:
        st.error(refusal)
    # The password does not stay in the form (a new field after each try); the username comes
    # back as its default.
    attempt = st.session_state.get(ATTEMPT_KEY, 0)
    with st.form("staff.sign_in", clear_on_submit=True):
        username = st.text_input(
            t("用户名", "Username"),
            value=st.session_state.get(USERNAME_KEY, ""),
            max_chars=40,
            autocomplete="username",
        )
        password = st.text_input(
            t("密码", "Password"),
            type="password",
            max_chars=200,
            autocomplete="current-password",
            key=f"staff.sign_in.password.{attempt}",
        )
        submitted = st.form_submit_button(t("登录", "Sign in"), type="primary")
    if not submitted:
        return
    st.session_state[USERNAME_KEY] = username.strip()
    st.session_state[ATTEMPT_KEY] = attempt + 1
    if not username.strip() or not password:
        st.session_state[REFUSAL_KEY] = t("请输入用户名和密码。", "Please enter your username and password.")
        st.rerun()
    now = utcnow()
    name = username.strip()
    tries: dict[str, int] = st.session_state.setdefault(TRIES_KEY, {})
    refused: LoginRefused | None = None
    # The refusal is caught inside the transaction, so the failure count and audit are committed.
    with session_scope() as session:
        try:
            user = authenticate(
                session, username=name, password=password, now=now, earlier_unknown_tries=tries.get(name, 0)
            )
            identity = StaffIdentity.of(user)
            server_id, ticket = open_session(session, identity=identity, browser=this_browser(), now=now)
        except LoginRefused as error:
            refused = error
    if refused is not None:
        if refused.reason == "wrong_credentials":
            tries[name] = tries.get(name, 0) + 1
        st.session_state[REFUSAL_KEY] = refused.message(current_lang())
        st.rerun()
    tries.pop(name, None)
    st.session_state.pop(USERNAME_KEY, None)
    signed_in(identity, server_session_id=server_id, ticket=ticket, now=now)
    st.rerun()


def sign_in_instead(title: str) -> None:
    """What a staff page typed while signed out shows: the sign-in, then that page."""
    st.header(t("工作人员登录", "Staff sign-in"))
    st.caption(
        t(
            f"“{title}”需要工作人员登录，登录后将直接打开。",
            f"“{title}” needs a staff sign-in; it opens as soon as you are signed in.",
        )
    )
    sign_in_form()
