"""回执: what a declarant does with a receipt code: look, correct, end, confirm a tenant.

Every action opens the declaration with the receipt code and the last 6 characters of the
declarant's document, under the rate limit of `shared.self_service.receipt_access`. A correction or a
move-out adds a version (the old ones are kept) and an event; an officer's request for a
correction comes from review through `request_correction`, whose note format is defined here.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError, ValidationError
from shared.core.validate_text import typed_text
from shared.declarations.inputs import (
    MOVE_OUT_AHEAD,
    DeclarationInput,
    OrganisationInput,
    RentalInput,
    ResidenceInput,
    declarant_document,
    to_payload,
)
from shared.declarations.store import EventAction, add_event, add_version
from shared.models import Declaration, DeclarationEvent, DeclarationKind, DeclarationStatus
from shared.self_service.receipt_access import open_declaration
from shared.self_service.receipt_view import (
    CLOSED,
    ReceiptView,
    build_receipt_view,
    correction_note,
    room_ids_of,
)
from shared.self_service.submit import PUBLIC_ACTOR, check_place, run_comparison_rules

__all__ = [
    "ReceiptView",
    "confirm_tenant",
    "end_residence",
    "open_receipt",
    "request_correction",
    "resubmit",
]

_KIND_OF_INPUT: dict[type, DeclarationKind] = {
    ResidenceInput: DeclarationKind.RESIDENCE,
    RentalInput: DeclarationKind.RENTAL,
    OrganisationInput: DeclarationKind.ORGANISATION,
}
_FIELD_PATH = re.compile(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*")
CORRECTABLE = frozenset(
    {
        DeclarationStatus.RECEIVED,
        DeclarationStatus.HAS_ISSUES,
        DeclarationStatus.RESUBMITTED,
        DeclarationStatus.CORRECTION_REQUESTED,
    }
)
MAX_NOTE_CHARS = 1000


def open_receipt(
    session: Session, *, receipt_code: str, doc_tail: str, client_key: str, now: datetime
) -> ReceiptView:
    """我的回执: status, officer's request, what was declared and who is listed."""
    opened = open_declaration(
        session, receipt_code=receipt_code, doc_tail=doc_tail, client_key=client_key, now=now
    )
    return build_receipt_view(session, opened.declaration, opened.payload)


def request_correction(
    session: Session, *, declaration_id: int, fields: list[str], note: str, actor: str, now: datetime
) -> DeclarationEvent:
    """An officer asks the declarant to correct `fields` (payload paths such as
    `person.phone`, `family[0].birth_date`, `tenants[2].move_in`), with a note. Stored as a
    "correction_requested" event whose note is `{"fields": [...], "note": "..."}`."""
    declaration = session.get(Declaration, declaration_id)
    if declaration is None:
        raise DomainError("找不到该申报", "No such declaration")
    if declaration.status not in CORRECTABLE:
        raise DomainError(
            "该申报已办结，不能再要求补正", "This declaration is closed; no correction can be requested"
        )
    bad = [f for f in fields if not _FIELD_PATH.fullmatch(f)]
    if bad:
        raise ValueError(f"not field paths: {bad}")
    if not fields and not note.strip():
        raise ValidationError(
            "请指明需要补正的内容", "Name the fields to correct or write a note", field="fields"
        )
    text = typed_text(note, max_chars=MAX_NOTE_CHARS, field="note", label=("说明", "Note"))
    declaration.status = DeclarationStatus.CORRECTION_REQUESTED
    declaration.updated_at = now
    event = add_event(
        session,
        declaration,
        action=EventAction.CORRECTION_REQUESTED,
        actor=actor,
        now=now,
        note=correction_note(fields, text),
    )
    record_audit(
        session,
        actor=actor,
        action="declaration.request_correction",
        target_type="declaration",
        target_id=declaration.id,
        detail={"fields": fields},
        at=now,
    )
    session.flush()
    return event


def resubmit(
    session: Session,
    *,
    receipt_code: str,
    doc_tail: str,
    data: DeclarationInput,
    now: datetime,
    client_key: str,
) -> Declaration:
    """The declarant's correction: a new version, status RESUBMITTED (also after approval: the
    officer reviews the change). Refused once rejected or withdrawn. Sending unchanged content
    changes nothing, unless an officer asked for a correction."""
    opened = open_declaration(
        session, receipt_code=receipt_code, doc_tail=doc_tail, client_key=client_key, now=now
    )
    declaration = opened.declaration
    if _KIND_OF_INPUT[type(data)] is not declaration.kind:
        raise ValueError(
            f"a {declaration.kind.value} declaration cannot be corrected with {type(data).__name__}"
        )
    _refuse_closed(declaration)
    payload = to_payload(data)
    # The same content again is a second tap, except as the answer to an officer's request
    # ("it is right as it is"), which the officer must see.
    if payload == opened.payload and declaration.status is not DeclarationStatus.CORRECTION_REQUESTED:
        return declaration
    _, records = check_place(
        session, plate_code=declaration.plate_code, room_ids=room_ids_of(declaration.kind, payload), now=now
    )
    # A corrected document number is the declarant's from now on: its tail opens the receipt.
    declaration.declarant_index = id_blind_index(*declarant_document(data))
    if declaration.kind is not DeclarationKind.ORGANISATION:
        declaration.room_id = _single_room(declaration.kind, payload)
    version = add_version(
        session, declaration, payload=payload, status=DeclarationStatus.RESUBMITTED, now=now
    )
    add_event(
        session,
        declaration,
        action=EventAction.RESUBMITTED,
        actor=PUBLIC_ACTOR,
        now=now,
        note=f"v{version.version}",
    )
    _audit(session, declaration, "declaration.resubmit", now)
    run_comparison_rules(session, declaration, payload, now=now, records=records)
    session.flush()
    return declaration


def end_residence(
    session: Session, *, receipt_code: str, doc_tail: str, move_out: date, now: datetime, client_key: str
) -> Declaration:
    """搬离: end a residence (or a whole rental) on `move_out`. Before any approval the
    declaration is withdrawn with the date; once approved, a version with `move_out` goes to
    the officer (RESUBMITTED), whose approval ends the residences in the records."""
    opened = open_declaration(
        session, receipt_code=receipt_code, doc_tail=doc_tail, client_key=client_key, now=now
    )
    declaration, payload = opened.declaration, opened.payload
    if declaration.kind is DeclarationKind.ORGANISATION:
        raise DomainError("单位登记不能在此办理搬离", "An organisation declaration cannot be ended here")
    _refuse_closed(declaration)
    since = date.fromisoformat(
        payload["move_in"] if declaration.kind is DeclarationKind.RESIDENCE else payload["lease_start"]
    )
    if move_out < since:
        raise ValidationError(
            "搬离日期不能早于入住（开始）日期",
            "Move-out date: cannot be before the move-in (start) date",
            field="move_out",
        )
    if move_out > local_today(now) + MOVE_OUT_AHEAD:
        raise ValidationError(
            "搬离日期不能晚于今天起7天",
            "Move-out date: cannot be more than 7 days from today",
            field="move_out",
        )
    if payload.get("move_out") == move_out.isoformat():
        return declaration  # already declared: a second tap
    was_approved = declaration.status is DeclarationStatus.APPROVED or _has_event(
        session, declaration, EventAction.APPROVED
    )
    status = DeclarationStatus.RESUBMITTED if was_approved else DeclarationStatus.WITHDRAWN
    add_version(
        session, declaration, payload={**payload, "move_out": move_out.isoformat()}, status=status, now=now
    )
    action = EventAction.MOVE_OUT if was_approved else EventAction.WITHDRAWN
    add_event(session, declaration, action=action, actor=PUBLIC_ACTOR, now=now, note=move_out.isoformat())
    _audit(session, declaration, f"declaration.{action.value}", now)
    session.flush()
    return declaration


def confirm_tenant(
    session: Session,
    *,
    landlord_receipt_code: str,
    doc_tail: str,
    tenant_declaration_id: int,
    now: datetime,
    client_key: str,
) -> DeclarationEvent:
    """房东确认: a landlord confirms a tenant's own declaration in one of the rooms he lets."""
    opened = open_declaration(
        session, receipt_code=landlord_receipt_code, doc_tail=doc_tail, client_key=client_key, now=now
    )
    rental = opened.declaration
    if rental.kind is not DeclarationKind.RENTAL:
        raise DomainError(
            "只有出租房屋登记的回执可以确认租客", "Only a rental declaration's receipt can confirm tenants"
        )
    _refuse_closed(rental)
    tenant = session.get(Declaration, tenant_declaration_id)
    rooms = set(room_ids_of(DeclarationKind.RENTAL, opened.payload))
    if (
        tenant is None
        or tenant.kind is not DeclarationKind.RESIDENCE
        or tenant.plate_code != rental.plate_code
        or tenant.room_id not in rooms
        or tenant.status in CLOSED
    ):
        raise DomainError(
            "该租客申报不在您出租的房间内", "This tenant's declaration is not in a room you let"
        )
    actor = f"landlord:{rental.id}"
    earlier = session.scalars(
        select(DeclarationEvent).where(
            DeclarationEvent.declaration_id == tenant.id,
            DeclarationEvent.action == EventAction.LANDLORD_CONFIRMED,
            DeclarationEvent.actor == actor,
        )
    ).first()
    if earlier is not None:
        return earlier
    event = add_event(
        session, tenant, action=EventAction.LANDLORD_CONFIRMED, actor=actor, now=now, note=str(rental.id)
    )
    _audit(session, tenant, "declaration.landlord_confirmed", now, rental_declaration_id=rental.id)
    session.flush()
    return event


def _refuse_closed(declaration: Declaration) -> None:
    if declaration.status is DeclarationStatus.REJECTED:
        raise DomainError(
            "该申报未通过审核，不能修改；请重新申报", "This declaration was rejected; submit a new one"
        )
    if declaration.status is DeclarationStatus.WITHDRAWN:
        raise DomainError(
            "该申报已撤回，不能修改；请重新申报", "This declaration was withdrawn; submit a new one"
        )


def _single_room(kind: DeclarationKind, payload: dict[str, object]) -> int | None:
    rooms = room_ids_of(kind, payload)
    return rooms[0] if len(rooms) == 1 else None


def _has_event(session: Session, declaration: Declaration, action: EventAction) -> bool:
    return (
        session.scalars(
            select(DeclarationEvent.id).where(
                DeclarationEvent.declaration_id == declaration.id, DeclarationEvent.action == action
            )
        ).first()
        is not None
    )


def _audit(session: Session, declaration: Declaration, action: str, now: datetime, **detail: object) -> None:
    record_audit(
        session,
        actor=PUBLIC_ACTOR,
        action=action,
        target_type="declaration",
        target_id=declaration.id,
        detail={"version": declaration.version, "status": declaration.status.value, **detail},
        at=now,
    )
