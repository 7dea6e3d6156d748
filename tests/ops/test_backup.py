"""Backups: an encrypted copy that restores every record, and refuses the wrong key or a damaged file."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from shared.core import db
from shared.core.crypto import Keyring
from shared.core.errors import DomainError
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.housing.people import reveal_id_number
from shared.models import Base, Person
from shared.ops.backup import backup, is_empty, restore
from tests.conftest import ON_POSTGRES, TEST_SECRET
from tests.postgres_databases import scratch_database

RING = Keyring.from_master(TEST_SECRET.encode())


@pytest.fixture
def town(session: Session) -> Session:
    build_demo_town(session, scale="small")
    session.commit()
    return session


@pytest.fixture
def fresh_engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A second, migrated and empty database to restore into (on the same server for PostgreSQL)."""
    if not ON_POSTGRES:
        engine = db.make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        upgrade_database(engine)
        yield engine
        engine.dispose()
        return
    with scratch_database(db_url, f"menpai_restore_{uuid.uuid4().hex[:8]}") as url:
        engine = db.make_engine(url)
        upgrade_database(engine)
        yield engine
        engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables
        }


def test_restore_into_a_fresh_database_finds_every_record(
    engine: Engine, town: Session, fresh_engine: Engine, tmp_path: Path
) -> None:
    info = backup(engine=engine, out=tmp_path / "town.menpai-backup", keyring=RING)
    assert info.size > 0 and info.key_id == RING.key_id.hex()
    assert b"people" not in info.path.read_bytes()  # nothing readable without the key
    assert is_empty(fresh_engine)

    restore(engine=fresh_engine, src=info.path, keyring=RING)

    counts = row_counts(fresh_engine)
    assert counts == row_counts(engine) and counts["people"] == 400
    original = town.scalars(select(Person).order_by(Person.id).limit(5)).all()
    with Session(fresh_engine) as restored:
        for person in original:
            copy = restored.get(Person, person.id)
            assert copy is not None and copy.name == person.name
            assert reveal_id_number(copy) == reveal_id_number(person)


def test_backup_under_another_master_secret_is_refused(
    engine: Engine, town: Session, fresh_engine: Engine, tmp_path: Path
) -> None:
    info = backup(engine=engine, out=tmp_path / "town.bak", keyring=Keyring.from_master(b"another secret"))
    with pytest.raises(DomainError, match="another master secret"):
        restore(engine=fresh_engine, src=info.path, keyring=RING)
    assert is_empty(fresh_engine)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda size: size // 2, "altered or damaged"),  # a byte in the middle of the data
        (lambda size: size - 1, "altered or damaged"),  # the last tag
        (lambda size: 30, "altered or damaged"),  # the header's nonce prefix, bound to every chunk
        (lambda size: 0, "not a Menpai backup"),
    ],
)
def test_altered_backup_is_refused_and_nothing_restored(
    engine: Engine, town: Session, fresh_engine: Engine, tmp_path: Path, where: object, message: str
) -> None:
    info = backup(engine=engine, out=tmp_path / "town.bak", keyring=RING)
    data = bytearray(info.path.read_bytes())
    assert callable(where)
    data[where(len(data))] ^= 0x01
    info.path.write_bytes(bytes(data))
    with pytest.raises(DomainError, match=message):
        restore(engine=fresh_engine, src=info.path, keyring=RING)
    assert is_empty(fresh_engine)


def test_truncated_backup_is_refused(
    engine: Engine, town: Session, fresh_engine: Engine, tmp_path: Path
) -> None:
    info = backup(engine=engine, out=tmp_path / "town.bak", keyring=RING)
    data = info.path.read_bytes()
    info.path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DomainError, match="altered or damaged"):
        restore(engine=fresh_engine, src=info.path, keyring=RING)


def test_non_empty_database_is_only_overwritten_with_force(
    engine: Engine, town: Session, fresh_engine: Engine, tmp_path: Path
) -> None:
    empty = backup(engine=fresh_engine, out=tmp_path / "empty.bak", keyring=RING)
    with pytest.raises(DomainError, match="already holds records"):
        restore(engine=engine, src=empty.path, keyring=RING)
    assert row_counts(engine)["people"] == 400

    restore(engine=engine, src=empty.path, keyring=RING, force=True)
    assert is_empty(engine)


def test_cli_backup_then_restore_refuses_without_force_and_restores_with_it(
    engine: Engine, town: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.cli.main import main

    out = tmp_path / "cli.bak"
    assert main(["backup", "--out", str(out)]) == 0
    assert "backup written" in capsys.readouterr().out
    assert main(["restore", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["restore", str(out), "--force"]) == 0
    assert "restored" in capsys.readouterr().out
    assert row_counts(engine)["people"] == 400
