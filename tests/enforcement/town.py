"""A small town for the enforcement tests: let rooms of one owner, a gate, and helpers to
declare, pass the gate and register visitors at given times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.forms import validate_rental
from shared.gate.gates import person_pseudonym
from shared.gate.visitors import register_visitor
from shared.models import Declaration, Gate, Passage, PassageResult, Person, Room
from shared.self_service.submit import submit_rental
from tests.factories import (
    LANDLORD_ID,
    make_building,
    make_gate,
    make_grid,
    make_id_number,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
    rental_fields,
    tenant_fields,
)


@dataclass
class Town:
    owner: Person
    rooms: list[Room]  # 301, 302, 303 of one building, let, owned by 陈大文
    gate: Gate
    plate_code: str


def make_town(session: Session) -> Town:
    village = make_village(session, name="麻一村")
    grid = make_grid(session, village=village, code="G1")
    plate = make_plate(
        session, street=make_street(session, village=village, name="麻涌大道"), number="12", grid=grid
    )
    owner = make_person(session, name="陈大文", phone="13912345678", id_number=LANDLORD_ID)
    building = make_building(session, plate=plate, owner=owner)
    rooms = [make_room(session, building=building, number=n, is_rental=True) for n in ("301", "302", "303")]
    gate = make_gate(session, village=village, name="麻一村东门")
    session.flush()
    return Town(owner, rooms, gate, plate.code)


def declare_rental(
    session: Session,
    town: Town,
    rooms: list[Room],
    *,
    at: datetime,
    tenants: list[dict[str, Any]] | None = None,
) -> Declaration:
    """The landlord's rental of `rooms`, submitted at `at`."""
    today = local_today(at)
    fields = rental_fields(
        [r.id for r in rooms], lease_start=today - timedelta(days=2), tenants=tenants or []
    )
    data = validate_rental(fields, today=today)
    return submit_rental(
        session, plate_code=town.plate_code, data=data, idempotency_key=f"rental-{at.isoformat()}", now=at
    )


def late_tenant(room: Room, move_in: date, name: str = "王小红", sequence: str = "024") -> dict[str, Any]:
    """A tenant row of the landlord's form (a woman born 1992-03-05) who moved in on `move_in`."""
    number = make_id_number("430102", "19920305", sequence)
    row = tenant_fields(room.id, name=name, id_number=number, birth_date=date(1992, 3, 5), sex="2")
    return {**row, "move_in": move_in}


def lives_and_passes(session: Session, town: Town, room: Room, *, at: datetime, times: int = 1) -> Person:
    """Someone living in `room` (since long ago) who passed the gate `times` times at `at`."""
    person = make_person(session, name="赵六")
    make_residence(session, room=room, person=person, since=date(2024, 1, 1))
    for _ in range(times):
        session.add(
            Passage(gate_id=town.gate.id, at=at, subject_index=person_pseudonym(person.id),
                    result=PassageResult.ALLOWED, reason="ok")
        )  # fmt: skip
    session.flush()
    return person


def visit(session: Session, town: Town, room: Room, *, at: datetime) -> None:
    register_visitor(
        session, gate_id=town.gate.id, name="王小明", id_type="01",
        id_number=make_id_number("440106", "19850505", "017"), phone="13912345670",
        host_room_id=room.id, purpose="探亲访友", now=at,
    )  # fmt: skip
