"""待补录地址: a declaration made against an address the library does not have yet.

A resident whose building has no plate (new, lost, never installed) types the address; the
declaration waits with no plate until the grid officer links it to a plate or creates one. The
typed text, the matcher's candidates at the time and the officer's resolution stay here for good.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from shared.models.declarations import Declaration


class UnplacedStatus(enum.StrEnum):
    """Open until the officer links the declaration to an existing plate or creates one."""

    OPEN = "open"
    LINKED = "linked"  # to a plate already in the library
    CREATED = "created"  # the officer created the plate (and maybe the street) for it


class UnplacedAddress(Base):
    """The address a declaration was typed against, its candidates and how it was resolved."""

    __tablename__ = "unplaced_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declarations.id"), unique=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("villages.code"), index=True)
    street_text: Mapped[str] = mapped_column(String(60))
    number_text: Mapped[str] = mapped_column(String(20))
    building_text: Mapped[str] = mapped_column(String(40), default="")
    room_text: Mapped[str] = mapped_column(String(20), default="")
    # [{plate_code, address, village, score}] as the matcher proposed them when the resident typed.
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[UnplacedStatus] = mapped_column(
        str_enum(UnplacedStatus), default=UnplacedStatus.OPEN, index=True
    )
    plate_code: Mapped[str | None] = mapped_column(ForeignKey("door_plates.code"), index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(60))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    declaration: Mapped[Declaration] = relationship(back_populates="unplaced")

    @property
    def typed_text(self) -> str:
        """What the resident typed, as one line: `鸥涌村 新村路 8号 A栋 302`."""
        return typed_address_text(
            "", self.street_text, self.number_text, self.building_text, self.room_text
        ).strip()


def typed_address_text(village: str, street: str, number: str, building: str = "", room: str = "") -> str:
    """One line of a typed address; 号 is added to a bare number as a plate reads."""
    number = number.strip()
    if number and number[-1].isdigit():
        number += "号"
    return " ".join(part.strip() for part in (village, street, number, building, room) if part.strip())
