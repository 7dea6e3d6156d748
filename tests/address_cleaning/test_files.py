"""地址清洗 for whole files and from the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from shared.address_cleaning.files import (
    RESULT_HEADERS,
    REVIEW_NO,
    REVIEW_YES,
    match_addresses_file,
    result_file_name,
)
from shared.cli.main import EXIT_OK, EXIT_REFUSED, main
from shared.core.errors import DomainError
from tests.address_cleaning.conftest import Codes
from tests.factories import table_csv, table_xlsx


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_a_csv_register_gets_plates_scores_and_candidates(
    session: Session, codes: Codes, tmp_path: Path
) -> None:
    source = tmp_path / "register.csv"
    source.write_bytes(
        table_csv(
            [
                {"名称": '=HYPERLINK("http://evil")', "登记地址": "麻一村麻涌大道12号之一"},
                {"名称": "五金店", "登记地址": "麻涌大道12号"},
                {"名称": "@SUM(A1)", "登记地址": "看不懂"},
            ]
        )
    )
    out = tmp_path / "out.csv"
    report = match_addresses_file(session, path=source, out=out)
    assert (report.total, report.matched, report.needs_review, report.unmatched) == (3, 1, 2, 1)
    assert report.address_header == "登记地址"
    rows = read_csv(out)
    assert list(rows[0]) == ["名称", "登记地址", *RESULT_HEADERS]
    assert rows[0]["名称"] == '\'=HYPERLINK("http://evil")'  # neutralised, not a formula
    assert rows[2]["名称"] == "'@SUM(A1)"
    code, address, village, score, review, _others = (rows[0][h] for h in RESULT_HEADERS)
    assert (code, address, village, score, review) == (
        codes[("麻一村", "麻涌大道", "12之一")], "麻涌大道 12号之一", "麻一村", "1.0", REVIEW_NO
    )  # fmt: skip
    assert rows[1][RESULT_HEADERS[4]] == REVIEW_YES and codes[("麻二村", "麻涌大道", "12")] in (
        rows[1][RESULT_HEADERS[0]] + rows[1][RESULT_HEADERS[5]]
    )
    assert rows[2][RESULT_HEADERS[0]] == "" and rows[2][RESULT_HEADERS[4]] == REVIEW_YES


def test_an_xlsx_with_an_english_header_gives_an_xlsx(session: Session, codes: Codes, tmp_path: Path) -> None:
    source = tmp_path / "register.xlsx"
    source.write_bytes(table_xlsx([["ID", "Address"], [1, "古梅路3号A栋"], [2, "+cmd|' /C calc'!A0"]]))
    out = tmp_path / "out.xlsx"
    report = match_addresses_file(session, path=source, out=out)
    assert report.address_header == "Address" and report.matched == 1
    sheet = load_workbook(out, read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["ID", "Address", *RESULT_HEADERS]
    assert rows[1][2] == codes[("麻一村", "古梅路", "3")]
    assert rows[2][1] == "'+cmd|' /C calc'!A0"


def test_without_an_address_header_the_first_column_is_read(
    session: Session, codes: Codes, tmp_path: Path
) -> None:
    source = tmp_path / "list.csv"
    source.write_bytes("旧址,备注\n古梅路1号,x\n".encode())
    report = match_addresses_file(session, path=source, out=tmp_path / "list.out.csv")
    assert report.address_header == "旧址" and report.matched == 1


def test_a_result_file_matched_again_keeps_one_set_of_result_columns(
    session: Session, codes: Codes, tmp_path: Path
) -> None:
    source = tmp_path / "a.csv"
    source.write_bytes("地址\n古梅路1号\n".encode())
    match_addresses_file(session, path=source, out=tmp_path / "b.csv")
    match_addresses_file(session, path=tmp_path / "b.csv", out=tmp_path / "c.csv")
    assert list(read_csv(tmp_path / "c.csv")[0]) == ["地址", *RESULT_HEADERS]


@pytest.mark.parametrize("out_name", ["out.pdf", "in.csv"])
def test_a_bad_output_is_refused(session: Session, codes: Codes, tmp_path: Path, out_name: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes("地址\n古梅路1号\n".encode())
    with pytest.raises(DomainError):
        match_addresses_file(session, path=source, out=tmp_path / out_name)
    assert source.read_text(encoding="utf-8") == "地址\n古梅路1号\n"


def test_result_file_names() -> None:
    assert result_file_name("登记.xlsx") == "登记.matched.xlsx"
    assert result_file_name("list.CSV") == "list.matched.csv"


# -- the command line ------------------------------------------------------------------------------


def test_cli_matches_a_file_next_to_it(
    session: Session, codes: Codes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "register.csv"
    source.write_bytes("地址\n古梅路1号\n麻涌大道12号\n不知道\n".encode())
    assert main(["match", "addresses", str(source)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "已匹配 matched: 1" in out and "需复核 needs review: 2" in out and "not found: 1" in out
    assert len(read_csv(tmp_path / "register.matched.csv")) == 3


def test_cli_writes_xlsx_when_asked(session: Session, codes: Codes, tmp_path: Path) -> None:
    source = tmp_path / "register.csv"
    source.write_bytes("地址\n古梅路1号\n".encode())
    assert main(["match", "addresses", str(source), "--out", str(tmp_path / "r.xlsx")]) == EXIT_OK
    assert (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("content", "out", "message"),
    [
        (None, None, "找不到文件"),
        (b"%PDF-1.4 not a table", None, "PDF"),
        ("地址\n古梅路1号\n".encode(), "r.txt", ".csv 或 .xlsx"),
        ("地址\n".encode(), None, "没有数据行"),
    ],
    ids=["missing", "pdf", "bad-out", "header-only"],
)
def test_cli_refusals_exit_2_with_a_message(
    session: Session,
    codes: Codes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    out: str | None,
    message: str,
) -> None:
    source = tmp_path / "register.csv"
    if content is not None:
        source.write_bytes(content)
    argv = ["match", "addresses", str(source)] + (["--out", str(tmp_path / out)] if out else [])
    assert main(argv) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert message in err and "Error:" in err and "Traceback" not in err
    assert not (tmp_path / "register.matched.csv").exists()


def test_cli_refuses_an_empty_town(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "register.csv"
    source.write_bytes("地址\n古梅路1号\n".encode())
    assert main(["match", "addresses", str(source)]) == EXIT_REFUSED
    assert "没有在用的门牌" in capsys.readouterr().err


def test_cli_help_for_match(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["match", "addresses", "--help"])
    assert exited.value.code == 0
    assert "--out" in capsys.readouterr().out
