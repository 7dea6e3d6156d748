"""比对记录: the records a declaration is compared with on the officer's detail page.

The buildings at the plate with their rooms and recorded owner, the current and past residents
of the declared rooms, and for each person the declaration lists what the records hold under
the same document (found by its blind index): their name on record and their residences
elsewhere. Everyone here but the declared people is masked; every document number is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.crypto import decrypt, id_blind_index, mask_id_number, mask_name
from shared.models import (
    Building,
    Declaration,
    DeclarationKind,
    DoorPlate,
    Organisation,
    Person,
    Residence,
    Room,
    Street,
)
from shared.models.places import format_address
from shared.places.plates import current_resident_counts

MAX_RESIDENTS = 100


@dataclass(frozen=True)
class RoomRecord:
    id: int
    label: str
    floor: int
    area_m2: float | None
    is_rental: bool
    residents: int
    is_declared: bool


@dataclass(frozen=True)
class BuildingRecord:
    id: int
    name: str
    type: str
    use: str
    owner: str  # masked name of the recorded owner (a person) or the organisation's name
    owner_id_number: str  # masked
    last_visited_at: datetime | None
    rooms: tuple[RoomRecord, ...]


@dataclass(frozen=True)
class ResidentRecord:
    """Someone who lives or lived in a declared room, masked."""

    name: str
    id_number: str
    room: str
    since: date
    until: date | None
    is_current: bool
    is_declared_here: bool  # recorded from this declaration


@dataclass(frozen=True)
class PersonMatch:
    """A person the declaration lists, and what the records hold under the same document."""

    path: str  # `person`, `family[0]`, `tenants[1].person`
    declared_name: str
    recorded_name: str | None  # None: not on record yet
    residences: tuple[ResidentRecord, ...]  # elsewhere than the declared rooms


def building_records(
    session: Session, declaration: Declaration, declared_rooms: set[int], *, today: date
) -> tuple[BuildingRecord, ...]:
    buildings = session.scalars(
        select(Building).where(Building.plate_code == declaration.plate_code).order_by(Building.id)
    ).all()
    rooms = session.scalars(
        select(Room).where(Room.building_id.in_([b.id for b in buildings])).order_by(Room.floor, Room.number)
    ).all()
    counts = current_resident_counts(session, [r.id for r in rooms], today=today)
    result = []
    for building in buildings:
        owner, owner_id = "", ""
        if building.owner_person is not None:
            owner = mask_name(building.owner_person.name)
            owner_id = mask_id_number(decrypt(building.owner_person.id_number_enc))
        elif building.owner_org is not None:
            owner = building.owner_org.name
        prefix = f"{building.name} " if building.name else ""
        result.append(
            BuildingRecord(
                id=building.id,
                name=building.name,
                type=building.type,
                use=building.use,
                owner=owner,
                owner_id_number=owner_id,
                last_visited_at=building.last_visited_at,
                rooms=tuple(
                    RoomRecord(
                        r.id,
                        prefix + r.number,
                        r.floor,
                        r.area_m2,
                        r.is_rental,
                        counts.get(r.id, 0),
                        r.id in declared_rooms,
                    )
                    for r in rooms
                    if r.building_id == building.id
                ),
            )
        )
    return tuple(result)


def room_residents(
    session: Session, declaration: Declaration, room_ids: list[int], labels: dict[int, str], *, today: date
) -> tuple[ResidentRecord, ...]:
    if not room_ids:
        return ()
    rows = session.execute(
        select(Residence, Person)
        .join(Person, Person.id == Residence.person_id)
        .where(Residence.room_id.in_(room_ids))
        .order_by(Residence.until.is_not(None), Residence.since.desc(), Residence.id)
        .limit(MAX_RESIDENTS)
    ).all()
    return tuple(_resident(r, p, labels.get(r.room_id, ""), declaration.id, today) for r, p in rows)


def _resident(
    residence: Residence, person: Person, room: str, declaration_id: int, today: date
) -> ResidentRecord:
    return ResidentRecord(
        name=mask_name(person.name),
        id_number=mask_id_number(decrypt(person.id_number_enc)),
        room=room,
        since=residence.since,
        until=residence.until,
        is_current=residence.until is None or residence.until > today,
        is_declared_here=residence.declaration_id == declaration_id,
    )


def _listed_people(kind: DeclarationKind, payload: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    if kind is DeclarationKind.RESIDENCE:
        return [
            ("person", payload["person"]),
            *((f"family[{i}]", p) for i, p in enumerate(payload["family"])),
        ]
    if kind is DeclarationKind.RENTAL:
        tenants = [(f"tenants[{i}].person", t["person"]) for i, t in enumerate(payload["tenants"])]
        return [("landlord", payload["landlord"]), *tenants]
    return [("declarant", payload["declarant"])]


def people_on_record(
    session: Session,
    kind: DeclarationKind,
    payload: Mapping[str, Any],
    declared_rooms: set[int],
    *,
    today: date,
) -> tuple[PersonMatch, ...]:
    listed = _listed_people(kind, payload)
    indexes = {path: id_blind_index(p["id_type"], p["id_number"]) for path, p in listed}
    people = {
        p.id_number_index: p
        for p in session.scalars(select(Person).where(Person.id_number_index.in_(list(indexes.values()))))
    }
    found = [p.id for p in people.values()]
    elsewhere: dict[int, list[tuple[Residence, str]]] = {}
    if found:
        rows = session.execute(
            select(Residence, Room.number, Building.name, Street.name, DoorPlate.number)
            .join(Room, Room.id == Residence.room_id)
            .join(Building, Building.id == Room.building_id)
            .join(DoorPlate, DoorPlate.code == Building.plate_code)
            .join(Street, Street.id == DoorPlate.street_id)
            .where(Residence.person_id.in_(found), Residence.room_id.not_in(declared_rooms or {0}))
            .order_by(Residence.since.desc())
        ).all()
        for residence, room, building, street, number in rows:
            where = " ".join(x for x in (format_address(street, number), building, room) if x)
            elsewhere.setdefault(residence.person_id, []).append((residence, where))
    matches = []
    for path, raw in listed:
        person = people.get(indexes[path])
        records = elsewhere.get(person.id, []) if person else []
        matches.append(
            PersonMatch(
                path=path,
                declared_name=str(raw["name"]),
                recorded_name=person.name if person else None,
                residences=tuple(_resident(r, person, where, 0, today) for r, where in records if person),
            )
        )
    return tuple(matches)


def organisation_on_record(session: Session, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    organisation = session.scalars(
        select(Organisation).where(Organisation.uscc == str(payload["uscc"]).upper())
    ).first()
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "uscc": organisation.uscc,
        "plate_code": organisation.plate_code,
        "status": organisation.status.value,
        "legal_rep": organisation.legal_rep,
        "manager": organisation.manager,
        "staff_count": organisation.staff_count,
    }
