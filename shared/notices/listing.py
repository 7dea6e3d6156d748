"""通知发件箱 for supervisors: what was queued, sent, is waiting or failed, and why.

No phone and no full receipt code: the last four characters are enough to find the notice a
resident asks about, and the rest stays a secret of the receipt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.models import Notice, NoticeKind, NoticeStatus

RECEIPT_TAIL = 4


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: NoticeKind
    declaration_id: int
    receipt_tail: str
    status: NoticeStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None  # only while it waits
    sent_at: datetime | None
    channel: str
    last_error: str


def status_counts(session: Session) -> dict[NoticeStatus, int]:
    """How many notices are in each state (every state listed, zero or not)."""
    query = select(Notice.status, func.count()).group_by(Notice.status)
    counted = {status: count for status, count in session.execute(query)}
    return {status: int(counted.get(status, 0)) for status in NoticeStatus}


def list_outbox(
    session: Session,
    *,
    status: NoticeStatus | None = None,
    kind: NoticeKind | None = None,
    limit: int = 500,
) -> list[OutboxRow]:
    """The newest notices first, under the filters."""
    query = select(Notice).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Notice.status == status)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return [
        OutboxRow(
            id=n.id,
            kind=n.kind,
            declaration_id=n.declaration_id,
            receipt_tail=n.receipt_code[-RECEIPT_TAIL:],
            status=n.status,
            attempts=n.attempts,
            created_at=n.created_at,
            next_attempt_at=n.next_attempt_at if n.status is NoticeStatus.PENDING else None,
            sent_at=n.sent_at,
            channel=n.channel,
            last_error=n.last_error,
        )
        for n in session.scalars(query)
    ]
