"""租客名单上传: a landlord's XLSX/CSV list of tenants for a building with many rooms.

Every bad row is reported with its line, column and reason and the good rows are kept, so the
landlord fixes only what is wrong; a file that is no usable table (empty, a picture, wrong
columns) is refused as a whole. The page then submits one rental declaration with the good
tenants (`validate_rental` accepts the `TenantInput`s as they are). The template's first data
row is an example: rows whose room cell starts with 例 / e.g. are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.codes import code_list
from shared.core.errors import DomainError, ValidationError
from shared.core.table_columns import Column, match_columns
from shared.core.tables import TableRow, read_table
from shared.core.validate import excerpt
from shared.core.validate_ids import infer_id_type
from shared.declarations.fields import code_or, required_date
from shared.declarations.form_errors import FormErrors
from shared.declarations.forms import validate_person
from shared.declarations.inputs import MOVE_IN_AHEAD, TenantInput
from shared.housing.import_report import RowError
from shared.models import Building, RecordStatus, Room
from shared.self_service.submit import active_plate

__all__ = ["COLUMNS", "RowError", "UploadResult", "parse_tenant_upload", "tenant_template"]


def _column(key: str, zh: str, en: str, required: bool, aliases: tuple[str, ...], values: str) -> Column:
    # The template's headers are `房号（room number）`: accept them as well as either language.
    return Column(key, zh, en, required, (f"{zh}（{en}）", *aliases), values)


_REASONS = "、".join(c.zh for c in code_list("residence_reason"))
COLUMNS: tuple[Column, ...] = (
    _column("room_number", "房号", "room number", True, ("房间号", "户室号", "室号", "room"),
            "a room at this address, e.g. 301"),
    _column("building_name", "楼栋", "building", False, ("楼栋名称", "building name"),
            "only when several buildings at this address have the same room numbers"),
    _column("name", "姓名", "name", True, ("租客姓名", "tenant name"), "as on the document"),
    _column("sex", "性别", "sex", False, ("gender",), "男/女 or M/F; blank: read from the identity number"),
    _column("ethnicity", "民族", "ethnic group", False, ("ethnicity",),
            "汉, 壮, … (blank for foreign nationals)"),
    _column("birth_date", "出生日期", "birth date", False, ("date of birth",),
            "YYYY-MM-DD; blank: read from the identity number"),
    _column("id_type", "证件类型", "document type", False, ("id type",),
            "blank: 居民身份证, or 港澳台居民居住证 for a number starting 810000, 820000 or 830000"),
    _column("id_number", "证件号码", "document number", True, ("身份证号", "身份证号码", "id number"),
            "format the Excel column as text"),
    _column("nationality", "国籍", "nationality", False, (), "needed for passports, e.g. VNM or 越南"),
    _column("phone", "联系电话", "phone", True, ("电话", "手机", "手机号码", "phone number", "mobile"),
            "mobile or landline with area code; blank only for minors under 18"),
    _column("hukou_address", "户籍地址", "household-registration address", False,
            ("户籍地", "户口所在地", "hukou address"), "required for resident identity cards"),
    _column("education", "文化程度", "education", False, (), "大学本科, 高中, … (optional)"),
    _column("employer", "工作单位", "employer", False, ("单位", "服务处所"), "optional"),
    _column("move_in", "入住日期", "move-in date", True, ("入住时间", "move in"), "YYYY-MM-DD"),
    _column("reason", "居住事由", "reason for residence", False, ("暂住事由", "reason"),
            f"{_REASONS}; blank: 务工"),
)  # fmt: skip
_PERSON_KEYS = ("name", "sex", "ethnicity", "birth_date", "id_type", "id_number", "nationality", "phone",
                "hukou_address", "education", "employer")  # fmt: skip
_EXAMPLE = {
    "room_number": "例：301", "building_name": "", "name": "李梅", "sex": "女", "ethnicity": "汉",
    "birth_date": "1949-12-31", "id_type": "居民身份证", "id_number": "11010519491231002X", "nationality": "",
    "phone": "13800138000", "hukou_address": "北京市朝阳区", "education": "", "employer": "东莞某公司",
    "move_in": "2026-01-01", "reason": "务工",
}  # fmt: skip
_EXAMPLE_MARK = re.compile(r"^(例|示例|e\.?g\.?)", re.IGNORECASE)
_EXCEL_NUMBER = re.compile(r"\d(\.\d+)?e\+?\d+", re.IGNORECASE)
T = TypeVar("T")
_DEFAULT_REASON = "11"  # 务工: what most tenants in Mayong's rentals come for


@dataclass(frozen=True)
class UploadResult:
    """The good tenants, and every problem of the bad rows (line as in the file, header = 1)."""

    tenants: tuple[TenantInput, ...]
    errors: tuple[RowError, ...]
    rows_read: int

    @property
    def is_clean(self) -> bool:
        return not self.errors


def tenant_template(format: Literal["xlsx", "csv"]) -> bytes:
    """The file the page offers for download: headers in Chinese with English, one example row."""
    headers = [c.title() for c in COLUMNS]
    example = [_EXAMPLE[c.key] for c in COLUMNS]
    if format == "csv":
        out = io.StringIO()
        csv.writer(out).writerows([headers, example])
        return out.getvalue().encode("utf-8-sig")  # -sig: Excel opens it as UTF-8
    return _xlsx_template(headers, example)


def _xlsx_template(headers: list[str], example: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "租客 tenants"
    sheet.append(headers)
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.comment = Comment(
            f"{column.en}{' (required)' if column.required else ''}: {column.values}", "门牌"
        )
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.title()) * 1.6)
        # Text format keeps 18-digit numbers and leading zeros as typed.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parse_tenant_upload(
    session: Session, *, plate_code: str, data: bytes, filename: str, today: date
) -> UploadResult:
    """Read a landlord's tenant list for the rooms of this plate. Raises DomainError when the
    file is not a table, is empty or lacks required columns; row problems are returned."""
    plate = active_plate(session, plate_code)
    table = read_table(data=data, filename=filename)
    headers = match_columns(table, COLUMNS)
    rooms = _rooms_at(session, plate.code)
    if not rooms:
        raise DomainError(
            "该门牌地址下还没有登记房间，请联系网格员",
            "No rooms are recorded at this address yet; ask the grid officer",
        )
    tenants: list[TenantInput] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    rows_read = 0
    for row in table.rows:
        if _EXAMPLE_MARK.match(row.get(headers["room_number"]).strip()):
            continue
        rows_read += 1
        tenant, problems = _read_row(row, headers, rooms, today)
        if tenant is not None:
            key = (tenant.person.id_type, tenant.person.id_number)
            if key in seen:
                problems.append(
                    (
                        "id_number",
                        f"证件号码与第 {seen[key]} 行重复",
                        f"Document number: the same as on line {seen[key]}",
                    )
                )
                tenant = None
            else:
                seen[key] = row.line
        if tenant is not None:
            tenants.append(tenant)
        for column, zh, en in problems:
            errors.append(RowError(row.line, _header(headers, column), zh, en))
    return UploadResult(tuple(tenants), tuple(errors), rows_read)


Problem = tuple[str, str, str]  # column key, message zh, message en


def _read_row(
    row: TableRow, headers: dict[str, str | None], rooms: dict[str, list[tuple[str, int]]], today: date
) -> tuple[TenantInput | None, list[Problem]]:
    """One row checked in full: every problem of it at once."""
    problems: list[Problem] = []

    def cell(key: str) -> str:
        return unicodedata.normalize("NFKC", row.get(headers.get(key))).strip()

    room_id = _room(cell("room_number"), cell("building_name"), rooms, problems)
    raw = {key: cell(key) for key in _PERSON_KEYS}
    if not raw["id_type"]:  # a blank type is read from the number: 810000… is an HMT permit
        raw["id_type"] = infer_id_type(raw["id_number"])
    numeric = headers.get("id_number") in row.numeric
    mangled = bool(_EXCEL_NUMBER.fullmatch(raw["id_number"])) or (numeric and len(raw["id_number"]) >= 16)
    if mangled:
        problems.append((
            "id_number",
            "证件号码被 Excel 当成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写",
            "Document number: Excel stored it as a number and lost its last digits; "
            "format the column as Text and enter it again",
        ))  # fmt: skip
    person = None
    try:
        person = validate_person(raw, today=today, path="person")
    except FormErrors as failed:
        for error in failed.errors:
            column = error.field.removeprefix("person.")
            if not (mangled and column == "id_number"):  # already explained above
                problems.append((column, error.message_zh, error.message_en))
    move_in = _value(problems, "move_in", lambda: required_date("move_in", cell("move_in")))
    if move_in is not None and person is not None and move_in < person.birth_date:
        problems.append(
            ("move_in", "入住日期不能早于出生日期", "Move-in date: cannot be before the birth date")
        )
    if move_in is not None and move_in > today + MOVE_IN_AHEAD:
        problems.append(
            ("move_in", "入住日期不能晚于今天起30天", "Move-in date: cannot be more than 30 days from today")
        )
    reason = _value(
        problems, "reason", lambda: code_or("residence_reason", _DEFAULT_REASON)("reason", cell("reason"))
    )
    if problems or person is None or room_id is None or move_in is None or reason is None:
        return None, problems
    return TenantInput(room_id, person, move_in, reason), problems


def _value(problems: list[Problem], key: str, read: Callable[[], T]) -> T | None:
    try:
        return read()
    except ValidationError as error:
        problems.append((key, error.message_zh, error.message_en))
        return None


def _rooms_at(session: Session, plate_code: str) -> dict[str, list[tuple[str, int]]]:
    """Room number → (building name, room id) of the active rooms behind the plate."""
    rows = session.execute(
        select(Room.number, Building.name, Room.id)
        .join(Building, Room.building_id == Building.id)
        .where(
            Building.plate_code == plate_code,
            Building.status == RecordStatus.ACTIVE,
            Room.status == RecordStatus.ACTIVE,
        )
    ).all()
    rooms: dict[str, list[tuple[str, int]]] = {}
    for number, building, room_id in rows:
        rooms.setdefault(_room_key(number), []).append((building, room_id))
    return rooms


def _room_key(number: str) -> str:
    return (
        re.sub(r"\s+", "", unicodedata.normalize("NFKC", number))
        .removesuffix("室")
        .removesuffix("房")
        .upper()
    )


def _room(
    number: str, building: str, rooms: dict[str, list[tuple[str, int]]], problems: list[Problem]
) -> int | None:
    if not number:
        problems.append(("room_number", "房号不能为空", "Room number: this field is required"))
        return None
    found = rooms.get(_room_key(number), [])
    if building:
        found = [r for r in found if r[0] == building]
    if not found:
        known = "、".join(sorted(rooms)[:20])
        problems.append((
            "room_number" if not building else "building_name",
            f"该地址下没有房间“{excerpt(number)}”（已登记的房号：{known}）",
            f"Room number: there is no room {excerpt(number)!r} at this address (rooms recorded: {known})",
        ))  # fmt: skip
        return None
    if len(found) > 1:
        problems.append((
            "building_name",
            f"该地址有多栋楼都有房间“{number}”，请填写楼栋",
            f"Building: several buildings at this address have a room {number!r}; fill in the building",
        ))  # fmt: skip
        return None
    return found[0][1]


def _header(headers: dict[str, str | None], key: str) -> str:
    """The column as the file names it, else its Chinese name (a column the file lacks)."""
    return headers.get(key) or next((c.zh for c in COLUMNS if c.key == key), key)
