"""发送: draining the outbox once, as `menpai notices send` does from cron.

Each round claims a batch and commits the claim, then per notice: opens the declarant's phone
from the declaration's sealed payload (the only place a notice's phone is read, kept in memory
for the one call), sends, and records the outcome in a transaction of its own, so a sender
killed at any point loses at most the claim, which the lease hands back. No transaction is
held open while a gateway is waited for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.core.clock import utcnow
from shared.core.crypto import DecryptionError
from shared.declarations.store import open_payload
from shared.models import Declaration, DeclarationKind, NoticeStatus
from shared.notices.outbox import LEASE, Claimed, claim_due, finish, release_for_retry
from shared.notices.senders import Message, Sender, SendError
from shared.notices.texts import notice_text

# Who a declaration's notices go to: the declarant, who holds its receipt code.
_HOLDER = {
    DeclarationKind.RESIDENCE: "person",
    DeclarationKind.RENTAL: "landlord",
    DeclarationKind.ORGANISATION: "declarant",
}


@dataclass
class DeliveryReport:
    """What one drain did: sent, to be retried, given up, without a phone, claims lost."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    no_recipient: int = 0
    lost: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.no_recipient + self.lost

    def count(self, status: NoticeStatus | None) -> None:
        """Tally one notice by the status it was left in; None: the claim was lost."""
        if status is NoticeStatus.SENT:
            self.sent += 1
        elif status is NoticeStatus.PENDING:
            self.retrying += 1
        elif status is NoticeStatus.FAILED:
            self.failed += 1
        elif status is NoticeStatus.NO_RECIPIENT:
            self.no_recipient += 1
        else:
            self.lost += 1


def send_due(
    factory: sessionmaker[Session],
    *,
    sender: Sender,
    clock: Callable[[], datetime] = utcnow,
    batch: int = 10,
    limit: int = 1000,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Send every notice that is due now (at most `limit`), `batch` claimed at a time; notices
    that failed wait for their backoff and are left to a later run."""
    report = DeliveryReport()
    while report.handled < limit:
        with factory.begin() as session:
            claimed = claim_due(session, now=clock(), limit=min(batch, limit - report.handled), lease=lease)
        if not claimed:
            break
        for notice in claimed:
            _deliver(factory, notice, sender=sender, clock=clock, report=report)
    return report


def _deliver(
    factory: sessionmaker[Session],
    notice: Claimed,
    *,
    sender: Sender,
    clock: Callable[[], datetime],
    report: DeliveryReport,
) -> None:
    if clock() >= notice.lease_until:  # too slow: another sender may hold it now
        report.count(None)
        return
    with factory() as session:
        try:
            phone = declarant_phone(session, notice.declaration_id)
        except DecryptionError:  # another master secret: nothing later will read it either
            phone = ""
    if not phone:
        status = NoticeStatus.NO_RECIPIENT if phone is None else NoticeStatus.FAILED
        error = "" if phone is None else "payload unreadable"
        with factory.begin() as session:
            kept = finish(session, notice, status=status, now=clock(), error=error)
        report.count(status if kept else None)
        return
    message = Message(
        key=f"notice-{notice.id}",
        kind=notice.kind,
        phone=phone,
        receipt_code=notice.receipt_code,
        text=notice_text(notice.kind, notice.receipt_code),
    )
    try:
        result = sender.send(message)
    except SendError as error:
        with factory.begin() as session:
            if error.retryable:
                report.count(release_for_retry(session, notice, now=clock(), error=error.reason))
            else:
                kept = finish(session, notice, status=NoticeStatus.FAILED, now=clock(), error=error.reason)
                report.count(NoticeStatus.FAILED if kept else None)
        return
    with factory.begin() as session:
        kept = finish(
            session,
            notice,
            status=NoticeStatus.SENT,
            now=clock(),
            channel=result.channel,
            gateway_id=result.gateway_id,
        )
    report.count(NoticeStatus.SENT if kept else None)


def declarant_phone(session: Session, declaration_id: int) -> str | None:
    """The phone of the declaration's declarant, opened from its sealed payload; None when the
    payload has none (a minor declared without a phone)."""
    row = session.execute(
        select(Declaration.kind, Declaration.payload_enc).where(Declaration.id == declaration_id)
    ).one()
    holder = open_payload(row.payload_enc).get(_HOLDER[row.kind]) or {}
    phone = holder.get("phone")
    return str(phone) if phone else None
