"""房屋登记表的列: the columns of a housing register and reading one row into checked values.

Pure functions, no database: what a cell may hold is decided here, where the plate, building
and owner a row points at are looked up by `shared.housing.register_import`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TypeVar

from shared.core.codes import code_list, find_code
from shared.core.errors import ValidationError
from shared.core.tables import Column, TableRow
from shared.core.validate import (
    ID_FOREIGNER_PERMANENT,
    ID_HK_MACAO_PERMIT,
    ID_HMT_RESIDENCE_PERMIT,
    ID_PASSPORT,
    ID_RESIDENT,
    ID_TAIWAN_PERMIT,
    SEX_UNKNOWN,
    IdCheck,
    excerpt,
    has_hidden_chars,
    validate_birth_date,
    validate_id_number,
    validate_name,
    validate_phone,
)
from shared.core.validate_ids import ISO_NUMERIC

_USES = "、".join(f"{c.code} {c.zh}" for c in code_list("building_use"))
_USES_EN = ", ".join(f"{c.code} {c.en}" for c in code_list("building_use"))

COLUMNS: tuple[Column, ...] = (
    Column("plate_code", "门牌编码", "plate code", True,
           ("门牌码", "门楼牌编码", "标准地址编码", "地址编码", "plate"),
           "the standard address code of an active door plate"),
    Column("building_name", "楼栋名称", "building name", False,
           ("楼栋", "楼栋名", "建筑名称", "building"),
           "blank: the plate's only building (or its unnamed one); a new name creates the building"),
    Column("room_number", "房号", "room number", True,
           ("房间号", "户室号", "室号", "room", "room no"),
           "e.g. 301 (a trailing 室 is dropped)"),
    Column("floor", "楼层", "floor", False,
           ("所在楼层", "room floor"),
           "whole number, e.g. 3 or -1; blank: from the room number (301 → 3), existing rooms keep theirs"),
    Column("area_m2", "面积", "area", False,
           ("面积(㎡)", "面积(m2)", "面积(平方米)", "建筑面积", "使用面积",
            "area m2", "area (m²)", "floor area"),
           "square metres, e.g. 35.5 (a trailing ㎡, m2 or 平方米 is dropped)"),
    Column("use", "用途", "use", True,
           ("房屋用途", "使用用途", "usage"),
           f"code or label, Chinese or English: {_USES_EN}"),
    Column("is_rental", "是否出租", "rental", True,
           ("出租", "是否出租屋", "出租屋", "rented", "is rental", "rental flag"),
           "是/否, yes/no, Y/N, 1/0, true/false (also 出租/不出租)"),
    Column("owner_name", "业主姓名", "owner name", True,
           ("业主", "产权人", "产权人姓名", "房主", "房主姓名", "owner"),
           "as on the identity document"),
    Column("owner_id_type", "业主证件类型", "owner id type", False,
           ("证件类型", "产权人证件类型", "id type"),
           "code or label of the document type; blank: 01 居民身份证"),
    Column("owner_id_number", "业主证件号码", "owner id number", True,
           ("业主身份证号", "业主身份证号码", "身份证号", "身份证号码", "证件号码", "产权人证件号码",
            "产权人身份证号", "owner id", "id number"),
           "checked (GB 11643 check character for identity cards); format the Excel column as text"),
    Column("owner_birth_date", "业主出生日期", "owner birth date", False,
           ("出生日期", "birth date", "date of birth"),
           "YYYY-MM-DD; needed for passports and travel permits (other numbers carry it)"),
    Column("owner_sex", "业主性别", "owner sex", False,
           ("性别", "sex", "gender"),
           "男/女, M/F, 1/2; blank: from the identity number, else unknown"),
    Column("owner_nationality", "业主国籍", "owner nationality", False,
           ("国籍", "nationality"),
           "ISO alpha-3 code or name; needed for passports, otherwise from the document"),
    Column("owner_phone", "业主电话", "owner phone", True,
           ("业主联系电话", "业主手机", "联系电话", "电话", "手机", "手机号码", "产权人电话",
            "phone", "owner mobile"),
           "mobile, or landline with area code (0769-…); the column is required, a cell may be blank"),
)  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

_RENTAL_FLAGS = {
    **dict.fromkeys(("是", "yes", "y", "1", "true", "出租"), True),
    **dict.fromkeys(("否", "no", "n", "0", "false", "不出租", "未出租"), False),
}
# Validator field names → this file's columns.
_FIELD_TO_COLUMN = {
    "id_number": "owner_id_number",
    "id_type": "owner_id_type",
    "birth_date": "owner_birth_date",
    "sex": "owner_sex",
    "nationality": "owner_nationality",
}
_NATIONALITY_BY_REGION = {"810000": "HKG", "820000": "MAC", "830000": "TWN"}
_ALPHA3_BY_NUMERIC = {numeric: alpha for alpha, numeric in ISO_NUMERIC.items()}
_EXCEL_NUMBER = re.compile(r"\d(\.\d+)?e\+?\d+", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")
MIN_FLOOR, MAX_FLOOR = -5, 200
MAX_AREA_M2 = 100_000
T = TypeVar("T")


class RowProblem(Exception):
    """One reason a row cannot be imported, and the column it concerns."""

    def __init__(self, column: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.column = column
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass(frozen=True)
class HousingRow:
    """One row with every value checked and normalised (codes, E.164 phone, upper-case number)."""

    line: int
    plate_code: str
    building_name: str
    room_number: str
    floor: int
    floor_given: bool
    area_m2: float | None
    use: str
    is_rental: bool
    owner_name: str
    owner_id_type: str
    owner_id_number: str
    owner_birth_date: date
    owner_sex: str
    owner_nationality: str
    owner_phone: str | None


def parse_row(
    row: TableRow, headers: Mapping[str, str | None], *, today: date
) -> HousingRow | list[RowProblem]:
    """Check every cell of a row; all its problems at once, so one pass over the file fixes them."""
    problems: list[RowProblem] = []

    def cell(key: str) -> str:
        return unicodedata.normalize("NFKC", row.get(headers.get(key))).strip()

    def attempt(key: str, read: Callable[[str], T], default: T) -> T:
        try:
            return read(cell(key))
        except RowProblem as problem:
            problems.append(problem)
        except ValidationError as error:
            problems.append(RowProblem(_FIELD_TO_COLUMN.get(error.field or "", key), *_texts(error)))
        return default

    plate_code = attempt(
        "plate_code", lambda t: _required("plate_code", re.sub(r"\s+", "", _visible("plate_code", t)), 32), ""
    )
    building_name = attempt(
        "building_name",
        lambda t: _limited("building_name", " ".join(_visible("building_name", t).split()), 80),
        "",
    )
    room_number = attempt("room_number", _room_number, "")
    floor = attempt("floor", _floor, None)
    area = attempt("area_m2", _area, None)
    use = attempt("use", lambda t: _code("use", "building_use", t), "")
    is_rental = attempt("is_rental", _rental, False)
    owner_name = attempt(
        "owner_name", lambda t: validate_name(_required("owner_name", t), field="owner_name"), ""
    )
    id_type = attempt(
        "owner_id_type", lambda t: _code("owner_id_type", "id_type", t) if t else ID_RESIDENT, ""
    )
    declared_birth = attempt("owner_birth_date", lambda t: _birth_date(t, today), None)
    declared_sex = attempt("owner_sex", lambda t: _code("owner_sex", "sex", t) if t else None, None)
    declared_nationality = attempt(
        "owner_nationality", lambda t: _code("owner_nationality", "nationality", t) if t else None, None
    )
    phone = attempt("owner_phone", lambda t: _phone(t) if t else None, None)
    number, birth, sex, nationality = "", declared_birth, declared_sex, declared_nationality
    if id_type and not _problems_in(problems, "owner_birth_date", "owner_sex", "owner_nationality"):
        raw_number = cell("owner_id_number")
        try:
            _refuse_excel_number(raw_number, numeric=headers.get("owner_id_number") in row.numeric)
            check = _check_id(id_type, raw_number, declared_birth, declared_sex, declared_nationality, today)
            number = check.number
            birth = check.birth_date or declared_birth
            sex = check.sex or declared_sex
            nationality = declared_nationality or _nationality_from(id_type, check.number, check.nationality)
        except RowProblem as problem:
            problems.append(problem)
        except ValidationError as error:
            problems.append(
                RowProblem(_FIELD_TO_COLUMN.get(error.field or "", "owner_id_number"), *_texts(error))
            )
    if number and birth is None:
        problems.append(
            _problem(
                "owner_birth_date",
                "该证件号码不含出生日期，请填写",
                "no birth date in this number: fill it in",
            )
        )
    if number and nationality is None:
        problems.append(
            _problem(
                "owner_nationality",
                "该证件无法确定国籍，请填写",
                "not readable from this document: fill it in",
            )
        )
    if problems:
        return problems
    assert birth is not None and nationality is not None  # a row without them has problems above
    return HousingRow(
        line=row.line,
        plate_code=plate_code,
        building_name=building_name,
        room_number=room_number,
        floor=floor if floor is not None else _floor_of_room(room_number),
        floor_given=floor is not None,
        area_m2=area,
        use=use,
        is_rental=is_rental,
        owner_name=owner_name,
        owner_id_type=id_type,
        owner_id_number=number,
        owner_birth_date=birth,
        owner_sex=sex or SEX_UNKNOWN,
        owner_nationality=nationality,
        owner_phone=phone,
    )


# A register names the same owner on many rows: check each distinct value once.
@lru_cache(maxsize=65536)
def _check_id(
    id_type: str, number: str, birth: date | None, sex: str | None, nationality: str | None, today: date
) -> IdCheck:
    return validate_id_number(
        id_type, number, birth_date=birth, sex=sex, nationality=nationality, today=today
    )


@lru_cache(maxsize=65536)
def _phone(text: str) -> str:
    return validate_phone(text, field="owner_phone")


def _problems_in(problems: list[RowProblem], *columns: str) -> bool:
    return any(p.column in columns for p in problems)


def _texts(error: ValidationError) -> tuple[str, str]:
    return error.message_zh, error.message_en


def _problem(key: str, zh: str, en: str) -> RowProblem:
    column = COLUMNS_BY_KEY[key]
    return RowProblem(key, f"{column.zh}：{zh}", f"{column.en}: {en}")


def _required(key: str, text: str, max_len: int | None = None) -> str:
    if not text:
        raise _problem(key, "不能为空", "this field is required")
    return _limited(key, text, max_len) if max_len else text


def _limited(key: str, text: str, max_len: int) -> str:
    if len(text) > max_len:
        raise _problem(key, f"不能超过 {max_len} 个字符", f"at most {max_len} characters")
    return text


def _visible(key: str, text: str) -> str:
    """A cell without control or invisible characters (line breaks pass, to become spaces):
    refused as in names (validate.has_hidden_chars says why)."""
    if has_hidden_chars(text, line_breaks=True):
        raise _problem(key, "含有控制字符或不可见字符", "contains control or invisible characters")
    return text


def _room_number(text: str) -> str:
    number = re.sub(r"\s+", "", _visible("room_number", text)).removesuffix("室").removesuffix("房")
    return _required("room_number", number, 20)


def _floor(text: str) -> int | None:
    if not text:
        return None
    digits = re.sub(r"(层|楼|f)$", "", text, flags=re.IGNORECASE)
    # At most 6 digits: int() of thousands of them raises instead of giving a number to refuse.
    if not re.fullmatch(r"-?\d{1,6}", digits) or not MIN_FLOOR <= int(digits) <= MAX_FLOOR:
        raise _problem(
            "floor",
            f"“{excerpt(text)}”不是楼层数（{MIN_FLOOR} 至 {MAX_FLOOR} 的整数）",
            f"{excerpt(text)!r} is not a floor (a whole number from {MIN_FLOOR} to {MAX_FLOOR})",
        )
    return int(digits)


def _floor_of_room(number: str) -> int:
    """Chinese room numbers put the floor before the last two digits: 301 → 3, 1203 → 12."""
    digits = re.search(r"(\d+)$", number)
    if digits is None or len(digits.group(1)) < 3:
        return 1
    return max(min(int(digits.group(1)[:-2]), MAX_FLOOR), 1)


def _area(text: str) -> float | None:
    if not text:
        return None
    value = re.sub(r"(㎡|m2|m²|平方米|平米)$", "", text, flags=re.IGNORECASE).strip()
    try:
        area = float(value)
    except ValueError:
        area = -1.0
    if not 0 < area <= MAX_AREA_M2:
        raise _problem(
            "area_m2",
            f"“{excerpt(text)}”不是面积（平方米，大于 0）",
            f"{excerpt(text)!r} is not an area (square metres, above 0)",
        )
    return round(area, 2)


def _code(key: str, list_name: str, text: str) -> str:
    found = find_code(list_name, _required(key, text))
    if found is None:
        choices_zh = "、".join(f"{c.code} {c.zh}" for c in code_list(list_name)[:12])
        choices_en = ", ".join(f"{c.code} {c.en}" for c in code_list(list_name)[:12])
        more = "…" if len(code_list(list_name)) > 12 else ""
        raise _problem(
            key,
            f"“{excerpt(text)}”无效，可填：{choices_zh}{more}",
            f"{excerpt(text)!r} is not valid; use one of: {choices_en}{more}",
        )
    return found.code


def _rental(text: str) -> bool:
    flag = _RENTAL_FLAGS.get(_required("is_rental", text).casefold())
    if flag is None:
        raise _problem(
            "is_rental",
            f"“{excerpt(text)}”无效，请填 是 或 否",
            f"{excerpt(text)!r} is not valid; use yes or no (是/否, Y/N, 1/0)",
        )
    return flag


def _birth_date(text: str, today: date) -> date | None:
    if not text:
        return None
    match = _DATE.fullmatch(text.split(" ")[0])
    try:
        if match is None:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups() if g is not None)
        born = date(year, month, day)
    except ValueError:
        raise _problem(
            "owner_birth_date",
            f"“{excerpt(text)}”不是日期（YYYY-MM-DD）",
            f"{excerpt(text)!r} is not a date (YYYY-MM-DD)",
        ) from None
    return validate_birth_date(born, today=today)


def _refuse_excel_number(text: str, *, numeric: bool) -> None:
    """Excel turns an 18-digit number into a float and loses its last digits for good."""
    if _EXCEL_NUMBER.fullmatch(text) or (numeric and len(text) >= 16):
        raise _problem(
            "owner_id_number",
            "Excel 把号码当成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            "Excel stored the number as a number and lost its last digits; format the column as Text and "
            "enter it again",
        )


def _nationality_from(id_type: str, number: str, encoded: str | None) -> str | None:
    """The nationality a document implies, when it implies one."""
    if id_type == ID_RESIDENT:
        return "CHN"
    if id_type == ID_HMT_RESIDENCE_PERMIT:
        return _NATIONALITY_BY_REGION.get(number[:6])
    if id_type == ID_HK_MACAO_PERMIT:
        return "HKG" if number.startswith("H") else "MAC"
    if id_type == ID_TAIWAN_PERMIT:
        return "TWN"
    if id_type == ID_FOREIGNER_PERMANENT and encoded:
        return encoded if encoded.isalpha() else _ALPHA3_BY_NUMERIC.get(encoded)
    assert id_type in (ID_PASSPORT, ID_FOREIGNER_PERMANENT)
    return None
