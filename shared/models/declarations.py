"""自助申报: declarations, their versions, the findings of the comparison rules and the review events.

A declaration never writes records: review does. Payloads hold personal data, so they are
stored encrypted like every other personal field.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import (
    Base,
    DeclarantRole,
    DeclarationKind,
    DeclarationStatus,
    Severity,
    UTCDateTime,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from shared.models.unplaced import UnplacedAddress


class Declaration(Base):
    """What a landlord, tenant or manager submitted from a plate, with its review state."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DeclarationKind] = mapped_column(str_enum(DeclarationKind))
    # None while the address waits for its plate (待补录地址, `UnplacedAddress`): the resident
    # typed an address the library does not have, and the grid officer places it.
    plate_code: Mapped[str | None] = mapped_column(ForeignKey("door_plates.code"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    declarant_role: Mapped[DeclarantRole] = mapped_column(str_enum(DeclarantRole))
    # Blind index of the declarant's document number: lets a receipt look-up check its second
    # factor, and the rules find duplicates, without decrypting anything.
    declarant_index: Mapped[str] = mapped_column(String(32), index=True)
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[DeclarationStatus] = mapped_column(
        str_enum(DeclarationStatus), default=DeclarationStatus.RECEIVED, index=True
    )
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    # Set by the form once per submission, so a double click or a resubmitted form is one row.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic concurrency (review, issue 5): every ORM update of the row adds one and only
    # succeeds WHERE the row still has the number it was read with, so of two officers (or an
    # officer and a resubmitting declarant) acting at once the second fails instead of
    # overwriting. Pages carry it as the token `expected_version` of the review actions.
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012 (read once, when mapped)

    versions: Mapped[list[DeclarationVersion]] = relationship(
        back_populates="declaration", order_by="DeclarationVersion.version"
    )
    findings: Mapped[list[Finding]] = relationship(back_populates="declaration")
    events: Mapped[list[DeclarationEvent]] = relationship(
        back_populates="declaration", order_by="DeclarationEvent.id"
    )
    unplaced: Mapped[UnplacedAddress | None] = relationship(back_populates="declaration")


class DeclarationVersion(Base):
    """Every submitted version is kept: a correction adds one, never overwrites."""

    __tablename__ = "declaration_versions"
    __table_args__ = (UniqueConstraint("declaration_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"))
    version: Mapped[int] = mapped_column(Integer)
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="versions")


class Finding(Base):
    """One result of an automatic comparison rule (信息自动分析、比对) on a declaration."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[Severity] = mapped_column(str_enum(Severity))
    field: Mapped[str | None] = mapped_column(String(60))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="findings")


class DeclarationEvent(Base):
    """A step in a declaration's life: submitted, checked, visited, approved, rejected, ..."""

    __tablename__ = "declaration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="events")
