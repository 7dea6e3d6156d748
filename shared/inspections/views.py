"""What the inspection page, the plate page and the receipt show: plain values, no ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.inspections.checklist import Rating, is_major, item_label
from shared.inspections.ratings import building_ratings
from shared.inspections.records import check_grid, inspected_building
from shared.models import (
    Building,
    DoorPlate,
    Inspection,
    RecordStatus,
    Rectification,
    RectificationStatus,
    Room,
)
from shared.staff.auth import StaffIdentity

RECENTLY_CLOSED = 5  # closed items a rental page still lists, newest first
EARLIEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class RectificationView:
    id: int
    item_code: str
    item_zh: str
    item_en: str
    is_major: bool
    note: str
    due_on: date
    status: RectificationStatus
    landlord_note: str
    done_at: datetime | None
    has_photo: bool
    closed_at: datetime | None
    days_left: int  # negative: overdue

    @property
    def is_overdue(self) -> bool:
        return self.status is RectificationStatus.OPEN and self.days_left < 0


@dataclass(frozen=True)
class RentalView:
    building_id: int
    plate_code: str
    label: str  # the building's name, or its number in the records
    let_rooms: int
    rating: Rating
    last_inspected_at: datetime | None
    last_officer: str
    open: tuple[RectificationView, ...]
    closed: tuple[RectificationView, ...]


def rectification_view(r: Rectification, today: date) -> RectificationView:
    zh, en = item_label(r.item_code)
    return RectificationView(
        id=r.id,
        item_code=r.item_code,
        item_zh=zh,
        item_en=en,
        is_major=is_major(r.item_code),
        note=r.note,
        due_on=r.due_on,
        status=r.status,
        landlord_note=r.landlord_note,
        done_at=r.done_at,
        has_photo=r.photo is not None,
        closed_at=r.closed_at,
        days_left=(r.due_on - today).days,
    )


def building_label(building: Building) -> str:
    return building.name or f"楼栋 {building.id}"


def rental_view(session: Session, *, staff: StaffIdentity, building_id: int, today: date) -> RentalView:
    """One rental as the officer sees it before and after a visit."""
    building = inspected_building(session, staff, building_id)
    let_rooms = session.scalar(
        select(func.count()).where(
            Room.building_id == building.id, Room.is_rental.is_(True), Room.status == RecordStatus.ACTIVE
        )
    )
    last = session.scalars(
        select(Inspection)
        .where(Inspection.building_id == building.id)
        .order_by(Inspection.inspected_at.desc(), Inspection.id.desc())
        .limit(1)
    ).first()
    rows = list(
        session.scalars(
            select(Rectification).where(Rectification.building_id == building.id).order_by(Rectification.id)
        )
    )
    closed = sorted(
        (r for r in rows if r.status is RectificationStatus.CLOSED),
        key=lambda r: (r.closed_at or EARLIEST, r.id),
        reverse=True,
    )[:RECENTLY_CLOSED]
    rating = building_ratings(session, today=today, building_ids=[building.id]).get(
        building.id, Rating.NOT_INSPECTED
    )
    return RentalView(
        building_id=building.id,
        plate_code=building.plate_code,
        label=building_label(building),
        let_rooms=let_rooms or 0,
        rating=rating,
        last_inspected_at=last.inspected_at if last else None,
        last_officer=last.officer if last else "",
        open=tuple(rectification_view(r, today) for r in rows if r.status is not RectificationStatus.CLOSED),
        closed=tuple(rectification_view(r, today) for r in closed),
    )


def buildings_at_plate(session: Session, *, staff: StaffIdentity, plate_code: str) -> dict[int, str]:
    """The active buildings behind a plate an officer can inspect (id → label)."""
    plate = session.get(DoorPlate, plate_code)
    if plate is None:
        return {}
    check_grid(staff, plate.grid_code)
    buildings = session.scalars(
        select(Building)
        .where(Building.plate_code == plate_code, Building.status == RecordStatus.ACTIVE)
        .order_by(Building.id)
    )
    return {b.id: building_label(b) for b in buildings}


def rectification_photo(session: Session, *, staff: StaffIdentity, rectification_id: int) -> bytes | None:
    """The landlord's photo of a 整改, for the officer of its grid."""
    rectification = session.get(Rectification, rectification_id)
    if rectification is None:
        return None
    check_grid(staff, rectification.grid_code)
    return rectification.photo
