"""Personal data: encryption at rest, blind-index look-up, masking, the master secret."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from shared.core import crypto
from shared.core.config import get_settings
from shared.housing.people import (
    find_person_by_id_number,
    reveal_id_number,
    reveal_phone,
    seal_id_number,
    seal_phone,
)
from shared.models import Base, Person, PersonCategory

ID_NUMBER = "11010519491231002X"
PHONE = "+8613812345678"


def test_encryption_round_trip_returns_the_original_text() -> None:
    blob = crypto.encrypt(ID_NUMBER)
    assert ID_NUMBER.encode() not in blob
    assert crypto.decrypt(blob) == ID_NUMBER


def test_same_value_encrypts_differently_each_time() -> None:
    assert crypto.encrypt(PHONE) != crypto.encrypt(PHONE)


def test_altered_ciphertext_is_refused() -> None:
    blob = bytearray(crypto.encrypt(ID_NUMBER))
    blob[-1] ^= 0x01
    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt(bytes(blob))


def test_ciphertext_of_another_master_secret_is_refused() -> None:
    other = crypto.Keyring.from_master(b"another secret")
    with pytest.raises(crypto.DecryptionError, match="another master secret"):
        crypto.decrypt(crypto.encrypt(ID_NUMBER, other))


def test_blind_index_is_stable_normalised_and_keyed() -> None:
    assert crypto.id_blind_index("01", ID_NUMBER) == crypto.id_blind_index("01", " 11010519491231002x ")
    assert crypto.id_blind_index("01", ID_NUMBER) != crypto.id_blind_index("04", ID_NUMBER)
    other = crypto.Keyring.from_master(b"another secret")
    assert crypto.id_blind_index("01", ID_NUMBER) != crypto.id_blind_index("01", ID_NUMBER, other)
    assert crypto.phone_blind_index(PHONE) != crypto.id_blind_index("01", PHONE)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("44190019900101123X", "441***********123X"),
        ("11010519491231002X", "110***********002X"),
        ("E12345678", "E12**5678"),
    ],
)
def test_identity_numbers_are_masked_for_display(value: str, masked: str) -> None:
    assert crypto.mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613812345678", "138****5678"),
        ("13812345678", "138****5678"),
        ("+8676922345678", "0769****5678"),
        ("+85291234567", "+852****4567"),
    ],
)
def test_phones_are_masked_for_display(value: str, masked: str) -> None:
    assert crypto.mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("买买提·艾力", "买*****"),
        ("NGUYEN VAN AN", "NGUYEN ***"),
        ("", ""),
    ],
)
def test_names_are_masked_for_display(value: str, masked: str) -> None:
    assert crypto.mask_name(value) == masked


def test_master_secret_is_generated_once_with_owner_only_permissions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MENPAI_SECRET_KEY")
    monkeypatch.setenv("MENPAI_SECRET_KEY_FILE", str(tmp_path / "keys" / "secret.key"))
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    first = crypto.get_keyring()
    key_file = tmp_path / "keys" / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    crypto.get_keyring.cache_clear()
    assert crypto.get_keyring() == first  # read back, not regenerated


def _add_person(session: Session) -> Person:
    sealed_id = seal_id_number("01", ID_NUMBER)
    sealed_phone = seal_phone(PHONE)
    person = Person(
        name="王小明",
        sex="2",
        ethnicity="01",
        birth_date=date(1949, 12, 31),
        id_type="01",
        id_number_enc=sealed_id.ciphertext,
        id_number_index=sealed_id.index,
        phone_enc=sealed_phone.ciphertext,
        phone_index=sealed_phone.index,
        category=PersonCategory.MIGRANT,
    )
    session.add(person)
    session.commit()
    return person


def test_person_is_found_by_identity_number_through_the_blind_index(session: Session) -> None:
    person = _add_person(session)
    found = find_person_by_id_number(session, id_type="01", id_number="11010519491231002x")
    assert found is not None and found.id == person.id
    assert reveal_id_number(found) == ID_NUMBER
    assert reveal_phone(found) == PHONE
    assert find_person_by_id_number(session, id_type="01", id_number="110105194912310038") is None


def test_database_holds_no_identity_number_or_phone_in_plain_text(session: Session, engine: Engine) -> None:
    _add_person(session)
    needles = [ID_NUMBER, ID_NUMBER.lower(), PHONE, PHONE.removeprefix("+86")]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database_file = Path(engine.url.database or "")
        raw = b"".join(p.read_bytes() for p in database_file.parent.glob(database_file.name + "*"))
        for needle in needles:
            assert needle.encode() not in raw
    else:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(text(f"SELECT t::text FROM {table.name} t")).scalars().all()
                dump = "\n".join(rows)
                for needle in needles:
                    assert needle not in dump, f"{needle} in clear in {table.name}"
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM people")).scalar_one() == 1
