"""回执: what a declarant does with a receipt code: look, correct, end, confirm a tenant.

Every action opens the declaration with the receipt code and the last 6 characters of the
declarant's document, under the rate limit of `shared.self_service.receipt_access`. A correction or a
move-out adds a version (the old ones are kept) and an event; an officer's request for a
correction comes from review through `request_correction`, whose note format is defined here.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError, ValidationError
from shared.core.validate_text import typed_text
from shared.declarations.inputs import (
    DeclarationInput,
    OrganisationInput,
    RentalInput,
    ResidenceInput,
    declarant_document,
    to_payload,
)
from shared.declarations.store import EventAction, add_event, add_version
from shared.models import Declaration, DeclarationEvent, DeclarationKind, DeclarationStatus, NoticeKind
from shared.notices.outbox import queue_notice
from shared.self_service.receipt_access import open_declaration
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipt_view import ReceiptView, build_receipt_view, correction_note
from shared.self_service.submit import PUBLIC_ACTOR, check_place, run_comparison_rules
from shared.self_service.tenant_receipt import build_tenant_view

__all__ = [
    "ReceiptView",
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
    """我的回执: status, officer's request, what was declared and who is listed; for a tenant a
    landlord listed who gives their own number, their own part of it (`build_tenant_view`)."""
    opened = open_declaration(
        session, receipt_code=receipt_code, doc_tail=doc_tail, client_key=client_key, now=now, tenants=True
    )
    if opened.tenant is not None:
        return build_tenant_view(session, opened.declaration, opened.payload, opened.tenant)
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
    queue_notice(session, kind=NoticeKind.CORRECTION_REQUESTED, declaration=declaration, now=now)
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
    refuse_closed(declaration)
    payload = to_payload(data)
    # The same content again is a second tap, except as the answer to an officer's request
    # ("it is right as it is"), which the officer must see.
    if payload == opened.payload and declaration.status is not DeclarationStatus.CORRECTION_REQUESTED:
        return declaration
    if declaration.plate_code is None:  # the room is the officer's to find with the plate
        raise DomainError(
            "工作人员正在补录您的地址，补录后才能更正",
            "An officer is placing your address; correct it after that",
        )
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
    audit_receipt_action(session, declaration, "declaration.resubmit", now)
    run_comparison_rules(session, declaration, payload, now=now, records=records)
    session.flush()
    return declaration


def refuse_closed(declaration: Declaration) -> None:
    """A rejected or withdrawn declaration is closed: a new one is the way on."""
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


def audit_receipt_action(
    session: Session, declaration: Declaration, action: str, now: datetime, **detail: object
) -> None:
    """The audit entry of what a declarant did with a receipt code (the actor is the public)."""
    record_audit(
        session,
        actor=PUBLIC_ACTOR,
        action=action,
        target_type="declaration",
        target_id=declaration.id,
        detail={"version": declaration.version, "status": declaration.status.value, **detail},
        at=now,
    )
