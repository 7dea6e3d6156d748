"""通行码: a resident's gate pass, bound to the person, the room and a validity window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class ResidentPass(Base):
    """A signed pass issued for one approved residence. It is revoked or runs out, never
    deleted, so a passage logged against it can always be traced back to its issue."""

    __tablename__ = "resident_passes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    residence_id: Mapped[int] = mapped_column(ForeignKey("residences.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
