"""Staff sessions kept on the server: the one-time ticket, the cookie's token, the idle timeout,
sign-out and a disabled account, and what the database keeps of the secrets (hashes only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import AuditLog, Role, User
from shared.models.staff import StaffSession
from shared.staff.accounts import create_user
from shared.staff.auth import IDLE_MINUTES_VARIABLE, IDLE_TIMEOUT, StaffIdentity, idle_timeout
from shared.staff.sessions import (
    ENDED_KEPT,
    TICKET_TTL,
    check_session,
    end_session,
    exchange_ticket,
    is_session_ended,
    open_session,
    purge_sessions,
    resume_session,
)

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BROWSER = "a1" * 16


@pytest.fixture
def officer(session: Session) -> StaffIdentity:
    user = create_user(session, username="officer1", password="pw-officer-2026", role=Role.OFFICER)
    session.commit()
    return StaffIdentity.of(user)


def signed_in(session: Session, officer: StaffIdentity, *, now: datetime = NOW) -> tuple[int, str]:
    """A session whose cookie was set: (its id, the cookie's token)."""
    session_id, ticket = open_session(session, identity=officer, browser=BROWSER, now=now)
    token = exchange_ticket(session, ticket=ticket, browser=BROWSER, now=now)
    assert token is not None
    session.commit()
    return session_id, token


def test_ticket_gives_a_token_that_resumes_the_session(session: Session, officer: StaffIdentity) -> None:
    session_id, token = signed_in(session, officer)
    check = resume_session(session, token=token, now=NOW + timedelta(minutes=5))
    assert (check.session_id, check.identity, check.ended) == (session_id, officer, None)


def test_database_holds_neither_the_ticket_nor_the_token(session: Session, officer: StaffIdentity) -> None:
    session_id, ticket = open_session(session, identity=officer, browser=BROWSER, now=NOW)
    token = exchange_ticket(session, ticket=ticket, browser=BROWSER, now=NOW)
    assert token is not None and len(token) >= 43  # 256 random bits
    row = session.get(StaffSession, session_id)
    assert row is not None
    stored = [str(getattr(row, c.name)) for c in StaffSession.__table__.columns]
    assert not any(ticket in value or token in value for value in stored)


@pytest.mark.parametrize(
    ("browser", "later", "expected"),
    [
        (BROWSER, TICKET_TTL - timedelta(seconds=1), True),
        (BROWSER, TICKET_TTL, False),  # a minute to use it
        ("b2" * 16, timedelta(0), False),  # another browser's XSRF token
        (None, timedelta(0), False),  # no XSRF cookie at all
    ],
    ids=["in-time", "expired", "other-browser", "no-browser"],
)
def test_ticket_is_bound_to_its_browser_and_short_lived(
    session: Session, officer: StaffIdentity, browser: str | None, later: timedelta, expected: bool
) -> None:
    _, ticket = open_session(session, identity=officer, browser=BROWSER, now=NOW)
    token = exchange_ticket(session, ticket=ticket, browser=browser, now=NOW + later)
    assert (token is not None) is expected


def test_ticket_works_once(session: Session, officer: StaffIdentity) -> None:
    _, ticket = open_session(session, identity=officer, browser=BROWSER, now=NOW)
    assert exchange_ticket(session, ticket=ticket, browser=BROWSER, now=NOW) is not None
    assert exchange_ticket(session, ticket=ticket, browser=BROWSER, now=NOW) is None
    assert exchange_ticket(session, ticket="made-up", browser=BROWSER, now=NOW) is None


def test_unknown_token_resumes_nothing(session: Session, officer: StaffIdentity) -> None:
    assert resume_session(session, token="not-a-token", now=NOW).ended == "unknown"
    assert is_session_ended(session, token="not-a-token")


def test_activity_in_any_tab_keeps_the_session(session: Session, officer: StaffIdentity) -> None:
    session_id, token = signed_in(session, officer)
    for minutes in (20, 40, 60):  # never 30 minutes apart
        assert check_session(session, session_id=session_id, now=NOW + timedelta(minutes=minutes)).identity
    assert resume_session(session, token=token, now=NOW + timedelta(minutes=89)).identity == officer


def test_idle_session_ends_once_and_is_audited(session: Session, officer: StaffIdentity) -> None:
    session_id, token = signed_in(session, officer)
    later = NOW + IDLE_TIMEOUT
    assert resume_session(session, token=token, now=later).ended == "idle"
    assert check_session(session, session_id=session_id, now=later).ended == "idle"
    assert is_session_ended(session, token=token)
    logouts = session.scalars(select(AuditLog.detail).where(AuditLog.action == "logout")).all()
    assert logouts == [{"reason": "idle"}]


def test_sign_out_ends_the_session_for_every_tab(session: Session, officer: StaffIdentity) -> None:
    session_id, token = signed_in(session, officer)
    end_session(session, session_id=session_id, now=NOW, reason="user")
    assert resume_session(session, token=token, now=NOW).ended == "user"
    row = session.get(StaffSession, session_id)
    assert row is not None and row.ended_at == NOW


def test_ticket_of_an_ended_session_sets_no_cookie(session: Session, officer: StaffIdentity) -> None:
    session_id, ticket = open_session(session, identity=officer, browser=BROWSER, now=NOW)
    end_session(session, session_id=session_id, now=NOW, reason="user")
    assert exchange_ticket(session, ticket=ticket, browser=BROWSER, now=NOW) is None


def test_disabled_account_ends_its_sessions(session: Session, officer: StaffIdentity) -> None:
    _, token = signed_in(session, officer)
    user = session.get(User, officer.user_id)
    assert user is not None
    user.is_active = False
    session.commit()
    assert resume_session(session, token=token, now=NOW).ended == "disabled"
    assert session.scalars(select(AuditLog.detail).where(AuditLog.action == "logout")).all() == [
        {"reason": "disabled"}
    ]


def test_idle_timeout_can_be_shortened_for_a_test(monkeypatch: pytest.MonkeyPatch) -> None:
    assert idle_timeout() == IDLE_TIMEOUT
    monkeypatch.setenv(IDLE_MINUTES_VARIABLE, "0.1")
    assert idle_timeout() == timedelta(seconds=6)


def test_purge_deletes_sessions_ended_long_ago_and_keeps_the_rest(
    session: Session, officer: StaffIdentity
) -> None:
    old_id, _ = signed_in(session, officer, now=NOW - ENDED_KEPT - timedelta(days=1))
    end_session(session, session_id=old_id, now=NOW - ENDED_KEPT - timedelta(hours=1), reason="user")
    recent_id, _ = signed_in(session, officer, now=NOW - timedelta(days=3))
    end_session(session, session_id=recent_id, now=NOW - timedelta(days=3), reason="user")
    _, live_token = signed_in(session, officer, now=NOW - timedelta(minutes=5))
    session.commit()
    assert purge_sessions(session, now=NOW) == 1
    session.commit()
    assert session.get(StaffSession, old_id) is None
    assert session.get(StaffSession, recent_id) is not None  # "why was I signed out" stays answerable
    assert resume_session(session, token=live_token, now=NOW).identity == officer  # nobody is signed out


def test_purge_ends_a_forgotten_session_as_idle_and_audits_it(
    session: Session, officer: StaffIdentity
) -> None:
    """A tab closed and never reopened: the session is ended (as a returning tab would) and its
    sign-out audited, then deleted once it has been ended long enough."""
    forgotten_id, token = signed_in(session, officer, now=NOW - idle_timeout() - timedelta(minutes=1))
    assert purge_sessions(session, now=NOW) == 0
    session.commit()
    assert resume_session(session, token=token, now=NOW).ended == "idle"
    assert session.scalars(select(AuditLog.detail).where(AuditLog.action == "logout")).all() == [
        {"reason": "idle"}
    ]
    assert purge_sessions(session, now=NOW + ENDED_KEPT) == 1
    session.commit()
    assert session.get(StaffSession, forgotten_id) is None


def test_purge_ends_a_forgotten_session_of_a_disabled_account_as_disabled(
    session: Session, officer: StaffIdentity
) -> None:
    _, token = signed_in(session, officer, now=NOW - idle_timeout() - timedelta(hours=1))
    user = session.get(User, officer.user_id)
    assert user is not None
    user.is_active = False
    session.commit()
    purge_sessions(session, now=NOW)
    session.commit()
    assert resume_session(session, token=token, now=NOW).ended == "disabled"
    assert session.scalars(select(AuditLog.detail).where(AuditLog.action == "logout")).all() == [
        {"reason": "disabled"}
    ]


def test_purge_dates_an_idle_end_when_the_timeout_ran_out(session: Session, officer: StaffIdentity) -> None:
    """Not when purge noticed: the row is kept 30 days from the real end, and the audit says when."""
    last_seen = NOW - timedelta(days=3)
    session_id, _ = signed_in(session, officer, now=last_seen)
    purge_sessions(session, now=NOW)
    session.commit()
    row = session.get(StaffSession, session_id)
    assert row is not None and row.ended_at == last_seen + idle_timeout()
    assert purge_sessions(session, now=last_seen + idle_timeout() + ENDED_KEPT) == 1
