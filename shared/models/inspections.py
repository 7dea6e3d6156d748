"""平安出租屋: on-site safety inspections of rentals and the 整改 (rectifications) they order.

A rental is a building (实有房屋) with let rooms: the unit the 120-day visit list already
works on, and the one a landlord's rental declaration points into through its rooms. An
inspection keeps the whole checklist as the officer ticked it; each failed item becomes a
rectification with a deadline that the landlord reports done from his receipt and the officer
closes on the next visit. Rows are never deleted: a closed rectification stays as the record.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, UTCDateTime, str_enum, utcnow


class RectificationStatus(enum.StrEnum):
    """OPEN until the landlord reports it DONE (待复查); CLOSED once the officer saw it fixed.
    An officer who finds it not fixed sends it back to OPEN."""

    OPEN = "open"
    DONE = "done"
    CLOSED = "closed"


class Inspection(Base):
    """One on-site visit to a rental: the checklist as ticked (`results`: item code → passed)."""

    __tablename__ = "inspections"
    __table_args__ = (Index("ix_inspections_building_id_inspected_at", "building_id", "inspected_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    plate_code: Mapped[str] = mapped_column(ForeignKey("door_plates.code"), index=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    officer: Mapped[str] = mapped_column(String(60))
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    results: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="inspection", foreign_keys="Rectification.inspection_id", order_by="Rectification.id"
    )


class Rectification(Base):
    """整改: one failed checklist item to put right by `due_on` (a date in China)."""

    __tablename__ = "rectifications"
    __table_args__ = (Index("ix_rectifications_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    # Copied from the inspection so the receipt, the map and the work list need no join.
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    item_code: Mapped[str] = mapped_column(String(16))  # code list inspection_item
    note: Mapped[str] = mapped_column(Text, default="")  # what the officer found
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[RectificationStatus] = mapped_column(
        str_enum(RectificationStatus), default=RectificationStatus.OPEN
    )
    landlord_note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An optional photo from the landlord, re-encoded on upload (see shared.inspections.photos).
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    closed_by: Mapped[str | None] = mapped_column(String(60))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_note: Mapped[str] = mapped_column(Text, default="")
    closed_by_inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspections.id"))

    inspection: Mapped[Inspection] = relationship(
        back_populates="rectifications", foreign_keys=[inspection_id]
    )
