"""核实通过 of an item with findings: the officer confirms the warnings were seen, and the record
says so (the approval's event in the timeline, and the audit).

An approval over a warning is the officer's judgement, not an oversight: the page asks first,
and this rule refuses unless the findings confirmed are exactly the ones the item has now (a
recheck may have added one after the page was drawn).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError
from shared.declarations.store import EventAction
from shared.models import DeclarationEvent, Finding, Severity
from shared.review.decisions import approve
from shared.review.outcome import ApplyOutcome
from shared.staff.auth import StaffIdentity

NEEDS_CONFIRMATION = (Severity.ERROR, Severity.WARNING)


def findings_to_confirm(session: Session, *, declaration_id: int) -> tuple[int, ...]:
    """The ids of the item's warnings and errors: an approval over them is confirmed first."""
    return tuple(
        session.scalars(
            select(Finding.id)
            .where(Finding.declaration_id == declaration_id, Finding.severity.in_(NEEDS_CONFIRMATION))
            .order_by(Finding.id)
        )
    )


def approve_seeing_findings(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    now: datetime,
    expected_version: int,
    confirmed: Collection[int],
) -> ApplyOutcome:
    """核实通过, the officer having confirmed the findings `confirmed` (ids). Refused when they
    are not the item's warnings and errors as they stand; recorded when there were any."""
    current = findings_to_confirm(session, declaration_id=declaration_id)
    if set(confirmed) != set(current):
        raise DomainError(
            "比对结果有变化，请重新查看后再确认核实通过。",
            "The comparison's findings have changed; please look at them again before approving.",
        )
    outcome = approve(
        session, declaration_id=declaration_id, staff=staff, now=now, expected_version=expected_version
    )
    if current:
        _record_seen(session, declaration_id=declaration_id, staff=staff, now=now, finding_ids=current)
    return outcome


def _record_seen(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    now: datetime,
    finding_ids: tuple[int, ...],
) -> None:
    findings = session.scalars(select(Finding).where(Finding.id.in_(finding_ids)).order_by(Finding.id)).all()
    event = session.scalars(
        select(DeclarationEvent)
        .where(
            DeclarationEvent.declaration_id == declaration_id, DeclarationEvent.action == EventAction.APPROVED
        )
        .order_by(DeclarationEvent.id.desc())
    ).first()
    if event is not None:
        seen = f"已确认查看 {len(findings)} 项比对问题 / {len(findings)} findings seen"
        event.note = f"{event.note} · {seen}" if event.note else seen
    record_audit(
        session,
        actor=staff.username,
        action="declaration.findings_seen",
        target_type="declaration",
        target_id=declaration_id,
        detail={
            "findings": [
                {"id": f.id, "rule": f.rule, "severity": str(f.severity), "field": f.field} for f in findings
            ]
        },
        at=now,
    )
    session.flush()
