"""回执查询: failed receipt look-ups, counted to rate-limit guessing across app processes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class ReceiptAttempt(Base):
    """One failed receipt look-up. The receipt code tried and the client are stored as blind
    indexes: a mistyped code is often someone's real code, and the client key may be an IP.

    Rows are counters, not records: `shared.self_service.receipt_access.purge_receipt_attempts` may delete
    the ones older than every rate-limit window.
    """

    __tablename__ = "receipt_attempts"
    __table_args__ = (
        Index("ix_receipt_attempts_code_key_at", "code_key", "at"),
        Index("ix_receipt_attempts_client_key_at", "client_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_key: Mapped[str] = mapped_column(String(32))
    client_key: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
