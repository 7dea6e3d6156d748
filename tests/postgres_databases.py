"""PostgreSQL databases of a test's own, next to the one DATABASE_URL names: created afresh (a
left-over from an interrupted run is dropped first) and, for a scratch database, dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url, text

from shared.core import db


def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server of `server_url`; its URL."""
    base = make_url(db.make_engine(server_url).url)
    _run(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return base.set(database=name).render_as_string(hide_password=False)


@contextmanager
def scratch_database(server_url: str, name: str) -> Iterator[str]:
    """`fresh_database`, dropped on the way out (connections still open to it included)."""
    url = fresh_database(server_url, name)
    try:
        yield url
    finally:
        _run(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(server_url: str, *statements: str) -> None:
    """Statements that cannot run in a transaction, through the database `server_url` names."""
    admin = db.make_engine(server_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()
