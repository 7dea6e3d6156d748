"""实有房屋、单位、设施: buildings, rooms, organisations and facilities."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import (
    Base,
    OrganisationStatus,
    RecordStatus,
    UTCDateTime,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from shared.models.people import Person, Residence
    from shared.models.places import DoorPlate, Grid


class Building(Base):
    """实有房屋: a building behind a door plate, with its recorded owner (a person or an organisation)."""

    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plate_code: Mapped[str] = mapped_column(ForeignKey("door_plates.code"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    type: Mapped[str] = mapped_column(String(4))  # code list building_types
    use: Mapped[str] = mapped_column(String(4))  # code list building_uses
    structure: Mapped[str] = mapped_column(String(4))  # code list building_structures
    floors: Mapped[int] = mapped_column(Integer)
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus), default=RecordStatus.ACTIVE)
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plate: Mapped[DoorPlate] = relationship(back_populates="buildings")
    grid: Mapped[Grid | None] = relationship()
    owner_person: Mapped[Person | None] = relationship(foreign_keys=[owner_person_id])
    owner_org: Mapped[Organisation | None] = relationship(foreign_keys=[owner_org_id])
    rooms: Mapped[list[Room]] = relationship(back_populates="building", order_by="Room.number")


class Room(Base):
    """户室: a room or flat in a building; `is_rental` marks it as let."""

    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    floor: Mapped[int] = mapped_column(Integer)
    area_m2: Mapped[float | None] = mapped_column(Float)
    use: Mapped[str] = mapped_column(String(4))
    is_rental: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus), default=RecordStatus.ACTIVE)

    building: Mapped[Building] = relationship(back_populates="rooms")
    residences: Mapped[list[Residence]] = relationship(back_populates="room")


class Organisation(Base):
    """实有单位: an organisation at an address, keyed by its unified social credit code (GB 32100)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    plate_code: Mapped[str] = mapped_column(ForeignKey("door_plates.code"), index=True)
    # use_alter: buildings → organisations (owner) → rooms → buildings is a cycle.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", use_alter=True))
    status: Mapped[OrganisationStatus] = mapped_column(
        str_enum(OrganisationStatus), default=OrganisationStatus.OPERATING
    )
    legal_rep: Mapped[str] = mapped_column(String(40), default="")
    manager: Mapped[str] = mapped_column(String(40), default="")
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    staff_count: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[date | None] = mapped_column(Date)

    plate: Mapped[DoorPlate] = relationship()


class Facility(Base):
    """实有设施: a public facility in one of the seed's six groups, placed by coordinates or plate."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(4), index=True)  # facility group code
    subtype: Mapped[str] = mapped_column(String(8))  # facility subtype code
    name: Mapped[str] = mapped_column(String(120))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    plate_code: Mapped[str | None] = mapped_column(ForeignKey("door_plates.code"), index=True)
    grid_code: Mapped[str | None] = mapped_column(ForeignKey("grids.code"), index=True)
    department: Mapped[str] = mapped_column(String(80), default="")
    # A department's duty phone, published on the map: not personal data.
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[RecordStatus] = mapped_column(str_enum(RecordStatus), default=RecordStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
