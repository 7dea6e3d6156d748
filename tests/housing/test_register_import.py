"""The housing-record import: good rows in, bad rows reported by line and column, a second
import of the same file changes nothing, and a file that is no table changes nothing at all."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.crypto import decrypt
from shared.core.errors import DomainError
from shared.core.table_columns import columns_markdown
from shared.housing.people import find_person_by_id_number
from shared.housing.register_import import COLUMNS, ImportReport, import_housing
from shared.models import AuditLog, Base, Building, DoorPlate, Person, PersonCategory, RecordStatus, Room
from tests.factories import (
    HOUSING_HEADERS_ZH,
    HOUSING_OWNER_ID,
    housing_row,
    make_building,
    make_id_number,
    make_organisation,
    make_person,
    make_plate,
    make_room,
    make_street,
    table_csv,
    table_xlsx,
    wrong_check_digit,
)

TODAY = date(2026, 3, 1)
OWNER_ID = HOUSING_OWNER_ID
MIGRANT_ID = make_id_number("430102", "19850601", "042")  # Changsha, female
HEADERS_ZH = list(HOUSING_HEADERS_ZH)
HEADERS_EN = ["plate code", "building name", "room number", "floor", "area", "use", "rental", "owner name",
              "owner id number", "owner phone"]  # fmt: skip
good, csv_bytes, xlsx_bytes = housing_row, table_csv, table_xlsx


@pytest.fixture
def plates(session: Session) -> dict[str, DoorPlate]:
    street = make_street(session, name="麻涌大道")
    found = {
        "a": make_plate(session, code="P-A", street=street, number="1"),
        "b": make_plate(session, code="P-B", street=street, number="2"),
        "old": make_plate(session, code="P-OLD", street=street, number="3", status=RecordStatus.RETIRED),
    }
    session.commit()
    return found


def run(session: Session, data: bytes, filename: str = "register.csv") -> ImportReport:
    report = import_housing(session, data=data, filename=filename, actor="officer1", today=TODAY)
    session.commit()
    return report


def table_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
    }


def test_good_rows_create_building_rooms_and_an_owner_findable_by_blind_index(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    rows = [good(), good(房号="302", 是否出租="否"), good(房号="101", 用途="02", 面积="")]
    report = run(session, csv_bytes(rows))
    assert report.errors == []
    assert (report.rows_read, report.rows_imported) == (3, 3)
    assert (report.rooms.created, report.buildings.created, report.owners.created) == (3, 1, 1)
    building = session.scalars(select(Building)).one()
    assert (building.plate_code, building.floors, building.use, building.structure) == ("P-A", 3, "06", "6")
    rooms = {r.number: r for r in session.scalars(select(Room))}
    assert (rooms["301"].floor, rooms["301"].area_m2, rooms["301"].is_rental) == (3, 35.5, True)
    assert (rooms["302"].is_rental, rooms["101"].use, rooms["101"].area_m2) == (False, "02", None)
    owner = find_person_by_id_number(session, id_type="01", id_number=OWNER_ID)
    assert owner is not None and building.owner_person_id == owner.id
    assert OWNER_ID.encode() not in owner.id_number_enc and decrypt(owner.id_number_enc) == OWNER_ID
    assert (owner.name, owner.sex, owner.birth_date) == ("陈大文", "1", date(1970, 3, 15))
    assert owner.category is PersonCategory.LOCAL and owner.phone_enc is not None
    assert decrypt(owner.phone_enc) == "+8613800138000"


def test_english_headers_codes_and_flags_are_understood(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    cells = ["P-B", "Block 2", "0502", "5", "20", "Residential", "Y", "Li Na", MIGRANT_ID, ""]
    row = dict(zip(HEADERS_EN, cells, strict=True))
    report = run(session, csv_bytes([row]))
    assert report.errors == [] and report.rooms.created == 1
    room = session.scalars(select(Room)).one()
    assert (room.number, room.floor, room.is_rental, room.building.name) == ("0502", 5, True, "Block 2")
    owner = session.scalars(select(Person)).one()
    assert (owner.category, owner.sex, owner.phone_enc) == (PersonCategory.MIGRANT, "2", None)


BAD_ROWS = [
    ("unknown plate", {"门牌编码": "P-NOPE"}, "门牌编码", "P-NOPE 不存在",
     "plate code P-NOPE does not exist"),
    ("retired plate", {"门牌编码": "P-OLD"}, "门牌编码", "已停用", "is retired"),
    ("bad id check digit", {"业主证件号码": wrong_check_digit(OWNER_ID)},
     "业主证件号码", "校验位错误", "check character is wrong"),
    ("bad phone", {"业主电话": "12345"}, "业主电话", "电话号码无效", "not a valid number"),
    ("bad use", {"用途": "游乐场"}, "用途", "“游乐场”无效", "'游乐场' is not valid"),
    ("bad rental flag", {"是否出租": "maybe"}, "是否出租", "请填 是 或 否", "use yes or no"),
    ("missing room number", {"房号": ""}, "房号", "房号：不能为空", "room number: this field is required"),
    ("bad floor", {"楼层": "三楼半"}, "楼层", "不是楼层数", "is not a floor"),
    ("bad area", {"面积": "-3"}, "面积", "不是面积", "is not an area"),
    ("missing owner name", {"业主姓名": " "}, "业主姓名", "不能为空", "this field is required"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "column", "zh", "en"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS]
)
def test_a_bad_row_is_reported_with_line_column_and_reason(
    session: Session, plates: dict[str, DoorPlate], cells: dict[str, str], column: str, zh: str, en: str
) -> None:
    rows = [good(房号="201"), good(房号="202"), good(**{"房号": "203", **cells})]
    report = run(session, csv_bytes(rows, HEADERS_ZH))
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.line, error.column) == (4, column)
    assert zh in error.message_zh
    assert en in error.message_en
    assert report.rows_imported == 2
    assert sorted(session.scalars(select(Room.number))) == ["201", "202"]


def test_mixed_file_keeps_good_rows_and_lists_every_problem_of_a_bad_row(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    rows = [
        good(房号="101"),
        good(房号="", 是否出租="??"),
        good(门牌编码="P-B", 房号="101", 业主证件号码=MIGRANT_ID, 业主姓名="李娜"),
        good(房号="101"),
    ]
    report = run(session, csv_bytes(rows))
    assert [(e.line, e.column) for e in report.errors] == [(3, "房号"), (3, "是否出租"), (5, "房号")]
    assert "与第 2 行重复" in report.errors[2].message_zh and "repeats line 2" in report.errors[2].message_en
    assert report.rows_imported == 2 and report.counts()["rows_failed"] == 2
    assert session.scalar(select(func.count()).select_from(Room)) == 2


def test_importing_the_same_file_twice_changes_nothing(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    rows = [good(), good(房号="302", 楼层="3", 面积="12.25"),
            good(门牌编码="P-B", 业主证件号码=MIGRANT_ID, 业主姓名="李娜"),
            good(门牌编码="P-NOPE")]  # fmt: skip
    data = csv_bytes(rows)
    first = run(session, data)
    assert first.rooms.created == 3 and len(first.errors) == 1
    before = table_counts(session)
    second = run(session, data)
    after = table_counts(session)
    assert after == {**before, "audit_log": before["audit_log"] + 1}
    assert second.rooms.unchanged == 3 and second.rooms.created == second.rooms.updated == 0
    assert second.buildings.unchanged == 2 and second.buildings.changed == 0
    assert second.owners.unchanged == 2 and second.owners.changed == 0
    assert len(second.errors) == 1


def test_a_changed_register_updates_only_what_differs(session: Session, plates: dict[str, DoorPlate]) -> None:
    run(session, csv_bytes([good(), good(房号="302")]))
    phone = "0769-22345678"
    report = run(session, csv_bytes([good(是否出租="否", 业主电话=phone), good(房号="302", 业主电话=phone)]))
    assert (report.rooms.updated, report.rooms.unchanged) == (1, 1)
    assert (report.owners.updated, report.buildings.unchanged) == (1, 1)
    room = session.scalars(select(Room).where(Room.number == "301")).one()
    assert room.is_rental is False
    owner = session.scalars(select(Person)).one()
    assert owner.phone_enc is not None and decrypt(owner.phone_enc) == "+8676922345678"


def test_existing_building_and_owner_are_matched_not_duplicated(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    owner = make_person(session, name="陈大文", id_number=OWNER_ID)
    building = make_building(session, plate=plates["a"], name="1栋", owner=owner, floors=2)
    make_room(session, building=building, number="101", is_rental=False, area_m2=35.5)
    session.commit()
    report = run(session, csv_bytes([good(房号="101", 楼栋名称=""), good(房号="401", 楼栋名称="1 栋")]))
    assert report.errors == []
    assert (report.rooms.updated, report.rooms.created) == (1, 1)  # 101 became a rental
    assert report.buildings.updated == 1  # floors 2 → 4
    assert session.scalar(select(func.count()).select_from(Person)) == 1
    assert session.scalar(select(func.count()).select_from(Building)) == 1
    assert building.floors == 4


def test_a_plate_with_several_buildings_needs_the_building_name(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    make_building(session, plate=plates["a"], name="1栋")
    make_building(session, plate=plates["a"], name="2栋")
    session.commit()
    report = run(session, csv_bytes([good(), good(房号="302", 楼栋名称="3栋")]))
    assert [(e.line, e.column) for e in report.errors] == [(2, "楼栋名称")]
    assert "请填写楼栋名称" in report.errors[0].message_zh and "1栋、2栋" in report.errors[0].message_zh
    assert session.scalars(select(Room)).one().building.name == "3栋"


def test_one_building_has_one_owner(session: Session, plates: dict[str, DoorPlate]) -> None:
    report = run(session, csv_bytes([good(), good(房号="302", 业主证件号码=MIGRANT_ID, 业主姓名="李娜")]))
    assert [(e.line, e.column) for e in report.errors] == [(3, "业主证件号码")]
    assert "第 2 行" in report.errors[0].message_zh
    assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_passport_owner_needs_birth_date_and_nationality(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    headers = [*HEADERS_ZH, "业主证件类型", "业主出生日期", "业主国籍", "业主性别"]
    passport = {"业主证件类型": "护照", "业主证件号码": "e1234567"}
    rows = [
        good(**passport),
        good(房号="302", **passport, 业主出生日期="1990/5/6"),
        good(
            门牌编码="P-B",
            **passport,
            业主出生日期="1990-05-06",
            业主国籍="KOR",
            业主性别="F",
            业主姓名="KIM Minji",
        ),
    ]
    report = run(session, csv_bytes(rows, headers))
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "业主出生日期"),
        (2, "业主国籍"),
        (3, "业主国籍"),
    ]
    person = session.scalars(select(Person)).one()
    assert (person.id_type, person.nationality, person.sex, person.birth_date) == (
        "04",
        "KOR",
        "2",
        date(1990, 5, 6),
    )
    assert person.category is PersonCategory.FOREIGN and decrypt(person.id_number_enc) == "E1234567"


def test_xlsx_with_numbers_in_cells_is_read_like_the_user_sees_it(
    session: Session, plates: dict[str, DoorPlate], tmp_path: Path
) -> None:
    path = tmp_path / "登记.xlsx"
    path.write_bytes(
        xlsx_bytes([
            [],
            HEADERS_ZH,
            ["P-A", None, 301, 3, 35.5, 1, "是", "陈大文", OWNER_ID, 13800138000],
            ["P-A", None, 302, None, None, "01", 0, "陈大文", OWNER_ID, None],
            ["P-B", None, 101, None, None, "01", 0, "李娜", float(MIGRANT_ID), None],
        ])
    )  # fmt: skip
    report = import_housing(session, path=path, actor="officer1", today=TODAY)
    assert report.filename == "登记.xlsx"
    assert [(e.line, e.column) for e in report.errors] == [(5, "业主证件号码")]
    assert "文本" in report.errors[0].message_zh and "Text" in report.errors[0].message_en
    assert sorted(session.scalars(select(Room.number))) == ["301", "302"]


def test_gb18030_csv_from_chinese_excel(session: Session, plates: dict[str, DoorPlate]) -> None:
    report = run(session, csv_bytes([good(), good(房号="302")], encoding="gb18030"))
    assert report.errors == [] and report.rooms.created == 2
    assert session.scalars(select(Person)).one().name == "陈大文"


def test_utf16_tab_separated_text_from_excel(session: Session, plates: dict[str, DoorPlate]) -> None:
    text = "\t".join(HEADERS_ZH) + "\r\n" + "\t".join(good().values()) + "\r\n"
    report = run(session, text.encode("utf-16"), filename="register.txt")
    assert report.errors == [] and report.rooms.created == 1


def test_semicolon_csv_and_utf8_without_bom(session: Session, plates: dict[str, DoorPlate]) -> None:
    text = ";".join(HEADERS_ZH) + "\n" + ";".join(good().values()) + "\n"
    report = run(session, text.encode("utf-8"))
    assert report.errors == [] and report.rooms.created == 1


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


ZIP_OF_TEXT = _zip_of_text()
NOT_IMPORTABLE = [
    ("random bytes", bytes(range(256)) * 4, "不是文本表格", "not a text table"),
    ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF", "a PDF file"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG", "a PNG image"),
    ("broken xlsx", b"PK\x03\x04 not really a zip", "XLSX", "not a valid XLSX workbook"),
    ("zip of other things", ZIP_OF_TEXT, "XLSX", "another kind of ZIP file"),
    ("empty", b"", "文件是空的", "the file is empty"),
    ("blank lines", b"\r\n\r\n  \n", "文件是空的", "the file is empty"),
    ("header only", ",".join(HEADERS_ZH).encode(), "只有表头", "no data rows"),
    ("wrong columns", "门牌编码,房号,备注\nP-A,301,x\n".encode(),
     "缺少必需的列：用途、是否出租、业主姓名、业主证件号码、业主电话",
     "required columns missing: use, rental, owner name, owner id number, owner phone"),
    ("plain text", b"Dear officer,\nplease find the register attached.\n", "缺少必需的列：门牌编码",
     "plate code"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "zh", "en"), [n[1:] for n in NOT_IMPORTABLE], ids=[n[0] for n in NOT_IMPORTABLE]
)
def test_a_file_that_is_not_a_usable_table_is_refused_and_changes_nothing(
    session: Session, plates: dict[str, DoorPlate], data: bytes, zh: str, en: str
) -> None:
    before = table_counts(session)
    with pytest.raises(DomainError) as caught:
        import_housing(session, data=data, filename="upload.bin", actor="officer1", today=TODAY)
    session.commit()
    assert zh in caught.value.message_zh and "upload.bin" in caught.value.message_zh
    assert en in caught.value.message_en
    assert table_counts(session) == before


def test_empty_xlsx_and_header_only_xlsx_are_refused(session: Session, plates: dict[str, DoorPlate]) -> None:
    with pytest.raises(DomainError, match="sheet is empty"):
        import_housing(session, data=xlsx_bytes([]), filename="a.xlsx", actor="o", today=TODAY)
    with pytest.raises(DomainError, match="no data rows"):
        import_housing(session, data=xlsx_bytes([HEADERS_EN]), filename="a.xlsx", actor="o", today=TODAY)


def test_missing_file_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="File not found"):
        import_housing(session, path=tmp_path / "nope.csv", actor="o", today=TODAY)


def test_one_audit_entry_per_import_with_counts_and_no_personal_data(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    run(session, csv_bytes([good(), good(房号="302"), good(门牌编码="P-NOPE")]))
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.actor, entry.action, entry.target_type, entry.target_id) == (
        "officer1", "import.housing", "file", "register.csv"
    )  # fmt: skip
    assert entry.detail["rows_read"] == 3 and entry.detail["rooms"]["created"] == 2
    assert entry.detail["rows_failed"] == 1
    text = json.dumps(entry.detail, ensure_ascii=False)
    for secret in (OWNER_ID, "陈大文", "13800138000", OWNER_ID[-6:]):
        assert secret not in text


def test_progress_is_reported_per_row(session: Session, plates: dict[str, DoorPlate]) -> None:
    seen: list[tuple[int, int]] = []
    import_housing(
        session, data=csv_bytes([good(), good(房号="302")]), filename="r.csv", actor="o", today=TODAY,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen == [(1, 2), (2, 2)]


def test_columns_table_documents_every_column_in_both_languages() -> None:
    table = columns_markdown(COLUMNS)
    for column in COLUMNS:
        assert f"| {column.zh} | {column.en} |" in table


def test_rows_naming_one_owner_differently_are_reported(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    report = run(
        session,
        csv_bytes([good(), good(房号="302", 业主姓名="陈小文"), good(房号="303", 业主电话="13900139000")]),
    )
    assert [(e.line, e.column) for e in report.errors] == [(3, "业主姓名"), (4, "业主电话")]
    assert "第 2 行" in report.errors[0].message_zh and "line 2" in report.errors[1].message_en


def test_a_retired_room_is_not_revived(session: Session, plates: dict[str, DoorPlate]) -> None:
    building = make_building(session, plate=plates["a"])
    make_room(session, building=building, number="301", status=RecordStatus.RETIRED)
    session.commit()
    report = run(session, csv_bytes([good()]))
    assert [(e.line, e.column) for e in report.errors] == [(2, "房号")]
    assert "is retired in the records" in report.errors[0].message_en


def test_the_register_owner_replaces_an_organisation_owner(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    org = make_organisation(session, plate=plates["a"])
    building = make_building(session, plate=plates["a"], owner_org=org)
    session.commit()
    report = run(session, csv_bytes([good()]))
    assert report.buildings.updated == 1 and report.owners.created == 1
    session.refresh(building)
    assert building.owner_org_id is None and building.owner_person is not None
    assert building.owner_person.name == "陈大文"


def test_numbers_only_plate_code_hints_at_excel_dropping_zeros(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    report = run(session, csv_bytes([good(门牌编码="10010001")]))
    assert "leading zeros" in report.errors[0].message_en and "文本格式" in report.errors[0].message_zh


HK_ID = make_id_number("810000", "19800101", "011")  # 港澳台居民居住证 numbers: GB 11643 layout
MACAO_ID = make_id_number("820000", "19850202", "022")
TAIWAN_ID = make_id_number("830000", "19900303", "033")


def test_a_blank_document_type_with_a_hong_kong_macao_or_taiwan_region_is_a_residence_permit(
    session: Session, plates: dict[str, DoorPlate]
) -> None:
    rows = [
        good(楼栋名称="1栋", 业主证件类型="", 业主证件号码=HK_ID),
        good(楼栋名称="2栋", 业主证件类型="", 业主证件号码=f" {MACAO_ID[:6]} {MACAO_ID[6:]}"),
        good(楼栋名称="3栋", 业主证件类型="", 业主证件号码=TAIWAN_ID.lower()),
        good(楼栋名称="4栋", 业主证件类型=""),  # 441900…: a resident identity card
    ]
    report = run(session, csv_bytes(rows))
    assert report.errors == [] and report.rows_imported == 4
    owners = {decrypt(p.id_number_enc): p for p in session.scalars(select(Person))}
    assert {n: (p.id_type, p.nationality, p.category) for n, p in owners.items()} == {
        HK_ID: ("02", "HKG", PersonCategory.FOREIGN),
        MACAO_ID: ("02", "MAC", PersonCategory.FOREIGN),
        TAIWAN_ID: ("02", "TWN", PersonCategory.FOREIGN),
        OWNER_ID: ("01", "CHN", PersonCategory.LOCAL),
    }
    assert owners[TAIWAN_ID].birth_date == date(1990, 3, 3)


@pytest.mark.parametrize(
    ("typed", "number", "zh", "en"),
    [
        ("居民身份证", HK_ID, "地址码810000属于港澳台居民居住证，请选择该证件类型",
         "region code 810000 belongs to residence permits for Hong Kong, Macao and Taiwan residents"),
        ("01", TAIWAN_ID, "地址码830000属于港澳台居民居住证", "choose that document type"),
        ("港澳台居民居住证", OWNER_ID, "港澳台居民居住证号码以810000、820000或830000开头",
         "starts with 810000, 820000 or 830000"),
    ],
)  # fmt: skip
def test_a_typed_document_type_that_contradicts_the_number_is_refused_with_the_reason(
    session: Session, plates: dict[str, DoorPlate], typed: str, number: str, zh: str, en: str
) -> None:
    report = run(session, csv_bytes([good(业主证件类型=typed, 业主证件号码=number)]))
    assert report.rows_imported == 0
    [error] = report.errors
    assert (error.line, error.column) == (2, "业主证件号码")
    assert zh in error.message_zh and en in error.message_en
    assert session.scalars(select(Person)).all() == []
