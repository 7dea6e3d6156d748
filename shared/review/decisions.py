"""核实、不予通过、要求补正: the officer's decisions on a declaration.

Every action opens the declaration through one permission check (an officer acts only in their
own grids) and, when it changes the review state, checks the `row_version` the officer's page
was showing. The row's version is also guarded by the database (`Declaration.row_version` is
SQLAlchemy's version counter): of two officers acting at once, the second gets `StaleItem`,
whichever of them reached the database first. Nothing here commits: the caller's transaction
holds the decision, the records it writes and the audit entry, and rolls all back on an error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.errors import DomainError
from shared.core.validate_text import typed_text
from shared.declarations.labels import OFFICER_STATUS_LABELS
from shared.declarations.store import EventAction, add_event, payload_of
from shared.gate.move_out import lift_move_out
from shared.models import Declaration, DeclarationEvent, DeclarationKind, DeclarationStatus, NoticeKind
from shared.notices.outbox import queue_notice
from shared.review.apply import apply_declaration
from shared.review.detail import open_for_review
from shared.review.outcome import ApplyOutcome
from shared.review.states import REVIEWABLE_STATES
from shared.self_service.receipts import request_correction
from shared.staff.auth import StaffIdentity

MAX_REASON_CHARS = 500


class StaleItem(DomainError):
    """Someone else changed the declaration since the officer's page read it."""

    def __init__(self) -> None:
        super().__init__(
            "该申报刚刚已被他人处理或修改，请刷新后重试。",
            "This item was just changed by someone else; reload it and try again.",
        )


def approve(
    session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime, expected_version: int
) -> ApplyOutcome:
    """核实通过: the records are brought in line with the declaration (people matched or
    created, residences opened, moved or ended, rooms let, the organisation kept), in the
    caller's one transaction."""
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    if declaration.plate_code is None:  # the records need a room: shared.review.unplaced places it
        raise DomainError(
            "请先补录地址（关联或新建门牌）再核实", "Place the address (link or create a plate) first"
        )
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
    audit_decision(session, staff, declaration, "declaration.approve", now, **outcome.__dict__)
    queue_notice(session, kind=NoticeKind.APPROVED, declaration=declaration, now=now)
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
    if declaration.kind is DeclarationKind.RESIDENCE:
        lift_move_out(session, payload_of(declaration))  # a rejected move-out: the passes admit again
    event = add_event(
        session, declaration, action=EventAction.REJECTED, actor=staff.username, now=now, note=text
    )
    audit_decision(session, staff, declaration, "declaration.reject", now)
    queue_notice(session, kind=NoticeKind.REJECTED, declaration=declaration, now=now)
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


def audit_decision(
    session: Session,
    staff: StaffIdentity,
    declaration: Declaration,
    action: str,
    now: datetime,
    **detail: Any,
) -> None:
    """The audit entry of a decision or a visit: the version and state it left behind."""
    record_audit(
        session,
        actor=staff.username,
        action=action,
        target_type="declaration",
        target_id=declaration.id,
        detail={"version": declaration.version, "status": declaration.status.value, **detail},
        at=now,
    )
