"""数据库暂时无法连接: telling "the database is out of reach for now" from a bug.

The portal and the kiosk show a "temporarily unavailable" page and try again by themselves
for these errors only; anything else is a bug and must surface, not hide behind the message.
The engines reconnect on their own once the database is back (PostgreSQL: `pool_pre_ping`).
"""

from __future__ import annotations

import sqlite3

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNAVAILABLE_ZH = "数据库暂时无法连接，请稍后再试，页面将自动重试。"
UNAVAILABLE_EN = (
    "The database is temporarily unavailable. Please try again in a moment; this page retries by itself."
)

# SQLite reports a vanished disk and a lock held past the busy timeout as OperationalError,
# like a missing table or a syntax error, so only these messages count.
SQLITE_OUTAGES = ("unable to open database file", "database is locked", "disk i/o error")
# PostgreSQL: connection exceptions (08), too many connections and out of resources (53), and
# the server shutting down, crashed or starting up (57P01-57P03).
POSTGRES_OUTAGE_CLASSES = ("08", "53", "57P")


def is_database_unavailable(error: BaseException) -> bool:
    """True when `error` (or what caused it) means the database cannot be reached right now:
    a refused or lost connection, a server going down or starting up, a SQLite file that cannot
    be opened or stays locked, a full connection pool."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        return error.connection_invalidated or (error.orig is not None and _is_driver_outage(error.orig))
    return _is_driver_outage(error)


def _is_driver_outage(error: BaseException) -> bool:
    if isinstance(error, sqlite3.OperationalError):
        return any(message in str(error).lower() for message in SQLITE_OUTAGES)
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        # Without a SQLSTATE the client itself failed: refused, reset, closed, timed out.
        state = error.sqlstate
        return state is None or state.startswith(POSTGRES_OUTAGE_CLASSES)
    return False


def unavailable_text() -> str:
    """Both languages: whoever is looking may not have chosen theirs yet."""
    return f"{UNAVAILABLE_ZH}\n\n{UNAVAILABLE_EN}"
