"""The two small routes that set and clear the staff session cookie, which a page run over the
websocket cannot do (mounted beside Streamlit's own by portal/server.py)."""

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

from portal.ui.browser_session import (
    COOKIE_NAME,
    NOTICE_PARAMETER,
    SESSION_ROUTE,
    SIGNED_OUT_ROUTE,
    browser_of,
    safe_next,
)
from shared.core.db import session_scope
from shared.models import utcnow
from shared.staff.sessions import exchange_ticket, is_session_ended


def set_session_cookie(request: Request) -> Response:
    """GET ?ticket=&next=: the sign-in page's one-time ticket for the session cookie, then back
    to the page. A used, expired or other browser's ticket sets nothing."""
    ticket = request.query_params.get("ticket", "")
    browser = browser_of(request.cookies.get(XSRF_COOKIE_NAME))
    with session_scope() as session:
        token = exchange_ticket(session, ticket=ticket, browser=browser, now=utcnow()) if ticket else None
    response = _back(request.query_params.get("next"))
    if token is not None:
        # No Max-Age: the browser forgets it when closed; the server ends it after idle minutes.
        response.set_cookie(
            COOKIE_NAME, token, path="/", httponly=True, samesite="strict", secure=_is_https(request)
        )
    return response


def clear_session_cookie(request: Request) -> Response:
    """GET ?why=&next=: forget a cookie whose session has ended (sign-out, idle timeout). A live
    session's cookie is kept, so a link from elsewhere cannot sign anyone out."""
    token = request.cookies.get(COOKIE_NAME)
    why = request.query_params.get("why", "")
    notice = {NOTICE_PARAMETER: why} if why in ("idle", "disabled") else {}
    response = _back(request.query_params.get("next"), notice)
    if token:
        with session_scope() as session:
            ended = is_session_ended(session, token=token)
        if ended:
            response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response


def _back(raw_next: str | None, extra: dict[str, str] | None = None) -> RedirectResponse:
    target = safe_next(raw_next)
    if extra:
        target += ("&" if "?" in target else "?") + urlencode(extra)
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the ticket's URL goes nowhere else
    return response


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


ROUTES = [
    Route(SESSION_ROUTE, set_session_cookie, methods=["GET"]),
    Route(SIGNED_OUT_ROUTE, clear_session_cookie, methods=["GET"]),
]
