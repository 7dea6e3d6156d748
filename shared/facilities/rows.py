"""实有设施登记表: the columns departments fill in, and reading one facility into checked values.

The same reading serves the upload (one row of a CSV/XLSX file) and the edit form (a facility's
current values with the officer's changes laid over them), so a facility can never be edited
into something the upload would refuse. Plates and grids are looked up through the callables
the caller passes: this module does not query the database itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from shared.core.codes import children, code_list, find_code
from shared.core.errors import ValidationError
from shared.core.table_columns import Column
from shared.core.validate import excerpt
from shared.core.validate_phone import validate_phone
from shared.core.validate_text import has_hidden_chars
from shared.housing.cells import RowProblem
from shared.models import RecordStatus
from shared.places.town_area import COORD_DIGITS, TOWN_BOUNDS, GridArea

_GROUPS_ZH = "、".join(f"{c.code} {c.zh}" for c in code_list("facility_group"))
_GROUPS_EN = ", ".join(f"{c.code} {c.en}" for c in code_list("facility_group"))
_B = TOWN_BOUNDS
_LON_RANGE = f"{_B.west:.2f}–{_B.east:.2f}"
_LAT_RANGE = f"{_B.south:.2f}–{_B.north:.2f}"
NAME_MAX_CHARS = 120  # Facility.name
DEPARTMENT_MAX_CHARS = 80  # Facility.department
PLATE_CODE_MAX_CHARS = 32  # DoorPlate.code

COLUMNS: tuple[Column, ...] = (
    Column("group", "设施大类", "group", True,
           ("大类", "设施类别", "类别", "设施分类", "category", "facility group", "group code"),
           f"code or label, Chinese or English: {_GROUPS_EN}"),
    Column("subtype", "设施小类", "subtype", True,
           ("小类", "设施类型", "类型", "子类", "facility type", "type", "subtype code"),
           "code or label of a subtype of that group, e.g. 102 消火栓 / Fire hydrant"),
    Column("name", "设施名称", "name", True,
           ("名称", "facility name", "facility"),
           f"at most {NAME_MAX_CHARS} characters; with the position it identifies the facility"),
    Column("lon", "经度", "longitude", False,
           ("lon", "lng", "long", "东经", "x"),
           f"decimal degrees within the town, {_LON_RANGE}; or leave blank and give a plate code"),
    Column("lat", "纬度", "latitude", False,
           ("lat", "北纬", "y"),
           f"decimal degrees within the town, {_LAT_RANGE}"),
    Column("coordinates", "坐标", "coordinates", False,
           ("经纬度", "位置坐标", "lon/lat", "lonlat", "lng/lat"),
           "longitude and latitude in one cell, e.g. 113.58,23.05 (instead of the two columns)"),
    Column("plate_code", "门牌编码", "plate code", False,
           ("门牌码", "门楼牌编码", "标准地址编码", "地址编码", "plate"),
           "an active door plate: the facility takes its coordinates (unless given) and its grid"),
    Column("department", "责任部门", "department", True,
           ("管理部门", "主管部门", "负责部门", "管理单位", "责任单位", "部门", "responsible department"),
           f"who answers for the facility, at most {DEPARTMENT_MAX_CHARS} characters"),
    Column("phone", "联系电话", "contact phone", True,
           ("电话", "联系方式", "值班电话", "phone", "contact", "telephone", "tel"),
           "the department's duty phone: mobile, or landline with area code (0769-…)"),
)  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DEGREE_MARKS = re.compile(r"^(东经|北纬|[EN])|(°|度)?\s*[EN]?$", re.IGNORECASE)
_PAIR_SEPARATORS = re.compile(r"\s*[,，;；、/|\s]\s*")
T = TypeVar("T")
_POSITION_KEYS = ("lon", "lat", "coordinates", "plate_code")


@dataclass(frozen=True)
class PlateInfo:
    """What a facility takes from a door plate."""

    code: str
    status: RecordStatus
    successor_code: str | None
    lon: float | None
    lat: float | None
    grid_code: str | None


@dataclass(frozen=True)
class FacilityInput:
    """One facility with every value checked: codes, E.164 phone, rounded coordinates, grid."""

    category: str
    subtype: str
    name: str
    lon: float | None
    lat: float | None
    plate_code: str | None
    grid_code: str | None
    department: str
    phone: str
    position_given: bool = True  # False: the point is the plate's, the row gave none


PlateLookup = Callable[[str], PlateInfo | None]
GridLookup = Callable[[float, float], GridArea | None]


def parse_facility(
    cells: Mapping[str, str], *, find_plate: PlateLookup, find_grid: GridLookup
) -> FacilityInput | list[RowProblem]:
    """Check every value (keys of `COLUMNS`); all problems at once, so one pass fixes a row."""
    problems: list[RowProblem] = []

    def cell(key: str) -> str:
        return unicodedata.normalize("NFKC", cells.get(key, "")).strip()

    def attempt(read: Callable[[], T], default: T) -> T:
        try:
            return read()
        except RowProblem as problem:
            problems.append(problem)
        return default

    group = attempt(lambda: _group(cell("group")), None)
    subtype = attempt(lambda: _subtype(cell("subtype"), group), None)
    name = attempt(lambda: _text("name", cell("name"), NAME_MAX_CHARS), "")
    position = attempt(lambda: _position(cell("lon"), cell("lat"), cell("coordinates")), None)
    plate = attempt(lambda: _plate(cell("plate_code"), find_plate), None)
    department = attempt(lambda: _text("department", cell("department"), DEPARTMENT_MAX_CHARS), "")
    phone = attempt(lambda: _phone(cell("phone")), "")
    if position is None and plate is None and not _has_problem(problems, *_POSITION_KEYS):
        problems.append(
            _problem("plate_code", "请填写经纬度或门牌编码", "give the coordinates or a plate code")
        )
    if problems:
        return problems
    assert group is not None and subtype is not None
    lon, lat = position if position else (plate.lon, plate.lat) if plate else (None, None)
    grid_code = plate.grid_code if plate and plate.grid_code else None
    if grid_code is None and lon is not None and lat is not None:
        found = find_grid(lon, lat)
        grid_code = found.code if found else None
    return FacilityInput(
        category=group,
        subtype=subtype,
        name=name,
        lon=lon,
        lat=lat,
        plate_code=plate.code if plate else None,
        grid_code=grid_code,
        department=department,
        phone=phone,
        position_given=position is not None,
    )


def _has_problem(problems: list[RowProblem], *keys: str) -> bool:
    return any(p.column in keys for p in problems)


def _problem(key: str, zh: str, en: str) -> RowProblem:
    column = COLUMNS_BY_KEY[key]
    return RowProblem(key, f"{column.zh}：{zh}", f"{column.en}: {en}")


def _text(key: str, text: str, max_len: int) -> str:
    # Line breaks become spaces; any other control or invisible character is refused, as in
    # names (validate.has_hidden_chars says why).
    if has_hidden_chars(text, line_breaks=True):
        raise _problem(key, "含有控制字符或不可见字符", "contains control or invisible characters")
    text = " ".join(text.split())
    if not text:
        raise _problem(key, "不能为空", "this field is required")
    if len(text) > max_len:
        raise _problem(key, f"不能超过 {max_len} 个字符", f"at most {max_len} characters")
    return text


def _group(text: str) -> str:
    found = find_code("facility_group", _text("group", text, 40))
    if found is None:
        raise _problem(
            "group",
            f"“{excerpt(text)}”无效，可填：{_GROUPS_ZH}",
            f"{excerpt(text)!r} is not valid; use one of: {_GROUPS_EN}",
        )
    return found.code


def _subtype(text: str, group: str | None) -> str:
    found = find_code("facility_subtype", _text("subtype", text, 40))
    siblings = children("facility_group", group) if group else ()
    choices_zh = "、".join(f"{c.code} {c.zh}" for c in siblings)
    choices_en = ", ".join(f"{c.code} {c.en}" for c in siblings)
    if found is None:
        hint_zh, hint_en = (f"，可填：{choices_zh}", f"; use one of: {choices_en}") if siblings else ("", "")
        shown = excerpt(text)
        raise _problem("subtype", f"“{shown}”无效{hint_zh}", f"{shown!r} is not valid{hint_en}")
    if group is not None and found.parent != group:
        group_code = find_code("facility_group", group)
        assert group_code is not None
        raise _problem(
            "subtype",
            f"“{found.zh}”不属于大类“{group_code.zh}”，该大类的小类有：{choices_zh}",
            f"{found.en!r} is not a subtype of {group_code.en!r}, whose subtypes are: {choices_en}",
        )
    return found.code


def _degrees(key: str, text: str) -> float:
    value = _DEGREE_MARKS.sub("", text).strip()
    if not _NUMBER.fullmatch(value):
        raise _problem(
            key,
            f"“{excerpt(text)}”不是十进制度数（如 113.58）",
            f"{excerpt(text)!r} is not decimal degrees (e.g. 113.58)",
        )
    return round(float(value), COORD_DIGITS)


def _position(lon_text: str, lat_text: str, pair: str) -> tuple[float, float] | None:
    """Coordinates from the two columns, or from the one `coordinates` cell when they are blank."""
    lon_key, lat_key = "lon", "lat"
    if pair and not (lon_text or lat_text):
        parts = [p for p in _PAIR_SEPARATORS.split(pair) if p]
        if len(parts) != 2:
            raise _problem(
                "coordinates",
                f"“{excerpt(pair)}”应为“经度,纬度”，如 113.58,23.05",
                f"{excerpt(pair)!r} should be 'longitude,latitude', e.g. 113.58,23.05",
            )
        (lon_text, lat_text), lon_key, lat_key = parts, "coordinates", "coordinates"
    if not (lon_text or lat_text):
        return None
    if not lon_text or not lat_text:
        missing = lon_key if not lon_text else lat_key
        raise _problem(missing, "经度和纬度要同时填写", "give both longitude and latitude")
    lon, lat = _degrees(lon_key, lon_text), _degrees(lat_key, lat_text)
    if TOWN_BOUNDS.contains(lon, lat):
        return lon, lat
    if TOWN_BOUNDS.contains(lat, lon):
        raise _problem(lon_key, "经度和纬度填反了", "longitude and latitude are swapped")
    if not _B.west <= lon <= _B.east:
        raise _problem(
            lon_key,
            f"{lon} 不在麻涌镇范围内（经度 {_LON_RANGE}）",
            f"{lon} is outside the town (longitude {_LON_RANGE})",
        )
    raise _problem(
        lat_key,
        f"{lat} 不在麻涌镇范围内（纬度 {_LAT_RANGE}）",
        f"{lat} is outside the town (latitude {_LAT_RANGE})",
    )


def normalise_plate_code(text: str) -> str:
    """A plate code as stored: no spaces, upper case, half-width."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def is_plate_code_like(code: str) -> bool:
    """Whether a normalised code is worth looking up: no plate code is longer than DoorPlate.code
    holds or has control characters (PostgreSQL refuses NUL even in a query)."""
    return len(code) <= PLATE_CODE_MAX_CHARS and not has_hidden_chars(code)


def _plate(text: str, find_plate: PlateLookup) -> PlateInfo | None:
    code = normalise_plate_code(text)
    if not code:
        return None
    if has_hidden_chars(text, line_breaks=True):
        raise _problem("plate_code", "含有控制字符或不可见字符", "contains control or invisible characters")
    plate = find_plate(code) if is_plate_code_like(code) else None
    if plate is None:
        zh, en = f"{excerpt(code)} 不存在", f"{excerpt(code)} does not exist"
        if code.isdigit():  # Excel drops leading zeros of numbers-only codes
            zh += "（如 Excel 去掉了开头的 0，请把该列设为文本格式后重新填写）"
            en += " (if Excel dropped its leading zeros, format the column as Text and enter it again)"
        raise _problem("plate_code", zh, en)
    if plate.status is not RecordStatus.ACTIVE:
        after_zh = f"，现用门牌为 {plate.successor_code}" if plate.successor_code else ""
        after_en = f"; its successor is {plate.successor_code}" if plate.successor_code else ""
        raise _problem("plate_code", f"门牌 {code} 已停用{after_zh}", f"plate {code} is retired{after_en}")
    return plate


@lru_cache(maxsize=4096)  # a department lists its one duty phone on every row
def _phone(text: str) -> str:
    try:
        return validate_phone(text, field="phone")
    except ValidationError as error:
        # validate_phone names the field "电话号码"; the row error names the column instead.
        raise RowProblem("phone", error.message_zh, error.message_en) from None
