"""Plain factory functions for tests: each adds one record with sensible defaults, flushes,
and returns it. Pass what the test is about; let the rest default. Unique codes come from a
counter, so factories can be called any number of times in one database."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from shared.core.checkdigits import gb11643_check_char, uscc_check_char
from shared.housing.people import seal_id_number, seal_phone
from shared.models import (
    Building,
    DoorPlate,
    Facility,
    Grid,
    Organisation,
    Person,
    PersonCategory,
    PlateKind,
    RecordStatus,
    Room,
    Street,
    Village,
    VillageKind,
)

_serial = itertools.count(1)


def _next() -> int:
    return next(_serial)


def make_id_number(region: str = "441900", birth: str = "19800101", sequence: str | None = None) -> str:
    """A valid GB 11643 citizen number; an odd last sequence digit is a man, even a woman."""
    seq = sequence if sequence is not None else f"{_next() % 1000:03d}"
    first17 = f"{region}{birth}{seq}"
    return first17 + gb11643_check_char(first17)


def wrong_check_digit(number: str) -> str:
    """`number` with its last character (the check digit) changed: one digit wrong."""
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def make_uscc(prefix: str = "91441900", body: str | None = None) -> str:
    """A valid unified social credit code (GB 32100)."""
    first17 = prefix + (body if body is not None else f"{_next():09d}")
    return first17 + uscc_check_char(first17)


def make_village(
    session: Session,
    *,
    code: str | None = None,
    name: str | None = None,
    kind: VillageKind = VillageKind.VILLAGE,
) -> Village:
    n = _next()
    if code is None:  # a generated code must not meet one a test chose (441900126211)
        while session.get(Village, code := f"441900126{200 + n % 800:03d}") is not None:
            n = _next()
    village = Village(
        code=code,
        name=name or f"测试村{n}",
        name_en=f"Test village {n}",
        kind=kind,
    )
    session.add(village)
    session.flush()
    return village


def make_grid(
    session: Session, *, village: Village | None = None, code: str | None = None, name: str = ""
) -> Grid:
    village = village or make_village(session)
    n = _next()
    grid = Grid(code=code or f"G{n:04d}", village_code=village.code, name=name or f"第{n}网格")
    session.add(grid)
    session.flush()
    return grid


def make_street(session: Session, *, village: Village | None = None, name: str | None = None) -> Street:
    village = village or make_village(session)
    street = Street(name=name or f"测试路{_next()}", village_code=village.code)
    session.add(street)
    session.flush()
    return street


def make_plate(
    session: Session,
    *,
    code: str | None = None,
    street: Street | None = None,
    village: Village | None = None,
    number: str | None = None,
    grid: Grid | None = None,
    kind: PlateKind = PlateKind.FORMAL,
    status: RecordStatus = RecordStatus.ACTIVE,
    lon: float | None = 113.58,
    lat: float | None = 23.05,
) -> DoorPlate:
    street = street or make_street(session, village=village)
    n = _next()
    plate = DoorPlate(
        code=code or f"{street.village_code}{n:06d}",
        street_id=street.id,
        number=number or str(n),
        kind=kind,
        grid_code=grid.code if grid else None,
        lon=lon,
        lat=lat,
        status=status,
    )
    session.add(plate)
    session.flush()
    return plate


def make_person(
    session: Session,
    *,
    name: str = "张三",
    id_number: str | None = None,
    id_type: str = "01",
    phone: str | None = None,
    sex: str | None = None,
    birth_date: date | None = None,
    nationality: str = "CHN",
    category: PersonCategory | None = None,
    **extra: Any,
) -> Person:
    """A person with an encrypted identity number (and phone, E.164, when given)."""
    number = id_number or make_id_number()
    if birth_date is None:
        birth_date = (
            date(int(number[6:10]), int(number[10:12]), int(number[12:14])) if id_type == "01" else None
        )
    sealed = seal_id_number(id_type, number)
    phone_sealed = seal_phone(phone) if phone else None
    person = Person(
        name=name,
        sex=sex or (("1" if int(number[16]) % 2 else "2") if id_type == "01" else "0"),
        birth_date=birth_date or date(1980, 1, 1),
        id_type=id_type,
        id_number_enc=sealed.ciphertext,
        id_number_index=sealed.index,
        nationality=nationality,
        phone_enc=phone_sealed.ciphertext if phone_sealed else None,
        phone_index=phone_sealed.index if phone_sealed else None,
        category=category or (PersonCategory.FOREIGN if id_type != "01" else _category_of(number)),
        **extra,
    )
    session.add(person)
    session.flush()
    return person


def _category_of(number: str) -> PersonCategory:
    return PersonCategory.LOCAL if number.startswith("441900") else PersonCategory.MIGRANT


def make_building(
    session: Session,
    *,
    plate: DoorPlate | None = None,
    name: str = "",
    type: str = "02",
    use: str = "01",
    structure: str = "3",
    floors: int = 3,
    owner: Person | None = None,
    owner_org: Organisation | None = None,
    status: RecordStatus = RecordStatus.ACTIVE,
) -> Building:
    plate = plate or make_plate(session)
    building = Building(
        plate_code=plate.code,
        name=name,
        type=type,
        use=use,
        structure=structure,
        floors=floors,
        owner_person_id=owner.id if owner else None,
        owner_org_id=owner_org.id if owner_org else None,
        grid_code=plate.grid_code,
        status=status,
    )
    session.add(building)
    session.flush()
    return building


def make_room(
    session: Session,
    *,
    building: Building | None = None,
    number: str = "101",
    floor: int | None = None,
    area_m2: float | None = 20.0,
    use: str = "01",
    is_rental: bool = False,
    status: RecordStatus = RecordStatus.ACTIVE,
) -> Room:
    building = building or make_building(session)
    room = Room(
        building_id=building.id,
        number=number,
        floor=floor if floor is not None else max(int(number) // 100, 1) if number.isdigit() else 1,
        area_m2=area_m2,
        use=use,
        is_rental=is_rental,
        status=status,
    )
    session.add(room)
    session.flush()
    return room


def make_organisation(
    session: Session,
    *,
    name: str = "测试有限公司",
    plate: DoorPlate | None = None,
    uscc: str | None = None,
    legal_rep: str = "李四",
    manager: str = "王五",
    phone: str | None = None,
) -> Organisation:
    plate = plate or make_plate(session)
    sealed = seal_phone(phone) if phone else None
    org = Organisation(
        uscc=uscc or make_uscc(),
        name=name,
        plate_code=plate.code,
        legal_rep=legal_rep,
        manager=manager,
        phone_enc=sealed.ciphertext if sealed else None,
        phone_index=sealed.index if sealed else None,
    )
    session.add(org)
    session.flush()
    return org


def make_facility(
    session: Session,
    *,
    name: str = "消火栓",
    category: str = "1",
    subtype: str = "102",
    plate: DoorPlate | None = None,
    lon: float | None = 113.58,
    lat: float | None = 23.05,
    department: str = "麻涌消防",
    phone: str = "0769-88220119",
) -> Facility:
    facility = Facility(
        category=category,
        subtype=subtype,
        name=name,
        lon=lon,
        lat=lat,
        plate_code=plate.code if plate else None,
        grid_code=plate.grid_code if plate else None,
        department=department,
        phone=phone,
    )
    session.add(facility)
    session.flush()
    return facility


# -- files to upload -----------------------------------------------------------------------------

HOUSING_OWNER_ID = make_id_number("441900", "19700315", "123")  # Dongguan, male, born 1970-03-15
HOUSING_HEADERS_ZH = ("门牌编码", "楼栋名称", "房号", "楼层", "面积", "用途", "是否出租", "业主姓名",
                      "业主证件号码", "业主电话")  # fmt: skip


def housing_row(**cells: str) -> dict[str, str]:
    """One good row of a housing register (Chinese headers) on plate P-A; override any cell."""
    row = dict(zip(HOUSING_HEADERS_ZH, ("P-A", "", "301", "", "35.5", "住宅", "是", "陈大文",
                                        HOUSING_OWNER_ID, "13800138000"), strict=True))  # fmt: skip
    row.update(cells)
    return row


def table_csv(
    rows: Sequence[Mapping[str, str]], headers: Sequence[str] | None = None, encoding: str = "utf-8-sig"
) -> bytes:
    """A CSV upload: a header row, then each row's cells under it ("" where missing)."""
    headers = list(headers or rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def table_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    """An XLSX upload: one sheet, the rows as given (numbers stay numbers, as Excel keeps them)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# -- declaration forms ---------------------------------------------------------------------------

TENANT_ID = make_id_number("430102", "19900115", "011")  # Changsha, male, born 1990-01-15
LANDLORD_ID = make_id_number("441900", "19650720", "031")  # Dongguan, male, born 1965-07-20
CHILD_ID = make_id_number("430102", "20180601", "022")  # Changsha, female, born 2018-06-01


def person_fields(**fields: Any) -> dict[str, Any]:
    """What the tenant form sends for one adult (a migrant from Changsha); override any field."""
    values: dict[str, Any] = {
        "name": "李四", "sex": "1", "ethnicity": "01", "birth_date": date(1990, 1, 15), "id_type": "01",
        "id_number": TENANT_ID, "nationality": "", "hukou_address": "湖南省长沙市芙蓉区五一路1号",
        "education": "61", "phone": "13800138000", "employer": "东莞麻涌某电子厂",
    }  # fmt: skip
    values.update(fields)
    return values


def residence_fields(room_id: int, **fields: Any) -> dict[str, Any]:
    """What the tenant form sends: one person, no family, moved in on 2026-11-01."""
    values: dict[str, Any] = {
        "room_id": room_id, "person": person_fields(), "family": [], "reason": "11", "dwelling_type": "02",
        "move_in": date(2026, 11, 1), "planned_until": date(2027, 10, 31), "privacy_accepted": True,
    }  # fmt: skip
    values.update(fields)
    return values


def declarant_fields(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "陈大文",
        "id_type": "01",
        "id_number": LANDLORD_ID,
        "phone": "13912345678",
    }
    values.update(fields)
    return values


def rental_fields(room_ids: Sequence[int], **fields: Any) -> dict[str, Any]:
    """What the landlord form sends: the rooms let from 2026-10-01, no tenants, pledge accepted."""
    values: dict[str, Any] = {
        "landlord": declarant_fields(), "room_ids": list(room_ids), "lease_start": date(2026, 10, 1),
        "lease_end": date(2027, 9, 30), "use": "01", "tenants": [], "pledge_accepted": True,
    }  # fmt: skip
    values.update(fields)
    return values


def tenant_fields(room_id: int, **person: Any) -> dict[str, Any]:
    """One tenant row of the landlord form."""
    return {
        "room_id": room_id,
        "person": person_fields(**person),
        "move_in": date(2026, 10, 15),
        "reason": "11",
    }


def organisation_fields(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": "东莞市麻涌某五金有限公司", "uscc": make_uscc(), "status": "operating", "legal_rep": "王五",
        "manager": "赵六", "phone": "0769-88123456", "staff_count": "35", "room_id": None,
        "declarant": declarant_fields(name="赵六", id_number=make_id_number("441900", "19800808", "051")),
    }  # fmt: skip
    values.update(fields)
    return values


# -- facilities and street maintenance -----------------------------------------------------------

FACILITY_HEADERS_ZH = ("设施大类", "设施小类", "设施名称", "经度", "纬度", "门牌编码", "责任部门", "联系电话")


def make_grid_area(
    session: Session,
    *,
    village: Village,
    west: float,
    south: float,
    east: float,
    north: float,
    code: str | None = None,
) -> Grid:
    """A grid whose polygon is the rectangle between the two longitudes and two latitudes."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    grid = make_grid(session, village=village, code=code)
    grid.polygon = {"type": "Polygon", "coordinates": [ring]}
    session.flush()
    return grid


def facility_row(**cells: str) -> dict[str, str]:
    """One good row of a facility register (Chinese headers): a fire hydrant at a point in town."""
    row = dict(zip(FACILITY_HEADERS_ZH, ("1", "102", "麻一村消火栓1号", "113.581", "23.051", "",
                                         "麻涌消防大队", "0769-88220119"), strict=True))  # fmt: skip
    row.update(cells)
    return row


# -- review (issue 5) ------------------------------------------------------------------------------


def staff_identity(
    role: str = "officer", grids: Sequence[str] = (), *, username: str | None = None, user_id: int = 0
) -> Any:
    """A signed-in staff member as the portal keeps it (no account row needed by the services)."""
    from shared.models import Role
    from shared.staff.auth import StaffIdentity

    n = user_id or _next()
    name = username or f"{role}{n}"
    return StaffIdentity(n, name, name, Role(role), tuple(grids))


def declare_residence(
    session: Session, *, room: Room, now: Any, key: str | None = None, **fields: Any
) -> Any:
    """A tenant's own declaration in `room` (李四 unless `person=person_fields(...)` says
    otherwise), submitted at `now` as the portal would, flushed."""
    from shared.core.clock import local_today
    from shared.declarations.forms import validate_residence
    from shared.self_service.submit import submit_residence

    data = validate_residence(residence_fields(room.id, **fields), today=local_today(now))
    plate_code = session.get(Building, room.building_id).plate_code  # type: ignore[union-attr]
    return submit_residence(
        session, plate_code=plate_code, data=data, idempotency_key=key or f"key-{_next()}", now=now
    )


def make_finding(
    session: Session, declaration: Any, *, rule: str = "phone_invalid", severity: str = "warning",
    field: str | None = "person.phone",
) -> Any:  # fmt: skip
    """A comparison rule's finding on a declaration, which then awaits review with issues."""
    from shared.models import DeclarationStatus, Finding, Severity

    finding = Finding(
        declaration_id=declaration.id, rule=rule, severity=Severity(severity), field=field,
        message_zh=f"{rule}（测试）", message_en=f"{rule} (test)",
    )  # fmt: skip
    session.add(finding)
    if declaration.status is DeclarationStatus.RECEIVED:
        declaration.status = DeclarationStatus.HAS_ISSUES
    session.flush()
    return finding


# -- gate kiosk (issue 6) ------------------------------------------------------------------------


def make_gate(
    session: Session, *, village: Village, name: str | None = None, grid_codes: Sequence[str] = ()
) -> Any:
    """A gate of `village`; with `grid_codes` it admits only homes in those grids."""
    from shared.models import Gate

    gate = Gate(
        name=name or f"{village.name}门{_next()}", village_code=village.code, grid_codes=list(grid_codes)
    )
    session.add(gate)
    session.flush()
    return gate


def make_residence(
    session: Session,
    *,
    room: Room,
    person: Person | None = None,
    since: date = date(2025, 3, 1),
    until: date | None = None,
    planned_until: date | None = None,
) -> Any:
    """Someone (张三 unless `person` says otherwise) living in `room` since `since`."""
    from shared.models import Residence

    residence = Residence(
        person_id=(person or make_person(session)).id,
        room_id=room.id,
        since=since,
        until=until,
        planned_until=planned_until,
        reason="11",
        dwelling_type="02",
    )
    session.add(residence)
    session.flush()
    return residence
