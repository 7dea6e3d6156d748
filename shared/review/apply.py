"""核实入库: what an approval writes to the records, for each kind of declaration.

Runs inside the approval's transaction (`shared.review.decisions.approve`); nothing here commits. People
are matched by the blind index of their document, never by name. Applying the same version
twice changes nothing the second time, and a later version (a correction, a move-out) brings
the records in line with it: a residence this declaration opened is updated, not opened again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.core.validate import ID_RESIDENT, validate_id_number
from shared.housing.people import find_person_by_id_number, seal_id_number, seal_phone
from shared.models import (
    Building,
    Declaration,
    DeclarationKind,
    Organisation,
    OrganisationStatus,
    Person,
    PersonCategory,
    Residence,
    Room,
)
from shared.places.plates import active_residence_filter

LOCAL_REGION_PREFIX = "441900"  # 东莞市: household registrations of the town's own people
RENTED_DWELLING = "02"  # dwelling_type 租赁房屋: how a landlord's tenant lives


@dataclass
class ApplyOutcome:
    """What an approval changed, for the audit entry and the officer's confirmation."""

    people_created: int = 0
    people_matched: int = 0
    residences_opened: int = 0
    residences_updated: int = 0
    residences_ended: int = 0
    rooms_marked_rental: int = 0
    organisation_id: int | None = None


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
    if payload.get("move_out"):
        until = date.fromisoformat(payload["move_out"])
        _end_in_rooms(session, _on_record(session, people), [int(payload["room_id"])], until, outcome)
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
            planned_until=_date(payload.get("planned_until")),
            reason=payload["reason"],
            dwelling_type=payload.get("dwelling_type"),
            outcome=outcome,
        )
    # A family member dropped by a correction after an earlier approval no longer lives here.
    _end_opened_by(session, declaration, until=today, outcome=outcome, except_people=kept)


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
        tenants = _on_record(session, [t["person"] for t in payload["tenants"]])
        _end_in_rooms(session, tenants, room_ids, until, outcome)
        for room in rooms:
            room.is_rental = False
        return
    for room in rooms:
        if not room.is_rental:
            room.is_rental = True
            outcome.rooms_marked_rental += 1
    landlord = _landlord(session, payload["landlord"], outcome, today=today)
    if landlord is not None:
        _record_owner(session, {room.building_id for room in rooms}, landlord)
    kept: set[int] = set()
    lease_end = _date(payload.get("lease_end"))
    for tenant in payload["tenants"]:
        person = upsert_person(session, tenant["person"], outcome)
        kept.add(person.id)
        if tenant.get("move_out"):
            until = date.fromisoformat(tenant["move_out"])
            _end_in_rooms(session, [person.id], [int(tenant["room_id"])], until, outcome)
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
    _end_opened_by(session, declaration, until=today, outcome=outcome, except_people=kept)


def _apply_organisation(
    session: Session, declaration: Declaration, payload: Mapping[str, Any], outcome: ApplyOutcome
) -> None:
    uscc = str(payload["uscc"]).strip().upper()
    organisation = session.scalars(select(Organisation).where(Organisation.uscc == uscc)).first()
    if organisation is None:
        organisation = Organisation(uscc=uscc, name=payload["name"], plate_code=declaration.plate_code)
        session.add(organisation)
    organisation.name = payload["name"]
    organisation.plate_code = declaration.plate_code
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
    person.visa_expiry = _date(raw.get("visa_expiry"))
    if raw.get("phone"):
        sealed_phone = seal_phone(raw["phone"])
        person.phone_enc, person.phone_index = sealed_phone.ciphertext, sealed_phone.index
    session.flush()
    return person


def person_category(id_type: str, id_number: str) -> PersonCategory:
    """户籍 when the resident ID was issued in Dongguan, 流动 for the rest of the mainland,
    境外 for every other document (Hong Kong, Macao, Taiwan, foreign): as the housing import."""
    if id_type != ID_RESIDENT:
        return PersonCategory.FOREIGN
    return PersonCategory.LOCAL if id_number.startswith(LOCAL_REGION_PREFIX) else PersonCategory.MIGRANT


def settle_residence(
    session: Session,
    declaration: Declaration,
    *,
    person: Person,
    room_id: int,
    since: date,
    planned_until: date | None,
    reason: str,
    dwelling_type: str | None,
    outcome: ApplyOutcome,
) -> Residence:
    """The person lives in `room_id` from `since`: a residence there that is open at `since`
    is taken over, else one is opened; one elsewhere that started earlier ends at `since`
    (`until` is the first day away, as `active_residence_filter` reads it). One elsewhere
    that started later is newer truth: the new residence ends where it begins."""
    current = session.scalars(
        select(Residence)
        .where(Residence.person_id == person.id, active_residence_filter(since))
        .order_by(Residence.since, Residence.id)
    ).all()
    here = next((r for r in current if r.room_id == room_id), None)
    later = [r.since for r in current if r.room_id != room_id and r.since > since]
    for other in current:
        if other.room_id != room_id and other.since <= since:
            other.until = since
            outcome.residences_ended += 1
    if here is None:
        here = Residence(person_id=person.id, room_id=room_id, since=since)
        session.add(here)
        outcome.residences_opened += 1
    else:
        here.since = min(here.since, since)
        outcome.residences_updated += 1
    here.until = min(later) if later else None
    here.planned_until = planned_until
    here.reason = reason
    here.dwelling_type = dwelling_type
    here.declaration_id = declaration.id
    session.flush()
    return here


def _end_opened_by(
    session: Session,
    declaration: Declaration,
    *,
    until: date,
    outcome: ApplyOutcome,
    except_people: Iterable[int] = (),
) -> None:
    """End the residences this declaration opened that are still open on `until`, but for
    the people it still lists."""
    skip = set(except_people)
    query = select(Residence).where(
        Residence.declaration_id == declaration.id, active_residence_filter(until)
    )
    for residence in session.scalars(query):
        if residence.person_id not in skip:
            _end(residence, until, outcome)


def _end_in_rooms(
    session: Session, person_ids: Iterable[int], room_ids: Iterable[int], until: date, outcome: ApplyOutcome
) -> None:
    """搬离: these people leave these rooms on `until`, whichever declaration recorded them
    there (a tenant may be on record from the landlord's declaration and from their own)."""
    query = select(Residence).where(
        Residence.person_id.in_(list(person_ids)),
        Residence.room_id.in_(list(room_ids)),
        active_residence_filter(until),
    )
    for residence in session.scalars(query):
        _end(residence, until, outcome)


def _end(residence: Residence, until: date, outcome: ApplyOutcome) -> None:
    residence.until = max(until, residence.since)
    outcome.residences_ended += 1


def _on_record(session: Session, people: Iterable[Mapping[str, Any]]) -> list[int]:
    """Ids of the listed people who are on record (by the blind index of their document)."""
    found = (
        find_person_by_id_number(session, id_type=p["id_type"], id_number=p["id_number"]) for p in people
    )
    return [person.id for person in found if person is not None]


def _landlord(
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


def _record_owner(session: Session, building_ids: set[int], landlord: Person) -> None:
    """A building with no recorded owner gets the approved landlord; a recorded owner is never
    replaced here (a sub-landlord, 二房东, lets rooms he does not own)."""
    for building in session.scalars(select(Building).where(Building.id.in_(building_ids))):
        if building.owner_person_id is None and building.owner_org_id is None:
            building.owner_person_id = landlord.id


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
