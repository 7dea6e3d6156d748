"""房屋登记表的一行: reading one row of a housing register into checked values.

Pure functions, no database: what a cell may hold is decided here (cells, columns), where the plate, building
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

from shared.core.errors import ValidationError
from shared.core.tables import TableRow
from shared.core.validate import SEX_UNKNOWN, IdCheck, validate_id_number
from shared.core.validate_ids import infer_id_type
from shared.core.validate_phone import validate_phone
from shared.core.validate_text import validate_name
from shared.housing.cells import (
    RowProblem,
    column_problem,
    floor_of_room,
    limited,
    nationality_from,
    read_area,
    read_birth_date,
    read_code,
    read_floor,
    read_rental,
    read_room_number,
    refuse_excel_number,
    required,
    visible,
)

# Validator field names → this file's columns.
_FIELD_TO_COLUMN = {
    "id_number": "owner_id_number",
    "id_type": "owner_id_type",
    "birth_date": "owner_birth_date",
    "sex": "owner_sex",
    "nationality": "owner_nationality",
}
T = TypeVar("T")


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
        "plate_code", lambda t: required("plate_code", re.sub(r"\s+", "", visible("plate_code", t)), 32), ""
    )
    building_name = attempt(
        "building_name",
        lambda t: limited("building_name", " ".join(visible("building_name", t).split()), 80),
        "",
    )
    room_number = attempt("room_number", read_room_number, "")
    floor = attempt("floor", read_floor, None)
    area = attempt("area_m2", read_area, None)
    use = attempt("use", lambda t: read_code("use", "building_use", t), "")
    is_rental = attempt("is_rental", read_rental, False)
    owner_name = attempt(
        "owner_name", lambda t: validate_name(required("owner_name", t), field="owner_name"), ""
    )
    id_type = attempt(
        "owner_id_type",
        lambda t: read_code("owner_id_type", "id_type", t) if t else infer_id_type(cell("owner_id_number")),
        "",
    )
    declared_birth = attempt("owner_birth_date", lambda t: read_birth_date(t, today), None)
    declared_sex = attempt("owner_sex", lambda t: read_code("owner_sex", "sex", t) if t else None, None)
    declared_nationality = attempt(
        "owner_nationality", lambda t: read_code("owner_nationality", "nationality", t) if t else None, None
    )
    phone = attempt("owner_phone", lambda t: _phone(t) if t else None, None)
    number, birth, sex, nationality = "", declared_birth, declared_sex, declared_nationality
    if id_type and not _problems_in(problems, "owner_birth_date", "owner_sex", "owner_nationality"):
        raw_number = cell("owner_id_number")
        try:
            refuse_excel_number(raw_number, numeric=headers.get("owner_id_number") in row.numeric)
            check = _check_id(id_type, raw_number, declared_birth, declared_sex, declared_nationality, today)
            number = check.number
            birth = check.birth_date or declared_birth
            sex = check.sex or declared_sex
            nationality = declared_nationality or nationality_from(id_type, check.number, check.nationality)
        except RowProblem as problem:
            problems.append(problem)
        except ValidationError as error:
            problems.append(
                RowProblem(_FIELD_TO_COLUMN.get(error.field or "", "owner_id_number"), *_texts(error))
            )
    if number and birth is None:
        problems.append(
            column_problem(
                "owner_birth_date",
                "该证件号码不含出生日期，请填写",
                "no birth date in this number: fill it in",
            )
        )
    if number and nationality is None:
        problems.append(
            column_problem(
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
        floor=floor if floor is not None else floor_of_room(room_number),
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
