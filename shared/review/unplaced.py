"""补录地址: the grid officer gives a declaration made at a typed address its plate and room.

Either the plate is in the library (the resident missed it, or typed it another way): the officer
links it. Or it is not: the officer creates it in one step, a 临时 plate (`add_temporary_plate`:
a new standard code, the grid from the point, the usual lifecycle until a formal plate succeeds
it), with its street when the village has none by that name. The room is one of the plate's, or a
new room (in a new building when the plate has none). Placing adds a version (the payload now
names the room), clears `address_unplaced`, runs the comparison rules as a submission does, and
writes an event and an audit entry; the declaration then waits for its decision as any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from shared.core.audit import record_audit
from shared.core.errors import DomainError, ValidationError
from shared.declarations.store import EventAction, add_event, add_version, payload_of
from shared.housing.records import STRUCTURE_UNKNOWN, TYPE_BY_USE
from shared.models import (
    Building,
    Declaration,
    DeclarationStatus,
    DoorPlate,
    Finding,
    RecordStatus,
    Room,
    UnplacedAddress,
    UnplacedStatus,
)
from shared.places.maintenance import add_temporary_plate
from shared.places.streets import add_street, find_street
from shared.review.decisions import StaleItem
from shared.review.detail import open_for_review
from shared.self_service.submit import run_comparison_rules
from shared.self_service.unplaced import UNPLACED_RULE
from shared.staff.auth import StaffIdentity

HOME_USE = "01"  # 住宅: a room someone declared living in


@dataclass(frozen=True)
class RoomChoice:
    """Where at the plate the declarant lives: an existing room, or a new room in an existing
    building or in a new one (named as the resident typed it, or as the officer corrects it)."""

    room_id: int | None = None
    building_id: int | None = None
    building_name: str = ""
    room_number: str = ""
    floor: int = 1


def link_plate(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    plate_code: str,
    room: RoomChoice,
    now: datetime,
    expected_version: int,
) -> Declaration:
    """关联已有门牌: the typed address is this active plate of the library."""
    declaration, unplaced = _open(session, declaration_id, staff, expected_version)
    plate = session.get(DoorPlate, plate_code.strip().upper())
    if plate is None or plate.status is not RecordStatus.ACTIVE:
        raise ValidationError(
            f"门牌 {plate_code} 不存在或已停用",
            f"Plate {plate_code} does not exist or is retired",
            field="plate",
        )
    return _place(session, declaration, unplaced, plate, room, UnplacedStatus.LINKED, staff, now)


def create_plate(
    session: Session,
    *,
    declaration_id: int,
    staff: StaffIdentity,
    street_name: str,
    number: str,
    lon: float,
    lat: float,
    room: RoomChoice,
    now: datetime,
    expected_version: int,
) -> Declaration:
    """新建门牌: a 临时 plate on the village's street of that name (the street is added when
    the village has none), at the point the officer gives, and the declaration placed on it."""
    declaration, unplaced = _open(session, declaration_id, staff, expected_version)
    street = find_street(session, village_code=unplaced.village_code, name=street_name)
    if street is None:
        street = add_street(
            session, village_code=unplaced.village_code, name=street_name, actor=staff.username, now=now
        )
    plate = add_temporary_plate(
        session, street_id=street.id, number=number, lon=lon, lat=lat, actor=staff.username, now=now
    )
    return _place(session, declaration, unplaced, plate, room, UnplacedStatus.CREATED, staff, now)


def rooms_at(session: Session, plate_code: str) -> list[tuple[int, str]]:
    """The active rooms behind a plate as (id, label), for the officer to choose from."""
    rows = session.execute(
        select(Room.id, Room.number, Building.name)
        .join(Building, Building.id == Room.building_id)
        .where(
            Building.plate_code == plate_code,
            Building.status == RecordStatus.ACTIVE,
            Room.status == RecordStatus.ACTIVE,
        )
        .order_by(Building.id, Room.floor, Room.number)
    )
    return [(room_id, f"{name} {number}".strip()) for room_id, number, name in rows]


def _open(
    session: Session, declaration_id: int, staff: StaffIdentity, expected_version: int
) -> tuple[Declaration, UnplacedAddress]:
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    unplaced = declaration.unplaced
    if unplaced is None or unplaced.status is not UnplacedStatus.OPEN or declaration.plate_code:
        raise DomainError("该申报的地址已补录", "This declaration's address is already placed")
    if declaration.status in (
        DeclarationStatus.APPROVED,
        DeclarationStatus.REJECTED,
        DeclarationStatus.WITHDRAWN,
    ):
        raise DomainError("该申报已办结", "This declaration is closed")
    if declaration.row_version != expected_version:
        raise StaleItem()
    return declaration, unplaced


def _place(
    session: Session,
    declaration: Declaration,
    unplaced: UnplacedAddress,
    plate: DoorPlate,
    choice: RoomChoice,
    how: UnplacedStatus,
    staff: StaffIdentity,
    now: datetime,
) -> Declaration:
    room = _room(session, plate, choice, unplaced)
    payload: dict[str, Any] = {**payload_of(declaration), "room_id": room.id}
    declaration.plate_code, declaration.room_id = plate.code, room.id
    declaration.grid_code = plate.grid_code or declaration.grid_code  # the plate's officer reviews it
    # An open request to the declarant stays open; otherwise the officer reviews the placed version.
    waiting = declaration.status is DeclarationStatus.CORRECTION_REQUESTED
    status = DeclarationStatus.CORRECTION_REQUESTED if waiting else DeclarationStatus.RECEIVED
    add_version(session, declaration, payload=payload, status=status, now=now)
    session.execute(
        delete(Finding)
        .where(Finding.declaration_id == declaration.id, Finding.rule == UNPLACED_RULE)
        .execution_options(synchronize_session="fetch")
    )
    unplaced.status, unplaced.plate_code = how, plate.code
    unplaced.resolved_by, unplaced.resolved_at = staff.username, now
    add_event(
        session,
        declaration,
        action=EventAction.ADDRESS_PLACED,
        actor=staff.username,
        now=now,
        note=plate.address,
    )
    if run_comparison_rules(session, declaration, payload, now=now) and not waiting:
        declaration.status = DeclarationStatus.HAS_ISSUES
    try:
        session.flush()
    except StaleDataError as exc:
        raise StaleItem() from exc
    record_audit(
        session,
        actor=staff.username,
        action=f"declaration.place.{how.value}",
        target_type="declaration",
        target_id=declaration.id,
        detail={
            "plate_code": plate.code,
            "address": plate.address,
            "room_id": room.id,
            "typed": unplaced.typed_text,
            "version": declaration.version,
            "status": declaration.status.value,
        },
        at=now,
    )
    return declaration


def _room(session: Session, plate: DoorPlate, choice: RoomChoice, unplaced: UnplacedAddress) -> Room:
    """The chosen room of the plate, or a new one (and a new building when none is chosen)."""
    if choice.room_id is not None:
        if choice.room_id not in {room_id for room_id, _ in rooms_at(session, plate.code)}:
            raise ValidationError("所选房间不在该门牌", "The room chosen is not at this plate", field="room")
        room = session.get(Room, choice.room_id)
        assert room is not None
        return room
    number = (choice.room_number or unplaced.room_text).strip()[:20] or "1"
    floor = max(1, min(int(choice.floor), 200))
    building = session.get(Building, choice.building_id) if choice.building_id is not None else None
    if building is not None and (
        building.plate_code != plate.code or building.status is not RecordStatus.ACTIVE
    ):
        raise ValidationError(
            "所选楼栋不在该门牌", "The building chosen is not at this plate", field="building"
        )
    if building is None:
        building = Building(
            plate_code=plate.code,
            name=(choice.building_name or unplaced.building_text).strip()[:80],
            type=TYPE_BY_USE[HOME_USE],
            use=HOME_USE,
            structure=STRUCTURE_UNKNOWN,
            floors=floor,
            grid_code=plate.grid_code,
        )
        session.add(building)
    else:
        building.floors = max(building.floors, floor)
        taken = {r.number for r in building.rooms}
        if number in taken:
            raise ValidationError(
                f"该楼栋已有房号 {number}，请从已有房间中选择",
                f"The building already has room {number}: choose it from the rooms",
                field="room_number",
            )
    room = Room(building=building, number=number, floor=floor, use=HOME_USE, is_rental=False)
    session.add(room)
    session.flush()
    return room
