"""业主 in a register import: each owner read once, matched by identity number, kept in line.

An owner named by several rows of one file must be named the same way on each; an owner on
record (found by blind index) gets the register's name and phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shared.housing.cells import RowProblem
from shared.housing.people import find_person_by_id_number, person_category, seal_id_number, seal_phone
from shared.housing.rows import HousingRow
from shared.models import Person


@dataclass
class OwnerState:
    """An owner rows of this file name: the person, the first line naming them, what it said."""

    person: Person
    line: int
    name: str
    phone: str | None
    status: str  # created, updated or unchanged


class OwnerBook:
    """The owners one import has named so far, by document type and number."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.owners: dict[str, OwnerState] = {}

    def find(self, row: HousingRow) -> OwnerState | Person | None:
        """The owner as already named in this file, or on record (blind index), or None: new."""
        seen = self.owners.get(_owner_key(row))
        if seen is None:
            return find_person_by_id_number(
                self.session, id_type=row.owner_id_type, id_number=row.owner_id_number
            )
        if seen.name != row.owner_name:
            raise RowProblem(
                "owner_name",
                f"与第 {seen.line} 行同一证件号码的业主姓名不一致",
                f"differs from the owner's name on line {seen.line}, which has the same identity number",
            )
        if row.owner_phone and seen.phone and row.owner_phone != seen.phone:
            raise RowProblem(
                "owner_phone",
                f"与第 {seen.line} 行同一证件号码的业主电话不一致",
                f"differs from the owner's phone on line {seen.line}, which has the same identity number",
            )
        return seen

    def settle(self, row: HousingRow, found: OwnerState | Person | None) -> Person:
        """Create a new owner, or bring one on record in line with the register."""
        if isinstance(found, OwnerState):
            if row.owner_phone and found.phone is None:
                found.phone = row.owner_phone
                if _set_phone(found.person, row.owner_phone) and found.status == "unchanged":
                    found.status = "updated"
            return found.person
        if found is None:
            person, status = self._add(row), "created"
        else:
            person, status = found, "unchanged"
            if person.name != row.owner_name:
                person.name, status = row.owner_name, "updated"
            if row.owner_phone and _set_phone(person, row.owner_phone):
                status = "updated"
        self.owners[_owner_key(row)] = OwnerState(person, row.line, row.owner_name, row.owner_phone, status)
        return person

    def _add(self, row: HousingRow) -> Person:
        sealed = seal_id_number(row.owner_id_type, row.owner_id_number)
        person = Person(
            name=row.owner_name,
            sex=row.owner_sex,
            birth_date=row.owner_birth_date,
            id_type=row.owner_id_type,
            id_number_enc=sealed.ciphertext,
            id_number_index=sealed.index,
            nationality=row.owner_nationality,
            category=person_category(row.owner_id_type, row.owner_id_number),
        )
        if row.owner_phone:
            _set_phone(person, row.owner_phone)
        self.session.add(person)
        return person


def _owner_key(row: HousingRow) -> str:
    return f"{row.owner_id_type}:{row.owner_id_number}"


def _set_phone(person: Person, e164: str) -> bool:
    """Store a phone sealed; True when it differs from the one on record."""
    sealed = seal_phone(e164)
    if person.phone_index == sealed.index:
        return False
    person.phone_enc, person.phone_index = sealed.ciphertext, sealed.index
    return True
