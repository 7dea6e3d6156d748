"""Staff sessions kept on the server (登录会话), so that a reload, a typed URL or a second tab
stays signed in until 30 idle minutes or sign-out.

The browser holds only a random token in an HttpOnly, SameSite=Strict cookie; the database holds
its keyed hash, so a copy of the database opens no session. The cookie is set by a small HTTP
route (portal/server.py), not by the page: the sign-in page, which runs over Streamlit's
websocket, opens the session with a one-time ticket (a minute to use, bound to the browser's
XSRF cookie) that the route exchanges for the token. The token never appears in a URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from shared.core.crypto import blind_index
from shared.models.staff import StaffSession
from shared.staff.auth import StaffIdentity, idle_timeout, load_identity, record_sign_out

TICKET_TTL = timedelta(seconds=60)
# How long an ended session's row is kept (`menpai purge`): the audit log keeps every sign-in and
# sign-out for good; the row holds only hashes, kept a while to answer "why was I signed out".
ENDED_KEPT = timedelta(days=30)
TOKEN_BYTES = 32  # 256 bits: the cookie is the whole credential for half an hour

_BY_TOKEN = select(StaffSession).where(StaffSession.token_key == bindparam("key"))
_BY_TICKET = select(StaffSession).where(StaffSession.ticket_key == bindparam("key")).with_for_update()


@dataclass(frozen=True)
class SessionCheck:
    """A session looked up: its identity while it is alive, else why it ended
    (`idle`, `disabled`, `user`, `unknown`)."""

    session_id: int | None
    identity: StaffIdentity | None
    ended: str | None = None


def open_session(
    session: Session, *, identity: StaffIdentity, browser: str | None, now: datetime
) -> tuple[int, str]:
    """After a successful sign-in: a new server session and its one-time ticket.

    `browser` (the token of the browser's XSRF cookie, when there is one) binds the ticket to
    the browser that signed in, so a ticket sent to someone else signs nobody in."""
    ticket = secrets.token_urlsafe(TOKEN_BYTES)
    row = StaffSession(
        user_id=identity.user_id,
        ticket_key=_key(ticket, "staff-ticket"),
        ticket_expires_at=now + TICKET_TTL,
        browser_key=_key(browser, "staff-browser") if browser else None,
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.flush()
    return row.id, ticket


def exchange_ticket(session: Session, *, ticket: str, browser: str | None, now: datetime) -> str | None:
    """The cookie's token for a ticket, once: None for a used, expired, unknown or other
    browser's ticket, or for a session that has ended meanwhile."""
    row = session.scalars(_BY_TICKET, {"key": _key(ticket, "staff-ticket")}).first()
    if row is None:
        return None
    row.ticket_key = None  # single use, whatever follows
    expires = row.ticket_expires_at
    row.ticket_expires_at = None
    bound_elsewhere = row.browser_key is not None and (
        browser is None or _key(browser, "staff-browser") != row.browser_key
    )
    if row.ended_at is not None or expires is None or expires <= now or bound_elsewhere:
        session.flush()
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row.token_key = _key(token, "staff-token")
    session.flush()
    return token


def resume_session(session: Session, *, token: str, now: datetime) -> SessionCheck:
    """The session a cookie names, as for `check_session`; `unknown` for a token we never gave."""
    row = session.scalars(_BY_TOKEN, {"key": _key(token, "staff-token")}).first()
    if row is None:
        return SessionCheck(None, None, ended="unknown")
    return _check(session, row, now=now)


def check_session(session: Session, *, session_id: int, now: datetime) -> SessionCheck:
    """Is the session still alive? Ends it after the idle timeout (audited as `idle`) or once
    its account is disabled; otherwise counts this page run as activity (every tab shares it)."""
    row = session.get(StaffSession, session_id)
    if row is None:
        return SessionCheck(None, None, ended="unknown")
    return _check(session, row, now=now)


def end_session(session: Session, *, session_id: int, now: datetime, reason: str) -> None:
    """End a session (sign-out): its cookie opens nothing from now on, in any tab."""
    row = session.get(StaffSession, session_id)
    if row is None or row.ended_at is not None:
        return
    identity = load_identity(session, user_id=row.user_id, even_disabled=True)
    _end(session, row, identity, now=now, reason=reason)


def is_session_ended(session: Session, *, token: str) -> bool:
    """True unless the token names a live session: its cookie may then be cleared by anyone."""
    row = session.scalars(_BY_TOKEN, {"key": _key(token, "staff-token")}).first()
    return row is None or row.ended_at is not None


def purge_sessions(session: Session, *, now: datetime) -> int:
    """`menpai purge`: a session idle past the timeout that nobody came back to is ended as a
    returning tab would have ended it (`idle` when its timeout ran out, audited then; `disabled`
    for an account disabled meanwhile); sessions ended more than `ENDED_KEPT` ago are deleted.
    Returns how many were deleted. The idle timeout is read as the portal reads it: cron must run
    with the portal's MENPAI_STAFF_IDLE_MINUTES when that is set (only tests set it)."""
    forgotten = select(StaffSession).where(
        StaffSession.ended_at.is_(None), StaffSession.last_seen_at <= now - idle_timeout()
    )
    for row in session.scalars(forgotten).all():
        _end_if_run_out(session, row, now=now, idle_ends_at=row.last_seen_at + idle_timeout())
    result = session.execute(delete(StaffSession).where(StaffSession.ended_at <= now - ENDED_KEPT))
    return int(getattr(result, "rowcount", 0) or 0)


def touch_interval() -> timedelta:
    """How stale `last_seen_at` may get before a page run writes it again: one write a minute,
    not one per click (shorter when a test shortens the timeout)."""
    return min(timedelta(minutes=1), idle_timeout() / 10)


def _check(session: Session, row: StaffSession, *, now: datetime) -> SessionCheck:
    if row.ended_at is not None:
        return SessionCheck(row.id, None, ended=row.end_reason or "user")
    identity, ended = _end_if_run_out(session, row, now=now, idle_ends_at=now)
    if ended is not None:
        return SessionCheck(row.id, None, ended=ended)
    if now - row.last_seen_at >= touch_interval():
        row.last_seen_at = now
        session.flush()
    return SessionCheck(row.id, identity)


def _end_if_run_out(
    session: Session, row: StaffSession, *, now: datetime, idle_ends_at: datetime
) -> tuple[StaffIdentity | None, str | None]:
    """The one rule for an open session, whether a tab comes back or cron purges: its account
    was disabled (ended `now`) or its idle timeout ran out (ended at `idle_ends_at`). Returns
    the live identity, or None and why the session was ended here."""
    identity = load_identity(session, user_id=row.user_id)
    if identity is None:
        gone = load_identity(session, user_id=row.user_id, even_disabled=True)
        _end(session, row, gone, now=now, reason="disabled")
        return None, "disabled"
    if now - row.last_seen_at >= idle_timeout():
        _end(session, row, identity, now=idle_ends_at, reason="idle")
        return None, "idle"
    return identity, None


def _end(
    session: Session, row: StaffSession, identity: StaffIdentity | None, *, now: datetime, reason: str
) -> None:
    row.ended_at, row.end_reason = now, reason
    row.ticket_key = row.ticket_expires_at = None
    if identity is not None:
        record_sign_out(session, identity=identity, now=now, reason=reason)
    session.flush()


def _key(secret: str, kind: str) -> str:
    return blind_index(secret, kind=kind)
