"""A declaration form that survives a reload: its values go to a draft on the server
(`shared.self_service.drafts`) after each change, under a token kept in the page's URL (`?d=`);
a new session opened on that URL (a reload, a tab reopened from history, WeChat's browser coming
back from a chat) fills the form from it once. Nothing personal is in the URL, and the URL opens
the draft only in the browser that typed it (Streamlit's XSRF cookie names the browser, as it does
for a staff sign-in): a link copied into a chat gives its reader a fresh form. That cookie lasts
the browser's session: a browser closed and opened again starts a fresh form too.

Cheap by design: a run that changed nothing reads and writes nothing; a change hands a copy of
the values to the draft writer (`portal.declare.draft_writer`), which writes one row a moment
later, off the user's path.
"""

from __future__ import annotations

import copy

import streamlit as st

from portal.declare.draft_writer import WRITER
from portal.declare.state import DeclForm
from portal.declare.widgets import set_state
from portal.ui.browser_session import this_browser
from portal.ui.i18n import t
from shared.core.clock import utcnow
from shared.core.db import session_scope
from shared.self_service.drafts import (
    delete_draft,
    new_draft_token,
    open_draft,
    parse_draft_token,
    save_draft,
)

DRAFT_PARAM = "d"
# Kept in a draft besides the fields: a submission interrupted by a reload is not sent twice, and
# the fields already left show their messages again (a wrong number must not come back silent).
_ALSO_KEPT = ("_idempotency", "_touched")


def draft_token(form: DeclForm) -> str | None:
    token = st.session_state.get(form.key("_draft"))
    return token if isinstance(token, str) else None


def restore_draft(form: DeclForm, *, kind: str, plate_code: str) -> None:
    """Fill the form from the draft named in the URL, once per session; a draft that is gone
    (expired, cleared, forged, another plate's, form's or browser's) leaves a fresh form and a notice."""
    mine, named = draft_token(form), st.query_params.get(DRAFT_PARAM)
    if named is None or named == mine:
        if mine is not None and named is None:
            st.query_params[DRAFT_PARAM] = mine  # back from the plate page: the URL names it again
        return
    token = parse_draft_token(named)
    values = None
    if token is not None:
        WRITER.flush(token)  # a reload right after a change: that change is in the draft
        with session_scope() as session:
            values = open_draft(
                session, token=token, form=kind, plate_code=plate_code, browser=this_browser(), now=utcnow()
            )
    if values is None:
        del st.query_params[DRAFT_PARAM]
        st.session_state[form.key("_notice")] = True
        return
    form.reset()
    for key, value in values.items():
        if key.startswith(f"{form.ns}.") and not key.endswith(("_owner", "_draft", "_receipt")):
            st.session_state[key] = set(value) if key.endswith("._touched") else value
    st.session_state[form.key("_draft")] = token


def draft_notice(form: DeclForm) -> None:
    if st.session_state.pop(form.key("_notice"), False):
        st.info(
            t(
                "之前的草稿已过期或链接无效，请重新填写。",
                "The earlier draft has expired or the link is not valid: please fill in the form again.",
            ),
            icon=":material/history:",
        )


def save_changes(form: DeclForm, *, kind: str, plate_code: str, wait: bool = False) -> None:
    """After a run that changed a field: keep the form's values, and name the draft in the URL.
    The values are copied now and written by the draft writer; `wait` until they are (a whole
    page's run, rare and slow anyway: what it saved is then in the database for whoever looks).
    A failed write is logged; the next change writes every value again."""
    if not form.take_change():
        return
    keys = [*form.field_keys(), *(form.key(name) for name in _ALSO_KEPT)]
    # A copy: the rerun goes on changing the session's lists and sets while the writer seals them.
    kept = {key: st.session_state[key] for key in keys if st.session_state.get(key) is not None}
    values = copy.deepcopy(kept)
    token, browser = draft_token(form) or new_draft_token(), this_browser()

    def write() -> None:
        with session_scope() as session:
            save_draft(
                session,
                token=token,
                form=kind,
                plate_code=plate_code,
                browser=browser,
                values=values,
                now=utcnow(),
            )

    WRITER.submit(token, write)
    if wait:
        WRITER.flush(token)
    st.session_state[form.key("_draft")] = token
    if st.query_params.get(DRAFT_PARAM) != token:
        st.query_params[DRAFT_PARAM] = token


def forget_draft(form: DeclForm) -> None:
    """The declaration was stored, or the declarant cleared the form: the draft goes too."""
    token = draft_token(form)
    if token is not None:
        WRITER.discard(token)  # a change still waiting must not bring the draft back
        with session_scope() as session:
            delete_draft(session, token=token)
    st.session_state.pop(form.key("_draft"), None)
    if DRAFT_PARAM in st.query_params:
        del st.query_params[DRAFT_PARAM]


def clear_form(form: DeclForm) -> None:
    """清空: everything typed, and its draft. Each field is set to what it shows on a fresh form:
    a value only taken out of Session State stayed on the phone's screen, and the phone sent it
    back with its next change (the form came back whole)."""
    blanks = form.blanks()
    forget_draft(form)
    form.reset()
    for key, blank in blanks.items():
        st.session_state[key] = blank


def clear_button(form: DeclForm) -> None:
    """A visible 清空, asking once more: a slip of the thumb must not wipe a long form. A plain
    button until tapped, not a popover: the phone redraws every element of the page at each
    field's step (issue 12), and a popover is some thirty components to a button's one."""
    asking = form.key("_clear_asked")
    if not st.session_state.get(asking):
        st.button(
            t("清空", "Clear"),
            key=form.key("_clear_ask"),
            icon=":material/delete_sweep:",
            type="tertiary",
            on_click=set_state,
            args=(asking, True),
        )
        return
    with st.container(border=True):
        st.markdown(t("清空本表已填写的全部内容？", "Clear everything typed into this form?"))
        st.button(
            t("确认清空", "Yes, clear it"),
            key=form.key("_clear"),
            type="primary",
            on_click=clear_form,
            args=(form,),
        )
        st.button(
            t("取消", "Cancel"), key=form.key("_clear_cancel"), on_click=set_state, args=(asking, False)
        )
