"""核实入库的人员: people an approval writes, matched by the blind index of their document.

Never by name: two people may share one, and one person may write theirs two ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.core.validate import validate_id_number
from shared.housing.people import find_person_by_id_number, person_category, seal_id_number, seal_phone
from shared.models import Person
from shared.review.outcome import ApplyOutcome


def upsert_person(session: Session, raw: Mapping[str, Any], outcome: ApplyOutcome) -> Person:
    """The person on record with this document (their details brought up to date from the
    declaration), or a new person."""
    person = find_person_by_id_number(session, id_type=raw["id_type"], id_number=raw["id_number"])
    if person is None:
        sealed = seal_id_number(raw["id_type"], raw["id_number"])
        person = Person(
            id_number_enc=sealed.ciphertext,
            id_number_index=sealed.index,
            id_type=raw["id_type"],
            category=person_category(raw["id_type"], raw["id_number"]),
        )
        session.add(person)
        outcome.people_created += 1
    else:
        outcome.people_matched += 1
    person.name = raw["name"]
    person.sex = raw["sex"]
    person.ethnicity = raw.get("ethnicity")
    person.birth_date = date.fromisoformat(raw["birth_date"])
    person.nationality = raw.get("nationality") or "CHN"
    person.hukou_address = raw.get("hukou_address") or ""
    person.education = raw.get("education")
    person.employer = raw.get("employer") or ""
    person.visa_expiry = optional_date(raw.get("visa_expiry"))
    if raw.get("phone"):
        sealed_phone = seal_phone(raw["phone"])
        person.phone_enc, person.phone_index = sealed_phone.ciphertext, sealed_phone.index
    session.flush()
    return person


def ids_on_record(session: Session, people: Iterable[Mapping[str, Any]]) -> list[int]:
    """Ids of the listed people who are on record (by the blind index of their document)."""
    found = (
        find_person_by_id_number(session, id_type=p["id_type"], id_number=p["id_number"]) for p in people
    )
    return [person.id for person in found if person is not None]


def landlord_on_record(
    session: Session, raw: Mapping[str, Any], outcome: ApplyOutcome, *, today: date
) -> Person | None:
    """The landlord on record (name and phone updated), or a new person when the document
    says when they were born; a passport does not, and then no record is made."""
    person = find_person_by_id_number(session, id_type=raw["id_type"], id_number=raw["id_number"])
    if person is None:
        try:
            check = validate_id_number(raw["id_type"], raw["id_number"], today=today)
        except DomainError:
            return None
        if check.birth_date is None:
            return None
        sealed = seal_id_number(raw["id_type"], raw["id_number"])
        person = Person(
            id_number_enc=sealed.ciphertext,
            id_number_index=sealed.index,
            id_type=raw["id_type"],
            birth_date=check.birth_date,
            sex=check.sex or "0",
            category=person_category(raw["id_type"], raw["id_number"]),
        )
        session.add(person)
        outcome.people_created += 1
    else:
        outcome.people_matched += 1
    person.name = raw["name"]
    if raw.get("phone"):
        sealed_phone = seal_phone(raw["phone"])
        person.phone_enc, person.phone_index = sealed_phone.ciphertext, sealed_phone.index
    session.flush()
    return person


def optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
