"""`menpai plates print`: the A4 PDF of a village's or a street's plates, from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.cli.main import main
from shared.models import DoorPlate, RecordStatus, Village
from tests.factories import make_plate, make_street, make_village


@pytest.fixture
def village(session: Session) -> Village:
    """麻一村: seven active plates on 麻涌大道 and two on 东一巷, plus one retired plate."""
    village = make_village(session, name="麻一村")
    avenue = make_street(session, village=village, name="麻涌大道")
    lane = make_street(session, village=village, name="东一巷")
    for n in range(1, 8):
        make_plate(session, street=avenue, number=str(n))
    make_plate(session, street=lane, number="1")
    make_plate(session, street=lane, number="2")
    make_plate(session, street=lane, number="3", status=RecordStatus.RETIRED)
    session.commit()
    return village


def pages_of(path: Path) -> int:
    return len(PdfReader(path).pages)


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plates", "print", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "--village" in out and "--street" in out and "--out" in out


def test_village_by_name_prints_every_active_plate(
    village: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["plates", "print", "--village", "麻一村", "--out", str(out)]) == 0
    assert pages_of(out) == 2  # nine plates, eight a page
    captured = capsys.readouterr()
    assert "9 plates on 2 pages" in captured.out and str(out) in captured.out
    assert "9/9" in captured.err  # the progress bar went to stderr
    assert not list(tmp_path.glob("*.part"))


def test_village_by_code_and_one_street(village: Village, tmp_path: Path) -> None:
    out = tmp_path / "lane.pdf"
    assert main(["plates", "print", "--village", village.code, "--street", "东一巷", "--out", str(out)]) == 0
    assert pages_of(out) == 1
    text = PdfReader(out).pages[0].extract_text()
    assert "东一巷 1号" in text and "东一巷 2号" in text
    assert "东一巷 3号" not in text and "麻涌大道" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--village", "不存在村"], "No village or community “不存在村” was found."),
        (["--village", "麻一村", "--street", "西二巷"], "麻一村 has no street called “西二巷”."),
    ],
    ids=["unknown village", "unknown street"],
)
def test_unknown_place_fails_with_a_message(
    village: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["plates", "print", *argv, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and "错误：" in err and "Traceback" not in err
    assert not out.exists()


def test_village_without_plates_fails_and_writes_nothing(
    session: Session, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_village(session, name="新基村")
    session.commit()
    out = tmp_path / "sheet.pdf"
    assert main(["plates", "print", "--village", "新基村", "--out", str(out)]) == 1
    assert "新基村 has no active plates" in capsys.readouterr().err
    assert not out.exists()


def test_output_must_be_a_pdf(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plates", "print", "--village", "麻一村", "--out", str(tmp_path / "sheet.png")]) == 2
    assert "must end in .pdf" in capsys.readouterr().err


def test_missing_output_folder_is_a_clear_error(
    village: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "no-such-folder" / "sheet.pdf"
    assert main(["plates", "print", "--village", "麻一村", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "A file or folder cannot be used" in err and "Traceback" not in err


def test_new_since_prints_the_plates_created_since_that_day(
    session: Session, village: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The next sheet: plates created from the day on (a new street, a typed address placed),
    in the whole town or one village; the day is China's."""
    for plate in session.scalars(select(DoorPlate)):
        plate.created_at = datetime(2026, 11, 30, 15, 59, tzinfo=UTC)  # 23:59 on 30 November in Mayong
    other = make_village(session, name="鸥涌村")
    new_lane = make_street(session, village=other, name="新村路")
    fresh = [make_plate(session, street=new_lane, number=n) for n in ("8", "2")]
    fresh.append(make_plate(session, street=make_street(session, village=village, name="新一巷"), number="1"))
    for plate in fresh:  # 00:30 on 1 December in Mayong is still 30 November in UTC
        plate.created_at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    session.commit()
    out = tmp_path / "new.pdf"
    assert main(["plates", "print", "--new-since", "2026-12-01", "--out", str(out)]) == 0
    text = PdfReader(out).pages[0].extract_text()
    assert "3 plates on 1 page" in capsys.readouterr().out
    assert (
        text.index("新村路 2号") < text.index("新村路 8号")
        and "新一巷 1号" in text
        and "麻涌大道" not in text
    )
    assert (
        main(["plates", "print", "--new-since", "2026-12-01", "--village", "鸥涌村", "--out", str(out)]) == 0
    )
    assert "2 plates on 1 page" in capsys.readouterr().out
    assert main(["plates", "print", "--new-since", "2026-12-02", "--out", str(out)]) != 0
    assert "no active plates" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "Give --village or --new-since"),
        (["--new-since", "2026-12-01", "--street", "新村路"], "does not go with --street"),
    ],
)
def test_new_since_or_village_is_needed(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["plates", "print", *arguments, "--out", str(tmp_path / "x.pdf")]) != 0
    assert message in capsys.readouterr().err


def test_a_wrong_day_is_a_usage_error(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["plates", "print", "--new-since", "1.12.2026", "--out", str(tmp_path / "x.pdf")])
    assert exited.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
