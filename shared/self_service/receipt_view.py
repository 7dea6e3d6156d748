"""我的回执: what a declarant sees of their declaration, as plain values for a page.

Identity numbers are masked for everyone (`430***********011X`): the receipt code and 6
characters of a number must not show the rest of it (the declared data is masked on the page
by `shared.self_service.receipt_masking`). Names are shown as the declarant typed them, but
in a landlord's receipt tenants who declared themselves in his rooms appear masked (`张*`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.declarations.labels import DECLARANT_EVENT_LABELS, DECLARANT_STATUS_LABELS
from shared.declarations.store import EventAction
from shared.models import (
    Building,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DoorPlate,
    Room,
    Street,
    Village,
)
from shared.models.places import format_address
from shared.self_service.receipt_access import receipt_link
from shared.self_service.receipt_people import CLOSED, ListedPerson, listed_people, room_ids_of


@dataclass(frozen=True)
class CorrectionRequest:
    """An officer's request: the field paths it concerns (as in the payload) and a note."""

    fields: tuple[str, ...]
    note: str
    at: datetime
    is_open: bool  # not yet answered by a resubmission


@dataclass(frozen=True)
class TimelineEntry:
    action: str
    label_zh: str
    label_en: str
    at: datetime


@dataclass(frozen=True)
class ReceiptView:
    """Everything the receipt page shows; plain values, safe to keep in st.session_state."""

    receipt_code: str
    declaration_id: int
    kind: DeclarationKind
    status: DeclarationStatus
    status_zh: str
    status_en: str
    plate_code: str | None  # None while the typed address waits for its plate (待补录地址)
    address: str
    village: str
    rooms: tuple[str, ...]
    submitted_at: datetime
    updated_at: datetime
    version: int
    correction: CorrectionRequest | None
    rejection_reason: str | None
    payload: dict[str, Any]
    people: tuple[ListedPerson, ...]
    timeline: tuple[TimelineEntry, ...]
    link: str
    # A tenant's own view of the rental that lists them (shared.self_service.tenant_receipt):
    # the blind index of their document; they see themselves only, and change nothing.
    tenant_key: str | None = None

    @property
    def can_correct(self) -> bool:
        return self.status not in CLOSED and self.tenant_key is None

    @property
    def can_end(self) -> bool:
        """Residences and rentals end with a move-out date; organisations do not end here."""
        return self.can_correct and self.kind is not DeclarationKind.ORGANISATION

    def status_label(self, lang: str = "zh") -> str:
        return self.status_en if lang.lower().startswith("en") else self.status_zh


def correction_note(fields: list[str], note: str) -> str:
    """The `DeclarationEvent.note` of a correction request: JSON `{"fields": [...], "note": "..."}`."""
    return json.dumps({"fields": list(fields), "note": note}, ensure_ascii=False)


def parse_correction_note(note: str) -> tuple[tuple[str, ...], str]:
    """(fields, note) of a correction request; a plain-text note has no fields."""
    try:
        data = json.loads(note)
    except ValueError:
        return (), note
    if not isinstance(data, dict):
        return (), note
    return tuple(str(f) for f in data.get("fields", [])), str(data.get("note", ""))


def build_receipt_view(session: Session, declaration: Declaration, payload: dict[str, Any]) -> ReceiptView:
    """The receipt of a declaration the caller has already opened (code and document checked)."""
    address, village = _address_of(session, declaration)
    room_ids = room_ids_of(declaration.kind, payload)
    labels = room_labels(session, room_ids)
    events = session.scalars(
        select(DeclarationEvent)
        .where(DeclarationEvent.declaration_id == declaration.id)
        .order_by(DeclarationEvent.id)
    ).all()
    requests = [e for e in events if e.action == EventAction.CORRECTION_REQUESTED]
    correction = None
    if requests:
        fields, note = parse_correction_note(requests[-1].note)
        is_open = declaration.status is DeclarationStatus.CORRECTION_REQUESTED
        correction = CorrectionRequest(fields, note, requests[-1].at, is_open)
    rejections = [e.note for e in events if e.action == EventAction.REJECTED]
    status_zh, status_en = DECLARANT_STATUS_LABELS[declaration.status]
    return ReceiptView(
        receipt_code=declaration.receipt_code,
        declaration_id=declaration.id,
        kind=declaration.kind,
        status=declaration.status,
        status_zh=status_zh,
        status_en=status_en,
        plate_code=declaration.plate_code,
        address=address,
        village=village,
        rooms=tuple(labels.get(r, "") for r in room_ids),
        submitted_at=declaration.created_at,
        updated_at=declaration.updated_at,
        version=declaration.version,
        correction=correction,
        rejection_reason=rejections[-1]
        if rejections and declaration.status is DeclarationStatus.REJECTED
        else None,
        payload=payload,
        people=tuple(listed_people(session, declaration, payload, labels)),
        timeline=tuple(
            TimelineEntry(e.action, *DECLARANT_EVENT_LABELS[e.action], e.at)
            for e in events
            if e.action in DECLARANT_EVENT_LABELS
        ),
        link=receipt_link(declaration.receipt_code),
    )


def room_labels(session: Session, room_ids: list[int]) -> dict[int, str]:
    """`301`, or `B栋 301` when the building has a name."""
    if not room_ids:
        return {}
    rows = session.execute(
        select(Room.id, Room.number, Building.name)
        .join(Building, Room.building_id == Building.id)
        .where(Room.id.in_(room_ids))
    ).all()
    return {room_id: f"{name} {number}" if name else number for room_id, number, name in rows}


def _address_of(session: Session, declaration: Declaration) -> tuple[str, str]:
    """The plate's address, or while there is none the address the declarant typed."""
    if declaration.plate_code is None and declaration.unplaced is not None:
        village = session.get(Village, declaration.unplaced.village_code)
        return f"{declaration.unplaced.typed_text}（地址待补录）", village.name if village else ""
    street, number, village_name = session.execute(
        select(Street.name, DoorPlate.number, Village.name)
        .join(DoorPlate, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .where(DoorPlate.code == declaration.plate_code)
    ).one()
    return format_address(street, number), village_name
