"""The `menpai` command line: help everywhere, clear errors and exit codes, no tracebacks."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.core import crypto
from shared.core.config import get_settings
from shared.models import AuditLog, DoorPlate, Person, Role, Room, User
from tests.factories import (
    HOUSING_HEADERS_ZH,
    housing_row,
    make_grid,
    make_id_number,
    make_person,
    make_plate,
    table_csv,
)

PASSWORD = "correct horse battery"


def count(session: Session, model: type) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_main_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("init", "demo", "user", "import", "export"):
        assert command in out


@pytest.mark.parametrize(
    "argv",
    [
        ["init"],
        ["demo"],
        ["demo-accounts"],
        ["user"],
        ["user", "add"],
        ["import"],
        ["import", "housing"],
        ["export"],
    ],
    ids=" ".join,
)
def test_every_subcommand_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    assert "usage: menpai" in capsys.readouterr().out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: menpai" in capsys.readouterr().out


def test_init_migrates_and_says_which_database(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert db_url.split("/")[-1] in out and "from the environment" in out
    assert get_settings().data_dir.is_dir()


def test_init_creates_the_master_secret_file_once(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MENPAI_SECRET_KEY")
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    assert main(["init"]) == 0
    secret = get_settings().secret_key_file
    assert secret.is_file() and stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert "created" in capsys.readouterr().out
    content = secret.read_bytes()
    assert main(["init"]) == 0
    assert secret.read_bytes() == content and "existing" in capsys.readouterr().out


@pytest.mark.slow
def test_demo_small_builds_a_town_and_prints_the_accounts(
    db_url: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--scale", "small", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert count(session, DoorPlate) > 0 and count(session, Person) > 0 and count(session, Room) > 0
    roles = {u.role for u in session.scalars(select(User))}
    assert {Role.OFFICER, Role.SUPERVISOR, Role.ADMIN} <= roles
    for user in session.scalars(select(User)):
        if user.role is Role.ADMIN:
            assert user.username in out
    assert f"{count(session, Person):,}" in out


@pytest.mark.slow
def test_demo_if_empty_twice_builds_once(
    db_url: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--if-empty"]) == 0
    people = count(session, Person)
    capsys.readouterr()
    assert main(["demo", "--if-empty"]) == 0
    out = capsys.readouterr().out
    assert "demo data already present" in out and "demo accounts" in out
    assert count(session, Person) == people
    assert main(["demo"]) == 1
    assert "already holds data" in capsys.readouterr().err


def _add_user(monkeypatch: pytest.MonkeyPatch, *argv: str, password: str = PASSWORD) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["user", "add", *argv, "--password-stdin"])


def test_user_add_with_password_on_stdin(
    db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    grid = make_grid(session)
    session.commit()
    assert (
        _add_user(
            monkeypatch, "wang", "--role", "officer", "--grids", f"{grid.code}, ", "--display-name", "王"
        )
        == 0
    )
    session.rollback()
    user = session.scalars(select(User).where(User.username == "wang")).one()
    assert (user.role, user.grid_codes, user.display_name) == (Role.OFFICER, [grid.code], "王")
    assert PASSWORD not in user.password_hash
    assert "created user wang" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "password", "message"),
    [
        (["--role", "admin"], "short", "at least 10 characters"),
        (["--role", "officer", "--grids", "NOPE"], PASSWORD, "No such grid: “NOPE”"),
        (["--role", "admin"], "", "No password on standard input"),
    ],
)
def test_user_add_refusals_are_clear(
    db_url: str,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    password: str,
    message: str,
) -> None:
    assert _add_user(monkeypatch, "li", *argv, password=password) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert count(session, User) == 0


def test_duplicate_user_is_refused(
    db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add_user(monkeypatch, "zhao", "--role", "admin") == 0
    assert _add_user(monkeypatch, "zhao", "--role", "supervisor") == 1
    assert "already taken" in capsys.readouterr().err
    assert count(session, User) == 1


def test_interactive_password_must_be_typed_twice_the_same(
    db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    assert main(["user", "add", "sun", "--role", "admin"]) == 1
    assert "do not match" in capsys.readouterr().err
    assert count(session, User) == 0


@pytest.fixture
def register(session: Session, tmp_path: Path) -> Path:
    """Plates P-A and P-B exist; returns a folder to write registers into."""
    make_plate(session, code="P-A")
    make_plate(session, code="P-B")
    session.commit()
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


def test_import_housing_exit_codes(
    register: Path, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, mixed, pdf = register / "clean.csv", register / "mixed.csv", register / "scan.pdf"
    clean.write_bytes(table_csv([housing_row(), housing_row(房号="302")], HOUSING_HEADERS_ZH))
    mixed.write_bytes(
        table_csv([housing_row(房号="401"), housing_row(门牌编码="P-X", 房号="402")], HOUSING_HEADERS_ZH)
    )
    pdf.write_bytes(b"%PDF-1.4\n")

    assert main(["import", "housing", str(clean)]) == 0
    assert "房间 rooms: 新建 created 2" in capsys.readouterr().out

    assert main(["import", "housing", str(mixed)]) == 1
    out = capsys.readouterr().out
    assert "第 3 行 line 3 [门牌编码] 门牌编码 P-X 不存在 / plate code P-X does not exist" in out
    assert count(session, Room) == 3  # the good row of the mixed file is kept

    assert main(["import", "housing", str(pdf)]) == 2
    assert "a PDF file" in capsys.readouterr().err
    assert main(["import", "housing", str(register / "missing.csv")]) == 2
    assert "File not found" in capsys.readouterr().err
    assert count(session, AuditLog) == 2


def test_import_housing_dry_run_saves_nothing(
    register: Path, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register / "r.csv"
    path.write_bytes(table_csv([housing_row(业主证件号码=make_id_number())], HOUSING_HEADERS_ZH))
    assert main(["import", "housing", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "新建 created 1" in out and "dry run: nothing was saved" in out
    assert count(session, Room) == count(session, Person) == count(session, AuditLog) == 0


def test_export_writes_a_file_and_audits_it(
    register: Path, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    out = register / "plates.xlsx"
    assert main(["export", "plates", "--out", str(out)]) == 0
    assert out.is_file() and "exported 2 rows" in capsys.readouterr().out
    assert count(session, AuditLog) == 1
    assert main(["export", "plates", "--out", str(register / "plates.txt")]) == 1
    assert "must end in .csv or .xlsx" in capsys.readouterr().err
    assert main(["export", "people", "--out", str(register / "p.csv"), "--reveal"]) == 0
    assert "audit log" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "postgresql://nobody@127.0.0.1:1/nothing",
            "Cannot use the database postgresql://nobody@127.0.0.1:1/nothing",
        ),
        ("nonsense://somewhere", "not a usable database URL"),
        ("not a url at all", "not a usable database URL"),
    ],
)
def test_unreachable_or_bad_database_is_a_clear_error(
    url: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    assert main(["init"]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_export_under_another_master_secret_is_a_clear_error(
    register: Path, session: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_person(session)
    session.commit()
    monkeypatch.setenv("MENPAI_SECRET_KEY", "a different master secret")
    get_settings.cache_clear()
    crypto.get_keyring.cache_clear()
    out = register / "people.csv"
    assert main(["export", "people", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Cannot decrypt stored data" in err and "Traceback" not in err
    assert list(register.iterdir()) == []
