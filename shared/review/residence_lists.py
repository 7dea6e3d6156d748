"""Work lists about residents' papers: 居住证 falling due, and foreigners whose stay or visa ends.

居住证可申领: 流动人口 whose unbroken registered stay reaches 183 days (shared.self_service.permit)
within the next 30 days, so the grid officer can tell them. 境外人员到期: foreign nationals living
here whose planned stay or visa (or residence permit) ends within 30 days, or has ended while
the residence is still open (出境入境管理法 第四十三条: staying past the visa is illegal
residence). Both are scoped like the other work lists: the officer's grids, the whole town for
supervisors and admins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.crypto import decrypt, mask_id_number, mask_name
from shared.declarations.inputs import CHINESE_NATIONALITIES
from shared.models import Building, DoorPlate, Person, Residence, Room, Street, Village
from shared.models.places import format_address
from shared.places.plates import active_residence_filter
from shared.review.worklists import MAX_ROWS, WorkList
from shared.self_service.permit import eligible_on, migrant_stays
from shared.staff.auth import StaffIdentity
from shared.staff.scope import grid_scope

DUE_WITHIN_DAYS = 30


@dataclass(frozen=True)
class PermitDue:
    person_id: int
    name: str  # masked
    id_number: str  # masked
    address: str
    room: str
    village: str
    village_code: str
    stay_since: date
    eligible_on: date
    days_left: int  # 0: from today


@dataclass(frozen=True)
class ForeignerEnding:
    residence_id: int
    name: str  # masked
    id_number: str  # masked
    nationality: str  # ISO 3166-1 alpha-3
    address: str
    room: str
    since: date
    planned_until: date | None
    visa_expiry: date | None
    ends_on: date  # the earlier of the two
    days_left: int  # negative: already over, the residence still open


# A residence, its person and where it lies (statements are immutable: each list adds its filters).
_HOMES = (
    select(Residence, Person, Room.number, Building.name, DoorPlate.number, Street.name, Village)
    .join(Person, Person.id == Residence.person_id)
    .join(Room, Room.id == Residence.room_id)
    .join(Building, Building.id == Room.building_id)
    .join(DoorPlate, DoorPlate.code == Building.plate_code)
    .join(Street, Street.id == DoorPlate.street_id)
    .join(Village, Village.code == Street.village_code)
)


def permits_due(
    session: Session,
    *,
    staff: StaffIdentity,
    now: datetime,
    within_days: int = DUE_WITHIN_DAYS,
    limit: int = MAX_ROWS,
) -> WorkList[PermitDue]:
    """People who may apply for a 居住证 from today to `within_days` days ahead, soonest first."""
    items = _permits_due(session, today=local_today(now), within_days=within_days, staff=staff)
    return WorkList(items[:limit], len(items))


def permits_due_by_village(
    session: Session, *, today: date, within_days: int = DUE_WITHIN_DAYS
) -> dict[str, int]:
    """village code → people the permits-due list holds there (the dashboard's count)."""
    return dict(
        Counter(item.village_code for item in _permits_due(session, today=today, within_days=within_days))
    )


def _permits_due(
    session: Session, *, today: date, within_days: int, staff: StaffIdentity | None = None
) -> list[PermitDue]:
    last = today + timedelta(days=within_days)
    due = {
        p: since
        for p, since in migrant_stays(session, today=today).items()
        if today <= eligible_on(since) <= last
    }
    if not due:
        return []
    query = _HOMES.where(active_residence_filter(today), Residence.person_id.in_(list(due)))
    if staff is not None:
        query = query.where(grid_scope(staff, Building.grid_code))
    found: dict[int, PermitDue] = {}
    # A person with two current homes is listed once, at the one they moved into first.
    for _, person, room, building, number, street, village in session.execute(
        query.order_by(Residence.since, Residence.id)
    ):
        since = due[person.id]
        found.setdefault(
            person.id,
            PermitDue(
                person_id=person.id,
                name=mask_name(person.name),
                id_number=mask_id_number(decrypt(person.id_number_enc)),
                address=format_address(street, number),
                room=_joined(building, room),
                village=village.name,
                village_code=village.code,
                stay_since=since,
                eligible_on=eligible_on(since),
                days_left=(eligible_on(since) - today).days,
            ),
        )
    return sorted(found.values(), key=lambda item: (item.eligible_on, item.person_id))


def foreigners_ending(
    session: Session,
    *,
    staff: StaffIdentity,
    now: datetime,
    within_days: int = DUE_WITHIN_DAYS,
    limit: int = MAX_ROWS,
) -> WorkList[ForeignerEnding]:
    """Foreign nationals living here whose planned stay or visa ends within `within_days` days
    (or has ended, the residence still open), the soonest (or longest over) first."""
    today = local_today(now)
    last = today + timedelta(days=within_days)
    query = _HOMES.where(
        active_residence_filter(today),
        Person.nationality.not_in(CHINESE_NATIONALITIES),
        or_(Residence.planned_until <= last, Person.visa_expiry <= last),
        grid_scope(staff, Building.grid_code),
    )
    items = []
    for residence, person, room, building, number, street, _ in session.execute(query):
        ends_on = min(d for d in (residence.planned_until, person.visa_expiry) if d is not None)
        items.append(
            ForeignerEnding(
                residence_id=residence.id,
                name=mask_name(person.name),
                id_number=mask_id_number(decrypt(person.id_number_enc)),
                nationality=person.nationality,
                address=format_address(street, number),
                room=_joined(building, room),
                since=residence.since,
                planned_until=residence.planned_until,
                visa_expiry=person.visa_expiry,
                ends_on=ends_on,
                days_left=(ends_on - today).days,
            )
        )
    items.sort(key=lambda item: (item.ends_on, item.residence_id))
    return WorkList(items[:limit], len(items))


def _joined(*parts: str) -> str:
    return " ".join(p for p in parts if p)
