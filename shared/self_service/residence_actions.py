"""搬离 and 房东确认: what a receipt code does to a residence after it was declared.

A move-out before any approval withdraws the declaration; after one, it adds a version for the
officer and, for a residence, suspends the passes of the people it lists (shared.gate.move_out).
A landlord confirms, with his rental's receipt, a tenant's own declaration in a room he lets.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.errors import DomainError, ValidationError
from shared.declarations.inputs import MOVE_OUT_AHEAD
from shared.declarations.store import EventAction, add_event, add_version
from shared.gate.move_out import suspend_for_move_out
from shared.models import Declaration, DeclarationEvent, DeclarationKind, DeclarationStatus
from shared.self_service.receipt_access import open_declaration
from shared.self_service.receipt_people import CLOSED, room_ids_of
from shared.self_service.receipts import audit_receipt_action, refuse_closed
from shared.self_service.submit import PUBLIC_ACTOR


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
    refuse_closed(declaration)
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
    if was_approved and declaration.kind is DeclarationKind.RESIDENCE:
        # The resident says they left: their passes stop now, not when an officer gets to it.
        suspend_for_move_out(session, payload, move_out=move_out, today=local_today(now))
    action = EventAction.MOVE_OUT if was_approved else EventAction.WITHDRAWN
    add_event(session, declaration, action=action, actor=PUBLIC_ACTOR, now=now, note=move_out.isoformat())
    audit_receipt_action(session, declaration, f"declaration.{action.value}", now)
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
    refuse_closed(rental)
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
    audit_receipt_action(
        session, tenant, "declaration.landlord_confirmed", now, rental_declaration_id=rental.id
    )
    session.flush()
    return event


def _has_event(session: Session, declaration: Declaration, action: EventAction) -> bool:
    return (
        session.scalars(
            select(DeclarationEvent.id).where(
                DeclarationEvent.declaration_id == declaration.id, DeclarationEvent.action == action
            )
        ).first()
        is not None
    )
