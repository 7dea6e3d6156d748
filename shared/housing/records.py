"""房屋登记 → records: matching checked rows to plates, buildings, rooms and owners.

A row is checked in full before anything is written for it, so a failed row leaves no trace.
The record keeps one owner per building (`Building.owner_person`), so rows of one building
that name different owners are reported rather than silently overwriting each other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from shared.core.tables import Table, TableRow
from shared.housing.cells import RowProblem
from shared.housing.columns import COLUMNS_BY_KEY
from shared.housing.import_report import ImportReport, RowError
from shared.housing.owner_book import OwnerBook, OwnerState
from shared.housing.rows import HousingRow, parse_row
from shared.models import Building, DoorPlate, Person, RecordStatus, Room

# Building type when a building is created from room rows, by the use of its rooms.
TYPE_BY_USE = {"01": "01", "02": "06", "03": "07", "04": "04", "05": "05", "06": "10", "99": "99"}
STRUCTURE_UNKNOWN = "6"  # 其他: land records carry no structure; officers correct it on site
AREA_TOLERANCE_M2 = 0.005


@dataclass
class _BuildingState:
    """A building rows of this file point at; its tally is settled once all rows are read."""

    building: Building
    is_new: bool
    owner: Person | None
    owner_line: int = 0  # the first imported row of this file for the building; 0: none yet
    was_updated: bool = False
    uses: list[str] = field(default_factory=list)
    rooms: dict[str, Room] = field(default_factory=dict)
    room_lines: dict[str, int] = field(default_factory=dict)


class HousingRun:
    """One import: caches of what rows resolved to, so each plate, building, room and owner is
    read once, and the report being built."""

    def __init__(self, session: Session, table: Table, headers: dict[str, str | None], today: date) -> None:
        self.session = session
        self.headers = headers
        self.today = today
        self.report = ImportReport(filename=table.filename, rows_read=len(table.rows))
        self.plates: dict[str, DoorPlate | None] = {}
        self.buildings: dict[tuple[str, str], _BuildingState] = {}
        self.by_building: dict[Building, _BuildingState] = {}
        self.owner_book = OwnerBook(session)

    def import_row(self, row: TableRow) -> None:
        parsed = parse_row(row, self.headers, today=self.today)
        if isinstance(parsed, list):
            self._fail(row.line, parsed)
            return
        try:
            plate = self._plate(parsed)
            state = self._building(parsed, plate)
            found = self.owner_book.find(parsed)
            self._check_room(parsed, state)
            self._check_one_owner(state, found)
        except RowProblem as problem:
            self._fail(row.line, [problem])
            return
        person = self.owner_book.settle(parsed, found)
        if state is None:
            state = self._new_building(parsed, plate, person)
        elif state.owner_line == 0:
            building = state.building
            if building.owner_person is not person or building.owner_org_id is not None:
                building.owner_person, building.owner_org = person, None
                state.was_updated = True
            state.owner, state.owner_line = person, parsed.line
        self._save_room(parsed, state)
        self.report.rows_imported += 1

    def _fail(self, line: int, problems: list[RowProblem]) -> None:
        for p in problems:
            header = self.headers.get(p.column) or COLUMNS_BY_KEY[p.column].zh
            self.report.errors.append(RowError(line, header, p.message_zh, p.message_en))

    def _plate(self, row: HousingRow) -> DoorPlate:
        if row.plate_code not in self.plates:
            self.plates[row.plate_code] = self.session.get(DoorPlate, row.plate_code)
        plate = self.plates[row.plate_code]
        if plate is None:
            zh, en = f"门牌编码 {row.plate_code} 不存在", f"plate code {row.plate_code} does not exist"
            if row.plate_code.isdigit():  # Excel drops leading zeros of numbers-only codes
                zh += "（如 Excel 去掉了开头的 0，请把该列设为文本格式后重新填写）"
                en += " (if Excel dropped its leading zeros, format the column as Text and enter it again)"
            raise RowProblem("plate_code", zh, en)
        if plate.status is not RecordStatus.ACTIVE:
            after_zh = f"，现用门牌为 {plate.successor_code}" if plate.successor_code else ""
            after_en = f"; its successor is {plate.successor_code}" if plate.successor_code else ""
            raise RowProblem(
                "plate_code",
                f"门牌 {row.plate_code} 已停用{after_zh}",
                f"plate {row.plate_code} is retired{after_en}",
            )
        return plate

    def _building(self, row: HousingRow, plate: DoorPlate) -> _BuildingState | None:
        """The building the row means, or None when it is to be created."""
        key = (plate.code, _fold(row.building_name))
        if key in self.buildings:
            return self.buildings[key]
        active = sorted(
            (b for b in plate.buildings if b.status is RecordStatus.ACTIVE),
            key=lambda b: (b.id is None, b.id or 0),
        )
        if row.building_name:
            matches = [b for b in active if _fold(b.name) == key[1]]
        else:
            # No name: the plate's only building, or its unnamed one.
            matches = active if len(active) == 1 else [b for b in active if not b.name]
            if len(active) > 1 and not matches:
                names = "、".join(b.name for b in active)
                raise RowProblem(
                    "building_name",
                    f"门牌 {plate.code} 有 {len(active)} 栋楼（{names}），请填写楼栋名称",
                    f"plate {plate.code} has {len(active)} buildings ({names}); fill in the building name",
                )
        if not matches:
            return None
        building = matches[0]
        state = self.by_building.get(building)
        if state is None:
            state = _BuildingState(building, is_new=False, owner=building.owner_person)
            state.rooms = {r.number: r for r in building.rooms}
            self.by_building[building] = state
        self.buildings[key] = state
        return state

    def _check_room(self, row: HousingRow, state: _BuildingState | None) -> None:
        if state is None:
            return
        first = state.room_lines.get(row.room_number)
        if first is not None:
            raise RowProblem(
                "room_number",
                f"房号 {row.room_number} 与第 {first} 行重复",
                f"room {row.room_number} repeats line {first}",
            )
        room = state.rooms.get(row.room_number)
        if room is not None and room.status is not RecordStatus.ACTIVE:
            raise RowProblem(
                "room_number",
                f"房间 {row.room_number} 在登记中已停用",
                f"room {row.room_number} is retired in the records",
            )

    @staticmethod
    def _check_one_owner(state: _BuildingState | None, found: OwnerState | Person | None) -> None:
        if state is None or state.owner_line == 0:
            return
        person = found.person if isinstance(found, OwnerState) else found
        if person is None or person is not state.owner:
            raise RowProblem(
                "owner_id_number",
                f"同一楼栋只能有一位业主：第 {state.owner_line} 行已为该楼栋填写了另一位业主",
                f"a building has one owner in the record, and line {state.owner_line} gave another owner "
                "for this building",
            )

    def _new_building(self, row: HousingRow, plate: DoorPlate, owner: Person) -> _BuildingState:
        # Provisional use, type and floors: settled from all its rooms in finish().
        building = Building(
            plate=plate,
            name=row.building_name,
            type=TYPE_BY_USE.get(row.use, "99"),
            use=row.use,
            structure=STRUCTURE_UNKNOWN,
            floors=max(row.floor, 1),
            owner_person=owner,
            grid_code=plate.grid_code,
        )
        self.session.add(building)
        state = _BuildingState(building, is_new=True, owner=owner, owner_line=row.line)
        self.buildings[(plate.code, _fold(row.building_name))] = state
        self.by_building[building] = state
        return state

    def _save_room(self, row: HousingRow, state: _BuildingState) -> None:
        state.room_lines[row.room_number] = row.line
        state.uses.append(row.use)
        room = state.rooms.get(row.room_number)
        if room is None:
            room = Room(
                building=state.building,
                number=row.room_number,
                floor=row.floor,
                area_m2=row.area_m2,
                use=row.use,
                is_rental=row.is_rental,
            )
            self.session.add(room)
            state.rooms[row.room_number] = room
            self.report.rooms.created += 1
        elif _update_room(room, row):
            self.report.rooms.updated += 1
        else:
            self.report.rooms.unchanged += 1

    def finish(self) -> None:
        """Settle what land records do not say (a new building's use, type, floors) once all
        rooms are known, and count buildings and owners."""
        for state in self.by_building.values():
            if not state.room_lines:
                continue  # every row of this building failed
            building = state.building
            top = max((r.floor for r in state.rooms.values()), default=1)
            if state.is_new:
                building.use = _building_use(state.uses)
                building.type = TYPE_BY_USE.get(building.use, "99")
                building.floors = max(top, 1)
                self.report.buildings.created += 1
                continue
            if top > building.floors:
                building.floors = top
                state.was_updated = True
            tally = self.report.buildings
            if state.was_updated:
                tally.updated += 1
            else:
                tally.unchanged += 1
        for owner in self.owner_book.owners.values():
            setattr(self.report.owners, owner.status, getattr(self.report.owners, owner.status) + 1)


def _update_room(room: Room, row: HousingRow) -> bool:
    """Change only what the register says differently; True when anything changed."""
    changed = False
    if room.use != row.use:
        room.use, changed = row.use, True
    if room.is_rental != row.is_rental:
        room.is_rental, changed = row.is_rental, True
    if row.floor_given and room.floor != row.floor:
        room.floor, changed = row.floor, True
    if row.area_m2 is not None and (
        room.area_m2 is None or abs(room.area_m2 - row.area_m2) > AREA_TOLERANCE_M2
    ):
        room.area_m2, changed = row.area_m2, True
    return changed


def _building_use(uses: list[str]) -> str:
    """One use for a new building from its rooms' uses: shops with flats are 商住混用."""
    distinct = set(uses)
    if len(distinct) == 1:
        return uses[0]
    if distinct <= {"01", "02", "06"}:
        return "06"
    return max(distinct, key=lambda u: (uses.count(u), -uses.index(u)))


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
