"""Which errors mean "the database is out of reach for now" (the apps then say so and retry), and
which are bugs that must surface."""

from __future__ import annotations

import socket
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg_errors
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from shared.core.availability import is_database_unavailable


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _raised(url: str, sql: str = "SELECT 1") -> BaseException:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(sql))
    except Exception as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("no error")


def test_a_sqlite_file_that_cannot_be_opened_is_an_outage(tmp_path: Path) -> None:
    assert is_database_unavailable(_raised(f"sqlite:///{tmp_path / 'gone' / 'menpai.db'}"))


def test_a_refused_postgresql_connection_is_an_outage() -> None:
    error = _raised(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/menpai?connect_timeout=2")
    assert isinstance(error, OperationalError)
    assert is_database_unavailable(error)


def test_a_missing_table_is_a_bug(tmp_path: Path) -> None:
    error = _raised(f"sqlite:///{tmp_path / 'menpai.db'}", "SELECT * FROM no_such_table")
    assert isinstance(error, OperationalError), "SQLite says OperationalError for this too"
    assert not is_database_unavailable(error)


def _wrapped(orig: Exception, cls: type[DBAPIError] = OperationalError) -> DBAPIError:
    return cls("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    ("error", "is_outage"),
    [
        pytest.param(_wrapped(pg_errors.AdminShutdown("terminating connection")), True, id="admin-shutdown"),
        pytest.param(
            _wrapped(pg_errors.CannotConnectNow("the system is starting up")), True, id="starting-up"
        ),
        pytest.param(_wrapped(pg_errors.TooManyConnections("too many clients")), True, id="too-many-clients"),
        pytest.param(_wrapped(psycopg.OperationalError("server closed the connection")), True, id="lost"),
        pytest.param(PoolTimeout("QueuePool limit of size 5 overflow 10 reached"), True, id="pool-full"),
        pytest.param(_wrapped(pg_errors.DeadlockDetected("deadlock detected")), False, id="deadlock"),
        pytest.param(
            _wrapped(pg_errors.UniqueViolation("duplicate key"), IntegrityError), False, id="unique"
        ),
        pytest.param(ValueError("a bug"), False, id="bug"),
    ],
)
def test_what_counts_as_an_outage(error: BaseException, is_outage: bool) -> None:
    assert is_database_unavailable(error) is is_outage


def test_an_invalidated_connection_is_an_outage() -> None:
    error = OperationalError(
        "SELECT 1", {}, Exception("whatever the driver said"), connection_invalidated=True
    )
    assert is_database_unavailable(error)


def test_an_error_raised_while_the_database_was_out_of_reach_is_an_outage() -> None:
    try:
        try:
            raise _wrapped(psycopg.OperationalError("connection refused"))
        except OperationalError as lost:
            raise RuntimeError("could not load the gate") from lost
    except RuntimeError as error:
        assert is_database_unavailable(error)
