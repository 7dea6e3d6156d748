"""批量核实: approving, in one go, the filtered items awaiting review that have no findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError
from shared.review.decisions import approve
from shared.review.queue import QueueFilters, clean_candidates
from shared.staff.auth import StaffIdentity


@dataclass(frozen=True)
class BulkResult:
    approved: int
    skipped: int
    approved_ids: tuple[int, ...] = ()
    skipped_ids: tuple[int, ...] = ()


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
