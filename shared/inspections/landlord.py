"""The landlord's side of 整改: what his receipt lists, and reporting one done.

A landlord's rental declaration lists the rooms he lets; the 整改 of the buildings holding
those rooms are his. Reporting one done opens the receipt again with its code and the document
tail (and its rate limit), so a URL or a session alone changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError, ValidationError
from shared.inspections.photos import clean_photo
from shared.inspections.records import clean_note
from shared.inspections.views import EARLIEST, RECENTLY_CLOSED, RectificationView, rectification_view
from shared.models import DeclarationKind, Rectification, RectificationStatus, Room
from shared.self_service.receipt_access import open_declaration
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipts import refuse_closed
from shared.self_service.submit import PUBLIC_ACTOR


def _building_ids(session: Session, room_ids: Collection[int]) -> list[int]:
    return list(session.scalars(select(Room.building_id).where(Room.id.in_(list(room_ids))).distinct()))


def rectifications_for_rooms(
    session: Session, *, room_ids: Collection[int], today: date
) -> list[RectificationView]:
    """The 整改 of the buildings of these rooms: open ones by deadline, then a few closed ones."""
    if not room_ids:
        return []
    rows = session.scalars(
        select(Rectification)
        .where(Rectification.building_id.in_(_building_ids(session, room_ids)))
        .order_by(Rectification.due_on, Rectification.id)
    )
    views = [rectification_view(r, today) for r in rows]
    pending = [v for v in views if v.status is not RectificationStatus.CLOSED]
    closed = [v for v in views if v.status is RectificationStatus.CLOSED]
    closed.sort(key=lambda v: (v.closed_at or EARLIEST, v.id), reverse=True)
    return pending + closed[:RECENTLY_CLOSED]


def report_done(
    session: Session,
    *,
    receipt_code: str,
    doc_tail: str,
    client_key: str,
    rectification_id: int,
    note: str,
    photo: bytes | None = None,
    now: datetime,
) -> Rectification:
    """已整改: the landlord says what he did (and may add a photo); the officer checks it on
    the next visit. Saying it again before then replaces the note and the photo."""
    opened = open_declaration(
        session, receipt_code=receipt_code, doc_tail=doc_tail, client_key=client_key, now=now
    )
    declaration = opened.declaration
    if declaration.kind is not DeclarationKind.RENTAL:
        raise DomainError("只有出租登记可以办理整改", "Only a rental declaration has rectifications")
    refuse_closed(declaration)
    rectification = session.get(Rectification, rectification_id)
    buildings = _building_ids(session, room_ids_of(declaration.kind, opened.payload))
    if rectification is None or rectification.building_id not in buildings:
        raise DomainError("找不到该整改事项。", "No such rectification.")
    if rectification.status is RectificationStatus.CLOSED:
        raise DomainError("该整改事项已销号。", "This rectification is already closed.")
    text = clean_note(note, "note")
    if not text:
        raise ValidationError("请说明整改情况", "Say what was done", field="note")
    rectification.photo = clean_photo(photo) if photo else None
    rectification.landlord_note = text
    rectification.status = RectificationStatus.DONE
    rectification.done_at = now
    record_audit(
        session,
        actor=PUBLIC_ACTOR,
        action="rectification.done",
        target_type="rectification",
        target_id=rectification.id,
        detail={"declaration_id": declaration.id, "item": rectification.item_code, "photo": bool(photo)},
        at=now,
    )
    session.flush()
    return rectification
