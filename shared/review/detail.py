"""审核详情: one declaration beside the records it was compared with, for the officer's decision.

Document numbers and phones are masked everywhere here (`reveal_personal_data` in
`shared.review.decisions` shows them, audited). People already on record are found by the blind index of
their document; other people in the records (the owner, the room's residents) are masked too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.crypto import mask_id_number, mask_phone
from shared.core.errors import DomainError
from shared.declarations.labels import OFFICER_EVENT_LABELS
from shared.declarations.store import EventAction, payload_of
from shared.models import (
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    DoorPlate,
    Finding,
    Street,
    Village,
)
from shared.models.places import format_address
from shared.review.records import (
    BuildingRecord,
    PersonMatch,
    ResidentRecord,
    building_records,
    organisation_on_record,
    people_on_record,
    room_residents,
)
from shared.review.states import (
    OVERDUE_WORKING_DAYS,
    PENDING_STATES,
    REVIEWABLE_STATES,
    SEVERITY_RANK,
    working_days_between,
)
from shared.review.unplaced_view import UnplacedView, unplaced_view
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipt_view import parse_correction_note, room_labels
from shared.staff.auth import StaffIdentity, require_role
from shared.staff.scope import REVIEW_ROLES, can_see

PII_KEYS = frozenset({"id_number", "phone"})


@dataclass(frozen=True)
class FindingView:
    rule: str
    severity: str
    field: str | None
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class FieldChange:
    path: str
    old: str | None  # None: the field was added
    new: str | None  # None: the field was removed


@dataclass(frozen=True)
class TimelineItem:
    action: str
    label_zh: str
    label_en: str
    actor: str
    at: datetime
    note: str
    fields: tuple[str, ...] = ()
    visited_on: date | None = None
    seen_in_person: bool | None = None


@dataclass(frozen=True)
class ReviewDetail:
    """Everything the detail page shows, as plain values (safe to keep in session state)."""

    declaration_id: int
    kind: DeclarationKind
    status: DeclarationStatus
    version: int
    row_version: int  # the token the page hands back with approve / reject / ask_correction
    created_at: datetime
    waiting_since: datetime
    working_days: int
    is_overdue: bool
    plate_code: str | None  # None while a typed address waits for its plate (`unplaced`)
    address: str
    village: str
    grid_code: str | None
    rooms: tuple[str, ...]
    room_names: dict[int, str]  # the declared rooms' labels by id, to show `room_id` fields
    lon: float | None
    lat: float | None
    declared: dict[str, Any]  # the payload, document numbers and phones masked
    field_paths: tuple[str, ...]  # what a correction request may name
    buildings: tuple[BuildingRecord, ...]
    room_residents: tuple[ResidentRecord, ...]
    people: tuple[PersonMatch, ...]
    organisation_on_record: dict[str, Any] | None
    findings: tuple[FindingView, ...]
    changes: tuple[FieldChange, ...]  # between the latest two versions
    timeline: tuple[TimelineItem, ...]
    unplaced: UnplacedView | None = None  # the typed address, its candidates and its placing

    @property
    def can_decide(self) -> bool:
        """Approve, reject or ask for a correction."""
        return self.status in REVIEWABLE_STATES


def open_for_review(session: Session, *, declaration_id: int, staff: StaffIdentity) -> Declaration:
    """The declaration as the database has it now, if this staff member may see it. Another
    grid's item gets the same answer as a missing one: ids are not to be probed."""
    require_role(staff.role, *REVIEW_ROLES)
    declaration = session.get(Declaration, declaration_id, populate_existing=True)
    if declaration is None or not can_see(staff, declaration.grid_code):
        raise DomainError(
            "找不到该申报，或它不在您负责的网格内。",
            "There is no such declaration in the grids you look after.",
        )
    return declaration


def get_detail(session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime) -> ReviewDetail:
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    payload = payload_of(declaration)
    room_ids = room_ids_of(declaration.kind, payload)
    labels = room_labels(session, room_ids)
    unplaced = unplaced_view(session, declaration)
    if declaration.plate_code is None and unplaced is not None:
        plate_code, village, (lon, lat) = None, unplaced.village_name, unplaced.centre
        address = f"{unplaced.typed}（地址待补录）"
    else:
        plate, street, village = session.execute(
            select(DoorPlate, Street.name, Village.name)
            .join(Street, Street.id == DoorPlate.street_id)
            .join(Village, Village.code == Street.village_code)
            .where(DoorPlate.code == declaration.plate_code)
        ).one()
        plate_code, address, lon, lat = plate.code, format_address(street, plate.number), plate.lon, plate.lat
    versions = session.scalars(
        select(DeclarationVersion)
        .where(DeclarationVersion.declaration_id == declaration.id)
        .order_by(DeclarationVersion.version)
    ).all()
    waiting_since = versions[-1].created_at if versions else declaration.created_at
    working = working_days_between(waiting_since.astimezone(CHINA_TZ).date(), local_today(now))
    today = local_today(now)
    return ReviewDetail(
        declaration_id=declaration.id,
        kind=declaration.kind,
        status=declaration.status,
        version=declaration.version,
        row_version=declaration.row_version,
        created_at=declaration.created_at,
        waiting_since=waiting_since,
        working_days=working,
        is_overdue=declaration.status in PENDING_STATES and working > OVERDUE_WORKING_DAYS,
        plate_code=plate_code,
        address=address,
        village=village,
        grid_code=declaration.grid_code,
        rooms=tuple(labels.get(r, "") for r in room_ids),
        room_names=labels,
        lon=lon,
        lat=lat,
        declared=masked(payload),
        field_paths=tuple(flatten(payload)),
        buildings=building_records(session, declaration, set(room_ids), today=today),
        room_residents=room_residents(session, declaration, room_ids, labels, today=today),
        people=people_on_record(session, declaration.kind, payload, set(room_ids), today=today),
        organisation_on_record=organisation_on_record(session, payload)
        if declaration.kind is DeclarationKind.ORGANISATION
        else None,
        findings=_findings(session, declaration.id),
        changes=diff_versions(payload_of(versions[-2]), payload) if len(versions) >= 2 else (),
        timeline=_timeline(session, declaration.id),
        unplaced=unplaced,
    )


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A payload as field paths → leaf values: `person.phone`, `family[0].name`."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value}


def is_pii(path: str) -> bool:
    """Document numbers and phones: masked on screen, revealed only with an audit entry."""
    return path.rsplit(".", 1)[-1] in PII_KEYS


def masked(value: Any, key: str = "") -> Any:
    """A copy of a payload with every document number and phone masked."""
    if isinstance(value, Mapping):
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if key == "id_number" and value:
        return mask_id_number(str(value))
    if key == "phone" and value:
        return mask_phone(str(value))
    return value


def diff_versions(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields a new version changed, added or removed, masked."""
    before, after = flatten(masked(old)), flatten(masked(new))
    paths = list(dict.fromkeys([*before, *after]))
    return tuple(
        FieldChange(path, _shown(before, path), _shown(after, path))
        for path in paths
        if before.get(path, _MISSING) != after.get(path, _MISSING)
    )


_MISSING = object()


def _shown(values: Mapping[str, Any], path: str) -> str | None:
    if path not in values:
        return None
    value = values[path]
    return "" if value is None else str(value)


def _findings(session: Session, declaration_id: int) -> tuple[FindingView, ...]:
    findings = session.scalars(select(Finding).where(Finding.declaration_id == declaration_id)).all()
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.id))
    return tuple(FindingView(f.rule, f.severity.value, f.field, f.message_zh, f.message_en) for f in ordered)


def _timeline(session: Session, declaration_id: int) -> tuple[TimelineItem, ...]:
    events = session.scalars(
        select(DeclarationEvent)
        .where(DeclarationEvent.declaration_id == declaration_id)
        .order_by(DeclarationEvent.id)
    ).all()
    items = []
    for event in events:
        zh, en = OFFICER_EVENT_LABELS.get(event.action, (event.action, event.action))
        item = TimelineItem(event.action, zh, en, event.actor, event.at, event.note)
        if event.action == EventAction.CORRECTION_REQUESTED:
            fields, note = parse_correction_note(event.note)
            item = TimelineItem(event.action, zh, en, event.actor, event.at, note, fields)
        elif event.action == EventAction.VISITED:
            visit = _json(event.note)
            item = TimelineItem(
                event.action,
                zh,
                en,
                event.actor,
                event.at,
                str(visit.get("note", "")),
                visited_on=date.fromisoformat(visit["visited_on"]) if visit.get("visited_on") else None,
                seen_in_person=bool(visit.get("seen_in_person")),
            )
        items.append(item)
    return tuple(items)


def _json(note: str) -> dict[str, Any]:
    try:
        data = json.loads(note)
    except ValueError:
        return {"note": note}
    return data if isinstance(data, dict) else {"note": note}
