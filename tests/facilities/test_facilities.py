"""实有设施: the departments' upload (good rows in, bad rows reported by line and column, a file
that is no usable table changes nothing, the same file twice adds nothing), and editing,
retiring and listing one facility."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError, ValidationError
from shared.core.table_columns import columns_markdown
from shared.facilities.records import FacilityView, list_facilities, retire_facility, update_facility
from shared.facilities.rows import COLUMNS
from shared.facilities.template import TEMPLATE_KEYS, facility_template
from shared.facilities.upload import ImportReport, import_facilities
from shared.models import AuditLog, Base, DoorPlate, Facility, Grid, RecordStatus, Village
from tests.factories import (
    FACILITY_HEADERS_ZH,
    facility_row,
    make_facility,
    make_grid_area,
    make_plate,
    make_street,
    make_village,
    table_csv,
    table_xlsx,
)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HEADERS = list(FACILITY_HEADERS_ZH)
HEADERS_EN = ["group", "subtype", "name", "longitude", "latitude", "plate code", "department", "phone"]
good = facility_row


class Town:
    """麻一村 with grid A (113.57–113.59 E) and 新基村 with grid B (113.59–113.61 E), both
    23.04–23.06 N; plate 2000010001 in grid A, plate 2000010002 retired for it."""

    def __init__(self, session: Session) -> None:
        self.ma1 = make_village(session, code="441900126200", name="麻一村")
        self.xinji = make_village(session, code="441900126206", name="新基村")
        self.grid_a = make_grid_area(
            session, village=self.ma1, code="G-A", west=113.57, south=23.04, east=113.59, north=23.06
        )
        self.grid_b = make_grid_area(
            session, village=self.xinji, code="G-B", west=113.59, south=23.04, east=113.61, north=23.06
        )
        street = make_street(session, village=self.ma1, name="麻涌大道")
        self.plate = make_plate(
            session, code="2000010001", street=street, number="1", grid=self.grid_a, lon=113.575, lat=23.045
        )
        self.old_plate = make_plate(
            session, code="2000010002", street=street, number="2", status=RecordStatus.RETIRED
        )
        self.old_plate.successor_code = self.plate.code
        session.commit()


@pytest.fixture
def town(session: Session) -> Town:
    return Town(session)


def run(session: Session, data: bytes, filename: str = "facilities.csv") -> ImportReport:
    report = import_facilities(session, data=data, filename=filename, actor="dept1", now=NOW)
    session.commit()
    return report


def facilities(session: Session) -> dict[str, Facility]:
    return {f.name: f for f in session.scalars(select(Facility))}


def names(views: list[FacilityView]) -> list[str]:
    return [v.name for v in views]


def table_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in Base.metadata.sorted_tables
    }


# -- good files ------------------------------------------------------------------------------------


def test_good_csv_rows_are_registered_with_grid_from_polygon_or_plate(session: Session, town: Town) -> None:
    rows = [
        good(),
        good(设施名称="麻涌大道1号电力", 设施大类="房屋配套", 设施小类="电力", 经度="", 纬度="",
             门牌编码="2000010001", 责任部门="麻涌供电所", 联系电话="13800138000"),
        good(设施名称="新基公交站", 设施大类="Road traffic", 设施小类="bus stop", 经度="113.6", 纬度="23.05"),
        good(设施名称="江边路灯", 设施大类="3", 设施小类="303", 经度="113.52", 纬度="23.0"),
    ]  # fmt: skip
    report = run(session, table_csv(rows))
    assert report.errors == []
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (4, 4, 0, 0)
    found = facilities(session)
    hydrant = found["麻一村消火栓1号"]
    assert (hydrant.category, hydrant.subtype, hydrant.lon, hydrant.lat) == ("1", "102", 113.581, 23.051)
    assert (hydrant.grid_code, hydrant.plate_code, hydrant.status) == ("G-A", None, RecordStatus.ACTIVE)
    assert (hydrant.department, hydrant.phone, hydrant.created_at) == ("麻涌消防大队", "+8676988220119", NOW)
    power = found["麻涌大道1号电力"]
    assert (power.category, power.subtype, power.plate_code) == ("5", "503", "2000010001")
    assert (power.lon, power.lat, power.grid_code, power.phone) == (113.575, 23.045, "G-A", "+8613800138000")
    assert (found["新基公交站"].subtype, found["新基公交站"].grid_code) == ("203", "G-B")
    assert found["江边路灯"].grid_code is None  # in town, but in no grid drawn


def test_import_is_audited_with_counts_and_created_ids(session: Session, town: Town) -> None:
    run(session, table_csv([good(), good(设施名称="二号", 经度="113.582")]))
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "import.facilities")).one()
    assert (entry.actor, entry.target_type, entry.at) == ("dept1", "file", NOW)
    assert entry.detail["filename"] == "facilities.csv" and len(entry.detail["sha256"]) == 64
    assert (entry.detail["created"], entry.detail["rows_failed"]) == (2, 0)
    assert sorted(entry.detail["created_ids"]) == sorted(f.id for f in facilities(session).values())


def test_xlsx_with_english_headers_and_numbers_as_excel_keeps_them(session: Session, town: Town) -> None:
    data = table_xlsx(
        [
            HEADERS_EN,
            [1, 101, "Camera 1", 113.58, 23.05, None, "Police", "0769-22345678"],
            ["Public culture", "Park", "River park", None, None, 2000010001, "Culture", "0769-22345679"],
        ]
    )
    report = run(session, data, "facilities.xlsx")
    assert report.errors == [] and report.created == 2
    found = facilities(session)
    assert (found["Camera 1"].subtype, found["Camera 1"].grid_code) == ("101", "G-A")
    assert (found["River park"].subtype, found["River park"].plate_code) == ("404", "2000010001")


def test_one_coordinates_column_is_understood(session: Session, town: Town) -> None:
    rows = [{"大类": "1", "小类": "视频监控", "名称": "一号探头", "经纬度": "113.585, 23.055",
             "管理部门": "公安分局", "电话": "0769-22345678"}]  # fmt: skip
    report = run(session, table_csv(rows))
    assert report.errors == []
    camera = facilities(session)["一号探头"]
    assert (camera.lon, camera.lat, camera.grid_code) == (113.585, 23.055, "G-A")


# -- bad rows --------------------------------------------------------------------------------------

BAD_ROWS = [
    ("unknown group", {"设施大类": "7"}, "设施大类", "“7”无效，可填：1 公共安全", "'7' is not valid"),
    ("unknown subtype", {"设施小类": "喷泉"}, "设施小类", "“喷泉”无效，可填：101 视频监控",
     "'喷泉' is not valid; use one of: 101 Video"),
    ("subtype not in group", {"设施大类": "道路交通", "设施小类": "消火栓"}, "设施小类",
     "“消火栓”不属于大类“道路交通”", "'Fire hydrant' is not a subtype of 'Road traffic'"),
    ("subtype code of another group", {"设施大类": "2", "设施小类": "303"}, "设施小类",
     "“路灯”不属于大类“道路交通”", "is not a subtype of 'Road traffic'"),
    ("missing group", {"设施大类": ""}, "设施大类", "设施大类：不能为空", "group: this field is required"),
    ("missing name", {"设施名称": "  "}, "设施名称", "设施名称：不能为空", "name: this field is required"),
    ("name too long", {"设施名称": "长" * 121}, "设施名称", "不能超过 120 个字符", "at most 120 characters"),
    ("longitude not a number", {"经度": "东边"}, "经度", "不是十进制度数", "is not decimal degrees"),
    ("longitude outside the town", {"经度": "113.2"}, "经度", "113.2 不在麻涌镇范围内（经度 113.45–113.70）",
     "113.2 is outside the town (longitude 113.45–113.70)"),
    ("latitude outside the town", {"纬度": "23.5"}, "纬度", "23.5 不在麻涌镇范围内",
     "outside the town (latitude"),
    ("coordinates swapped", {"经度": "23.051", "纬度": "113.581"}, "经度", "经度和纬度填反了",
     "longitude and latitude are swapped"),
    ("latitude missing", {"纬度": ""}, "纬度", "经度和纬度要同时填写", "give both longitude and latitude"),
    ("no position at all", {"经度": "", "纬度": ""}, "门牌编码", "请填写经纬度或门牌编码",
     "give the coordinates or a plate code"),
    ("unknown plate", {"经度": "", "纬度": "", "门牌编码": "P-NOPE"}, "门牌编码", "P-NOPE 不存在",
     "P-NOPE does not exist"),
    ("retired plate", {"门牌编码": "2000010002"}, "门牌编码", "已停用，现用门牌为 2000010001",
     "is retired; its successor is 2000010001"),
    ("missing department", {"责任部门": ""}, "责任部门", "责任部门：不能为空", "this field is required"),
    ("bad phone", {"联系电话": "12345"}, "联系电话", "电话号码无效", "not a valid number"),
    ("missing phone", {"联系电话": ""}, "联系电话", "电话号码不能为空", "this field is required"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "column", "zh", "en"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS]
)
def test_a_bad_row_is_reported_with_line_column_and_reason_and_good_rows_are_kept(
    session: Session, town: Town, cells: dict[str, str], column: str, zh: str, en: str
) -> None:
    rows = [good(设施名称="一号"), good(设施名称="二号", 经度="113.582"), good(设施名称="三号")]
    rows[2].update(cells)
    report = run(session, table_csv(rows, HEADERS))
    assert [(e.line, e.column) for e in report.errors] == [(4, column)]
    assert zh in report.errors[0].message_zh
    assert en in report.errors[0].message_en
    assert (report.rows_imported, report.created) == (2, 2)
    assert sorted(facilities(session)) == ["一号", "二号"]
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "import.facilities")).one()
    assert audit.detail["rows_failed"] == 1


def test_every_problem_of_a_row_is_listed_at_once(session: Session, town: Town) -> None:
    rows = [good(设施大类="9", 设施名称="", 经度="x", 联系电话="1")]
    report = run(session, table_csv(rows, HEADERS))
    assert [(e.line, e.column) for e in report.errors] == [
        (2, "设施大类"),
        (2, "设施名称"),
        (2, "经度"),
        (2, "联系电话"),
    ]
    assert report.created == 0 and not facilities(session)


def test_a_row_repeating_another_of_the_file_is_reported(session: Session, town: Town) -> None:
    report = run(session, table_csv([good(), good(联系电话="13800138000"), good(设施名称="另一个")]))
    assert [(e.line, e.column) for e in report.errors] == [(3, "设施名称")]
    assert "与第 2 行是同一设施" in report.errors[0].message_zh
    assert report.created == 2
    assert facilities(session)["麻一村消火栓1号"].phone == "+8676988220119"  # the first row's


# -- files refused as a whole ----------------------------------------------------------------------

REFUSED_FILES = [
    ("pdf", b"%PDF-1.7 not a table", "这是PDF 文件，不是表格"),
    ("empty", b"", "文件是空的"),
    ("blank lines", b"\n\n  \n", "文件是空的"),
    ("header only", table_csv([], HEADERS), "只有表头，没有数据行"),
    ("name column missing", table_csv([good()], [h for h in HEADERS if h != "设施名称"]),
     "缺少必需的列：设施名称"),
    ("no position columns", table_csv([good()], ["设施大类", "设施小类", "设施名称", "责任部门", "联系电话"]),
     "缺少位置列"),
    ("longitude without latitude", table_csv([good()], [h for h in HEADERS if h != "纬度"]), "缺少纬度列"),
    ("not xlsx inside", b"PK\x03\x04 broken zip", "不是有效的 XLSX 工作簿"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "zh"), [r[1:] for r in REFUSED_FILES], ids=[r[0] for r in REFUSED_FILES])
def test_a_file_that_is_no_usable_table_is_refused_and_nothing_changes(
    session: Session, town: Town, data: bytes, zh: str
) -> None:
    before = table_counts(session)
    with pytest.raises(DomainError) as refused:
        import_facilities(session, data=data, filename="bad.csv", actor="dept1", now=NOW)
    session.commit()
    assert zh in refused.value.message_zh
    assert "bad.csv" in refused.value.message_en
    assert table_counts(session) == before


# -- importing again -------------------------------------------------------------------------------


def test_the_same_file_twice_adds_nothing(session: Session, town: Town) -> None:
    rows = [good(), good(设施名称="麻涌大道1号电力", 设施大类="5", 设施小类="503", 经度="", 纬度="",
                         门牌编码="2000010001")]  # fmt: skip
    data = table_csv(rows)
    first, second = run(session, data), run(session, data)
    assert (first.created, second.created, second.unchanged, second.updated) == (2, 0, 2, 0)
    assert session.scalar(select(func.count()).select_from(Facility)) == 2
    assert session.scalar(select(func.count()).where(AuditLog.action == "facility.update")) == 0


def test_coordinates_printed_with_other_digits_are_the_same_place(session: Session, town: Town) -> None:
    run(session, table_csv([good(经度="113.581234", 纬度="23.051234")]))
    again = ["1", "102", "麻一村消火栓1号", 113.58124, 23.05123, None, "麻涌消防大队", "0769-88220119"]
    report = run(session, table_xlsx([HEADERS, again]), "again.xlsx")
    assert (report.created, report.unchanged) == (0, 1)
    # Another place a few metres away is another hydrant of the same name.
    assert run(session, table_csv([good(经度="113.58130", 纬度="23.051234")])).created == 1


def test_a_new_phone_in_a_sent_again_file_updates_and_is_audited(session: Session, town: Town) -> None:
    run(session, table_csv([good(), good(设施名称="另一个")]))
    report = run(session, table_csv([good(联系电话="0769-88220120"), good(设施名称="另一个")]))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    hydrant = facilities(session)["麻一村消火栓1号"]
    assert hydrant.phone == "+8676988220120"
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "facility.update")).one()
    assert entry.target_id == str(hydrant.id)
    assert entry.detail == {
        "before": {"phone": "+8676988220119"},
        "after": {"phone": "+8676988220120"},
        "source": "facilities.csv",
    }


def test_twins_on_record_each_take_one_row_of_a_file_sent_again(session: Session, town: Town) -> None:
    """Two lifts of one name on one plate: the file lists both, so sending it again matches both."""
    for _ in range(2):
        make_facility(session, name="1号电梯", category="5", subtype="506", plate=town.plate,
                      department="物业", phone="+8676988220119")  # fmt: skip
    session.commit()
    lift = good(设施名称="1号电梯", 设施大类="5", 设施小类="506", 经度="", 纬度="", 门牌编码="2000010001",
                责任部门="物业")  # fmt: skip
    report = run(session, table_csv([lift, lift]))
    assert (report.errors, report.unchanged, report.created) == ([], 2, 0)
    report = run(session, table_csv([lift, lift, lift]))
    assert [(e.line, e.column) for e in report.errors] == [(4, "设施名称")]
    assert "与第 2 行是同一设施" in report.errors[0].message_zh


def test_a_plate_row_without_a_point_keeps_the_facilitys_point(session: Session, town: Town) -> None:
    plate = make_plate(session, street=town.plate.street, number="9", grid=town.grid_a, lon=None, lat=None)
    facility = make_facility(session, name="9号燃气", category="5", subtype="504", plate=plate,
                             lon=113.58, lat=23.05, department="燃气", phone="+8676988220119")  # fmt: skip
    session.commit()
    row = good(设施名称="9号燃气", 设施大类="5", 设施小类="504", 经度="", 纬度="", 门牌编码=plate.code,
               责任部门="燃气")  # fmt: skip
    assert run(session, table_csv([row])).unchanged == 1
    session.refresh(facility)
    assert (facility.lon, facility.lat) == (113.58, 23.05)


def test_a_retired_facility_in_a_sent_again_file_is_reported_not_recreated(
    session: Session, town: Town
) -> None:
    run(session, table_csv([good()]))
    hydrant = facilities(session)["麻一村消火栓1号"]
    retire_facility(session, facility_id=hydrant.id, actor="super1", now=LATER, reason="已拆除")
    session.commit()
    report = run(session, table_csv([good()]))
    assert report.created == 0
    [error] = report.errors
    assert (error.line, error.column) == (2, "设施名称")
    assert f"（编号 {hydrant.id}）已于 2026-04-01 停用" in error.message_zh
    assert session.scalar(select(func.count()).select_from(Facility)) == 1


# -- the template ----------------------------------------------------------------------------------


def test_csv_template_filled_in_imports(session: Session, town: Town) -> None:
    template = facility_template("csv")
    assert template.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens UTF-8 right
    filled = template + "1,102,模板消火栓,113.58,23.05,,消防大队,0769-88220119\r\n".encode()
    report = run(session, filled, "template.csv")
    assert report.errors == [] and report.created == 1
    with pytest.raises(DomainError, match="只有表头"):
        import_facilities(session, data=template, filename="template.csv", actor="dept1", now=NOW)


@pytest.mark.parametrize(("lang", "first"), [("zh", "设施大类"), ("en", "group")])
def test_xlsx_template_has_the_headers_and_a_notes_sheet(lang: str, first: str) -> None:
    workbook = load_workbook(io.BytesIO(facility_template("xlsx", lang=lang)))
    sheet, notes = workbook.worksheets
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[0] == first and len(header) == len(TEMPLATE_KEYS)
    assert sheet["F2"].number_format == "@"  # plate codes stay text
    assert [row[0] for row in notes.iter_rows(min_row=2, max_row=len(COLUMNS) + 1, values_only=True)] == [
        c.zh for c in COLUMNS
    ]
    with pytest.raises(ValueError, match="unknown template format"):
        facility_template("pdf")


def test_columns_document_themselves() -> None:
    table = columns_markdown(COLUMNS)
    assert "| 设施大类 | group | yes |" in table and "| 经度 | longitude | no |" in table


# -- editing one -----------------------------------------------------------------------------------


@pytest.fixture
def hydrant(session: Session, town: Town) -> Facility:
    facility = make_facility(session, name="消火栓A", lon=113.581, lat=23.051, phone="+8676988220119")
    facility.grid_code = "G-A"
    session.commit()
    return facility


def test_an_edit_is_saved_and_audited_with_before_and_after(session: Session, hydrant: Facility) -> None:
    change = update_facility(
        session,
        facility_id=hydrant.id,
        changes={"name": " 消火栓 A1 ", "phone": "0769-88220120", "lon": 113.6, "department": "麻涌消防"},
        actor="super1",
        now=LATER,
    )
    session.commit()
    assert sorted(change.changed) == ["grid_code", "lon", "name", "phone"]
    view = change.facility
    assert (view.name, view.phone, view.lon, view.grid_code, view.village_name) == (
        "消火栓 A1", "+8676988220120", 113.6, "G-B", "新基村"
    )  # fmt: skip
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "facility.update")).one()
    assert (entry.actor, entry.at, entry.target_id) == ("super1", LATER, str(hydrant.id))
    assert entry.detail["before"] == {"name": "消火栓A", "phone": "+8676988220119", "lon": 113.581,
                                      "grid_code": "G-A"}  # fmt: skip
    assert entry.detail["after"] == {"name": "消火栓 A1", "phone": "+8676988220120", "lon": 113.6,
                                     "grid_code": "G-B"}  # fmt: skip


def test_moving_a_facility_to_a_plate_takes_the_plates_point_and_grid(
    session: Session, hydrant: Facility, town: Town
) -> None:
    change = update_facility(
        session,
        facility_id=hydrant.id,
        changes={"plate_code": " 2000010001 ", "category": "房屋配套", "subtype": "给水"},
        actor="super1",
        now=LATER,
    )
    view = change.facility
    assert (view.plate_code, view.lon, view.lat, view.grid_code) == ("2000010001", 113.575, 23.045, "G-A")
    assert (view.category, view.subtype, view.address) == ("5", "501", "麻涌大道 1号")


def test_saving_unchanged_values_writes_nothing(session: Session, hydrant: Facility) -> None:
    change = update_facility(
        session, facility_id=hydrant.id, changes={"name": "消火栓A"}, actor="super1", now=LATER
    )
    assert change.changed == ()
    assert session.scalar(select(func.count()).where(AuditLog.action == "facility.update")) == 0


BAD_EDITS = [
    ("subtype of another group", {"subtype": "公交站"}, "subtype", "不属于大类“公共安全”"),
    ("outside the town", {"lat": 22.5}, "lat", "不在麻涌镇范围内"),
    ("no position left", {"lon": None, "lat": None}, "plate_code", "请填写经纬度或门牌编码"),
    ("retired plate", {"plate_code": "2000010002"}, "plate_code", "已停用"),
    ("bad phone", {"phone": "110"}, "phone", "电话号码无效"),
    ("blank name", {"name": ""}, "name", "不能为空"),
]


@pytest.mark.parametrize(
    ("changes", "field", "zh"), [b[1:] for b in BAD_EDITS], ids=[b[0] for b in BAD_EDITS]
)
def test_a_bad_edit_is_refused_and_changes_nothing(
    session: Session, hydrant: Facility, changes: dict[str, object], field: str, zh: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        update_facility(session, facility_id=hydrant.id, changes=changes, actor="super1", now=LATER)
    session.rollback()
    assert refused.value.field == field and zh in refused.value.message_zh
    session.refresh(hydrant)
    assert (hydrant.name, hydrant.subtype, hydrant.lat) == ("消火栓A", "102", 23.051)
    assert hydrant.phone == "+8676988220119"


def test_an_edit_into_a_twin_of_another_facility_is_refused(session: Session, hydrant: Facility) -> None:
    other = make_facility(session, name="消火栓B", lon=113.581, lat=23.051, phone="+8676988220119")
    with pytest.raises(DomainError, match=f"已有同一设施（编号 {hydrant.id}）"):
        update_facility(session, facility_id=other.id, changes={"name": "消火栓A"}, actor="super1", now=LATER)


def test_unknown_fields_are_a_programming_error(session: Session, hydrant: Facility) -> None:
    with pytest.raises(ValueError, match="not editable: status"):
        update_facility(session, facility_id=hydrant.id, changes={"status": "x"}, actor="super1", now=LATER)


# -- retiring and listing --------------------------------------------------------------------------


def test_retiring_keeps_the_row_and_lists_it_only_when_asked(session: Session, hydrant: Facility) -> None:
    view = retire_facility(session, facility_id=hydrant.id, actor="super1", now=LATER, reason=" 已拆除 ")
    session.commit()
    assert (view.status, view.retired_at, view.is_active) == (RecordStatus.RETIRED, LATER, False)
    assert session.get(Facility, hydrant.id) is not None
    assert list_facilities(session) == []
    assert [f.id for f in list_facilities(session, include_retired=True)] == [hydrant.id]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "facility.retire")).one()
    assert (entry.actor, entry.detail["reason"]) == ("super1", "已拆除")
    with pytest.raises(DomainError, match="已停用，不能再修改"):
        update_facility(session, facility_id=hydrant.id, changes={"name": "x"}, actor="super1", now=LATER)
    with pytest.raises(DomainError, match="已停用"):
        retire_facility(session, facility_id=hydrant.id, actor="super1", now=LATER, reason="again")


@pytest.mark.parametrize("reason", ["", "   "])
def test_retiring_needs_a_reason(session: Session, hydrant: Facility, reason: str) -> None:
    with pytest.raises(ValidationError, match="请填写停用原因"):
        retire_facility(session, facility_id=hydrant.id, actor="super1", now=LATER, reason=reason)
    assert session.get(Facility, hydrant.id).status is RecordStatus.ACTIVE  # type: ignore[union-attr]


def test_unknown_facility(session: Session) -> None:
    with pytest.raises(DomainError, match="设施 999 不存在"):
        retire_facility(session, facility_id=999, actor="super1", now=LATER, reason="x")


def test_list_filters_by_village_group_and_text(session: Session, town: Town) -> None:
    rows = [
        good(设施名称="A 摄像头", 设施小类="101"),
        good(设施名称="B 公交站", 设施大类="2", 设施小类="203", 经度="113.6"),
        good(设施名称="C 给水", 设施大类="5", 设施小类="501", 经度="", 纬度="", 门牌编码="2000010001",
             责任部门="东江水务"),
    ]  # fmt: skip
    run(session, table_csv(rows))
    assert names(list_facilities(session)) == ["A 摄像头", "B 公交站", "C 给水"]
    assert names(list_facilities(session, village="441900126200")) == ["A 摄像头", "C 给水"]
    assert names(list_facilities(session, village="441900126206")) == ["B 公交站"]
    assert names(list_facilities(session, group="5")) == ["C 给水"]
    assert names(list_facilities(session, text="水务")) == ["C 给水"]
    assert names(list_facilities(session, text="%")) == []  # typed text, not a LIKE pattern
    view = list_facilities(session, group="5")[0]
    assert (view.address, view.village_name, view.plate_code) == ("麻涌大道 1号", "麻一村", "2000010001")


def test_list_by_village_finds_a_plate_facility_without_grid(session: Session) -> None:
    village = make_village(session, name="漳澎村")
    plate = make_plate(session, street=make_street(session, village=village), lon=None, lat=None)
    make_facility(session, name="电梯", category="5", subtype="506", plate=plate, lon=None, lat=None)
    session.commit()
    assert [v.name for v in list_facilities(session, village=village.code)] == ["电梯"]
    assert session.scalar(select(func.count()).select_from(Grid)) == 0
    assert session.get(Village, village.code) is not None and session.get(DoorPlate, plate.code) is not None
