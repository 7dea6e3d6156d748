"""入屋核查·见到算数: an officer's on-site visit to the rooms of a declaration."""

from __future__ import annotations

import json
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.errors import ValidationError
from shared.core.validate_text import typed_text
from shared.declarations.store import EventAction, add_event, payload_of
from shared.models import Building, Declaration, DeclarationEvent, Room
from shared.review.decisions import audit_decision
from shared.review.detail import open_for_review
from shared.self_service.receipt_people import room_ids_of
from shared.staff.auth import StaffIdentity

MAX_VISIT_NOTE_CHARS = 1000


def record_visit(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    now: datetime,
    visited_on: date,
    seen_in_person: bool,
    note: str = "",
) -> DeclarationEvent:
    """入屋核查: an on-site visit, in any state. 见到算数: only a visit where the people were
    seen counts as the buildings' inspection (`Building.last_visited_at`, the 120-day work
    list); one where nobody was seen is recorded but leaves that clock alone. A visit changes
    no decision, so it needs no version token and two officers' visits are both kept."""
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    if visited_on > local_today(now):
        raise ValidationError("核查日期不能晚于今天", "Visit date: cannot be after today", field="visited_on")
    text = typed_text(note, max_chars=MAX_VISIT_NOTE_CHARS, field="note", label=("备注", "Note"))
    details = {"visited_on": visited_on.isoformat(), "seen_in_person": seen_in_person, "note": text}
    event = add_event(
        session,
        declaration,
        action=EventAction.VISITED,
        actor=staff.username,
        now=now,
        note=json.dumps(details, ensure_ascii=False),
    )
    if seen_in_person:
        visited_at = (
            now if visited_on == local_today(now) else datetime.combine(visited_on, time(12), CHINA_TZ)
        )
        for building in _buildings_of(session, declaration):
            if building.last_visited_at is None or building.last_visited_at < visited_at:
                building.last_visited_at = visited_at
    audit_decision(
        session, staff, declaration, "declaration.visit", now, visited_on=visited_on, seen=seen_in_person
    )
    session.flush()
    return event


def _buildings_of(session: Session, declaration: Declaration) -> list[Building]:
    room_ids = room_ids_of(declaration.kind, payload_of(declaration))
    if room_ids:
        query = select(Building).join(Room, Room.building_id == Building.id).where(Room.id.in_(room_ids))
    else:
        query = select(Building).where(Building.plate_code == declaration.plate_code)
    return list(session.scalars(query.distinct()))
