"""整改到期: the 平安出租屋 rectifications an officer has to go and see.

Open ones due within `DUE_WITHIN_DAYS` (or overdue, first), and those the landlord reported
done, which only a visit can close. Scoped like the queue: an officer's own grids, the whole
town for supervisors and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.inspections.checklist import is_major, item_label
from shared.models import Building, DoorPlate, Rectification, RectificationStatus, Street, Village
from shared.models.places import format_address
from shared.staff.auth import StaffIdentity
from shared.staff.scope import grid_scope

DUE_WITHIN_DAYS = 3
MAX_ROWS = 500


@dataclass(frozen=True)
class RectificationDue:
    rectification_id: int
    building_id: int
    plate_code: str
    address: str  # the plate's address and the building's name
    village: str
    grid_code: str | None
    item_zh: str
    item_en: str
    is_major: bool
    status: RectificationStatus
    due_on: date
    days_left: int  # negative: overdue


def rectifications_due(
    session: Session,
    *,
    staff: StaffIdentity,
    now: datetime,
    within_days: int = DUE_WITHIN_DAYS,
    limit: int = MAX_ROWS,
) -> tuple[list[RectificationDue], int]:
    """The list (earliest deadline first) and how many there are in all."""
    today = local_today(now)
    query = (
        select(Rectification, Building.name, DoorPlate.code, DoorPlate.number, Street.name, Village.name)
        .join(Building, Building.id == Rectification.building_id)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
        .join(Village, Village.code == Street.village_code)
        .where(
            grid_scope(staff, Rectification.grid_code),
            or_(
                Rectification.status == RectificationStatus.DONE,
                and_(
                    Rectification.status == RectificationStatus.OPEN,
                    Rectification.due_on <= today + timedelta(days=within_days),
                ),
            ),
        )
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(Rectification.due_on, Rectification.id).limit(limit)).all()
    items = []
    for r, building, plate_code, number, street, village in rows:
        zh, en = item_label(r.item_code)
        address = format_address(street, number) + (f" {building}" if building else "")
        items.append(
            RectificationDue(
                rectification_id=r.id,
                building_id=r.building_id,
                plate_code=plate_code,
                address=address,
                village=village,
                grid_code=r.grid_code,
                item_zh=zh,
                item_en=en,
                is_major=is_major(r.item_code),
                status=r.status,
                due_on=r.due_on,
                days_left=(r.due_on - today).days,
            )
        )
    return items, total
