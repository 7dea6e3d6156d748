"""核验: a scanned pass decided at a gate, and the passage logged with a pseudonym, never a name.

The gate allows a resident pass when its signature verifies, it is neither revoked nor out of
its window, the residence is still active with no move-out declared (shared.gate.move_out) and
the home lies in what the gate admits, and the holder's visa (if any) has not
passed; otherwise it refuses with one plain reason. Visitor passes are checked in shared.gate.visitors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.crypto import mask_name
from shared.core.errors import DomainError
from shared.gate.gates import (
    PLACE_COLUMNS,
    GateDecision,
    GateReason,
    GateView,
    find_gate,
    join_place,
    log_passage,
    person_pseudonym,
    place_of,
)
from shared.gate.move_out import is_move_out_declared
from shared.gate.pass_tokens import PassKind, PassRef, read_pass_token
from shared.gate.passes import has_visa_ended, is_residence_active
from shared.gate.visitors import check_visitor_pass
from shared.models import Person, Residence, ResidentPass, Room


def check_pass(session: Session, *, gate_id: int, scanned: str, now: datetime) -> GateDecision:
    """核验: decide on a scanned pass at a gate and log the passage (added; the caller commits)."""
    gate = find_gate(session, gate_id)
    if gate is None:
        raise DomainError("本终端配置的门岗不存在", "The gate this kiosk is set up for does not exist")
    ref = read_pass_token(scanned)
    if ref is None:
        decision, subject, visitor_id = GateDecision(False, GateReason.FORGED), None, None
    elif ref.kind is PassKind.RESIDENT:
        decision, subject = _check_resident(session, gate, ref, now)
        visitor_id = None
    else:
        decision, subject, visitor_id = check_visitor_pass(session, gate, ref.id, now)
    log_passage(
        session,
        gate_id=gate.id,
        at=now,
        allowed=decision.allowed,
        reason=decision.reason,
        subject_index=subject,
        visitor_id=visitor_id,
    )
    return decision


# One indexed query, built once: the pass, its residence, the person's name and where the home lies.
_RESIDENT_PASS = join_place(
    select(
        ResidentPass.person_id,
        ResidentPass.valid_from,
        ResidentPass.valid_until,
        ResidentPass.revoked_at,
        Residence.until,
        Residence.move_out_declared,
        Person.name,
        Person.visa_expiry,
        *PLACE_COLUMNS,
    )
    .select_from(ResidentPass)
    .join(Residence, ResidentPass.residence_id == Residence.id)
    .join(Person, ResidentPass.person_id == Person.id)
    .join(Room, ResidentPass.room_id == Room.id)
).where(ResidentPass.id == bindparam("pass_id"))


def _check_resident(
    session: Session, gate: GateView, ref: PassRef, now: datetime
) -> tuple[GateDecision, str | None]:
    row = session.execute(_RESIDENT_PASS, {"pass_id": ref.id}).first()
    if row is None:  # signed by us, but no such pass here: treat as not ours
        return GateDecision(False, GateReason.FORGED), None
    values: tuple[Any, ...] = tuple(row)
    person_id, valid_from, valid_until, revoked_at, until, move_out_declared, name, visa = values[:8]
    place = place_of(values)
    subject = person_pseudonym(person_id)
    today = local_today(now)
    if revoked_at is not None:
        reason = GateReason.REVOKED
    elif not is_residence_active(until, today):
        reason = GateReason.MOVED_OUT
    elif is_move_out_declared(move_out_declared, today):
        reason = GateReason.MOVE_OUT_DECLARED  # suspended until an officer decides
    elif has_visa_ended(visa, today):
        reason = GateReason.VISA_EXPIRED  # said before EXPIRED: the pass ended with the visa
    elif now < valid_from:
        reason = GateReason.NOT_YET_VALID
    elif now >= valid_until:
        reason = GateReason.EXPIRED
    elif not gate.admits(village_code=place.village_code, grid_code=place.grid_code):
        reason = GateReason.OTHER_VILLAGE
    else:
        reason = GateReason.OK
    allowed = reason is GateReason.OK
    return GateDecision(allowed, reason, mask_name(name), place.label, valid_until), subject
