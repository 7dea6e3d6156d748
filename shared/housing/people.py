"""实有人口: storing and finding people without keeping their numbers in clear."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.crypto import Keyring, decrypt, encrypt, id_blind_index, phone_blind_index
from shared.core.validate import ID_RESIDENT
from shared.models import Person, PersonCategory

LOCAL_REGION_PREFIX = "441900"  # 东莞市: the town's own household registrations


@dataclass(frozen=True)
class SealedField:
    """A personal value ready to store: the ciphertext and its blind index."""

    ciphertext: bytes
    index: str


def seal_id_number(id_type: str, id_number: str, keyring: Keyring | None = None) -> SealedField:
    """Encrypt a normalised document number and compute its blind index."""
    number = id_number.strip().upper()
    return SealedField(encrypt(number, keyring), id_blind_index(id_type, number, keyring))


def seal_phone(e164: str, keyring: Keyring | None = None) -> SealedField:
    """Encrypt a phone number already normalised to E.164."""
    return SealedField(encrypt(e164, keyring), phone_blind_index(e164, keyring))


def find_person_by_id_number(session: Session, *, id_type: str, id_number: str) -> Person | None:
    """Exact look-up through the blind index: no decryption, no scan."""
    index = id_blind_index(id_type, id_number.strip().upper())
    return session.scalars(select(Person).where(Person.id_number_index == index)).first()


def reveal_id_number(person: Person) -> str:
    """The clear identity number. Callers showing it to staff must audit the read."""
    return decrypt(person.id_number_enc)


def reveal_phone(person: Person) -> str | None:
    return decrypt(person.phone_enc) if person.phone_enc else None


def person_category(id_type: str, id_number: str) -> PersonCategory:
    """户籍 when the resident ID was issued in Dongguan, 流动 for the rest of the mainland,
    境外 for every other document (Hong Kong, Macao, Taiwan, foreign): for a person first met in
    a declaration as in the housing import."""
    if id_type != ID_RESIDENT:
        return PersonCategory.FOREIGN
    return PersonCategory.LOCAL if id_number.startswith(LOCAL_REGION_PREFIX) else PersonCategory.MIGRANT
