"""The rows each export writes: one query per kind of record, streamed, in a stable order.

Code-list columns come as two columns, the stored code and its label ("01", "住宅 Residential"),
so a spreadsheet can both filter by code and be read by a person.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from phonenumbers import NumberParseException
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from shared.core.codes import bilingual
from shared.core.crypto import decrypt, mask_id_number, mask_name, mask_phone
from shared.core.spreadsheets import Cell
from shared.core.validate_phone import format_phone_national
from shared.models import (
    AuditLog,
    Building,
    DoorPlate,
    Facility,
    Grid,
    Organisation,
    Person,
    Residence,
    Room,
    Street,
    Village,
)
from shared.models.places import format_address
from shared.places.plates import active_residence_filter

AnySelect = Select[*tuple[Any, ...]]
S = TypeVar("S", bound=AnySelect)
BATCH = 1000

_ENUM_LABELS = {
    "formal": "正式 formal",
    "temporary": "临时 temporary",
    "active": "在用 active",
    "retired": "停用 retired",
    "local": "户籍 local",
    "migrant": "流动 migrant",
    "foreign": "境外 foreign",
}


@dataclass(frozen=True)
class ExportContext:
    session: Session
    village: str | None
    reveal: bool
    today: date = field(default_factory=date.today)

    def name(self, value: str) -> str:
        return value if self.reveal else mask_name(value)

    def phone(self, ciphertext: bytes | None) -> str:
        if ciphertext is None:
            return ""
        stored = decrypt(ciphertext)
        try:
            shown = format_phone_national(stored)
        except NumberParseException:  # stored before numbers were normalised: show as it is
            shown = stored
        return shown if self.reveal else mask_phone(re.sub(r"[^\d+]", "", shown))

    def id_number(self, ciphertext: bytes) -> str:
        number = decrypt(ciphertext)
        return number if self.reveal else mask_id_number(number)


@dataclass(frozen=True)
class ExportSpec:
    """What one kind of export writes: bilingual headers and the rows."""

    headers: tuple[str, ...]
    rows: Callable[[ExportContext], Iterator[list[Cell]]]
    has_personal_data: bool
    by_village: bool = True


def _stream(ctx: ExportContext, stmt: AnySelect) -> Iterator[Any]:
    yield from ctx.session.execute(stmt.execution_options(yield_per=BATCH))


def _in_village(ctx: ExportContext, stmt: S) -> S:
    return stmt.where(Street.village_code == ctx.village) if ctx.village else stmt


def _label(value: str | None) -> str:
    return _ENUM_LABELS.get(value or "", value or "")


def _yes_no(flag: bool) -> str:
    return "是 yes" if flag else "否 no"


PLATE_HEADERS = ("门牌编码 plate code", "村/社区代码 village code", "村/社区 village", "街路巷 street",
                 "门牌号 number", "标准地址 address", "类型 kind", "状态 status", "网格 grid",
                 "经度 longitude", "纬度 latitude", "现用门牌 successor")  # fmt: skip


def _plates(ctx: ExportContext) -> Iterator[list[Cell]]:
    stmt = (
        select(DoorPlate, Street.name, Village.code, Village.name)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .order_by(DoorPlate.code)
    )
    for plate, street, village_code, village_name in _stream(ctx, _in_village(ctx, stmt)):
        yield [plate.code, village_code, village_name, street, plate.number,
               format_address(street, plate.number), _label(plate.kind), _label(plate.status),
               plate.grid_code, plate.lon, plate.lat, plate.successor_code]  # fmt: skip


BUILDING_HEADERS = ("楼栋ID building id", "门牌编码 plate code", "标准地址 address",
                    "村/社区代码 village code", "楼栋名称 name", "类型代码 type code", "类型 type",
                    "用途代码 use code", "用途 use",
                    "结构代码 structure code", "结构 structure", "层数 floors", "业主 owner",
                    "业主类别 owner kind", "网格 grid", "状态 status")  # fmt: skip


def _buildings(ctx: ExportContext) -> Iterator[list[Cell]]:
    stmt = (
        select(Building, DoorPlate.number, Street.name, Street.village_code, Person.name, Organisation.name)
        .join(DoorPlate, Building.plate_code == DoorPlate.code)
        .join(Street, DoorPlate.street_id == Street.id)
        .outerjoin(Person, Building.owner_person_id == Person.id)
        .outerjoin(Organisation, Building.owner_org_id == Organisation.id)
        .order_by(Building.id)
    )
    for b, number, street, village, person, org in _stream(ctx, _in_village(ctx, stmt)):
        owner, kind = (
            (ctx.name(person), "个人 person") if person else (org or "", "单位 organisation" if org else "")
        )
        yield [b.id, b.plate_code, format_address(street, number), village, b.name,
               b.type, bilingual("building_type", b.type), b.use, bilingual("building_use", b.use),
               b.structure, bilingual("building_structure", b.structure), b.floors, owner, kind,
               b.grid_code, _label(b.status)]  # fmt: skip


ROOM_HEADERS = ("房间ID room id", "楼栋ID building id", "门牌编码 plate code", "楼栋名称 building",
                "房号 room", "楼层 floor", "面积(㎡) area", "用途代码 use code", "用途 use", "出租 rental",
                "现住人数 current residents", "状态 status")  # fmt: skip


def _rooms(ctx: ExportContext) -> Iterator[list[Cell]]:
    residents = (
        select(Residence.room_id, func.count().label("n"))
        .where(active_residence_filter(ctx.today))
        .group_by(Residence.room_id)
        .subquery()
    )
    stmt = (
        select(Room, Building.plate_code, Building.name, residents.c.n)
        .join(Building, Room.building_id == Building.id)
        .join(DoorPlate, Building.plate_code == DoorPlate.code)
        .join(Street, DoorPlate.street_id == Street.id)
        .outerjoin(residents, residents.c.room_id == Room.id)
        .order_by(Building.plate_code, Room.building_id, Room.number)
    )
    for r, plate_code, building, n in _stream(ctx, _in_village(ctx, stmt)):
        yield [r.id, r.building_id, plate_code, building, r.number, r.floor, r.area_m2, r.use,
               bilingual("building_use", r.use), _yes_no(r.is_rental), n or 0, _label(r.status)]  # fmt: skip


PEOPLE_HEADERS = ("人员ID person id", "姓名 name", "性别代码 sex code", "性别 sex", "民族代码 ethnicity code",
                  "民族 ethnicity", "出生日期 birth date", "证件类型代码 id type code", "证件类型 id type",
                  "证件号码 id number", "国籍代码 nationality code", "国籍 nationality", "电话 phone",
                  "人员类别 category", "文化程度代码 education code", "文化程度 education",
                  "户籍地址 household address", "工作单位 employer", "现住门牌 plate code",
                  "现住房号 room")  # fmt: skip


def _current_homes(ctx: ExportContext, *columns: Any) -> AnySelect:
    """Current residences (in the village, when filtered), with the columns asked for."""
    stmt = (
        select(*columns)
        .join(Room, Residence.room_id == Room.id)
        .join(Building, Room.building_id == Building.id)
        .join(DoorPlate, Building.plate_code == DoorPlate.code)
        .join(Street, DoorPlate.street_id == Street.id)
        .where(active_residence_filter(ctx.today))
    )
    return _in_village(ctx, stmt)


def _people(ctx: ExportContext) -> Iterator[list[Cell]]:
    homes = _current_homes(ctx, Residence.person_id, Building.plate_code, Room.number).order_by(
        Residence.person_id, Residence.since.desc(), Residence.id.desc()
    )
    home: dict[int, tuple[str, str]] = {}
    for person_id, plate_code, room in _stream(ctx, homes):
        home.setdefault(person_id, (plate_code, room))  # the latest current home
    stmt = select(Person).order_by(Person.id)
    if ctx.village:
        stmt = stmt.where(Person.id.in_(_current_homes(ctx, Residence.person_id)))
    for (p,) in _stream(ctx, stmt):
        plate_code, room = home.get(p.id, ("", ""))
        born: Cell = p.birth_date if ctx.reveal else str(p.birth_date.year)
        hukou = p.hukou_address if ctx.reveal or not p.hukou_address else "***"
        yield [p.id, ctx.name(p.name), p.sex, bilingual("sex", p.sex),
               p.ethnicity, bilingual("ethnicity", p.ethnicity), born,
               p.id_type, bilingual("id_type", p.id_type), ctx.id_number(p.id_number_enc),
               p.nationality, bilingual("nationality", p.nationality), ctx.phone(p.phone_enc),
               _label(p.category), p.education, bilingual("education", p.education),
               hukou, p.employer, plate_code, room]  # fmt: skip


ORGANISATION_HEADERS = ("单位ID organisation id", "统一社会信用代码 USCC", "名称 name", "门牌编码 plate code",
                        "标准地址 address", "房号 room", "状态代码 status code", "状态 status",
                        "法定代表人 legal representative", "负责人 manager", "电话 phone",
                        "从业人数 staff", "登记日期 registered on")  # fmt: skip


def _organisations(ctx: ExportContext) -> Iterator[list[Cell]]:
    stmt = (
        select(Organisation, DoorPlate.number, Street.name, Room.number)
        .join(DoorPlate, Organisation.plate_code == DoorPlate.code)
        .join(Street, DoorPlate.street_id == Street.id)
        .outerjoin(Room, Organisation.room_id == Room.id)
        .order_by(Organisation.id)
    )
    for o, number, street, room in _stream(ctx, _in_village(ctx, stmt)):
        yield [o.id, o.uscc, o.name, o.plate_code, format_address(street, number), room, o.status.value,
               bilingual("organisation_status", o.status.value), ctx.name(o.legal_rep), ctx.name(o.manager),
               ctx.phone(o.phone_enc), o.staff_count, o.registered_on]  # fmt: skip


FACILITY_HEADERS = ("设施ID facility id", "大类代码 group code", "大类 group", "小类代码 subtype code",
                    "小类 subtype", "名称 name", "经度 longitude", "纬度 latitude", "门牌编码 plate code",
                    "网格 grid", "责任部门 department", "电话 phone", "状态 status")  # fmt: skip


def _facilities(ctx: ExportContext) -> Iterator[list[Cell]]:
    stmt = (
        select(Facility)
        .outerjoin(DoorPlate, Facility.plate_code == DoorPlate.code)
        .outerjoin(Street, DoorPlate.street_id == Street.id)
        .outerjoin(Grid, Facility.grid_code == Grid.code)
        .order_by(Facility.id)
    )
    if ctx.village:
        stmt = stmt.where(or_(Street.village_code == ctx.village, Grid.village_code == ctx.village))
    for (f,) in _stream(ctx, stmt):
        yield [f.id, f.category, bilingual("facility_group", f.category), f.subtype,
               bilingual("facility_subtype", f.subtype), f.name, f.lon, f.lat, f.plate_code, f.grid_code,
               f.department, f.phone, _label(f.status)]  # fmt: skip


AUDIT_HEADERS = ("编号 id", "时间(UTC) at", "操作人 actor", "操作 action", "对象类型 target type",
                 "对象 target", "详情 detail")  # fmt: skip


def _audit(ctx: ExportContext) -> Iterator[list[Cell]]:
    for (a,) in _stream(ctx, select(AuditLog).order_by(AuditLog.id)):
        detail = json.dumps(a.detail, ensure_ascii=False, sort_keys=True)
        yield [a.id, a.at, a.actor, a.action, a.target_type, a.target_id, detail]


EXPORTS: dict[str, ExportSpec] = {
    "plates": ExportSpec(PLATE_HEADERS, _plates, has_personal_data=False),
    "buildings": ExportSpec(BUILDING_HEADERS, _buildings, has_personal_data=True),
    "rooms": ExportSpec(ROOM_HEADERS, _rooms, has_personal_data=False),
    "people": ExportSpec(PEOPLE_HEADERS, _people, has_personal_data=True),
    "organisations": ExportSpec(ORGANISATION_HEADERS, _organisations, has_personal_data=True),
    "facilities": ExportSpec(FACILITY_HEADERS, _facilities, has_personal_data=False),
    "audit": ExportSpec(AUDIT_HEADERS, _audit, has_personal_data=False, by_village=False),
}
