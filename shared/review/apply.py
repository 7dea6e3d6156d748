"""核实入库: what an approval writes to the records, for each kind of declaration.

Runs inside the approval's transaction (`shared.review.decisions.approve`); nothing here commits. People
are matched by the blind index of their document, never by name. Applying the same version
twice changes nothing the second time, and a later version (a correction, a move-out) brings
the records in line with it: a residence this declaration opened is updated, not opened again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.gate.move_out import lift_move_out
from shared.housing.people import seal_phone
from shared.models import (
    Building,
    Declaration,
    DeclarationKind,
    Organisation,
    OrganisationStatus,
    Person,
    Room,
)
from shared.review.apply_people import ids_on_record, landlord_on_record, optional_date, upsert_person
from shared.review.apply_residences import end_in_rooms, end_opened_by, settle_residence
from shared.review.outcome import ApplyOutcome

RENTED_DWELLING = "02"  # dwelling_type 租赁房屋: how a landlord's tenant lives


def apply_declaration(
    session: Session, declaration: Declaration, payload: Mapping[str, Any], *, today: date
) -> ApplyOutcome:
    """Bring the records in line with the declaration's current version."""
    outcome = ApplyOutcome()
    if declaration.kind is DeclarationKind.RESIDENCE:
        _apply_residence(session, declaration, payload, outcome, today=today)
    elif declaration.kind is DeclarationKind.RENTAL:
        _apply_rental(session, declaration, payload, outcome, today=today)
    else:
        _apply_organisation(session, declaration, payload, outcome)
    session.flush()
    return outcome


def _apply_residence(
    session: Session,
    declaration: Declaration,
    payload: Mapping[str, Any],
    outcome: ApplyOutcome,
    *,
    today: date,
) -> None:
    people = (payload["person"], *payload["family"])
    lift_move_out(session, payload)  # decided: the residences end below or carry on
    if payload.get("move_out"):
        until = date.fromisoformat(payload["move_out"])
        end_in_rooms(session, ids_on_record(session, people), [int(payload["room_id"])], until, outcome)
        return
    room = session.get(Room, int(payload["room_id"]))
    if payload.get("dwelling_type") == RENTED_DWELLING and room is not None and not room.is_rental:
        room.is_rental = True  # the officer confirmed the tenant rents it: the rental list should know
        outcome.rooms_marked_rental += 1
    kept: set[int] = set()
    for raw in people:
        person = upsert_person(session, raw, outcome)
        kept.add(person.id)
        settle_residence(
            session,
            declaration,
            person=person,
            room_id=int(payload["room_id"]),
            since=date.fromisoformat(payload["move_in"]),
            planned_until=optional_date(payload.get("planned_until")),
            reason=payload["reason"],
            dwelling_type=payload.get("dwelling_type"),
            outcome=outcome,
        )
    # A family member dropped by a correction after an earlier approval no longer lives here.
    end_opened_by(session, declaration, until=today, outcome=outcome, except_people=kept)


def _apply_rental(
    session: Session,
    declaration: Declaration,
    payload: Mapping[str, Any],
    outcome: ApplyOutcome,
    *,
    today: date,
) -> None:
    room_ids = [int(r) for r in payload["room_ids"]]
    rooms = session.scalars(select(Room).where(Room.id.in_(room_ids))).all()
    if payload.get("move_out"):  # the whole rental ends: its tenants leave, the rooms are no longer let
        until = date.fromisoformat(payload["move_out"])
        tenants = ids_on_record(session, [t["person"] for t in payload["tenants"]])
        end_in_rooms(session, tenants, room_ids, until, outcome)
        for room in rooms:
            room.is_rental = False
        return
    for room in rooms:
        if not room.is_rental:
            room.is_rental = True
            outcome.rooms_marked_rental += 1
    landlord = landlord_on_record(session, payload["landlord"], outcome, today=today)
    if landlord is not None:
        _record_owner(session, {room.building_id for room in rooms}, landlord)
    kept: set[int] = set()
    lease_end = optional_date(payload.get("lease_end"))
    for tenant in payload["tenants"]:
        person = upsert_person(session, tenant["person"], outcome)
        kept.add(person.id)
        if tenant.get("move_out"):
            until = date.fromisoformat(tenant["move_out"])
            end_in_rooms(session, [person.id], [int(tenant["room_id"])], until, outcome)
            continue
        settle_residence(
            session,
            declaration,
            person=person,
            room_id=int(tenant["room_id"]),
            since=date.fromisoformat(tenant["move_in"]),
            planned_until=lease_end,
            reason=tenant["reason"],
            dwelling_type=RENTED_DWELLING,
            outcome=outcome,
        )
    end_opened_by(session, declaration, until=today, outcome=outcome, except_people=kept)


def _apply_organisation(
    session: Session, declaration: Declaration, payload: Mapping[str, Any], outcome: ApplyOutcome
) -> None:
    uscc = str(payload["uscc"]).strip().upper()
    plate_code = declaration.plate_code
    assert plate_code is not None  # only a residence is declared at a typed address, and placed first
    organisation = session.scalars(select(Organisation).where(Organisation.uscc == uscc)).first()
    if organisation is None:
        organisation = Organisation(uscc=uscc, name=payload["name"], plate_code=plate_code)
        session.add(organisation)
    organisation.name = payload["name"]
    organisation.plate_code = plate_code
    organisation.room_id = payload.get("room_id")
    organisation.status = OrganisationStatus(payload["status"])
    organisation.legal_rep = payload.get("legal_rep") or ""
    organisation.manager = payload.get("manager") or ""
    organisation.staff_count = payload.get("staff_count")
    if payload.get("phone"):
        sealed = seal_phone(payload["phone"])
        organisation.phone_enc, organisation.phone_index = sealed.ciphertext, sealed.index
    session.flush()
    outcome.organisation_id = organisation.id


def _record_owner(session: Session, building_ids: set[int], landlord: Person) -> None:
    """A building with no recorded owner gets the approved landlord; a recorded owner is never
    replaced here (a sub-landlord, 二房东, lets rooms he does not own)."""
    for building in session.scalars(select(Building).where(Building.id.in_(building_ids))):
        if building.owner_person_id is None and building.owner_org_id is None:
            building.owner_person_id = landlord.id
