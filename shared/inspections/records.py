"""What an officer does on a visit: record the checklist, close or send back a 整改.

Each call checks the role and the grid (officers their own grids; supervisors and admins the
town), writes its audit entry beside the change, and flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.errors import DomainError, ValidationError
from shared.inspections.checklist import DEFAULT_DUE_DAYS, MAX_DUE_DAYS, checklist
from shared.models import (
    Building,
    DoorPlate,
    Inspection,
    RecordStatus,
    Rectification,
    RectificationStatus,
    Role,
)
from shared.staff.auth import AccessDenied, StaffIdentity, require_role

INSPECTOR_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
MAX_NOTE = 300


def check_grid(staff: StaffIdentity, grid_code: str | None) -> None:
    """Officers act in their own grids only (as in review); supervisors and admins anywhere."""
    require_role(staff.role, *INSPECTOR_ROLES)
    if staff.role is Role.OFFICER and grid_code not in staff.grid_codes:
        raise AccessDenied("该出租屋不在您负责的网格内。", "This rental is not in one of your grids.")


def inspected_building(session: Session, staff: StaffIdentity, building_id: int) -> Building:
    """The active building an inspection is about, if this staff member covers its grid."""
    building = session.get(Building, building_id)
    if building is None or building.status is not RecordStatus.ACTIVE:
        raise DomainError("找不到该楼栋。", "No such building.")
    check_grid(staff, _grid_of(session, building))
    return building


def _grid_of(session: Session, building: Building) -> str | None:
    if building.grid_code is not None:
        return building.grid_code
    plate = session.get(DoorPlate, building.plate_code)
    return plate.grid_code if plate is not None else None


def clean_note(note: str, field: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            f"说明不能超过{MAX_NOTE}字", f"Note: at most {MAX_NOTE} characters", field=field
        )
    return note


def _check_days(due_days: int) -> int:
    if not 1 <= due_days <= MAX_DUE_DAYS:
        raise ValidationError(
            f"整改期限应为1至{MAX_DUE_DAYS}天", f"Deadline: 1 to {MAX_DUE_DAYS} days", field="due_days"
        )
    return due_days


def record_inspection(
    session: Session,
    *,
    staff: StaffIdentity,
    building_id: int,
    results: Mapping[str, bool],
    notes: Mapping[str, str] | None = None,
    due_days: int = DEFAULT_DUE_DAYS,
    note: str = "",
    now: datetime,
) -> Inspection:
    """平安出租屋检查: the whole checklist as ticked on site (item code → passed). A failed item
    opens a 整改 due in `due_days` unless one is still open for it; an item that passes closes
    the open one (the officer saw it fixed); one reported done but failed again is sent back
    with a new deadline. The visit counts as the building's in-person visit."""
    building = inspected_building(session, staff, building_id)
    items = checklist()
    codes = [item.code for item in items]
    missing = [code for code in codes if code not in results]
    unknown = [code for code in results if code not in codes]
    if missing or unknown:
        raise ValidationError(
            "请逐项填写检查表", "Answer every item of the checklist", field=(missing or unknown)[0]
        )
    notes = {code: clean_note(text, code) for code, text in (notes or {}).items()}
    due_on = local_today(now) + timedelta(days=_check_days(due_days))
    inspection = Inspection(
        building_id=building.id,
        plate_code=building.plate_code,
        grid_code=_grid_of(session, building),
        officer=staff.username,
        inspected_at=now,
        results={code: bool(results[code]) for code in codes},
        note=clean_note(note, "note"),
    )
    session.add(inspection)
    session.flush()
    still_open = {r.item_code: r for r in open_rectifications(session, building_id=building.id)}
    closed, reopened, opened = [], [], []
    for code, existing in still_open.items():
        if results.get(code, True):  # passes now, or no longer on the town's checklist
            _close(existing, by=staff.username, now=now, note="复查合格", inspection=inspection)
            closed.append(code)
        elif existing.status is RectificationStatus.DONE:  # reported done, not fixed
            existing.status, existing.due_on = RectificationStatus.OPEN, due_on
            existing.note = notes.get(code) or existing.note
            reopened.append(code)
    for code in codes:
        if not results[code] and code not in still_open:
            session.add(
                Rectification(
                    inspection_id=inspection.id,
                    building_id=building.id,
                    grid_code=inspection.grid_code,
                    item_code=code,
                    note=notes.get(code, ""),
                    due_on=due_on,
                )
            )
            opened.append(code)
    if building.last_visited_at is None or building.last_visited_at < now:
        building.last_visited_at = now
    record_audit(
        session,
        actor=staff.username,
        action="inspection.recorded",
        target_type="building",
        target_id=building.id,
        detail={
            "inspection_id": inspection.id,
            "failed": [c for c in codes if not results[c]],
            "opened": opened,
            "reopened": reopened,
            "closed": closed,
            "due_on": due_on,
        },
        at=now,
    )
    session.flush()
    return inspection


def open_rectifications(session: Session, *, building_id: int) -> list[Rectification]:
    """The 整改 of a building not closed yet, oldest first."""
    return list(
        session.scalars(
            select(Rectification)
            .where(
                Rectification.building_id == building_id, Rectification.status != RectificationStatus.CLOSED
            )
            .order_by(Rectification.id)
        )
    )


def _close(
    rectification: Rectification, *, by: str, now: datetime, note: str, inspection: Inspection | None = None
) -> None:
    rectification.status = RectificationStatus.CLOSED
    rectification.closed_by, rectification.closed_at, rectification.closed_note = by, now, note
    rectification.closed_by_inspection_id = inspection.id if inspection is not None else None


def _rectification(session: Session, staff: StaffIdentity, rectification_id: int) -> Rectification:
    rectification = session.get(Rectification, rectification_id)
    if rectification is None:
        raise DomainError("找不到该整改事项。", "No such rectification.")
    check_grid(staff, rectification.grid_code)
    return rectification


def close_rectification(
    session: Session, *, staff: StaffIdentity, rectification_id: int, note: str = "", now: datetime
) -> Rectification:
    """销号: the officer saw on a visit that the fault is put right (reported done or not)."""
    rectification = _rectification(session, staff, rectification_id)
    if rectification.status is RectificationStatus.CLOSED:
        return rectification  # a second tap
    _close(rectification, by=staff.username, now=now, note=clean_note(note, "note") or "复查合格")
    record_audit(
        session,
        actor=staff.username,
        action="rectification.closed",
        target_type="rectification",
        target_id=rectification.id,
        detail={"item": rectification.item_code, "building_id": rectification.building_id},
        at=now,
    )
    session.flush()
    return rectification


def reopen_rectification(
    session: Session,
    *,
    staff: StaffIdentity,
    rectification_id: int,
    note: str,
    due_days: int = DEFAULT_DUE_DAYS,
    now: datetime,
) -> Rectification:
    """未整改到位: a 整改 reported done that the officer found not fixed goes back to the
    landlord with a new deadline and the officer's reason."""
    rectification = _rectification(session, staff, rectification_id)
    if rectification.status is not RectificationStatus.DONE:
        raise DomainError(
            "只有已报整改的事项可以退回。", "Only a rectification reported done can be sent back."
        )
    reason = clean_note(note, "note")
    if not reason:
        raise ValidationError("请说明未整改到位的原因", "Say what is still wrong", field="note")
    rectification.status = RectificationStatus.OPEN
    rectification.due_on = local_today(now) + timedelta(days=_check_days(due_days))
    rectification.note = reason
    record_audit(
        session,
        actor=staff.username,
        action="rectification.reopened",
        target_type="rectification",
        target_id=rectification.id,
        detail={"item": rectification.item_code, "due_on": rectification.due_on},
        at=now,
    )
    session.flush()
    return rectification
