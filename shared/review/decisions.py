"""入屋核查·见到算数: the officer's decisions on a declaration, and revealing personal data.

Every action opens the declaration through one permission check (an officer acts only in their
own grids) and, when it changes the review state, checks the `row_version` the officer's page
was showing. The row's version is also guarded by the database (`Declaration.row_version` is
SQLAlchemy's version counter): of two officers acting at once, the second gets `StaleItem`,
whichever of them reached the database first. Nothing here commits: the caller's transaction
holds the decision, the records it writes and the audit entry, and rolls all back on an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared.core.audit import record_audit
from shared.core.clock import CHINA_TZ, local_today
from shared.core.errors import DomainError, ValidationError
from shared.core.validate_text import typed_text
from shared.declarations.labels import OFFICER_STATUS_LABELS
from shared.declarations.store import EventAction, add_event, payload_of
from shared.models import Building, Declaration, DeclarationEvent, DeclarationStatus, Role, Room
from shared.review.apply import apply_declaration
from shared.review.detail import ReviewDetail, flatten, get_detail, is_pii, open_for_review
from shared.review.outcome import ApplyOutcome
from shared.review.queue import QueueFilters, clean_candidates
from shared.review.states import PENDING_STATES, REVIEWABLE_STATES
from shared.self_service.receipt_view import room_ids_of
from shared.self_service.receipts import request_correction
from shared.staff.auth import StaffIdentity, require_role

# Administrators keep accounts and plates; reading people's documents is not their work.
REVEAL_ROLES = (Role.OFFICER, Role.SUPERVISOR)
MAX_REASON_CHARS = 500
MAX_VISIT_NOTE_CHARS = 1000


class StaleItem(DomainError):
    """Someone else changed the declaration since the officer's page read it."""

    def __init__(self) -> None:
        super().__init__(
            "该申报刚刚已被他人处理或修改，请刷新后重试。",
            "This item was just changed by someone else; reload it and try again.",
        )


@dataclass(frozen=True)
class BulkResult:
    approved: int
    skipped: int
    approved_ids: tuple[int, ...] = ()
    skipped_ids: tuple[int, ...] = ()


def approve(
    session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime, expected_version: int
) -> ApplyOutcome:
    """核实通过: the records are brought in line with the declaration (people matched or
    created, residences opened, moved or ended, rooms let, the organisation kept), in the
    caller's one transaction."""
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    _claim(session, declaration, expected_version, DeclarationStatus.APPROVED, now, ("核实通过", "approve"))
    outcome = apply_declaration(session, declaration, payload_of(declaration), today=local_today(now))
    add_event(
        session,
        declaration,
        action=EventAction.APPROVED,
        actor=staff.username,
        now=now,
        note=f"v{declaration.version}",
    )
    _audit(session, staff, declaration, "declaration.approve", now, **outcome.__dict__)
    session.flush()
    return outcome


def reject(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    now: datetime,
    expected_version: int,
    reason: str,
) -> DeclarationEvent:
    """不予通过: the reason is shown to the declarant on the receipt."""
    text = typed_text(
        reason, max_chars=MAX_REASON_CHARS, field="reason", label=("原因", "Reason"), required=True
    )
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    _claim(session, declaration, expected_version, DeclarationStatus.REJECTED, now, ("不予通过", "reject"))
    event = add_event(
        session, declaration, action=EventAction.REJECTED, actor=staff.username, now=now, note=text
    )
    _audit(session, staff, declaration, "declaration.reject", now)
    session.flush()
    return event


def ask_correction(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    now: datetime,
    expected_version: int,
    fields: list[str],
    note: str,
) -> DeclarationEvent:
    """要求补正: the declarant sees the fields and the note on the receipt
    (`shared.self_service.receipts.request_correction` keeps that contract)."""
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    if declaration.row_version != expected_version:
        raise StaleItem()
    try:
        return request_correction(
            session, declaration_id=declaration.id, fields=fields, note=note, actor=staff.username, now=now
        )
    except StaleDataError as exc:
        raise StaleItem() from exc


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
    _audit(session, staff, declaration, "declaration.visit", now, visited_on=visited_on, seen=seen_in_person)
    session.flush()
    return event


def bulk_approve(
    session: Session,
    *,
    staff: StaffIdentity,
    filters: QueueFilters,
    now: datetime,
    confirmed: Mapping[int, int] | None = None,
) -> BulkResult:
    """批量核实: approve every filtered item awaiting review that has no findings, each in its
    own savepoint, so one that someone else changed meanwhile is skipped, not the batch.
    `confirmed` (declaration id → row version) limits it to what the officer was shown."""
    candidates = clean_candidates(session, staff=staff, filters=filters, now=now)
    if confirmed is not None:
        candidates = {i: v for i, v in candidates.items() if i in confirmed}
    # Written first, and flushed: pysqlite opens no transaction for a SAVEPOINT, so a savepoint
    # as the first statement would commit on release. The audit entry starts the transaction.
    record_audit(
        session,
        actor=staff.username,
        action="declaration.bulk_approve",
        target_type="declaration",
        target_id="*",
        detail={"filters": {k: v for k, v in filters.__dict__.items() if v}, "candidates": len(candidates)},
        at=now,
    )
    session.flush()
    approved: list[int] = []
    skipped: list[int] = []
    for declaration_id, row_version in candidates.items():
        expected = confirmed[declaration_id] if confirmed is not None else row_version
        try:
            with session.begin_nested():
                approve(
                    session, declaration_id=declaration_id, staff=staff, now=now, expected_version=expected
                )
        except DomainError:
            skipped.append(declaration_id)
        else:
            approved.append(declaration_id)
    if confirmed is not None:
        skipped.extend(i for i in confirmed if i not in candidates)
    return BulkResult(len(approved), len(skipped), tuple(approved), tuple(sorted(skipped)))


def reveal_personal_data(
    session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime, reason: str
) -> dict[str, str]:
    """查看完整证件号码和电话: the clear document numbers and phones of a declaration, by field
    path (`person.id_number`, `family[0].phone`). Each reveal is in the audit log with who,
    which fields and why."""
    require_role(staff.role, *REVEAL_ROLES)
    text = typed_text(
        reason, max_chars=MAX_REASON_CHARS, field="reason", label=("查看原因", "Reason"), required=True
    )
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    values = {
        path: str(value) for path, value in flatten(payload_of(declaration)).items() if is_pii(path) and value
    }
    record_audit(
        session,
        actor=staff.username,
        action="pii.reveal",
        target_type="declaration",
        target_id=declaration.id,
        detail={"fields": sorted(values), "reason": text, "version": declaration.version},
        at=now,
    )
    session.flush()
    return values


def _claim(
    session: Session,
    declaration: Declaration,
    expected_version: int,
    status: DeclarationStatus,
    now: datetime,
    action: tuple[str, str],
) -> None:
    """Move the declaration to `status` first of all, so a second officer is stopped before
    anything else is written: by the version check here, or by the database at the flush."""
    if declaration.row_version != expected_version:
        raise StaleItem()
    if declaration.status not in REVIEWABLE_STATES:
        zh, en = OFFICER_STATUS_LABELS[declaration.status]
        raise DomainError(
            f"该申报当前状态为“{zh}”，不能{action[0]}。",
            f"This declaration is {en.lower()}; it cannot be {action[1]}d.",
        )
    declaration.status = status
    declaration.updated_at = now
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleItem() from exc


def _buildings_of(session: Session, declaration: Declaration) -> list[Building]:
    room_ids = room_ids_of(declaration.kind, payload_of(declaration))
    if room_ids:
        query = select(Building).join(Room, Room.building_id == Building.id).where(Room.id.in_(room_ids))
    else:
        query = select(Building).where(Building.plate_code == declaration.plate_code)
    return list(session.scalars(query.distinct()))


def _audit(
    session: Session,
    staff: StaffIdentity,
    declaration: Declaration,
    action: str,
    now: datetime,
    **detail: Any,
) -> None:
    record_audit(
        session,
        actor=staff.username,
        action=action,
        target_type="declaration",
        target_id=declaration.id,
        detail={"version": declaration.version, "status": declaration.status.value, **detail},
        at=now,
    )


__all__ = [
    "PENDING_STATES",
    "ApplyOutcome",
    "BulkResult",
    "ReviewDetail",
    "StaleItem",
    "approve",
    "ask_correction",
    "bulk_approve",
    "get_detail",
    "open_for_review",
    "record_visit",
    "reject",
    "reveal_personal_data",
]
