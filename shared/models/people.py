"""实有人口: people and the periods they live in a room."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, PersonCategory, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from shared.models.housing import Room


class Person(Base):
    """A person. Identity number and phone are AES-GCM encrypted; `*_index` is a keyed HMAC
    blind index so an exact look-up works without decrypting."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    sex: Mapped[str] = mapped_column(String(1))  # GB/T 2261.1
    ethnicity: Mapped[str | None] = mapped_column(String(2))  # GB 3304; None for foreigners
    birth_date: Mapped[date] = mapped_column(Date)
    id_type: Mapped[str] = mapped_column(String(4))  # code list id_types
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_index: Mapped[str] = mapped_column(String(32), unique=True)
    nationality: Mapped[str] = mapped_column(String(3), default="CHN")  # ISO 3166-1 alpha-3
    visa_expiry: Mapped[date | None] = mapped_column(Date)
    hukou_address: Mapped[str] = mapped_column(String(200), default="")
    education: Mapped[str | None] = mapped_column(String(2))  # GB/T 4658
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    employer: Mapped[str] = mapped_column(String(120), default="")
    category: Mapped[PersonCategory] = mapped_column(str_enum(PersonCategory))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    residences: Mapped[list[Residence]] = relationship(back_populates="person")


class Residence(Base):
    """Who lives where, and since when: ending a residence sets `until`, never deletes it."""

    __tablename__ = "residences"
    __table_args__ = (Index("ix_residences_room_id_until", "room_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    planned_until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(2))  # code list residence_reasons
    dwelling_type: Mapped[str | None] = mapped_column(String(2))  # code list dwelling_types
    declaration_id: Mapped[int | None] = mapped_column(ForeignKey("declarations.id"))
    # 已申报搬离: the move-out date the resident declared, awaiting an officer. The gate refuses
    # the pass from that day (shared.gate.move_out); an approval ends the residence, a
    # rejection clears it.
    move_out_declared: Mapped[date | None] = mapped_column(Date)

    person: Mapped[Person] = relationship(back_populates="residences")
    room: Mapped[Room] = relationship(back_populates="residences")
