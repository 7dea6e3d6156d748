"""实有设施: officers list facilities, edit one or retire one; departments upload (shared.facilities.upload).

An edit is read with the upload's rules (a facility's current values with the changes laid
over them), so nothing can be edited into what the upload would refuse. Retired facilities
stay in the table (status RETIRED, `retired_at`), listed on request; every write is audited,
edits with the values before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError, ValidationError
from shared.facilities.matching import KnownFacilities, PlateCache, apply_values, audit_update
from shared.facilities.rows import parse_facility
from shared.models import DoorPlate, Facility, Grid, RecordStatus, Street, Village
from shared.models.places import format_address
from shared.places.town_area import GridLocator

EDITABLE_FIELDS = ("category", "subtype", "name", "lon", "lat", "plate_code", "department", "phone")
REASON_MAX_CHARS = 200
_FIELD_TO_COLUMN = {"category": "group", **{f: f for f in EDITABLE_FIELDS if f != "category"}}


@dataclass(frozen=True)
class FacilityView:
    """A facility as lists and forms show it (plain values, safe to keep in session state)."""

    id: int
    category: str
    subtype: str
    name: str
    lon: float | None
    lat: float | None
    plate_code: str | None
    address: str | None
    grid_code: str | None
    village_code: str | None
    village_name: str | None
    department: str
    phone: str
    status: RecordStatus
    created_at: datetime
    retired_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.status is RecordStatus.ACTIVE


@dataclass(frozen=True)
class FacilityChange:
    """An edit's outcome: the facility now, and which fields changed (empty: nothing to save)."""

    facility: FacilityView
    changed: tuple[str, ...]


# -- one facility at a time ------------------------------------------------------------------------


def update_facility(
    session: Session, *, facility_id: int, changes: Mapping[str, object], actor: str, now: datetime
) -> FacilityChange:
    """Edit one active facility with the upload's rules; audited with the values before and after.

    `changes` maps `EDITABLE_FIELDS` to new values (text or numbers; None or "" clears an
    optional one). A new plate without new coordinates moves the facility to the plate's point.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"not editable: {', '.join(unknown)}")
    facility = _active_facility(session, facility_id)
    current = {name: _as_text(getattr(facility, name)) for name in EDITABLE_FIELDS}
    wanted = current | {name: _as_text(value) for name, value in changes.items()}
    moved_plate = wanted["plate_code"].upper() != current["plate_code"].upper() and wanted["plate_code"]
    if moved_plate and (wanted["lon"], wanted["lat"]) == (current["lon"], current["lat"]):
        wanted["lon"] = wanted["lat"] = ""
    cells = {_FIELD_TO_COLUMN[name]: text for name, text in wanted.items()}
    result = parse_facility(cells, find_plate=PlateCache(session).get, find_grid=GridLocator(session).grid_at)
    if isinstance(result, list):
        raise ValidationError(
            "；".join(p.message_zh for p in result),
            "; ".join(p.message_en for p in result),
            field=result[0].column,
        )
    twin = KnownFacilities(session, [result.name]).find(result, excluding=facility.id)
    if twin is not None and twin.facility.status is RecordStatus.ACTIVE:
        raise DomainError(
            f"已有同一设施（编号 {twin.facility.id}）：大类、小类、名称和位置都相同",
            f"facility no. {twin.facility.id} is already this one (same group, subtype, name and position)",
        )
    applied = apply_values(facility, result, keep_position=False)
    if applied:
        audit_update(session, facility, applied, actor=actor, now=now)
        session.flush()
    return FacilityChange(get_facility(session, facility_id), tuple(applied))


def retire_facility(
    session: Session, *, facility_id: int, actor: str, now: datetime, reason: str
) -> FacilityView:
    """Take a facility out of service: status RETIRED and `retired_at`, never deleted; the reason
    goes to the audit log (the facility has no column for it)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("请填写停用原因", "Give the reason for retiring it", field="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            f"停用原因不能超过 {REASON_MAX_CHARS} 个字符",
            f"The reason may have at most {REASON_MAX_CHARS} characters",
            field="reason",
        )
    facility = _active_facility(session, facility_id)
    facility.status, facility.retired_at = RecordStatus.RETIRED, now
    record_audit(
        session, actor=actor, action="facility.retire", target_type="facility", target_id=facility.id,
        detail={"reason": reason, "name": facility.name, "category": facility.category,
                "subtype": facility.subtype},
        at=now,
    )  # fmt: skip
    session.flush()
    return get_facility(session, facility_id)


def _active_facility(session: Session, facility_id: int) -> Facility:
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise DomainError(f"设施 {facility_id} 不存在", f"Facility {facility_id} does not exist")
    if facility.status is not RecordStatus.ACTIVE:
        raise DomainError(
            f"设施 {facility_id} 已停用，不能再修改",
            f"Facility {facility_id} is retired and cannot be changed",
        )
    return facility


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


# -- lists -----------------------------------------------------------------------------------------


def list_facilities(
    session: Session,
    *,
    village: str | None = None,
    group: str | None = None,
    include_retired: bool = False,
    text: str | None = None,
) -> list[FacilityView]:
    """Facilities by group, subtype and name; `village` by the grid (or the plate's street),
    `text` in the name or department; retired ones only when asked for."""
    statement = _views()
    if village:
        statement = statement.where(func.coalesce(Grid.village_code, Street.village_code) == village)
    if group:
        statement = statement.where(Facility.category == group)
    if not include_retired:
        statement = statement.where(Facility.status == RecordStatus.ACTIVE)
    if text and text.strip():
        needle = text.strip()
        statement = statement.where(
            or_(
                Facility.name.contains(needle, autoescape=True),
                Facility.department.contains(needle, autoescape=True),
            )
        )
    statement = statement.order_by(Facility.category, Facility.subtype, Facility.name, Facility.id)
    return [_view(*row) for row in session.execute(statement)]


def get_facility(session: Session, facility_id: int) -> FacilityView:
    row = session.execute(_views().where(Facility.id == facility_id)).first()
    if row is None:
        raise DomainError(f"设施 {facility_id} 不存在", f"Facility {facility_id} does not exist")
    return _view(*row)


def _views() -> Select[Facility, str, str, str, str]:  # outer joins: the strings may be None
    village_code = func.coalesce(Grid.village_code, Street.village_code)
    return (
        select(Facility, Street.name, DoorPlate.number, village_code, Village.name)
        .outerjoin(Grid, Facility.grid_code == Grid.code)
        .outerjoin(DoorPlate, Facility.plate_code == DoorPlate.code)
        .outerjoin(Street, DoorPlate.street_id == Street.id)
        .outerjoin(Village, Village.code == village_code)
    )


def _view(
    f: Facility, street: str | None, number: str | None, village_code: str | None, village_name: str | None
) -> FacilityView:
    return FacilityView(
        id=f.id,
        category=f.category,
        subtype=f.subtype,
        name=f.name,
        lon=f.lon,
        lat=f.lat,
        plate_code=f.plate_code,
        address=format_address(street, number) if street is not None and number is not None else None,
        grid_code=f.grid_code,
        village_code=village_code,
        village_name=village_name,
        department=f.department,
        phone=f.phone,
        status=f.status,
        created_at=f.created_at,
        retired_at=f.retired_at,
    )
