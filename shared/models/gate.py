"""视频门禁: gates at village entrances, their visitors and the passages they log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, PassageResult, UTCDateTime, str_enum, utcnow


class Gate(Base):
    """A kiosk's gate: it admits residents of its village, or only of the grids it lists."""

    __tablename__ = "gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("villages.code"), index=True)
    grid_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    lon: Mapped[float | None] = mapped_column()
    lat: Mapped[float | None] = mapped_column()


class Visitor(Base):
    """A registered visitor with a time-limited pass; document and phone encrypted."""

    __tablename__ = "visitors"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    id_type: Mapped[str] = mapped_column(String(4))
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_index: Mapped[str] = mapped_column(String(32), index=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(32))
    host_room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Passage(Base):
    """One check at a gate. `subject_index` is pseudonymous: a blind index, never a name."""

    __tablename__ = "passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gates.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    subject_index: Mapped[str | None] = mapped_column(String(32))
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id"))
    result: Mapped[PassageResult] = mapped_column(str_enum(PassageResult))
    reason: Mapped[str] = mapped_column(String(40), default="")
