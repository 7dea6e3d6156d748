"""标准地址维护 (admin): renaming a street, retiring a plate for its successor, adding a 临时 plate.

Nothing here deletes: a renamed street keeps its old names as aliases, which address search
and matching read, so letters and registrations with the old name still find the plate; a
retired plate keeps its code for life and names its successor, so old QR codes lead on. Every
change is written to the audit log beside the change itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError, ValidationError
from shared.models import DoorPlate, PlateKind, RecordStatus, Street, Village
from shared.models.places import format_address
from shared.places.town_area import COORD_DIGITS, TOWN_BOUNDS, GridLocator

STREET_NAME_MAX_CHARS = 60  # Street.name
# The demo town's codes, and those this module issues: village code's last 3 digits, the
# street's 3-digit number in its village, the plate's 4-digit number on the street.
PLATE_CODE_PARTS = re.compile(r"(\d{3})(\d{3})(\d{4})")
PLATE_NUMBER = re.compile(r"\d{1,5}(之[一二三四五六七八九十\d]{1,3})?")
CODE_ATTEMPTS = 3


# -- streets ---------------------------------------------------------------------------------------


def rename_street(session: Session, *, street_id: int, new_name: str, actor: str, now: datetime) -> Street:
    """Give a street its new name; the old one joins its aliases so search still finds it.

    A name must be unique in the village, also against other streets' old names: a letter
    addressed to an old name must lead to one street only.
    """
    street = session.get(Street, street_id)
    if street is None:
        raise DomainError(f"街路巷 {street_id} 不存在", f"Street {street_id} does not exist")
    if street.status is not RecordStatus.ACTIVE:
        raise DomainError(f"街路巷“{street.name}”已停用", f"The street {street.name!r} is retired")
    name = " ".join(unicodedata.normalize("NFKC", new_name).split())
    if not name:
        raise ValidationError("请填写新名称", "Give the new name", field="new_name")
    if len(name) > STREET_NAME_MAX_CHARS:
        raise ValidationError(
            f"名称不能超过 {STREET_NAME_MAX_CHARS} 个字符",
            f"The name may have at most {STREET_NAME_MAX_CHARS} characters",
            field="new_name",
        )
    if name == street.name:
        raise ValidationError(
            "新名称与现名称相同", "The new name is the street's current name", field="new_name"
        )
    village_name = session.get(Village, street.village_code)
    others = session.scalars(
        select(Street).where(Street.village_code == street.village_code, Street.id != street.id)
    )
    for other in others:
        if other.name == name or name in (other.aliases or []):
            used_as = ("现名", "the name") if other.name == name else ("曾用名", "a former name")
            raise ValidationError(
                f"“{name}”已是本村（社区）另一条街路巷的{used_as[0]}（{other.name}）",
                f"{name!r} is already {used_as[1]} of another street in this village ({other.name})",
                field="new_name",
            )
    old_name = street.name
    # A fresh list: the JSON column does not track changes made inside the old one.
    street.aliases = [a for a in (street.aliases or []) if a != name] + [old_name]
    street.name = name
    record_audit(
        session, actor=actor, action="street.rename", target_type="street", target_id=street.id,
        detail={"before": old_name, "after": name, "village": street.village_code,
                "village_name": village_name.name if village_name else None},
        at=now,
    )  # fmt: skip
    session.flush()
    return street


# -- plates ----------------------------------------------------------------------------------------


def retire_plate(
    session: Session, *, plate_code: str, successor_code: str, actor: str, now: datetime
) -> DoorPlate:
    """Retire a plate for good, naming the active plate that replaces it; the code is never
    issued again and the records behind the plate stay where they are."""
    code, successor_code = _code(plate_code), _code(successor_code)
    plate = session.get(DoorPlate, code)
    if plate is None:
        raise ValidationError(f"门牌 {code} 不存在", f"Plate {code} does not exist", field="plate_code")
    if plate.status is not RecordStatus.ACTIVE:
        raise ValidationError(f"门牌 {code} 已停用", f"Plate {code} is already retired", field="plate_code")
    if not successor_code:
        raise ValidationError("请填写接替门牌编码", "Give the successor's plate code", field="successor_code")
    if successor_code == code:
        raise ValidationError(
            "接替门牌不能是同一个门牌", "The successor must be another plate", field="successor_code"
        )
    successor = session.get(DoorPlate, successor_code)
    if successor is None:
        raise ValidationError(
            f"接替门牌 {successor_code} 不存在",
            f"The successor plate {successor_code} does not exist",
            field="successor_code",
        )
    if successor.status is not RecordStatus.ACTIVE:
        raise ValidationError(
            f"接替门牌 {successor_code} 已停用，请填写在用的门牌",
            f"The successor plate {successor_code} is retired; give an active plate",
            field="successor_code",
        )
    plate.status, plate.retired_at, plate.successor_code = RecordStatus.RETIRED, now, successor.code
    record_audit(
        session, actor=actor, action="plate.retire", target_type="plate", target_id=plate.code,
        detail={"address": plate.address, "successor": successor.code,
                "successor_address": successor.address},
        at=now,
    )  # fmt: skip
    session.flush()
    return plate


def add_temporary_plate(
    session: Session, *, street_id: int, number: str, lon: float, lat: float, actor: str, now: datetime
) -> DoorPlate:
    """A 临时 plate on a street: a new standard code, the grid whose polygon holds the point,
    and a door number no active plate of the street carries."""
    street = session.get(Street, street_id)
    if street is None or street.status is not RecordStatus.ACTIVE:
        raise DomainError(
            f"街路巷 {street_id} 不存在或已停用", f"Street {street_id} does not exist or is retired"
        )
    number = _plate_number(number)
    holder = session.scalars(
        select(DoorPlate).where(DoorPlate.street_id == street.id, DoorPlate.number == number)
    ).first()
    if holder is not None:
        raise _number_taken(holder, street.name, number)
    lon, lat = round(float(lon), COORD_DIGITS), round(float(lat), COORD_DIGITS)
    grid_code = _grid_for(session, street, lon, lat)
    for _ in range(CODE_ATTEMPTS):
        plate = DoorPlate(
            code=next_plate_code(session, street),
            street_id=street.id,
            number=number,
            kind=PlateKind.TEMPORARY,
            grid_code=grid_code,
            lon=lon,
            lat=lat,
            status=RecordStatus.ACTIVE,
            created_at=now,
        )
        try:
            # A savepoint: another admin may take the same code (or number) at the same moment.
            with session.begin_nested():
                session.add(plate)
        except IntegrityError:
            if plate in session:
                session.expunge(plate)
            holder = session.scalars(
                select(DoorPlate).where(DoorPlate.street_id == street.id, DoorPlate.number == number)
            ).first()
            if holder is not None:
                raise _number_taken(holder, street.name, number) from None
            continue
        break
    else:
        raise DomainError("门牌编码分配冲突，请重试", "Another plate took the new code meanwhile; try again")
    record_audit(
        session, actor=actor, action="plate.add_temporary", target_type="plate", target_id=plate.code,
        detail={"address": format_address(street.name, number), "street_id": street.id, "lon": lon,
                "lat": lat, "grid": grid_code},
        at=now,
    )  # fmt: skip
    session.flush()
    return plate


def next_plate_code(session: Session, street: Street) -> str:
    """The next standard code for a plate on `street`: the street's code prefix (village's
    last 3 digits + the street's 3-digit number; a street with none yet takes the village's
    next free number) and one more than the highest plate number ever issued under that prefix.

    Retired plates stay in the table, so "highest ever issued" never hands out a retired code,
    and nothing is taken from a gap. Codes in other formats (older or imported ones) are left
    alone: they never match the 10-digit pattern, so they cannot collide with what is issued.
    """
    village = street.village_code[-3:]
    on_street = Counter(
        parts.group(2)
        for code in session.scalars(select(DoorPlate.code).where(DoorPlate.street_id == street.id))
        if (parts := PLATE_CODE_PARTS.fullmatch(code)) and parts.group(1) == village
    )
    if on_street:
        street_seq = on_street.most_common(1)[0][0]
    else:
        used = [int(parts.group(2)) for parts in _codes_like(session, village)]
        next_street = max(used, default=0) + 1
        if next_street > 999:
            raise DomainError(
                "本村（社区）的街路巷编号已用完，无法分配门牌编码",
                "This village has used all 999 street numbers of the plate code",
            )
        street_seq = f"{next_street:03d}"
    prefix = village + street_seq
    highest = max((int(parts.group(3)) for parts in _codes_like(session, prefix)), default=0)
    if highest >= 9999:
        raise DomainError(
            "该街路巷的门牌编码已用完（9999 个）", "This street has used all 9999 plate codes of its prefix"
        )
    return f"{prefix}{highest + 1:04d}"


def _codes_like(session: Session, prefix: str) -> list[re.Match[str]]:
    codes = session.scalars(select(DoorPlate.code).where(DoorPlate.code.startswith(prefix)))
    return [parts for code in codes if (parts := PLATE_CODE_PARTS.fullmatch(code))]


def _code(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def _plate_number(text: str) -> str:
    """`12`, `12号`, `12号之一` → `12`, `12`, `12之一` (the form plates store)."""
    number = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).replace("号", "")
    if not number:
        raise ValidationError("请填写门牌号", "Give the door number", field="number")
    if not PLATE_NUMBER.fullmatch(number):
        raise ValidationError(
            f"门牌号“{text}”无效，应为数字，可带“之一”等，如 12 或 12之一",
            f"Door number {text!r} is not valid: digits, optionally with a sub-number, e.g. 12 or 12之一",
            field="number",
        )
    return number


def _number_taken(holder: DoorPlate, street: str, number: str) -> ValidationError:
    address = format_address(street, number)
    if holder.status is RecordStatus.ACTIVE:
        return ValidationError(
            f"{address} 已有在用门牌（{holder.code}）",
            f"{address} already has an active plate ({holder.code})",
            field="number",
        )
    # The table's unique (street, number) covers retired plates too, so a retired number
    # cannot be given again; a sub-number (之一) is the way out.
    return ValidationError(
        f"{address} 曾由已停用的门牌 {holder.code} 使用，门牌号不能重复使用，请用“之一”等附号",
        f"{address} belonged to the retired plate {holder.code}, and numbers are not reused; "
        "use a sub-number such as 之一",
        field="number",
    )


def _grid_for(session: Session, street: Street, lon: float, lat: float) -> str | None:
    """The grid holding the point, which must be one of the street's village; None only while
    the village has no grid polygons drawn yet."""
    if not TOWN_BOUNDS.contains(lon, lat):
        b = TOWN_BOUNDS
        raise ValidationError(
            f"坐标 {lon}, {lat} 不在麻涌镇范围内（经度 {b.west}–{b.east}，纬度 {b.south}–{b.north}）",
            f"{lon}, {lat} is outside the town (longitude {b.west}–{b.east}, latitude {b.south}–{b.north})",
            field="lon",
        )
    locator = GridLocator(session)
    area = locator.grid_at(lon, lat)
    if area is not None and area.village_code == street.village_code:
        return area.code
    village = session.get(Village, street.village_code)
    village_name = village.name if village else street.village_code
    if area is not None:
        other = session.get(Village, area.village_code)
        other_name = other.name if other else area.village_code
        raise ValidationError(
            f"该位置在{other_name}的网格 {area.code} 内，不在{street.name}所在的{village_name}",
            f"The point lies in grid {area.code} of {other_name}, not in {village_name}, "
            f"where {street.name} is",
            field="lon",
        )
    if locator.has_polygons(street.village_code):
        raise ValidationError(
            f"该位置不在{village_name}的任何网格内，请核对坐标",
            f"The point is in none of {village_name}'s grids; check the coordinates",
            field="lon",
        )
    return None
