"""房东: the enforcement list per landlord — let rooms, open cases, past warnings — and the
warning an officer records from it (已警告), kept in the append-only audit log.

A warning is an audit entry `enforcement.warning` on the landlord (`person:12`, `org:3`, or
`building:7` when the records name no owner), with the officer's note and the cases open at
that moment: it can be neither edited nor deleted, and counting them is one grouped query.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.crypto import decrypt, mask_id_number, mask_name, mask_phone
from shared.core.validate_text import typed_text
from shared.enforcement.late import LateDeclaration, late_declarations
from shared.enforcement.rooms import DEFAULT_DAYS, LandlordKey, UnreportedRoom, let_rooms, unreported_rentals
from shared.models import AuditLog, Organisation, Person, Role
from shared.staff.auth import StaffIdentity, require_role

WARNING_ACTION = "enforcement.warning"
WARNING_TARGET = "landlord"
MAX_NOTE_CHARS = 500
# Who may open the list and record a warning: the supervisors' page (police use such accounts).
ENFORCEMENT_ROLES = (Role.SUPERVISOR, Role.ADMIN)


@dataclass(frozen=True)
class Landlord:
    """One landlord's line; `name`, `id_number` and `phone` masked unless revealed."""

    key: LandlordKey
    name: str
    id_number: str  # a person's document number, an organisation's credit code
    phone: str
    rooms: int
    unreported: int
    late: int
    warnings: int
    last_warned: datetime | None

    @property
    def cases(self) -> int:
        return self.unreported + self.late


@dataclass(frozen=True)
class EnforcementList:
    days: int
    unreported: list[UnreportedRoom]
    late: list[LateDeclaration]
    landlords: list[Landlord]  # those with a case, most cases first


def enforcement_list(
    session: Session,
    *,
    staff: StaffIdentity,
    today: date,
    days: int = DEFAULT_DAYS,
    village: str | None = None,
    reveal: bool = False,
) -> EnforcementList:
    """The whole work list: unreported let rooms, late declarations, and their landlords."""
    require_role(staff.role, *ENFORCEMENT_ROLES)
    let = let_rooms(session, village=village)
    unreported = unreported_rentals(session, today=today, days=days, village=village, rooms=let)
    late = late_declarations(session, today=today, days=days, village=village)
    rooms = Counter(room.landlord for room in let.values())
    open_rooms = Counter(r.room.landlord for r in unreported)
    late_cases = Counter(d.room.landlord for d in late)
    keys = sorted(set(open_rooms) | set(late_cases))
    warned = warnings_by_landlord(session)
    names = landlord_identities(session, keys, reveal=reveal)
    landlords = [
        Landlord(key, *names[key], rooms[key], open_rooms[key], late_cases[key], *warned.get(key, (0, None)))
        for key in keys
    ]
    landlords.sort(key=lambda x: (-x.cases, -x.warnings, x.key))
    return EnforcementList(days, unreported, late, landlords)


def record_warning(
    session: Session,
    *,
    staff: StaffIdentity,
    landlord: LandlordKey,
    note: str,
    now: datetime,
    room_ids: list[int] | None = None,
    declaration_ids: list[int] | None = None,
) -> AuditLog:
    """已警告: the officer warned the landlord (in person, by phone, in writing) about the cases
    `room_ids` and `declaration_ids`; the note says how and what was agreed."""
    require_role(staff.role, *ENFORCEMENT_ROLES)
    text = typed_text(note, max_chars=MAX_NOTE_CHARS, field="note", label=("警告说明", "Note"), required=True)
    entry = record_audit(
        session,
        actor=staff.username,
        action=WARNING_ACTION,
        target_type=WARNING_TARGET,
        target_id=landlord.ref,
        detail={
            "note": text,
            "rooms": sorted(room_ids or [])[:200],
            "declarations": sorted(declaration_ids or [])[:200],
        },
        at=now,
    )
    session.flush()
    return entry


def warnings_by_landlord(session: Session) -> dict[LandlordKey, tuple[int, datetime | None]]:
    """How many warnings each landlord has had, and the last one's time."""
    rows = session.execute(
        select(AuditLog.target_id, func.count(AuditLog.id), func.max(AuditLog.at))
        .where(AuditLog.action == WARNING_ACTION, AuditLog.target_type == WARNING_TARGET)
        .group_by(AuditLog.target_id)
    )
    return {LandlordKey.parse(ref): (count, last) for ref, count, last in rows}


@dataclass(frozen=True)
class Warning:
    at: datetime
    actor: str
    note: str


def warnings_of(session: Session, landlord: LandlordKey) -> list[Warning]:
    """A landlord's past warnings, newest first."""
    entries = session.scalars(
        select(AuditLog)
        .where(
            AuditLog.action == WARNING_ACTION,
            AuditLog.target_type == WARNING_TARGET,
            AuditLog.target_id == landlord.ref,
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    return [Warning(e.at, e.actor, str(e.detail.get("note", ""))) for e in entries]


def landlord_identities(
    session: Session, keys: list[LandlordKey], *, reveal: bool
) -> dict[LandlordKey, tuple[str, str, str]]:
    """(name, document number or credit code, phone) of each landlord, masked unless `reveal`:
    one query per kind of owner, decrypting only the numbers revealed."""
    by_kind: dict[str, list[int]] = {"person": [], "org": [], "building": []}
    for key in keys:
        by_kind[key.kind].append(key.id)
    found: dict[LandlordKey, tuple[str, str, str]] = {}
    people = select(Person.id, Person.name, Person.id_number_enc, Person.phone_enc).where(
        Person.id.in_(by_kind["person"])
    )
    for person_id, name, number, phone in session.execute(people):
        found[LandlordKey("person", person_id)] = _shown(name, decrypt(number), phone, reveal)
    orgs = select(Organisation.id, Organisation.name, Organisation.uscc, Organisation.phone_enc).where(
        Organisation.id.in_(by_kind["org"])
    )
    for org_id, name, uscc, phone in session.execute(orgs):
        phone_text = mask_phone(decrypt(phone)) if phone and not reveal else decrypt(phone) if phone else ""
        found[LandlordKey("org", org_id)] = (name, uscc or "", phone_text)  # an organisation is public
    for building_id in by_kind["building"]:
        found[LandlordKey("building", building_id)] = ("（无业主记录）", "", "")
    missing = {k: ("", "", "") for k in keys if k not in found}
    return found | missing


def _shown(name: str, number: str, phone: bytes | None, reveal: bool) -> tuple[str, str, str]:
    clear_phone = decrypt(phone) if phone else ""
    if reveal:
        return name, number, clear_phone
    return mask_name(name), mask_id_number(number), mask_phone(clear_phone) if clear_phone else ""
