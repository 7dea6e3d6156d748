"""我是房东/管理人 on the portal: the rental, typed tenants, an uploaded list and the pledge (AppTest)."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.declare import tenant_upload
from shared.declarations.store import payload_of
from shared.models import Declaration, DeclarationKind
from shared.self_service.landlord_upload import parse_tenant_upload, tenant_template
from shared.self_service.receipt_access import format_receipt_code
from tests.factories import (
    LANDLORD_ID,
    TENANT_ID,
    make_building,
    make_id_number,
    make_plate,
    make_room,
    table_csv,
    table_xlsx,
    wrong_check_digit,
)
from tests.pages.declaring import click, fill, fold_titles, open_page, texts, today, value_of

HEADERS = ["房号", "姓名", "性别", "民族", "出生日期", "证件类型", "证件号码", "联系电话", "户籍地址",
           "工作单位", "入住日期", "居住事由"]  # fmt: skip
WANG = make_id_number("430102", "19900115", "011")
LI = make_id_number("450103", "19880808", "024")


def row(**cells: str) -> dict[str, str]:
    """One good row of a tenant list (王强 in room 301); override any cell by its header."""
    moved_in = (today() - timedelta(days=20)).isoformat()
    cells_in_order = ["301", "王强", "男", "汉", "", "居民身份证", WANG, "13800138000", "湖南省长沙市",
                      "某电子厂", moved_in, "务工"]  # fmt: skip
    values = dict(zip(HEADERS, cells_in_order, strict=True))
    values.update(cells)
    return values


@pytest.fixture
def plate(session: Session) -> dict[str, Any]:
    plate = make_plate(session, number="8")
    building = make_building(session, plate=plate)
    rooms = {
        n: make_room(session, building=building, number=n, is_rental=True).id for n in ("301", "302", "401")
    }
    session.commit()
    return {"code": plate.code, "rooms": rooms}


def landlord_values(plate: dict[str, Any]) -> dict[str, Any]:
    return {
        "landlord.landlord.name": "陈大文",
        "landlord.landlord.id_number": LANDLORD_ID,
        "landlord.landlord.phone": "13912345678",
        "landlord.room_ids": [plate["rooms"]["301"], plate["rooms"]["302"]],
        "landlord.lease_start": today() - timedelta(days=60),
        "landlord.lease_end": today() + timedelta(days=300),
        "landlord.pledge_accepted": True,
    }


def tenant_values(row_id: int, room_id: int, **person: Any) -> dict[str, Any]:
    base = f"landlord.tenants#{row_id}"
    values = {
        f"{base}.room_id": room_id,
        f"{base}.person.name": "李四",
        f"{base}.person.id_number": TENANT_ID,
        f"{base}.person.ethnicity": "01",
        f"{base}.person.hukou_address": "湖南省长沙市芙蓉区",
        f"{base}.person.phone": "13800138000",
        f"{base}.move_in": today() - timedelta(days=30),
        f"{base}.reason": "11",
    }
    values.update({f"{base}.person.{k}": v for k, v in person.items()})
    return values


def rentals(session: Session) -> list[Declaration]:
    session.expire_all()
    return list(session.scalars(select(Declaration).order_by(Declaration.id)))


def test_a_landlord_declares_the_rental_with_a_tenant(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    assert not at.exception
    fill(at, {**landlord_values(plate), **tenant_values(0, plate["rooms"]["302"])})
    at = click(at, "landlord._submit")
    assert not at.exception
    [rental] = rentals(session)
    assert rental.kind is DeclarationKind.RENTAL
    payload = payload_of(rental)
    assert payload["room_ids"] == [plate["rooms"]["301"], plate["rooms"]["302"]]
    assert [(t["person"]["name"], t["reason"]) for t in payload["tenants"]] == [("李四", "11")]
    assert payload["pledge_accepted"] is True and payload["use"] == "01"
    assert format_receipt_code(rental.receipt_code) in texts(at)


def test_a_tenant_block_names_its_two_folds_apart(plate: dict[str, Any]) -> None:
    # Found on a phone: two 更多信息（可不填） a few lines apart in one tenant's block.
    at = open_page("declare_landlord", plate_code=plate["code"])
    assert fold_titles(at) == [
        "更多信息（可不填）",  # the landlord's own
        "更多信息（可不填）",  # 租客 1's person
        "居住事由（默认务工，可不填）",  # 租客 1's stay
        "治安责任书（请阅读）",
    ]


def test_a_lease_left_without_start_began_with_the_first_move_in(
    session: Session, plate: dict[str, Any]
) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    moved_in = today() - timedelta(days=40)
    values = {**landlord_values(plate), **tenant_values(0, plate["rooms"]["302"])}
    fill(at, {**values, "landlord.lease_start": None, "landlord.tenants#0.move_in": moved_in})
    at = click(at, "landlord._submit")
    assert not at.exception and not at.error, texts(at)
    [rental] = rentals(session)
    assert payload_of(rental)["lease_start"] == moved_in.isoformat()


def test_tenants_are_added_and_removed_without_losing_the_others(
    session: Session, plate: dict[str, Any]
) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    fill(at, {**landlord_values(plate), **tenant_values(0, plate["rooms"]["301"])})
    at = click(at, "landlord.tenants._add")
    fill(at, tenant_values(1, plate["rooms"]["401"], name="黄五", id_number=LI))
    at = click(at, "landlord.tenants#0._remove")
    assert value_of(at, "landlord.tenants#1.person.name") == "黄五"
    assert value_of(at, "landlord.landlord.name") == "陈大文"
    at = click(at, "landlord._submit")
    assert not at.exception, texts(at)
    [rental] = rentals(session)
    assert [t["person"]["name"] for t in payload_of(rental)["tenants"]] == ["黄五"]


BAD_FIELDS = [
    ("no landlord name", {"landlord.landlord.name": ""}, "姓名不能为空", "房东 · 姓名"),
    ("bad landlord number", {"landlord.landlord.id_number": wrong_check_digit(LANDLORD_ID)},
     "证件号码有误，请逐位核对（校验位错误）", "房东 · 证件号码"),
    ("bad landlord phone", {"landlord.landlord.phone": "123"}, "电话号码无效", "房东 · 联系电话"),
    ("no lease start nor move-in", {"landlord.lease_start": None, "landlord.tenants#0.move_in": None},
     "租赁开始日期不能为空", "租赁开始日期"),
    ("lease ends first", {"landlord.lease_end": today() - timedelta(days=90)},
     "租赁结束日期应晚于租赁开始日期", "租赁结束日期"),
    ("pledge not accepted", {"landlord.pledge_accepted": False}, "治安责任书：请阅读后勾选同意",
     "治安责任书"),
    ("tenant's number wrong", {"landlord.tenants#0.person.id_number": "123"}, "证件号码",
     "租客1 · 本人 · 证件号码"),
    ("tenant without move-in", {"landlord.tenants#0.move_in": None}, "入住日期不能为空", "租客1 · 入住日期"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("wrong", "message", "label"), [c[1:] for c in BAD_FIELDS], ids=[c[0] for c in BAD_FIELDS]
)
def test_a_wrong_field_is_named_and_nothing_typed_is_lost(
    session: Session, plate: dict[str, Any], wrong: dict[str, Any], message: str, label: str
) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    values = {**landlord_values(plate), **tenant_values(0, plate["rooms"]["302"]), **wrong}
    fill(at, values)
    at = click(at, "landlord._submit")
    assert not at.exception
    assert rentals(session) == []
    beside = [m.value for m in at.markdown if m.value.startswith(":red[")]
    assert any(message in m for m in beside), beside
    assert f"**{label}**" in at.error[0].value
    for key, value in values.items():
        assert value_of(at, key) == value, key


def test_no_rooms_and_no_tenants_is_refused(session: Session, plate: dict[str, Any]) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    fill(at, {**landlord_values(plate), "landlord.room_ids": []})
    at = click(at, "landlord._submit")
    assert "出租房间不能为空" in texts(at) and rentals(session) == []


def upload(at: Any, name: str, data: bytes) -> Any:
    at.file_uploader(key="landlord._upload").upload(name, data)
    return at.run()


def test_an_upload_reports_every_bad_row_and_declares_the_good_ones(
    session: Session, plate: dict[str, Any]
) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    assert [b.label for b in at.download_button] == ["下载模板 Excel", "下载模板 CSV"]
    fill(at, landlord_values(plate))
    rows = [
        row(),
        row(**{"房号": "999", "证件号码": LI, "性别": "女"}),
        row(**{"房号": "302", "姓名": "李娜", "性别": "", "证件号码": LI}),
        row(**{"证件号码": wrong_check_digit(WANG), "入住日期": "明天"}),
    ]
    at = upload(at, "tenants.csv", table_csv(rows))
    assert not at.exception
    assert "读取 4 行：2 位租客将一并申报" in texts(at)
    problems = at.dataframe[-1].value
    assert [(r["行"], r["列"]) for _, r in problems.iterrows()] == [
        (3, "房号"),
        (5, "证件号码"),
        (5, "入住日期"),
    ]
    assert "该地址下没有房间“999”" in problems.iloc[0]["问题"]
    at = click(at, "landlord._submit")
    assert not at.exception, texts(at)
    [rental] = rentals(session)
    assert [t["person"]["name"] for t in payload_of(rental)["tenants"]] == ["王强", "李娜"]


def test_upload_problems_are_in_english_for_english_users(plate: dict[str, Any]) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"], lang="English")
    at = upload(at, "tenants.csv", table_csv([row(**{"房号": "999"})]))
    problems = at.dataframe[-1].value
    assert list(problems.columns) == ["Line", "Column", "Problem"]
    assert problems.iloc[0]["Problem"].startswith("Room number: there is no room '999'")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "tenants.csv",
            "房号,姓名,备注\n301,王强,x\n".encode(),
            "缺少必需的列：证件号码、联系电话、入住日期",
        ),
        ("tenants.csv", b"\x89PNG\r\n\x1a\n" + bytes(200), "这是PNG 图片，不是表格"),
        ("tenants.csv", b"", "文件是空的"),
        ("tenants.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "另存为 .xlsx 或 CSV"),
    ],
    ids=["wrong columns", "a picture", "empty", "old excel"],
)
def test_a_file_that_is_no_tenant_list_gets_one_message(
    plate: dict[str, Any], name: str, data: bytes, message: str
) -> None:
    at = open_page("declare_landlord", plate_code=plate["code"])
    at = upload(at, name, data)
    assert not at.exception
    [error] = at.error
    assert message in error.value
    assert not at.dataframe


def test_the_filled_in_template_is_accepted(session: Session, plate: dict[str, Any]) -> None:
    """The Excel template as downloaded, its example row turned into a real tenant."""
    at = open_page("declare_landlord", plate_code=plate["code"])
    book = load_workbook(io.BytesIO(tenant_template("xlsx")))
    sheet = book.active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    filled = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    filled.update({headers[0]: "401", headers[13]: (today() - timedelta(days=3)).isoformat()})
    at = upload(at, "filled.xlsx", table_xlsx([headers, list(filled.values())]))
    fill(at, landlord_values(plate))
    at = click(at, "landlord._submit")
    assert not at.exception, texts(at)
    [rental] = rentals(session)
    assert [t["person"]["name"] for t in payload_of(rental)["tenants"]] == ["李梅"]


@pytest.mark.slow
def test_a_5000_row_list_is_read_once_and_declared(
    session: Session, plate: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs["filename"])
        return parse_tenant_upload(*args, **kwargs)

    monkeypatch.setattr(tenant_upload, "parse_tenant_upload", counted)
    sheet: list[list[Any]] = [HEADERS]
    moved_in = (today() - timedelta(days=20)).isoformat()
    for n in range(5000):
        number = make_id_number("430102", f"{1970 + n % 30}0{1 + n % 9}1{n % 9}", f"{n % 1000:03d}")
        room = ("301", "302", "401")[n % 3]
        sheet.append(
            [room, f"租客{n}", "", "汉", "", "", number, f"138{n:08d}", "湖南", "", moved_in, "务工"]
        )
    at = open_page("declare_landlord", plate_code=plate["code"])
    at = upload(at, "big.xlsx", table_xlsx(sheet))
    [read] = [s.value for s in at.success]
    good = int(read.split("：")[1].split(" ")[0])
    assert read.startswith("读取 5000 行") and good > 4000
    fill(at, landlord_values(plate))
    at = click(at, "landlord._submit")
    assert not at.exception, texts(at)
    [rental] = rentals(session)
    assert len(payload_of(rental)["tenants"]) == good
    assert reads == ["big.xlsx"]  # once, not on every rerun of the form


def test_the_pledge_says_the_tenants_were_told_what_happens_to_their_details(plate: dict[str, Any]) -> None:
    # 个人信息保护法 第十七条: the landlord gives other people's details; the tick says he told them.
    for lang, told in (("中文", "已告知所登记的租客"), ("English", "I have told the tenants I declare")):
        at = open_page("declare_landlord", plate_code=plate["code"], lang=lang)
        at.session_state["landlord.pledge_accepted._text"] = True  # the pledge unfolded
        assert told in texts(at.run())
