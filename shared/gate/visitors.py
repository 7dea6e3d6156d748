"""访客登记: a visitor registers at a gate and gets a pass valid for a few hours.

The visitor's document and phone are stored encrypted with blind indexes, like a resident's.
There is no SMS gateway: the host learns of visitors on his receipt page, masked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.crypto import decrypt, mask_name, mask_phone
from shared.core.errors import DomainError, ValidationError
from shared.core.validate import validate_id_number
from shared.core.validate_phone import validate_phone
from shared.core.validate_text import has_hidden_chars, typed_text, validate_name
from shared.declarations.form_errors import FieldError, FormErrors
from shared.gate.gates import (
    PLACE_COLUMNS,
    GateDecision,
    GateReason,
    GateView,
    HomePlace,
    find_gate,
    join_place,
    log_passage,
    place_of,
    room_places,
    visitor_pseudonym,
)
from shared.gate.pass_tokens import PassKind, sign_pass
from shared.housing.people import seal_id_number, seal_phone
from shared.models import Building, DoorPlate, Gate, RecordStatus, Room, Visitor

MAX_HOURS = 24
MAX_PURPOSE_CHARS = 200
T = TypeVar("T")


@dataclass(frozen=True)
class VisitorPass:
    """What the kiosk shows after a registration: the pass QR's text and its window."""

    visitor_id: int
    token: str
    masked_name: str
    host_label: str
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True)
class VisitorView:
    """A visitor as the host landlord sees one: masked, with the room and the time."""

    masked_name: str
    masked_phone: str
    room_label: str
    purpose: str
    gate_name: str
    valid_from: datetime
    valid_until: datetime


def register_visitor(
    session: Session,
    *,
    gate_id: int,
    name: str,
    id_type: str,
    id_number: str,
    phone: str,
    purpose: str,
    now: datetime,
    host_room_id: int | None = None,
    host_plate_code: str | None = None,
    host_room_no: str | None = None,
    hours: int = 4,
) -> VisitorPass:
    """Check every field at once (`FormErrors` names each bad one), store the visitor, log the
    registration as an allowed passage, and return the visitor pass. The host is a room of this
    gate's area, given by id or by plate code and room number."""
    gate = find_gate(session, gate_id)
    if gate is None:
        raise DomainError("本终端配置的门岗不存在", "The gate this kiosk is set up for does not exist")
    if not 1 <= hours <= MAX_HOURS:
        raise ValueError(f"hours must be 1–{MAX_HOURS}")
    errors: list[FieldError] = []
    clean_name = _field(errors, "name", lambda: validate_name(name))
    checked = _field(
        errors, "id_number", lambda: validate_id_number(id_type, id_number, today=local_today(now))
    )
    clean_phone = _field(errors, "phone", lambda: validate_phone(phone))
    room = _field(
        errors, "host_room", lambda: _host_room(session, gate, host_room_id, host_plate_code, host_room_no)
    )
    clean_purpose = _field(errors, "purpose", lambda: _purpose(purpose))
    if errors:
        raise FormErrors(errors)
    assert clean_name and checked and clean_phone and room and clean_purpose is not None
    sealed_id = seal_id_number(id_type, checked.number)
    sealed_phone = seal_phone(clean_phone)
    visitor = Visitor(
        gate_id=gate.id,
        name=clean_name,
        id_type=id_type,
        id_number_enc=sealed_id.ciphertext,
        id_number_index=sealed_id.index,
        phone_enc=sealed_phone.ciphertext,
        phone_index=sealed_phone.index,
        host_room_id=room.room_id,
        purpose=clean_purpose,
        valid_from=now,
        valid_until=now + timedelta(hours=hours),
        created_at=now,
    )
    session.add(visitor)
    session.flush()
    log_passage(
        session,
        gate_id=gate.id,
        at=now,
        allowed=True,
        reason=GateReason.VISITOR_REGISTERED,
        subject_index=visitor_pseudonym(sealed_id.index),
        visitor_id=visitor.id,
    )
    return VisitorPass(
        visitor.id,
        sign_pass(PassKind.VISITOR, visitor.id),
        mask_name(clean_name),
        room.label,
        visitor.valid_from,
        visitor.valid_until,
    )


def _field(errors: list[FieldError], path: str, read: Callable[[], T]) -> T | None:
    """Run one check; a refusal is collected under `path` so the form shows them all at once."""
    try:
        return read()
    except ValidationError as error:
        errors.append(FieldError(error.field or path, error.message_zh, error.message_en))
        return None


def _purpose(text: str) -> str:
    value = typed_text(
        unicodedata.normalize("NFKC", text),
        max_chars=MAX_PURPOSE_CHARS,
        field="purpose",
        label=("来访事由", "Purpose"),
        required=True,
    )
    return " ".join(value.split())


def _host_room(
    session: Session, gate: GateView, room_id: int | None, plate_code: str | None, room_no: str | None
) -> HomePlace:
    """The room visited: it must be in use and in this gate's area."""
    query = join_place(select(*PLACE_COLUMNS)).where(
        Room.status == RecordStatus.ACTIVE, Building.status == RecordStatus.ACTIVE
    )
    if room_id is not None:
        rows = session.execute(query.where(Room.id == room_id)).all()
    elif plate_code and room_no:
        # Typed text with a control character is no room (and a NUL would break the query).
        rows = (
            []
            if has_hidden_chars(plate_code + room_no)
            else session.execute(
                query.where(DoorPlate.code == plate_code.strip().upper(), Room.number == room_no.strip())
            ).all()
        )
    else:
        raise ValidationError("请选择被访房间", "Choose the room you visit", field="host_room")
    if len(rows) != 1:
        raise ValidationError("找不到该房间，请重新选择", "No such room: choose it again", field="host_room")
    place = place_of(rows[0])
    if not gate.admits(village_code=place.village_code, grid_code=place.grid_code):
        raise ValidationError(
            "该房间不在本门岗的通行范围", "This room is not among those this gate admits", field="host_room"
        )
    return place


def check_visitor_pass(
    session: Session, gate: GateView, visitor_id: int, now: datetime
) -> tuple[GateDecision, str | None, int | None]:
    """A visitor pass at a gate: valid in its window at the gates admitting the visited room
    (or, without a room, at the gates of the village where it was registered)."""
    row = session.execute(
        select(Visitor, Gate.village_code)
        .join(Gate, Visitor.gate_id == Gate.id)
        .where(Visitor.id == visitor_id)
    ).first()
    if row is None:
        return GateDecision(False, GateReason.FORGED), None, None
    visitor, registered_village = row
    subject = visitor_pseudonym(visitor.id_number_index)
    label, village, grid = "", registered_village, None
    place = (
        room_places(session, [visitor.host_room_id]).get(visitor.host_room_id)
        if visitor.host_room_id
        else None
    )
    if place is not None:
        label, village, grid = place.label, place.village_code, place.grid_code
    if now < visitor.valid_from:
        reason = GateReason.NOT_YET_VALID
    elif now >= visitor.valid_until:
        reason = GateReason.EXPIRED
    elif not gate.admits(village_code=village, grid_code=grid):
        reason = GateReason.OTHER_VILLAGE
    else:
        reason = GateReason.VISITOR_OK
    decision = GateDecision(
        reason is GateReason.VISITOR_OK, reason, mask_name(visitor.name), label, visitor.valid_until, True
    )
    return decision, subject, visitor.id


def visitors_for_rooms(session: Session, *, room_ids: Sequence[int], since: datetime) -> list[VisitorView]:
    """Visitors registered for these rooms since `since`, newest first, masked (the landlord's
    receipt page: he learns who came, not their documents)."""
    if not room_ids:
        return []
    rows = session.execute(
        select(Visitor, Gate.name)
        .join(Gate, Visitor.gate_id == Gate.id)
        .where(Visitor.host_room_id.in_(list(room_ids)), Visitor.valid_from >= since)
        .order_by(Visitor.valid_from.desc(), Visitor.id.desc())
    ).all()
    places = room_places(session, sorted({v.host_room_id for v, _ in rows if v.host_room_id is not None}))
    return [
        VisitorView(
            masked_name=mask_name(visitor.name),
            masked_phone=mask_phone(decrypt(visitor.phone_enc)) if visitor.phone_enc else "",
            room_label=places[visitor.host_room_id].label if visitor.host_room_id in places else "",
            purpose=visitor.purpose,
            gate_name=gate_name,
            valid_from=visitor.valid_from,
            valid_until=visitor.valid_until,
        )
        for visitor, gate_name in rows
    ]
