"""整改到期 notices: tell the landlord when a 整改 of his rental falls due.

A 整改 belongs to a building; a landlord's rental declaration lists the rooms he lets, and its
receipt shows the 整改 of their buildings (`shared.inspections.landlord`). So the notice goes to
the latest rental declaration (not rejected or withdrawn) naming a room of the building: its
declarant is the landlord who last told us he lets rooms there, and its receipt code opens the
page listing the 整改. A building no rental declaration names gets no notice: nobody has given
us a phone for it, and the officer's work list 整改到期 still shows the 整改.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.store import payload_of
from shared.models import (
    Building,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Notice,
    NoticeKind,
    Rectification,
    RectificationStatus,
    Room,
)
from shared.notices.outbox import queue_notice
from shared.self_service.receipt_people import room_ids_of

NOTICE_DAYS_BEFORE = 1  # the day before the deadline: time enough to fix a lock or a light
CLOSED_STATUSES = (DeclarationStatus.REJECTED, DeclarationStatus.WITHDRAWN)


def rectification_once_key(rectification_id: int, due_on: date) -> str:
    """One notice per 整改 and deadline: a 整改 the officer sends back with a new deadline is
    told again, one run after another is not."""
    return f"rectification:{rectification_id}:{due_on.isoformat()}"


def queue_rectification_notices(session: Session, *, now: datetime) -> int:
    """Queue a RECTIFICATION_DUE notice for each open 整改 due by tomorrow (China date) or
    overdue, not yet reported done, and not told about its deadline before; returns how many.
    Each step is one query over all the 整改 at once (the receipts' payloads are read in
    Python), so a run costs the same few round trips however many fall due."""
    today = local_today(now)
    due = session.execute(
        select(Rectification.id, Rectification.building_id, Rectification.due_on, Building.plate_code)
        .join(Building, Building.id == Rectification.building_id)
        .where(
            Rectification.status == RectificationStatus.OPEN,
            Rectification.due_on <= today + timedelta(days=NOTICE_DAYS_BEFORE),
        )
        .order_by(Rectification.due_on, Rectification.id)
    ).all()
    keys = {r.id: rectification_once_key(r.id, r.due_on) for r in due}
    if not keys:
        return 0
    taken = set(session.scalars(select(Notice.once_key).where(Notice.once_key.in_(list(keys.values())))))
    todo = [r for r in due if keys[r.id] not in taken]
    if not todo:
        return 0
    landlords = _latest_rentals(
        session, building_ids={r.building_id for r in todo}, plate_codes={r.plate_code for r in todo}
    )
    queued = 0
    for r in todo:
        declaration = landlords.get(r.building_id)
        if declaration is not None and queue_notice(
            session,
            kind=NoticeKind.RECTIFICATION_DUE,
            declaration=declaration,
            now=now,
            once_key=keys[r.id],
        ):
            queued += 1
    return queued


def _latest_rentals(
    session: Session, *, building_ids: set[int], plate_codes: set[str]
) -> dict[int, Declaration]:
    """building id → the latest live rental declaration naming one of its rooms. A rental
    declaration only names rooms of its own plate (`check_place`), so the buildings' plates
    narrow the payloads to open."""
    rooms = select(Room.id, Room.building_id).where(Room.building_id.in_(list(building_ids)))
    building_of: dict[int, int] = {room_id: building_id for room_id, building_id in session.execute(rooms)}
    rentals = session.scalars(
        select(Declaration)
        .where(
            Declaration.kind == DeclarationKind.RENTAL,
            Declaration.status.not_in(CLOSED_STATUSES),
            Declaration.plate_code.in_(list(plate_codes)),
        )
        .order_by(Declaration.created_at, Declaration.id)
    )
    latest: dict[int, Declaration] = {}
    for declaration in rentals:  # oldest first: a later declaration takes the building over
        for room_id in room_ids_of(declaration.kind, payload_of(declaration)):
            if room_id in building_of:
                latest[building_of[room_id]] = declaration
    return latest
