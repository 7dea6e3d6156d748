"""`menpai recheck`: re-run every comparison rule over every declaration still waiting for an
officer, because the records they were compared with change (a room registered as let, a
residence ended, a plate retired, a visa run out).

Findings are results, not records: a declaration's findings are replaced when they changed,
and a `rechecked` event keeps what changed. RECEIVED moves to HAS_ISSUES when findings appear
and back when they are all gone; RESUBMITTED and CORRECTION_REQUESTED keep their state (the
officer and the declarant are already on it). A rule that crashes keeps its earlier findings
and is counted in `failed_rules`. Declarations are read in batches of whole plates (a duplicate
is always at the same plate), each batch in a few queries, as plain rows. A declaration an
officer or the declarant changes while the batch runs is left alone (`skipped`): it is only
written where its status, version and `row_version` are still those the rules saw, and writing
moves `row_version` on, so an officer's page showing the old findings is told it changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.declarations.store import open_payload
from shared.models import Declaration, DeclarationVersion, Finding
from shared.rules.base import Declared, RuleSettings, load_rule_settings, read_declared
from shared.rules.changes import RECHECKED, Change, OldFinding, Seen, plan_change, write_changes
from shared.rules.checks import RULES_ACTOR, build_check, evaluate
from shared.rules.lookup import Records
from shared.rules.lookup_queries import PENDING_STATUSES

log = logging.getLogger(__name__)

BATCH_SIZE = 500

Progress = Callable[[int, int], None]


@dataclass
class RecheckReport:
    """What one recheck did; `findings_by_rule` counts the findings pending declarations now have."""

    checked: int = 0
    changed: int = 0  # findings replaced
    opened: int = 0  # RECEIVED → HAS_ISSUES
    cleared: int = 0  # HAS_ISSUES → RECEIVED
    skipped: int = 0  # changed by someone else while the batch ran
    unreadable: int = 0  # payload could not be decrypted or read
    findings_by_rule: Counter[str] = field(default_factory=Counter)
    failed_rules: Counter[str] = field(default_factory=Counter)

    def counts(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "changed": self.changed,
            "opened": self.opened,
            "cleared": self.cleared,
            "skipped": self.skipped,
            "unreadable": self.unreadable,
            "findings_by_rule": dict(sorted(self.findings_by_rule.items())),
            "failed_rules": dict(sorted(self.failed_rules.items())),
        }


def recheck_all(
    session: Session,
    *,
    now: datetime,
    settings: RuleSettings | None = None,
    progress: Progress | None = None,
    after_batch: Callable[[], None] | None = None,
    actor: str = RULES_ACTOR,
    batch_size: int = BATCH_SIZE,
) -> RecheckReport:
    """Re-run the rules on every pending declaration of the town and write what changed.
    `after_batch` runs after each batch is flushed: the CLI commits there, so people working
    during a long run wait for one batch, never for the whole town."""
    settings = settings or load_rule_settings()
    report = RecheckReport()
    pending = session.execute(
        select(Declaration.id, Declaration.plate_code)
        # One at a typed address waits for its plate: placing it runs the rules (shared.review.unplaced).
        .where(Declaration.status.in_(PENDING_STATUSES), Declaration.plate_code.is_not(None))
        .order_by(Declaration.plate_code, Declaration.id)
    ).all()
    total = len(pending)
    if progress:
        progress(0, total)
    for batch in _plate_batches([(row[0], row[1] or "") for row in pending], batch_size):
        _recheck_batch(session, batch, now=now, settings=settings, report=report)
        session.flush()
        if after_batch:
            after_batch()
        if progress:
            progress(report.checked + report.unreadable, total)
    record_audit(
        session,
        actor=actor,
        action="declaration.recheck",
        target_type="declarations",
        target_id="pending",
        detail=report.counts(),
        at=now,
    )
    session.flush()
    return report


def _plate_batches(rows: Sequence[tuple[int, str]], size: int) -> Iterator[list[int]]:
    """Ids in batches of about `size`, never splitting one plate's declarations."""
    batch: list[int] = []
    for i, (declaration_id, plate_code) in enumerate(rows):
        batch.append(declaration_id)
        is_plate_end = i + 1 == len(rows) or rows[i + 1][1] != plate_code
        if len(batch) >= size and is_plate_end:
            yield batch
            batch = []
    if batch:
        yield batch


def _recheck_batch(
    session: Session, ids: list[int], *, now: datetime, settings: RuleSettings, report: RecheckReport
) -> None:
    # Plain rows, not ORM objects: a town's worth must not pile up in the caller's session.
    rows = session.execute(
        select(
            Declaration.id,
            Declaration.kind,
            Declaration.plate_code,
            Declaration.payload_enc,
            Declaration.status,
            Declaration.version,
            Declaration.row_version,
            Declaration.created_at,
            Declaration.updated_at,
            DeclarationVersion.created_at,
        )
        .outerjoin(
            DeclarationVersion,
            and_(
                DeclarationVersion.declaration_id == Declaration.id,
                DeclarationVersion.version == Declaration.version,
            ),
        )
        .where(Declaration.id.in_(ids))
    ).all()
    old: dict[int, list[OldFinding]] = {i: [] for i in ids}
    for f in session.execute(
        select(
            Finding.id,
            Finding.declaration_id,
            Finding.rule,
            Finding.severity,
            Finding.field,
            Finding.message_zh,
            Finding.message_en,
        ).where(Finding.declaration_id.in_(ids))
    ):
        old[f.declaration_id].append(
            OldFinding(f.id, f.rule, f.severity, f.field, f.message_zh, f.message_en)
        )
    readable: list[tuple[Any, Declared]] = []
    for row in rows:
        try:
            payload = open_payload(row.payload_enc)
            declared = read_declared(
                declaration_id=row.id, kind=row.kind, plate_code=row.plate_code, payload=payload
            )
        except Exception:
            log.exception("recheck: declaration %s cannot be read", row.id)
            report.unreadable += 1
            report.findings_by_rule.update(f.rule for f in old[row.id])
            continue
        readable.append((row, declared))
    records = Records(session, today=local_today(now))
    records.prefetch([declared for _, declared in readable])
    changes: list[Change] = []
    for row, declared in readable:
        report.checked += 1
        check = build_check(
            declared,
            records=records,
            settings=settings,
            now=now,
            version_at=row[9],
            submitted_at=row.created_at,
        )
        result = evaluate(check, now=now)
        report.failed_rules.update(result.failed)
        seen = Seen(row.id, row.status, row.version, row.row_version, row.updated_at)
        change = plan_change(seen, old[row.id], result.findings, result.failed)
        if change is None:
            report.findings_by_rule.update(f.rule for f in old[row.id])
        else:
            changes.append(change)
    applied = {change.seen.id for change in write_changes(session, changes, now=now)}
    for change in changes:
        if change.seen.id not in applied:
            report.skipped += 1
            report.findings_by_rule.update(f.rule for f in change.old)
            continue
        report.changed += 1
        report.opened += change.is_opening
        report.cleared += change.is_clearing
        report.findings_by_rule.update(change.rules_after)


__all__ = ["BATCH_SIZE", "RECHECKED", "RecheckReport", "recheck_all"]
