"""The address library: 村/社区 → 网格 → 街路巷 → 门楼牌."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import (
    Base,
    PlateKind,
    RecordStatus,
    UTCDateTime,
    VillageKind,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from shared.models.housing import Building


class Village(Base):
    """村/社区: a village or residents' committee, keyed by its 12-digit statistics code."""

    __tablename__ = "villages"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(60), default="")
    kind: Mapped[VillageKind] = mapped_column(str_enum(VillageKind))
    police_station: Mapped[str] = mapped_column(String(80), default="")
    police_phone: Mapped[str] = mapped_column(String(20), default="")

    grids: Mapped[list[Grid]] = relationship(back_populates="village")
    streets: Mapped[list[Street]] = relationship(back_populates="village")


class Grid(Base):
    """网格: the area one grid officer answers for; its polygon is GeoJSON."""

    __tablename__ = "grids"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("villages.code"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    polygon: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    officer_name: Mapped[str] = mapped_column(String(40), default="")
    # The grid officer's work phone is public on the plate page, so it is not personal data.
    officer_phone: Mapped[str] = mapped_column(String(20), default="")

    village: Mapped[Village] = relationship(back_populates="grids")


class Street(Base):
    """街路巷: a street, road or lane; renamed streets keep their old names as aliases."""

    __tablename__ = "streets"
    __table_args__ = (UniqueConstraint("village_code", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("villages.code"), index=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus), default=RecordStatus.ACTIVE)

    village: Mapped[Village] = relationship(back_populates="streets")
    plates: Mapped[list[DoorPlate]] = relationship(back_populates="street")


class DoorPlate(Base):
    """门楼牌: a door plate; `code` is the standard address code, stable for life."""

    __tablename__ = "door_plates"
    __table_args__ = (UniqueConstraint("street_id", "number"),)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[PlateKind] = mapped_column(str_enum(PlateKind), default=PlateKind.FORMAL)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus), default=RecordStatus.ACTIVE)
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("door_plates.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    street: Mapped[Street] = relationship(back_populates="plates")
    grid: Mapped[Grid | None] = relationship()
    buildings: Mapped[list[Building]] = relationship(back_populates="plate")

    @property
    def address(self) -> str:
        """The standard address as printed on the plate, e.g. `麻涌大道 12号`."""
        return format_address(self.street.name, self.number)


def format_address(street: str, number: str) -> str:
    """`麻涌大道 12号`; a sub-number goes after 号 as people write it: `麻涌大道 12号之一`."""
    base, sep, sub = number.partition("之")
    return f"{street} {base}号{sep}{sub}"
