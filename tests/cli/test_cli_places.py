"""`menpai grids` and grids or villages given by name: what an officer planning assignments sees,
and the same spellings accepted by `user add`, `export` and `plates print`."""

from __future__ import annotations

import csv
import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.core.clock import utcnow
from shared.models import Grid, Role, User, Village
from shared.staff.accounts import create_user
from tests.factories import (
    declare_residence,
    make_building,
    make_grid,
    make_plate,
    make_room,
    make_street,
    make_village,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def town(session: Session, without_comparison_rules: None) -> dict[str, Grid]:
    """麻一村 with two grids (东 with an officer, two rental buildings and two pending declarations,
    one of them overdue; 西 with nobody) and 麻二村 with a grid also called 东."""
    mayi = make_village(session, code="441900126200", name="麻一村")
    maer = make_village(session, code="441900126201", name="麻二村")
    east = make_grid(session, village=mayi, code="441900126200001", name="东")
    west = make_grid(session, village=mayi, code="441900126200002", name="西")
    other_east = make_grid(session, village=maer, code="441900126201001", name="东")
    west.officer_name = "陈超"
    street = make_street(session, village=mayi, name="麻涌大道")
    rooms = []
    for number in ("1", "2", "3"):
        building = make_building(session, plate=make_plate(session, street=street, number=number, grid=east))
        rooms.append(make_room(session, building=building, is_rental=number != "3"))
    make_plate(session, street=street, number="4", grid=west)
    now = utcnow()
    declare_residence(session, room=rooms[0], now=now - timedelta(days=30))  # overdue
    declare_residence(session, room=rooms[1], now=now - timedelta(hours=1))
    create_user(
        session, username="wang", password=PASSWORD, role=Role.OFFICER, grid_codes=[east.code],
        display_name="王网格员", actor="test",
    )  # fmt: skip
    session.commit()
    return {"east": east, "west": west, "other_east": other_east}


def _grid_lines(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if line[:1].isdigit()}


def test_grids_lists_code_village_officer_and_load(
    town: dict[str, Grid], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grids"]) == 0
    out = capsys.readouterr().out
    lines = _grid_lines(out)
    assert set(lines) == {"441900126200001", "441900126200002", "441900126201001"}
    # code, village, grid, plates, rental buildings, pending, overdue, officer accounts
    assert lines["441900126200001"].split() == [
        "441900126200001",
        "麻一村",
        "东",
        "3",
        "2",
        "2",
        "1",
        "王网格员",
        "(wang)",
    ]
    west = lines["441900126200002"].split()
    assert west[:7] == ["441900126200002", "麻一村", "西", "1", "0", "0", "0"]
    assert "无账号 none" in lines["441900126200002"] and "陈超" in lines["441900126200002"]
    assert "without an officer account: 2" in out


def test_grids_of_one_village_by_name_and_unassigned_only(
    town: dict[str, Grid], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["grids", "--village", "麻一"]) == 0
    assert set(_grid_lines(capsys.readouterr().out)) == {"441900126200001", "441900126200002"}
    assert main(["grids", "--village", "441900126200", "--unassigned"]) == 0
    assert set(_grid_lines(capsys.readouterr().out)) == {"441900126200002"}


def _add_user(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    return main(["user", "add", *argv, "--password-stdin"])


def test_user_add_takes_grid_names_and_codes(
    town: dict[str, Grid],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _add_user(monkeypatch, "li", "--role", "officer", "--grids", "西,441900126201001") == 0
    assert "西 441900126200002" in capsys.readouterr().out
    session.rollback()
    user = session.scalars(select(User).where(User.username == "li")).one()
    assert user.grid_codes == ["441900126200002", "441900126201001"]


@pytest.mark.parametrize(
    ("grids", "message"),
    [
        (
            "东",
            "“东” names several grids, give the code: 麻一村 东 441900126200001; 麻二村 东 441900126201001",
        ),
        (
            "441900126200003",
            "No such grid: “441900126200003” Did you mean: 西 441900126200002; 东 441900126200001",
        ),
        ("G1,G2", "No such grid: “G1”"),
    ],
    ids=["ambiguous name", "mistyped code", "README's old example"],
)
def test_user_add_refuses_unknown_or_ambiguous_grids(
    town: dict[str, Grid],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    grids: str,
    message: str,
) -> None:
    assert _add_user(monkeypatch, "zhao", "--role", "officer", "--grids", grids) == 1
    err = capsys.readouterr().err
    assert message in err and "menpai grids lists every grid" in err and "错误：" in err
    session.rollback()
    assert session.scalars(select(User).where(User.username == "zhao")).first() is None


@pytest.mark.parametrize("village", ["麻一村", "441900126200", "麻一", "Test village"], ids=str)
def test_export_takes_a_village_name_or_code(
    town: dict[str, Grid], village: str, session: Session, tmp_path: Path
) -> None:
    name = session.scalars(select(Village.name_en).where(Village.code == "441900126200")).one()
    wanted = name if village == "Test village" else village
    out = tmp_path / "plates.csv"
    assert main(["export", "plates", "--out", str(out), "--village", wanted]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + 4  # the header and 麻一村's four plates


@pytest.mark.parametrize(
    ("command", "village", "message"),
    [
        (["export", "plates", "--out", "x.csv"], "麻", "“麻” could mean several villages or communities"),
        (
            ["export", "plates", "--out", "x.csv"],
            "麻三村",
            "No village or community “麻三村” was found. Did you mean: 麻",
        ),
        (["export", "plates", "--out", "x.csv"], "441900126299", "Did you mean: 麻"),
        (
            ["plates", "print", "--out", "x.pdf"],
            "麻",
            "give one's full name or code: 麻一村 441900126200; 麻二村",
        ),
    ],
    ids=["export ambiguous", "export unknown name", "export unknown code", "plates ambiguous"],
)
def test_unknown_or_ambiguous_village_is_refused_with_close_matches(
    town: dict[str, Grid],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    village: str,
    message: str,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    assert main([*command, "--village", village]) == 1
    err = capsys.readouterr().err
    assert message in err and err.startswith("错误：") and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_plates_print_by_short_name(
    town: dict[str, Grid], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["plates", "print", "--village", "麻一", "--out", str(out)]) == 0
    assert out.is_file() and "4 plates on 1 page" in capsys.readouterr().out
