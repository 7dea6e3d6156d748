"""审核状态与等待: which states wait for the officer, how risk ranks, how long an item waited.

The queue, a declaration's detail page and the dashboard count waiting the same way: from the
current version (a resubmission starts the clock again), in working days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from shared.models import Declaration, DeclarationStatus, DeclarationVersion, Severity

# Waiting for the officer. CORRECTION_REQUESTED waits for the declarant instead.
PENDING_STATES = (DeclarationStatus.RECEIVED, DeclarationStatus.HAS_ISSUES, DeclarationStatus.RESUBMITTED)
# An officer may still approve or reject while a requested correction is outstanding (e.g.
# after settling it on a visit).
REVIEWABLE_STATES = frozenset({*PENDING_STATES, DeclarationStatus.CORRECTION_REQUESTED})
# Guangdong asks for declarations to be handled within a few working days; past this many the
# queue marks an item overdue. Weekends only: public holidays and swapped working days are not
# modelled.
OVERDUE_WORKING_DAYS = 5
SEVERITY_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


def working_days_between(start: date, end: date) -> int:
    """Monday-to-Friday days after `start`, up to and including `end`."""
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, extra = divmod(days, 7)
    tail = (start + timedelta(days=weeks * 7 + i) for i in range(1, extra + 1))
    return weeks * 5 + sum(1 for d in tail if d.weekday() < 5)


def waiting_since_column() -> Any:
    """When the current version came in: the officer's clock starts again at a resubmission."""
    return (
        select(DeclarationVersion.created_at)
        .where(
            DeclarationVersion.declaration_id == Declaration.id,
            DeclarationVersion.version == Declaration.version,
        )
        .correlate(Declaration)
        .scalar_subquery()
        .label("waiting_since")
    )
