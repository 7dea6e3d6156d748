"""One cell of a housing register: what it may hold, read into a checked value or refused.

Each reader raises `RowProblem` naming its column, with the reason in Chinese and English;
`shared.housing.rows` puts the readers together into a row.
"""

from __future__ import annotations

import re
from datetime import date

from shared.core.codes import code_list, find_code
from shared.core.validate import (
    ID_FOREIGNER_PERMANENT,
    ID_HK_MACAO_PERMIT,
    ID_HMT_RESIDENCE_PERMIT,
    ID_PASSPORT,
    ID_RESIDENT,
    ID_TAIWAN_PERMIT,
    excerpt,
    validate_birth_date,
)
from shared.core.validate_ids import ISO_NUMERIC
from shared.core.validate_text import has_hidden_chars
from shared.housing.columns import COLUMNS_BY_KEY

_RENTAL_FLAGS = {
    **dict.fromkeys(("是", "yes", "y", "1", "true", "出租"), True),
    **dict.fromkeys(("否", "no", "n", "0", "false", "不出租", "未出租"), False),
}
_NATIONALITY_BY_REGION = {"810000": "HKG", "820000": "MAC", "830000": "TWN"}
_ALPHA3_BY_NUMERIC = {numeric: alpha for alpha, numeric in ISO_NUMERIC.items()}
_EXCEL_NUMBER = re.compile(r"\d(\.\d+)?e\+?\d+", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")
MIN_FLOOR, MAX_FLOOR = -5, 200
MAX_AREA_M2 = 100_000


class RowProblem(Exception):
    """One reason a row cannot be imported, and the column it concerns."""

    def __init__(self, column: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.column = column
        self.message_zh = message_zh
        self.message_en = message_en


def column_problem(key: str, zh: str, en: str) -> RowProblem:
    column = COLUMNS_BY_KEY[key]
    return RowProblem(key, f"{column.zh}：{zh}", f"{column.en}: {en}")


def required(key: str, text: str, max_len: int | None = None) -> str:
    if not text:
        raise column_problem(key, "不能为空", "this field is required")
    return limited(key, text, max_len) if max_len else text


def limited(key: str, text: str, max_len: int) -> str:
    if len(text) > max_len:
        raise column_problem(key, f"不能超过 {max_len} 个字符", f"at most {max_len} characters")
    return text


def visible(key: str, text: str) -> str:
    """A cell without control or invisible characters (line breaks pass, to become spaces):
    refused as in names (validate.has_hidden_chars says why)."""
    if has_hidden_chars(text, line_breaks=True):
        raise column_problem(key, "含有控制字符或不可见字符", "contains control or invisible characters")
    return text


def read_room_number(text: str) -> str:
    number = re.sub(r"\s+", "", visible("room_number", text)).removesuffix("室").removesuffix("房")
    return required("room_number", number, 20)


def read_floor(text: str) -> int | None:
    if not text:
        return None
    digits = re.sub(r"(层|楼|f)$", "", text, flags=re.IGNORECASE)
    # At most 6 digits: int() of thousands of them raises instead of giving a number to refuse.
    if not re.fullmatch(r"-?\d{1,6}", digits) or not MIN_FLOOR <= int(digits) <= MAX_FLOOR:
        raise column_problem(
            "floor",
            f"“{excerpt(text)}”不是楼层数（{MIN_FLOOR} 至 {MAX_FLOOR} 的整数）",
            f"{excerpt(text)!r} is not a floor (a whole number from {MIN_FLOOR} to {MAX_FLOOR})",
        )
    return int(digits)


def floor_of_room(number: str) -> int:
    """Chinese room numbers put the floor before the last two digits: 301 → 3, 1203 → 12."""
    digits = re.search(r"(\d+)$", number)
    if digits is None or len(digits.group(1)) < 3:
        return 1
    return max(min(int(digits.group(1)[:-2]), MAX_FLOOR), 1)


def read_area(text: str) -> float | None:
    if not text:
        return None
    value = re.sub(r"(㎡|m2|m²|平方米|平米)$", "", text, flags=re.IGNORECASE).strip()
    try:
        area = float(value)
    except ValueError:
        area = -1.0
    if not 0 < area <= MAX_AREA_M2:
        raise column_problem(
            "area_m2",
            f"“{excerpt(text)}”不是面积（平方米，大于 0）",
            f"{excerpt(text)!r} is not an area (square metres, above 0)",
        )
    return round(area, 2)


def read_code(key: str, list_name: str, text: str) -> str:
    found = find_code(list_name, required(key, text))
    if found is None:
        choices_zh = "、".join(f"{c.code} {c.zh}" for c in code_list(list_name)[:12])
        choices_en = ", ".join(f"{c.code} {c.en}" for c in code_list(list_name)[:12])
        more = "…" if len(code_list(list_name)) > 12 else ""
        raise column_problem(
            key,
            f"“{excerpt(text)}”无效，可填：{choices_zh}{more}",
            f"{excerpt(text)!r} is not valid; use one of: {choices_en}{more}",
        )
    return found.code


def read_rental(text: str) -> bool:
    flag = _RENTAL_FLAGS.get(required("is_rental", text).casefold())
    if flag is None:
        raise column_problem(
            "is_rental",
            f"“{excerpt(text)}”无效，请填 是 或 否",
            f"{excerpt(text)!r} is not valid; use yes or no (是/否, Y/N, 1/0)",
        )
    return flag


def read_birth_date(text: str, today: date) -> date | None:
    if not text:
        return None
    match = _DATE.fullmatch(text.split(" ")[0])
    try:
        if match is None:
            raise ValueError(text)
        year, month, day = (int(g) for g in match.groups() if g is not None)
        born = date(year, month, day)
    except ValueError:
        raise column_problem(
            "owner_birth_date",
            f"“{excerpt(text)}”不是日期（YYYY-MM-DD）",
            f"{excerpt(text)!r} is not a date (YYYY-MM-DD)",
        ) from None
    return validate_birth_date(born, today=today)


def refuse_excel_number(text: str, *, numeric: bool) -> None:
    """Excel turns an 18-digit number into a float and loses its last digits for good."""
    if _EXCEL_NUMBER.fullmatch(text) or (numeric and len(text) >= 16):
        raise column_problem(
            "owner_id_number",
            "Excel 把号码当成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            "Excel stored the number as a number and lost its last digits; format the column as Text and "
            "enter it again",
        )


def nationality_from(id_type: str, number: str, encoded: str | None) -> str | None:
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
