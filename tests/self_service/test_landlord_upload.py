"""A landlord's tenant list: good rows kept, every bad row reported by line, column and reason,
and a file that is no usable table refused as a whole."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.core.table_columns import columns_markdown
from shared.declarations.forms import validate_rental
from shared.declarations.store import payload_of
from shared.models import DoorPlate, RecordStatus
from shared.self_service.landlord_upload import COLUMNS, parse_tenant_upload, tenant_template
from shared.self_service.submit import submit_rental
from tests.factories import (
    make_building,
    make_id_number,
    make_plate,
    make_room,
    rental_fields,
    table_csv,
    table_xlsx,
    wrong_check_digit,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
HEADERS = ["房号", "姓名", "性别", "民族", "出生日期", "证件类型", "证件号码", "联系电话", "户籍地址",
           "工作单位", "入住日期", "居住事由"]  # fmt: skip
WANG = make_id_number("430102", "19900115", "011")
LI = make_id_number("450103", "19880808", "024")


def row(**cells: str) -> dict[str, str]:
    """One good row (王强 in room 301); override any cell by its Chinese header."""
    cells_in_order = ["301", "王强", "男", "汉", "", "居民身份证", WANG, "13800138000", "湖南省长沙市",
                      "某电子厂", "2026-10-01", "务工"]  # fmt: skip
    values = dict(zip(HEADERS, cells_in_order, strict=True))
    values.update(cells)
    return values


@pytest.fixture
def plate(session: Session) -> DoorPlate:
    plate = make_plate(session, code="4419001262000009")
    building = make_building(session, plate=plate)
    for number in ("301", "302", "401"):
        make_room(session, building=building, number=number, is_rental=True)
    make_room(session, building=building, number="501", status=RecordStatus.RETIRED)
    session.commit()
    return plate


def parse(session: Session, plate: DoorPlate, data: bytes, filename: str = "tenants.csv") -> Any:
    return parse_tenant_upload(session, plate_code=plate.code, data=data, filename=filename, today=TODAY)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_good_file_gives_its_tenants(session: Session, plate: DoorPlate, fmt: str) -> None:
    rows = [
        row(),
        row(**{"房号": "302室", "姓名": "李娜", "性别": "", "证件号码": LI.lower(), "居住事由": ""}),
    ]
    if fmt == "csv":
        data = table_csv(rows)
    else:
        data = table_xlsx([HEADERS, *[[r[h] for h in HEADERS] for r in rows]])
    result = parse(session, plate, data, f"tenants.{fmt}")
    assert result.errors == () and result.rows_read == 2
    assert [(t.person.name, t.person.id_number, t.person.sex, t.reason) for t in result.tenants] == [
        ("王强", WANG, "1", "11"),
        ("李娜", LI, "2", "11"),
    ]
    assert result.tenants[0].move_in == date(2026, 10, 1)
    assert result.tenants[0].person.birth_date == date(1990, 1, 15)


def test_bad_rows_are_reported_and_good_rows_kept(session: Session, plate: DoorPlate) -> None:
    rows = [
        row(),
        row(**{"房号": "999", "证件号码": LI, "性别": "女"}),
        row(**{"证件号码": wrong_check_digit(WANG), "入住日期": "明天"}),
        row(**{"证件号码": LI, "性别": "", "联系电话": "", "民族": "火星"}),
        row(),  # 王强 again
        row(**{"房号": "501", "证件号码": make_id_number("110105", "19700101", "013")}),  # retired room
    ]
    result = parse(session, plate, table_csv(rows))
    assert [t.person.id_number for t in result.tenants] == [WANG]
    assert [(e.line, e.column) for e in result.errors] == [
        (3, "房号"),
        (4, "证件号码"),
        (4, "入住日期"),
        (5, "民族"),
        (5, "联系电话"),
        (6, "证件号码"),
        (7, "房号"),
    ]
    messages = {(e.line, e.column): (e.message_zh, e.message_en) for e in result.errors}
    assert messages[(3, "房号")][0].startswith("该地址下没有房间“999”（已登记的房号：301、302、401）")
    assert messages[(4, "证件号码")] == (
        "证件号码有误，请逐位核对（校验位错误）",
        "Identity number: a digit is wrong, please check each one (the check character is wrong)",
    )
    assert messages[(4, "入住日期")][1] == "Move-in date: '明天' is not a date (YYYY-MM-DD)"
    assert messages[(6, "证件号码")] == ("证件号码与第 2 行重复", "Document number: the same as on line 2")
    assert result.rows_read == 6


def test_a_blank_hukou_is_the_region_the_number_names(session: Session, plate: DoorPlate) -> None:
    # As the form does: a landlord's list need not repeat what the number says, and a row with a
    # wrong number is not sent back twice (once for the number, then for the 户籍 it would give).
    wrong = wrong_check_digit(WANG)
    result = parse(session, plate, table_csv([row(户籍地址=""), row(户籍地址="", 证件号码=wrong)]))
    assert [t.person.hukou_address for t in result.tenants] == ["湖南省 长沙市 芙蓉区"]
    assert [(e.line, e.column) for e in result.errors] == [(3, "证件号码")]


def test_excel_mangled_numbers_are_explained(session: Session, plate: DoorPlate) -> None:
    data = table_xlsx([HEADERS, [row()[h] if h != "证件号码" else 4.30102199001150e17 for h in HEADERS]])
    result = parse(session, plate, data, "tenants.xlsx")
    assert [(e.line, e.column) for e in result.errors] == [(2, "证件号码")]
    assert "Excel" in result.errors[0].message_zh


def test_the_template_lists_every_column_and_its_example_row_is_skipped(
    session: Session, plate: DoorPlate
) -> None:
    for fmt in ("csv", "xlsx"):
        result = parse(session, plate, tenant_template(fmt), f"template.{fmt}")  # type: ignore[arg-type]
        assert (result.tenants, result.errors, result.rows_read) == ((), (), 0)
    sheet = load_workbook(io.BytesIO(tenant_template("xlsx"))).active
    assert sheet is not None
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.title() for c in COLUMNS]
    assert headers[0] == "房号（room number）"
    assert sheet["A1"].comment is not None and "required" in sheet["A1"].comment.text
    assert "| 证件号码 | document number | yes |" in columns_markdown(COLUMNS)


def test_a_filled_in_template_is_read_with_its_bilingual_headers(session: Session, plate: DoorPlate) -> None:
    sheet_rows = [[c.title() for c in COLUMNS]]
    values = {"room_number": "401", "name": "王强", "id_number": WANG, "phone": "13800138000",
              "ethnicity": "汉", "hukou_address": "湖南", "move_in": "2026-11-01"}  # fmt: skip
    sheet_rows.append([values.get(c.key, "") for c in COLUMNS])
    result = parse(session, plate, table_xlsx(sheet_rows), "filled.xlsx")
    assert result.errors == () and [t.person.name for t in result.tenants] == ["王强"]


@pytest.mark.parametrize(
    ("data", "zh", "en"),
    [
        (b"", "文件是空的", "the file is empty"),
        ("房号,姓名\n".encode(), "只有表头", "header row but no data rows"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "这是PNG 图片，不是表格", "this is a PNG image, not a table"),
        ("房号,姓名,备注\n301,王强,x\n".encode(), "缺少必需的列：证件号码、联系电话、入住日期",
         "required columns missing: document number, phone, move-in date"),
    ],
    ids=["empty", "header only", "png", "wrong columns"],
)  # fmt: skip
def test_a_file_that_is_no_usable_table_is_refused(
    session: Session, plate: DoorPlate, data: bytes, zh: str, en: str
) -> None:
    with pytest.raises(DomainError) as caught:
        parse(session, plate, data)
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en


def test_a_5000_row_file_is_read_in_full(session: Session, plate: DoorPlate) -> None:
    sheet_rows: list[list[Any]] = [HEADERS]
    for n in range(5000):
        number = make_id_number("430102", f"{1970 + n % 30}0{1 + n % 9}1{n % 9}", f"{n % 1000:03d}")
        sheet_rows.append([("301", "302", "401")[n % 3], f"租客{n}", "", "汉", "", "", number,
                           f"138{n:08d}", "湖南", "", "2026-10-01", "务工"])  # fmt: skip
    result = parse(session, plate, table_xlsx(sheet_rows), "big.xlsx")
    assert result.rows_read == 5000
    duplicates = {e.line for e in result.errors}
    assert len(result.tenants) + len(duplicates) == 5000
    assert all(e.message_en.startswith("Document number: the same as on line") for e in result.errors)


def test_the_good_tenants_go_into_one_rental_declaration(session: Session, plate: DoorPlate) -> None:
    result = parse(
        session,
        plate,
        table_csv([row(), row(**{"房号": "302", "证件号码": LI, "姓名": "李娜", "性别": "女"})]),
    )
    data = validate_rental(rental_fields([], tenants=list(result.tenants)), today=TODAY)
    rental = submit_rental(session, plate_code=plate.code, data=data, idempotency_key="upload-1", now=NOW)
    session.commit()
    payload = payload_of(rental)
    assert len(payload["room_ids"]) == 2
    assert [t["person"]["name"] for t in payload["tenants"]] == ["王强", "李娜"]


def test_an_upload_to_a_retired_plate_is_refused(session: Session, plate: DoorPlate) -> None:
    plate.status = RecordStatus.RETIRED
    session.commit()
    with pytest.raises(DomainError, match="retired"):
        parse(session, plate, table_csv([row()]))


HK_TENANT = make_id_number("810000", "19920505", "017")  # 港澳台居民居住证: GB 11643 layout


def test_a_blank_document_type_with_a_hong_kong_region_is_a_residence_permit(
    session: Session, plate: DoorPlate
) -> None:
    rows = [
        row(**{"证件类型": "", "证件号码": HK_TENANT, "户籍地址": "", "民族": ""}),
        row(**{"房号": "302", "姓名": "李娜", "性别": "", "证件类型": "", "证件号码": LI}),
    ]
    result = parse(session, plate, table_csv(rows))
    assert result.errors == ()
    assert [(t.person.id_number, t.person.id_type, t.person.nationality) for t in result.tenants] == [
        (HK_TENANT, "02", "HKG"),
        (LI, "01", "CHN"),
    ]
    assert result.tenants[0].person.birth_date == date(1992, 5, 5)


def test_a_typed_document_type_that_contradicts_the_number_is_refused_with_the_reason(
    session: Session, plate: DoorPlate
) -> None:
    result = parse(session, plate, table_csv([row(**{"证件类型": "居民身份证", "证件号码": HK_TENANT})]))
    assert result.tenants == ()
    [error] = result.errors
    assert (error.line, error.column) == (2, "证件号码")
    assert "地址码810000属于港澳台居民居住证，请选择该证件类型" in error.message_zh
    assert "belongs to residence permits for Hong Kong, Macao and Taiwan residents" in error.message_en
