"""通知: the notice outbox — short messages to declarants, written with the state change.

A notice row is added in the same transaction as the decision it tells about (approved,
returned for correction, rejected; later 整改 due and 居住证 possible), so a decision that rolls
back leaves no notice and one that commits cannot lose its notice. `shared.notices.outbox`
drains the rows; no phone is stored here: the sender opens the declaration's sealed payload.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, str_enum, utcnow


class NoticeKind(enum.StrEnum):
    """What a notice tells."""

    APPROVED = "approved"
    CORRECTION_REQUESTED = "correction_requested"
    REJECTED = "rejected"
    RECTIFICATION_DUE = "rectification_due"  # 整改到期
    PERMIT_POSSIBLE = "permit_possible"  # 可申领居住证


class NoticeStatus(enum.StrEnum):
    """PENDING waits for `next_attempt_at`; SENDING is claimed by one sender until
    `lease_until` (a sender that died leaves it claimable again); SENT and FAILED (gave up) and
    NO_RECIPIENT (nobody with a phone, e.g. a minor) are final."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    NO_RECIPIENT = "no_recipient"


class Notice(Base):
    """One notice to the declarant of a declaration. Rows are kept as the record of what was
    sent; `last_error` holds the gateway's code, never a phone or a text."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(str_enum(NoticeKind))
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    receipt_code: Mapped[str] = mapped_column(String(16))
    status: Mapped[NoticeStatus] = mapped_column(str_enum(NoticeStatus), default=NoticeStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel: Mapped[str] = mapped_column(String(20), default="")
    gateway_id: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(String(200), default="")
    # Set by triggers that may run again over the same facts (整改 due, 居住证 possible): a second
    # run finds the key taken and adds nothing. Decisions leave it empty: each is its own event.
    once_key: Mapped[str | None] = mapped_column(String(80), unique=True)
