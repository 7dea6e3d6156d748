"""The browser's side of a staff session: its cookie, and the two trips through the routes of
portal/server.py that set or clear it (a page run over the websocket cannot set a cookie).

The routes and the pages share these names; shared.staff.sessions keeps the rules.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import streamlit as st
from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

COOKIE_NAME = "menpai_staff"
SESSION_ROUTE = "/staff/session"  # GET ?ticket=&next=: sets the cookie, then back to `next`
SIGNED_OUT_ROUTE = "/staff/signed-out"  # GET ?why=&next=: clears a dead cookie, then back
NOTICE_PARAMETER = "staff_notice"  # why a session ended, for the page the browser returns to
NEXT_FALLBACK = "/staff"


def cookie_token() -> str | None:
    """The session token the browser sent when this Streamlit session connected."""
    return _cookie(COOKIE_NAME)


def browser_of(xsrf_cookie: str | None) -> str | None:
    """The token inside Streamlit's XSRF cookie (its value is masked afresh on each page load,
    the token stays): what a sign-in ticket is bound to."""
    if not xsrf_cookie:
        return None
    token, _ = decode_xsrf_token_string(xsrf_cookie)
    return token.hex() if token else None


def this_browser() -> str | None:
    return browser_of(_cookie(XSRF_COOKIE_NAME))


def _cookie(name: str) -> str | None:
    # Only a string counts: AppTest's stand-in for the browser answers anything with a mock.
    value = st.context.cookies.get(name)
    return value if isinstance(value, str) and value else None


def safe_next(raw: str | None) -> str:
    """A path on this site to return to; anything else (another site, a scheme) goes to /staff."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw or "\n" in raw:
        return NEXT_FALLBACK
    return raw


def go_through(route: str, **params: str) -> None:
    """Send the browser through `route` and back to the page it is on (path and query)."""
    query = json.dumps("?" + urlencode(params) + "&next=")
    target = json.dumps(route)
    st.html(
        "<script>window.location.replace("
        f"{target} + {query} + encodeURIComponent(window.location.pathname + window.location.search));"
        "</script>",
        unsafe_allow_javascript=True,
    )
