"""What the records say, as the rules see it: plain frozen values, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Owner:
    """A building's recorded owner: a person (by blind index) or an organisation (the names of
    its legal representative and manager, who may let its rooms)."""

    person_index: str | None = None
    org_people: frozenset[str] = frozenset()

    @property
    def is_recorded(self) -> bool:
        return self.person_index is not None or bool(self.org_people)


@dataclass(frozen=True)
class RoomFacts:
    id: int
    number: str
    is_active: bool
    area_m2: float | None
    is_rental: bool
    building_id: int
    building_is_active: bool
    building_use: str
    plate_code: str
    owner: Owner


@dataclass(frozen=True)
class Occupant:
    """Someone with a current residence in a room."""

    person_index: str
    birth_date: date


@dataclass(frozen=True)
class Residency:
    """A current residence of a person, with the address it is at."""

    room_id: int
    address: str
    room_number: str


@dataclass(frozen=True)
class OrganisationFacts:
    name: str
    legal_rep: str
    manager: str
