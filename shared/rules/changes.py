"""What `menpai recheck` writes for a batch: the declarations whose findings or status the
rules changed, each updated only where it is still as the rules saw it.

The batch's status updates go out as one statement. When fewer rows match than were sent,
someone (an officer deciding, a declarant resubmitting) got in between: the statement is undone
to its savepoint and each update is tried on its own, so only the declarations still as the
rules saw them get their new findings and their `rechecked` event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, insert, update
from sqlalchemy.orm import Session

from shared.models import Declaration, DeclarationEvent, DeclarationStatus, Finding, Severity
from shared.rules.checks import RULES_ACTOR

RECHECKED = "rechecked"  # DeclarationEvent.action of a recheck that changed the findings


@dataclass(frozen=True)
class Seen:
    """A pending declaration as the batch read it: what the conditional update compares."""

    id: int
    status: DeclarationStatus
    version: int
    row_version: int
    updated_at: datetime


@dataclass(frozen=True)
class OldFinding:
    id: int
    rule: str
    severity: Severity
    field: str | None
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Change:
    """A declaration whose findings or status the rules changed, not yet written."""

    seen: Seen
    target: DeclarationStatus
    old: list[OldFinding]
    carried: list[OldFinding]  # kept: their rule crashed this time
    new: list[Finding]

    @property
    def is_opening(self) -> bool:
        return self.seen.status is DeclarationStatus.RECEIVED and self.target is DeclarationStatus.HAS_ISSUES

    @property
    def is_clearing(self) -> bool:
        return self.seen.status is DeclarationStatus.HAS_ISSUES and self.target is DeclarationStatus.RECEIVED

    @property
    def rules_after(self) -> list[str]:
        return [f.rule for f in self.new] + [f.rule for f in self.carried]

    def params(self, now: datetime) -> dict[str, Any]:
        """The guarded update's parameters: only where the declaration is still as the rules saw
        it (no decision, no new version since); the row version moves on, so an officer's page
        showing the old findings is told (StaleItem)."""
        status = self.seen.status
        return {
            "b_id": self.seen.id,
            "b_row_version": self.seen.row_version,
            "b_status": status,
            "b_version": self.seen.version,
            "b_target": self.target,
            "b_updated_at": self.seen.updated_at if self.target is status else now,
            "b_next_row_version": self.seen.row_version + 1,
        }


def plan_change(
    seen: Seen, old: list[OldFinding], new: list[Finding], failed: tuple[str, ...]
) -> Change | None:
    """What changes for one declaration, or None. A rule that crashed this time keeps its
    earlier findings: a bug must not clear a declaration."""
    carried = [f for f in old if f.rule in failed]
    after: list[Finding | OldFinding] = [*new, *carried]
    status = seen.status
    if after and status is DeclarationStatus.RECEIVED:
        target = DeclarationStatus.HAS_ISSUES
    elif not after and status is DeclarationStatus.HAS_ISSUES:
        target = DeclarationStatus.RECEIVED
    else:
        target = status
    if _signature(old) == _signature(after) and target is status:
        return None
    return Change(seen, target, old, carried, new)


class _Interleaved(Exception):
    """Someone changed a declaration of the batch after the rules read it."""


def write_changes(session: Session, changes: list[Change], *, now: datetime) -> list[Change]:
    """Write the changes still as the rules saw them, with their findings and events; those
    written (the rest were changed by someone else meanwhile and are left alone)."""
    if not changes:
        return []
    params = [change.params(now) for change in changes]
    try:
        with session.begin_nested():  # session.connection() in the block is what emits the SAVEPOINT
            if _rowcount(session.connection().execute(_GUARDED_UPDATE, params)) != len(params):
                raise _Interleaved()
        applied = changes
    except _Interleaved:
        connection = session.connection()
        applied = [
            change
            for change, one in zip(changes, params, strict=True)
            if _rowcount(connection.execute(_GUARDED_UPDATE, one)) == 1
        ]
    writes = _Writes()
    for change in applied:
        writes.add(change, now=now)
    writes.flush(session)
    return applied


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


@dataclass
class _Writes:
    """What a batch writes once its declarations' status updates went through, in bulk."""

    stale: list[int] = field(default_factory=list)
    new: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)

    def add(self, change: Change, *, now: datetime) -> None:
        self.stale.extend(f.id for f in change.old if f not in change.carried)
        self.new.extend(
            {
                "declaration_id": change.seen.id,
                "rule": f.rule,
                "severity": f.severity,
                "field": f.field,
                "message_zh": f.message_zh,
                "message_en": f.message_en,
                "created_at": now,
            }
            for f in change.new
        )
        note = _change_note(change.old, [*change.new, *change.carried])
        self.events.append(
            {
                "declaration_id": change.seen.id,
                "actor": RULES_ACTOR,
                "action": RECHECKED,
                "note": note,
                "at": now,
            }
        )
        self.changed.append(change.seen.id)

    def flush(self, session: Session) -> None:
        # On the connection, as plain Core statements: the ORM's bulk paths cost more than the
        # database does at a town's scale.
        connection = session.connection()
        if self.stale:
            connection.execute(delete(Finding).where(Finding.id.in_(self.stale)))
        if self.new:
            connection.execute(insert(Finding), self.new)
        if self.events:
            connection.execute(insert(DeclarationEvent), self.events)
        # Declarations the caller holds are re-read on their next use.
        for declaration_id in self.changed:
            held = session.identity_map.get(session.identity_key(Declaration, declaration_id))
            if held is not None:
                session.expire(held)


# One statement, compiled once, executed for a batch's changed declarations at once.
_GUARDED_UPDATE = (
    update(Declaration)
    .where(
        Declaration.id == bindparam("b_id"),
        Declaration.row_version == bindparam("b_row_version"),
        Declaration.status == bindparam("b_status"),
        Declaration.version == bindparam("b_version"),
    )
    .values(
        status=bindparam("b_target"),
        updated_at=bindparam("b_updated_at"),
        row_version=bindparam("b_next_row_version"),
    )
    .execution_options(synchronize_session=False)
)


def _signature(findings: Sequence[Finding | OldFinding]) -> list[tuple[str, str, str, str, str]]:
    return sorted((f.rule, str(f.severity), f.field or "", f.message_zh, f.message_en) for f in findings)


def _change_note(old: Sequence[OldFinding], new: Sequence[Finding | OldFinding]) -> str:
    """`3 → 1: -late_declaration, -room_not_rental` — rule ids only, no personal data."""
    before, after = Counter(f.rule for f in old), Counter(f.rule for f in new)
    gone = sorted((before - after).elements())
    came = sorted((after - before).elements())
    changes = [f"-{r}" for r in dict.fromkeys(gone)] + [f"+{r}" for r in dict.fromkeys(came)]
    return f"{len(old)} → {len(new)}" + (f": {', '.join(changes)}" if changes else "")


__all__ = ["RECHECKED", "Change", "OldFinding", "Seen", "plan_change", "write_changes"]
