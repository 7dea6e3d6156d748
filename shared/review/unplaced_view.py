"""待补录地址, as the officer reads it: what the resident typed, the candidates the matcher
proposed (with where they stand, for the map) and how the address was placed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Declaration, DoorPlate, RecordStatus, UnplacedStatus, Village


@dataclass(frozen=True)
class CandidateView:
    plate_code: str
    address: str
    village: str
    score: float
    lon: float | None
    lat: float | None
    is_active: bool


@dataclass(frozen=True)
class UnplacedView:
    """Plain values, safe to keep in session state."""

    typed: str
    village_code: str
    village_name: str
    street: str
    number: str
    building: str
    room: str
    candidates: tuple[CandidateView, ...]
    status: UnplacedStatus
    plate_code: str | None
    resolved_by: str | None
    resolved_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status is UnplacedStatus.OPEN

    @property
    def centre(self) -> tuple[float | None, float | None]:
        """Where the map opens: the best candidate that has a position (a neighbour, usually)."""
        placed = next((c for c in self.candidates if c.lon is not None and c.lat is not None), None)
        return (placed.lon, placed.lat) if placed else (None, None)


def unplaced_view(session: Session, declaration: Declaration) -> UnplacedView | None:
    """The typed address of a declaration made without a plate; None for every other one."""
    unplaced = declaration.unplaced
    if unplaced is None:
        return None
    village = session.get(Village, unplaced.village_code)
    codes = [str(c["plate_code"]) for c in unplaced.candidates]
    plates = {
        p.code: p for p in session.scalars(select(DoorPlate).where(DoorPlate.code.in_(codes)))
    }  # fmt: skip
    candidates = []
    for c in unplaced.candidates:
        plate = plates.get(str(c["plate_code"]))
        candidates.append(
            CandidateView(
                plate_code=str(c["plate_code"]),
                address=str(c["address"]),
                village=str(c["village"]),
                score=float(c["score"]),
                lon=plate.lon if plate else None,
                lat=plate.lat if plate else None,
                is_active=plate is not None and plate.status is RecordStatus.ACTIVE,
            )
        )
    return UnplacedView(
        typed=unplaced.typed_text,
        village_code=unplaced.village_code,
        village_name=village.name if village else "",
        street=unplaced.street_text,
        number=unplaced.number_text,
        building=unplaced.building_text,
        room=unplaced.room_text,
        candidates=tuple(candidates),
        status=unplaced.status,
        plate_code=unplaced.plate_code,
        resolved_by=unplaced.resolved_by,
        resolved_at=unplaced.resolved_at,
    )
