"""Key rotation: every personal field moves to the new master secret, and nothing is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from shared.core import crypto
from shared.core.config import get_settings
from shared.core.crypto import Keyring, decrypt, key_id_of
from shared.core.errors import DomainError
from shared.demo import build_demo_town
from shared.housing.people import find_person_by_id_number, seal_id_number, seal_phone
from shared.models import Gate, Person, Room, Visitor
from shared.ops.key_rotation import encrypted_tables, rotate_key
from tests.conftest import TEST_SECRET
from tests.factories import declare_residence

NEW_SECRET = "the-new-master-secret-after-rotation"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
OLD, NEW = Keyring.from_master(TEST_SECRET.encode()), Keyring.from_master(NEW_SECRET.encode())

Snapshot = dict[tuple[str, Any, str], str | None]


@pytest.fixture
def town(session: Session) -> Session:
    """The small demo town, plus a tenant's declaration and a visitor, so every encrypted table has rows."""
    build_demo_town(session, scale="small")
    room = session.scalars(select(Room).order_by(Room.id)).first()
    assert room is not None
    declare_residence(session, room=room, now=NOW)
    gate = session.scalars(select(Gate).order_by(Gate.id)).first()
    assert gate is not None
    sealed_id, sealed_phone = seal_id_number("01", "11010519491231002X"), seal_phone("+8613800138000")
    session.add(
        Visitor(
            gate_id=gate.id, name="王五", id_type="01", id_number_enc=sealed_id.ciphertext,
            id_number_index=sealed_id.index, phone_enc=sealed_phone.ciphertext,
            phone_index=sealed_phone.index,
            valid_from=NOW, valid_until=NOW + timedelta(hours=4),
        )
    )  # fmt: skip
    session.commit()
    return session


def clear_values(engine: Engine, ring: Keyring) -> tuple[Snapshot, Snapshot]:
    """(every encrypted value decrypted under `ring`, every blind index) keyed by table, row and column."""
    values: Snapshot = {}
    indexes: Snapshot = {}
    with engine.connect() as conn:
        for plan in encrypted_tables():
            (pk,) = plan.table.primary_key.columns
            for row in conn.execute(select(plan.table)).mappings():
                for col in plan.enc:
                    blob = row[col.name]
                    values[(plan.table.name, row[pk.name], col.name)] = (
                        None if blob is None else decrypt(blob, ring)
                    )
                for name, _rule in plan.indexes:
                    indexes[(plan.table.name, row[pk.name], name)] = row[name]
    return values, indexes


def expected_indexes(engine: Engine, ring: Keyring) -> Snapshot:
    """Every blind index recomputed from the clear values under `ring`."""
    result: Snapshot = {}
    with engine.connect() as conn:
        for plan in encrypted_tables():
            (pk,) = plan.table.primary_key.columns
            for row in conn.execute(select(plan.table)).mappings():
                clear = dict(row) | {c.name: row[c.name] and decrypt(row[c.name], ring) for c in plan.enc}
                for name, rule in plan.indexes:
                    result[(plan.table.name, row[pk.name], name)] = rule(clear, ring)
    return result


def key_ids(engine: Engine) -> set[bytes]:
    with engine.connect() as conn:
        return {
            key_id_of(blob)
            for plan in encrypted_tables()
            for row in conn.execute(select(*plan.enc))
            for blob in row
            if blob is not None
        }


def test_every_encrypted_table_has_rows_to_rotate(engine: Engine, town: Session) -> None:
    values, _ = clear_values(engine, OLD)
    assert {table for table, _, _ in values} >= {
        "people", "organisations", "declarations", "declaration_versions", "visitors"
    }  # fmt: skip


def test_rotation_keeps_every_clear_value_and_moves_every_index(
    engine: Engine, town: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, old_indexes = clear_values(engine, OLD)
    report = rotate_key(engine, old=OLD, new=NEW, batch=100)
    after, new_indexes = clear_values(engine, NEW)
    assert after == before
    assert new_indexes == expected_indexes(engine, NEW)
    assert all(new_indexes[k] != old_indexes[k] for k in new_indexes if old_indexes[k] is not None)
    assert key_ids(engine) == {NEW.key_id}
    assert report.total_rotated == len({(t, r) for t, r, _ in before}) and report.conflicts == 0

    person = town.scalars(select(Person).order_by(Person.id)).first()
    assert person is not None
    number = decrypt(person.id_number_enc, NEW)
    monkeypatch.setenv("MENPAI_SECRET_KEY", NEW_SECRET)
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    with Session(engine) as fresh:
        found = find_person_by_id_number(fresh, id_type=person.id_type, id_number=number)
        assert found is not None and found.id == person.id


def test_interrupted_rotation_resumes_without_loss(engine: Engine, town: Session) -> None:
    before, _ = clear_values(engine, OLD)
    calls: list[tuple[str, int, int]] = []

    def power_cut(table: str, done: int, total: int) -> None:
        calls.append((table, done, total))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate_key(engine, old=OLD, new=NEW, batch=50, progress=power_cut)
    assert key_ids(engine) == {OLD.key_id, NEW.key_id}  # the first batch was committed, the rest not

    report = rotate_key(engine, old=OLD, new=NEW, batch=50)
    assert sum(report.already_done.values()) == 50
    after, new_indexes = clear_values(engine, NEW)
    assert after == before
    assert new_indexes == expected_indexes(engine, NEW)
    assert key_ids(engine) == {NEW.key_id}


def test_rotating_to_the_same_secret_is_refused(engine: Engine) -> None:
    with pytest.raises(DomainError, match="current one"):
        rotate_key(engine, old=OLD, new=OLD)


def test_a_value_under_an_unknown_key_stops_the_rotation(engine: Engine, town: Session) -> None:
    person = town.scalars(select(Person).order_by(Person.id.desc())).first()
    assert person is not None
    person.phone_enc = crypto.encrypt("+8613900139000", Keyring.from_master(b"someone else"))
    town.commit()
    with pytest.raises(DomainError, match="does not open under the old master secret"):
        rotate_key(engine, old=OLD, new=NEW)


def test_cli_reads_the_new_secret_from_stdin_and_says_what_to_change(
    engine: Engine, town: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from shared.cli.main import main

    before, _ = clear_values(engine, OLD)
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_SECRET + "\n"))
    assert main(["rotate-key", "--new-secret-file", "-"]) == 0
    printed = capsys.readouterr().out
    assert "MENPAI_PREVIOUS_SECRET_KEYS" in printed and NEW_SECRET not in printed
    assert clear_values(engine, NEW)[0] == before


def test_cli_refuses_a_short_new_secret(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.cli.main import main

    short = tmp_path / "new.key"
    short.write_text("too short\n", encoding="utf-8")
    assert main(["rotate-key", "--new-secret-file", str(short)]) == 1
    assert "too short" in capsys.readouterr().err
