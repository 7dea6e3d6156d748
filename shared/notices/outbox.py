"""The outbox: adding a notice with a state change, and the claims a sender works under.

A notice is added in the caller's transaction (`queue_notice`), so it exists exactly when the
decision does. A sender claims due rows by stamping its own token and a lease on them
(`claim_due`): on PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED (another claim's rows
are passed over), and the UPDATE re-checks that each row is still claimable, so on SQLite too
(one writer at a time) of two senders the second gets none of the first one's rows. A sender
that dies leaves its rows SENDING until the lease runs out; then any sender takes them again.
Every finishing UPDATE names the claim token, so a sender whose row was taken again after its
lease ran out records nothing over the new claim.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from shared.models import Declaration, Notice, NoticeKind, NoticeStatus

LEASE = timedelta(minutes=5)  # longer than a batch of sends with their timeouts
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
MAX_ATTEMPTS = 8  # 1, 2, 4 … 64 minutes: about two hours of a gateway's outage, then FAILED


@dataclass(frozen=True)
class Claimed:
    """One claimed notice, as the sender needs it (no ORM object outlives its session)."""

    id: int
    kind: NoticeKind
    declaration_id: int
    receipt_code: str
    attempts: int
    token: str
    lease_until: datetime


def queue_notice(
    session: Session,
    *,
    kind: NoticeKind,
    declaration: Declaration,
    now: datetime,
    once_key: str | None = None,
) -> Notice | None:
    """Add a notice to the declarant of `declaration`, in the caller's transaction. With a
    `once_key` (triggers that may run again over the same facts: 整改 due, 居住证 possible) a
    key already queued adds nothing and returns None."""
    if once_key is not None and session.scalar(select(Notice.id).where(Notice.once_key == once_key)):
        return None
    notice = Notice(
        kind=kind,
        declaration_id=declaration.id,
        receipt_code=declaration.receipt_code,
        status=NoticeStatus.PENDING,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        once_key=once_key,
    )
    session.add(notice)
    session.flush()
    return notice


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Notice.status == NoticeStatus.PENDING, Notice.next_attempt_at <= now),
        and_(Notice.status == NoticeStatus.SENDING, Notice.lease_until < now),
    )


def claim_due(session: Session, *, now: datetime, limit: int, lease: timedelta = LEASE) -> list[Claimed]:
    """Claim up to `limit` due notices for this caller; the caller commits at once, so the
    claim is visible to every other sender before anything is sent."""
    token = secrets.token_hex(16)
    # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT): PostgreSQL may run such a
    # subquery more than once and claim more than `limit` rows. The SELECT locks its rows until
    # the caller commits (PostgreSQL); the UPDATE re-checks them (SQLite, which locks nothing
    # before a write, and a row taken meanwhile is left out).
    due = list(
        session.scalars(
            select(Notice.id)
            .where(_claimable(now))
            .order_by(Notice.next_attempt_at, Notice.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not due:
        return []
    session.execute(
        update(Notice)
        .where(Notice.id.in_(due), _claimable(now))
        .values(
            status=NoticeStatus.SENDING,
            claim_token=token,
            lease_until=now + lease,
            attempts=Notice.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    rows = session.execute(
        select(
            Notice.id,
            Notice.kind,
            Notice.declaration_id,
            Notice.receipt_code,
            Notice.attempts,
        )
        .where(Notice.claim_token == token)
        .order_by(Notice.id)
    ).all()
    return [Claimed(r[0], r[1], r[2], r[3], r[4], token, now + lease) for r in rows]


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1 minute after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), LONGEST_WAIT)


def finish(
    session: Session,
    claimed: Claimed,
    *,
    status: NoticeStatus,
    now: datetime,
    channel: str = "",
    gateway_id: str = "",
    error: str = "",
) -> bool:
    """Close a claim as SENT, FAILED or NO_RECIPIENT; False when the claim was lost (the lease
    ran out and another sender took the row)."""
    values: dict[str, object] = {"status": status, "claim_token": None, "lease_until": None}
    if status is NoticeStatus.SENT:
        values.update(sent_at=now, channel=channel[:20], gateway_id=gateway_id[:64], last_error="")
    else:
        values.update(last_error=error[:200])
    return _update_claimed(session, claimed, values)


def release_for_retry(
    session: Session, claimed: Claimed, *, now: datetime, error: str
) -> NoticeStatus | None:
    """A failed send: back to PENDING after the backoff, or FAILED once the attempts are spent.
    Returns the status left, None when the claim was lost."""
    if claimed.attempts >= MAX_ATTEMPTS:
        done = finish(session, claimed, status=NoticeStatus.FAILED, now=now, error=error)
        return NoticeStatus.FAILED if done else None
    values: dict[str, object] = {
        "status": NoticeStatus.PENDING,
        "claim_token": None,
        "lease_until": None,
        "next_attempt_at": now + retry_delay(claimed.attempts),
        "last_error": error[:200],
    }
    return NoticeStatus.PENDING if _update_claimed(session, claimed, values) else None


def _update_claimed(session: Session, claimed: Claimed, values: dict[str, object]) -> bool:
    result = session.execute(
        update(Notice)
        .where(
            Notice.id == claimed.id,
            Notice.status == NoticeStatus.SENDING,
            Notice.claim_token == claimed.token,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
