"""逾期申报: tenants declared later than the working-day rule, in let rooms.

The comparison rules `late_declaration` and, for foreign nationals (24 hours),
`foreigner_registered_late` (shared.rules.dates) already judged every declaration when it was
submitted and rechecked, and left a finding on the move-in field it found late.
This list reads those findings (one query), opens the payloads of the late declarations alone
and counts the working days with the rule's own `working_days_after`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.store import open_payload
from shared.enforcement.rooms import CLOSED, LetRoom, let_rooms, start_of_day
from shared.models import Declaration, DeclarationKind, Finding
from shared.rules.base import read_declared, working_days_after

# The working-day rule; foreign nationals are judged by the 24-hour rule instead.
LATE_RULES = ("late_declaration", "foreigner_registered_late")


@dataclass(frozen=True)
class LatePerson:
    """Someone declared late; clear values, masked by whoever shows them."""

    name: str
    id_type: str
    id_number: str


@dataclass(frozen=True)
class LateDeclaration:
    """The people of one declaration who moved into one room on one day, declared late."""

    declaration_id: int
    kind: DeclarationKind
    room: LetRoom
    move_in: date
    submitted_on: date
    working_days: int
    people: tuple[LatePerson, ...]


def late_declarations(
    session: Session, *, today: date, days: int, village: str | None = None
) -> list[LateDeclaration]:
    """Late declarations submitted in the last `days` days, in let rooms (or named by a
    landlord's rental declaration), newest first. Withdrawn and rejected ones are left out."""
    since = start_of_day(today - timedelta(days=days - 1))
    rows = session.execute(
        select(
            Declaration.id,
            Declaration.kind,
            Declaration.plate_code,
            Declaration.created_at,
            Declaration.payload_enc,
            Finding.field,
        )
        .join(Finding, Finding.declaration_id == Declaration.id)
        .where(
            Finding.rule.in_(LATE_RULES),
            Declaration.kind.in_((DeclarationKind.RESIDENCE, DeclarationKind.RENTAL)),
            Declaration.status.not_in(CLOSED),
            Declaration.created_at >= since,
            Declaration.plate_code.is_not(None),
        )
        .order_by(Declaration.created_at.desc(), Declaration.id, Finding.id)
    )
    found: list[tuple[int, DeclarationKind, date, int, date, tuple[LatePerson, ...]]] = []
    for number, kind, plate, created_at, sealed, field in rows:
        payload = open_payload(sealed)
        declared = read_declared(declaration_id=number, kind=kind, plate_code=plate or "", payload=payload)
        late = [s for s in declared.subjects if s.move_in_path == field]
        if not late:
            continue  # the finding names a field a later version no longer has
        people = tuple(LatePerson(s.person.name, s.person.id_type, s.person.id_number) for s in late)
        found.append((number, kind, late[0].move_in, late[0].room_id, local_today(created_at), people))
    rooms = let_rooms(session, village=village, room_ids={f[3] for f in found})
    return [
        LateDeclaration(number, kind, rooms[room], move_in, on, working_days_after(move_in, on), people)
        for number, kind, move_in, room, on, people in found
        if room in rooms and (rooms[room].is_rental or kind is DeclarationKind.RENTAL)
    ]
