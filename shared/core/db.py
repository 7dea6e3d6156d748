"""Engine and session handling, and applying migrations at start.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the portal, the kiosk
and the CLI can share one file. The caller owns the transaction: `with session_scope() as s:`.

SQLite transactions are left to the sqlite3 driver's (legacy) control on purpose: it begins
one at the first INSERT, UPDATE or DELETE, so reads before it see the latest commit, as on
PostgreSQL (READ COMMITTED), and a writer asks for the write lock before it holds a snapshot,
which is when the busy timeout applies. A BEGIN at the first SELECT instead would make
processes that read and then write fail at once with "database is locked" (SQLite does not wait
to upgrade a reader; tests/self_service/test_faults.py's concurrent writers then fail within seconds), and
BEGIN IMMEDIATE everywhere would queue every page view behind every writer and deadlock a
second session opened inside a first (receipt_access's failure counter). One gap is closed
here: a SAVEPOINT before any write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shared.core.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas and driver options this project relies on."""
    if is_sqlite(url):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_serializer=_json_dumps
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps)


def _json_dumps(value: Any) -> str:
    # Keep Chinese readable in JSON columns, so street aliases can be searched as text.
    return json.dumps(value, ensure_ascii=False)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (kiosk, portal) run while one writer commits; FKs are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_before_savepoint(conn: Connection, _name: str) -> None:
    # The driver begins no transaction for a SAVEPOINT, so one before the first write would
    # start its own, and RELEASE would commit it there and then, out of reach of the session's
    # rollback (the recheck's guarded update, for one). IMMEDIATE: a savepoint is for writing,
    # and taking the write lock now is what lets the busy timeout apply.
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL per process."""
    if url is None:
        url = get_settings().database_url
    if url not in _engines:
        if is_sqlite(url):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        _engines[url] = make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before a process forks)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    get_session_factory.cache_clear()


@lru_cache(maxsize=4)
def get_session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = get_session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
