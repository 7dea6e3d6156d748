"""地址清洗: free-text legacy addresses matched to standard plates, alone, in files and by the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.address_cleaning.files import (
    RESULT_HEADERS,
    REVIEW_NO,
    REVIEW_YES,
    match_addresses_file,
    result_file_name,
)
from shared.address_cleaning.matching import AddressMatcher, build_matcher, index_fingerprint
from shared.address_cleaning.normalise import normalise
from shared.address_cleaning.numbers import PlateNumber, chinese_numeral, read_address, split_address
from shared.cli.main import EXIT_OK, EXIT_REFUSED, main
from shared.core.errors import DomainError
from shared.demo import build_demo_town
from shared.models import RecordStatus, Street
from tests.address_cleaning.noise import messy_addresses, rename_some_streets
from tests.factories import make_plate, make_street, make_village, table_csv, table_xlsx

Codes = dict[tuple[str, str, str], str]


@pytest.fixture
def codes(session: Session) -> Codes:
    """麻一村 and 麻二村 both have a 麻涌大道 (numbers 1–15 and 1–12); 麻一村 also 12之一 and
    105, 古梅路 1–5 with 4之一, 麻一新村路, and two lanes that differ in one numeral.
    Keys: (village, street, number)."""
    plates: Codes = {}
    villages = {
        "麻一村": make_village(session, code="441900126200", name="麻一村"),
        "麻二村": make_village(session, code="441900126201", name="麻二村"),
    }
    layout = {
        ("麻一村", "麻涌大道"): [*map(str, range(1, 16)), "12之一", "105"],
        ("麻一村", "古梅路"): ["1", "2", "3", "4", "4之一", "5"],
        ("麻一村", "麻一新村路"): ["1", "2", "3"],
        ("麻一村", "麻一十一巷"): ["1", "2", "3"],
        ("麻一村", "麻一十二巷"): ["1", "2", "3"],
        ("麻二村", "麻涌大道"): [str(n) for n in range(1, 13)],
        ("麻二村", "新港路"): ["1", "2", "3"],
    }
    for seq, ((village, name), numbers) in enumerate(layout.items(), start=1):
        street = make_street(session, village=villages[village], name=name)
        for n, number in enumerate(numbers, start=1):
            code = f"{villages[village].code[-3:]}{seq:03d}{n:04d}"
            make_plate(session, street=street, number=number, code=code)
            plates[(village, name, number)] = code
    session.commit()
    return plates


@pytest.fixture
def matcher(session: Session, codes: Codes) -> AddressMatcher:
    return build_matcher(session)


# -- reading the text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("十二", 12), ("二十", 20), ("十", 10), ("一百零五", 105), ("一百一十", 110), ("两", 2), ("一二", 12),
     ("三", 3), ("7", 7), ("十百", None), ("一二十", None), ("", None), ("楼", None)],
)  # fmt: skip
def test_chinese_numerals_read_as_people_write_them(text: str, value: int | None) -> None:
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    ("text", "head", "number", "tail"),
    [
        ("东莞市麻涌镇麻涌大道12号之一", "东莞市麻涌镇麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道12之一号", "麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道12-1号", "麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道 12 3楼", "麻涌大道", PlateNumber(12), "3楼"),  # not 123
        ("523130 麻涌大道12", "523130麻涌大道", PlateNumber(12), ""),  # the postcode is not the number
        ("麻涌大道11号之12楼201", "麻涌大道", PlateNumber(11, 1), "2楼201"),
        ("麻一十二巷十二号", "麻一十二巷", PlateNumber(12), ""),
        ("麻涌大道第１２號", "麻涌大道", PlateNumber(12), ""),
        ("麻涌大道", "麻涌大道", None, ""),
    ],
)
def test_the_door_number_is_split_from_the_street(
    text: str, head: str, number: PlateNumber | None, tail: str
) -> None:
    parts = split_address(normalise(text))
    assert (parts.head, parts.number, parts.tail) == (head, number, tail)


def test_other_readings_when_numerals_may_end_the_street_or_the_sub_number_meets_the_room() -> None:
    lane = read_address(normalise("麻二八七号"))
    assert [(r.head, r.number) for r in lane] == [
        ("麻", PlateNumber(287)), ("麻二", PlateNumber(87)), ("麻二八", PlateNumber(7))
    ]  # fmt: skip
    room = read_address(normalise("古梅路4号之1101房"))
    assert [r.number for r in room] == [PlateNumber(4, 110), PlateNumber(4, 11), PlateNumber(4, 1)]
    assert read_address(normalise("古梅路4号")) == [split_address(normalise("古梅路4号"))]


# -- matching --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "village", "street", "number"),
    [
        ("麻一村麻涌大道12号", "麻一村", "麻涌大道", "12"),
        ("东莞市麻涌镇麻一村麻涌大道12号之一", "麻一村", "麻涌大道", "12之一"),
        ("麻涌镇麻一村麻涌大道十二号", "麻一村", "麻涌大道", "12"),
        ("广东省东莞市麻涌麻涌大道15号首层", "麻一村", "麻涌大道", "15"),  # 15 only in 麻一村
        ("麻一村麻涌大道12号之1", "麻一村", "麻涌大道", "12之一"),
        ("麻涌大道12-1号", "麻一村", "麻涌大道", "12之一"),
        ("麻二村麻涌大道１２号", "麻二村", "麻涌大道", "12"),
        ("麻涌大道一百零五号", "麻一村", "麻涌大道", "105"),
        ("古梅路两号", "麻一村", "古梅路", "2"),
        ("麻湧鎮麻一村麻湧大道12號", "麻一村", "麻涌大道", "12"),  # traditional characters
        ("古梅路3号3楼301室", "麻一村", "古梅路", "3"),
        ("古梅路3号A栋", "麻一村", "古梅路", "3"),
        ("古梅路3号旁", "麻一村", "古梅路", "3"),
        ("古梅路3号铺位", "麻一村", "古梅路", "3"),
        ("古梅路 4 号", "麻一村", "古梅路", "4"),
        ("（麻一村）古梅路，4号", "麻一村", "古梅路", "4"),
        ("古梅路5", "麻一村", "古梅路", "5"),
        ("麻涌大道13号（麻一村）", "麻一村", "麻涌大道", "13"),
        ("麻二麻涌大道3号", "麻二村", "麻涌大道", "3"),  # the village's short name
        ("麻一村麻涌大到12号", "麻一村", "麻涌大道", "12"),  # one wrong character
        ("麻一村麻涌道12号", "麻一村", "麻涌大道", "12"),  # one missing
        ("麻一村麻涌大大道12号", "麻一村", "麻涌大道", "12"),  # one extra
        ("古梅璐1号", "麻一村", "古梅路", "1"),
        ("麻一十二巷2号", "麻一村", "麻一十二巷", "2"),  # not 麻一十一巷, one numeral away
        ("麻一十一巷三号", "麻一村", "麻一十一巷", "3"),
        ("麻一十二三号", "麻一村", "麻一十二巷", "3"),  # 巷 left out: 十二 is the lane's, 三 the number
        ("古梅路4号之1101房", "麻一村", "古梅路", "4之一"),  # 之1, then room 101
        ("麻一村麻一村路2号", "麻一村", "麻一新村路", "2"),  # the slip made the village's name
    ],
)
def test_messy_text_finds_the_right_plate(
    matcher: AddressMatcher, codes: Codes, text: str, village: str, street: str, number: str
) -> None:
    result = matcher.match(text)
    assert result.best is not None
    assert result.best.plate_code == codes[(village, street, number)]
    assert result.best.village == village


def test_exact_address_scores_one_and_needs_no_review(matcher: AddressMatcher, codes: Codes) -> None:
    result = matcher.match("东莞市麻涌镇麻一村麻涌大道12号之一")
    assert result.best is not None
    assert (result.best.address, result.best.score, result.needs_review) == ("麻涌大道 12号之一", 1.0, False)


def test_scores_fall_from_exact_to_typo_to_wrong_number(matcher: AddressMatcher) -> None:
    exact, typo, wrong_number = (matcher.match(text).best for text in ("古梅路3号", "古梅璐3号", "古梅路9号"))
    assert exact is not None and typo is not None and wrong_number is not None
    assert exact.score == 1.0 > typo.score >= 0.75 > wrong_number.score
    assert wrong_number.address == "古梅路 5号"  # the nearest number on the street, for a person


def test_a_street_in_two_villages_without_the_village_needs_review(
    matcher: AddressMatcher, codes: Codes
) -> None:
    result = matcher.match("麻涌大道12号")
    assert result.best is not None and result.needs_review
    both = {codes[("麻一村", "麻涌大道", "12")], codes[("麻二村", "麻涌大道", "12")]}
    assert {result.best.plate_code, result.candidates[0].plate_code} == both


def test_the_wrong_village_is_penalised(matcher: AddressMatcher, codes: Codes) -> None:
    result = matcher.match("麻二村古梅路3号")
    assert result.best is not None
    assert result.best.plate_code == codes[("麻一村", "古梅路", "3")]
    assert result.best.score < 0.75 and result.needs_review


def test_a_missing_sub_number_offers_the_main_number_for_review(
    matcher: AddressMatcher, codes: Codes
) -> None:
    result = matcher.match("古梅路3号之一")
    assert result.best is not None and result.best.plate_code == codes[("麻一村", "古梅路", "3")]
    assert result.needs_review


def test_candidates_are_at_most_five_and_ordered(matcher: AddressMatcher) -> None:
    result = matcher.match("麻涌大道12号")
    scores = [c.score for c in result.candidates]
    assert len(result.candidates) <= 5 and scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "12号", "号号号", "麻涌大道", "随便写写123号", "x" * 100_000, "麻" * 5_000 + "12号",
     "\x00\x01\x02", "🏠🏠 12号", "=HYPERLINK(\"http://x\")", "一二三四五六七八九十百千号", None, 12345],
    ids=lambda v: repr(v)[:20],
)  # fmt: skip
def test_garbage_gets_no_plate_and_needs_review(matcher: AddressMatcher, text: object) -> None:
    result = matcher.match(text)
    assert result.best is None and result.candidates == [] and result.needs_review


def test_a_former_street_name_still_matches_after_a_rename(session: Session, codes: Codes) -> None:
    street = session.query(Street).filter_by(name="新港路").one()
    street.name, street.aliases = "新港大道", ["新港路"]
    session.commit()
    matcher = build_matcher(session)
    old, new = matcher.match("麻二村新港路2号"), matcher.match("新港大道2号")
    assert old.best is not None and new.best is not None
    assert old.best.plate_code == new.best.plate_code == codes[("麻二村", "新港路", "2")]
    assert old.best.address == "新港大道 2号"  # the standard address carries the current name
    assert new.best.score == 1.0 > old.best.score >= 0.75 and not old.needs_review


def test_retired_plates_are_not_matched(session: Session, codes: Codes) -> None:
    street = session.query(Street).filter_by(name="古梅路").one()
    make_plate(session, street=street, number="6", code="RETIRED0006", status=RecordStatus.RETIRED)
    session.commit()
    result = build_matcher(session).match("古梅路6号")
    assert result.best is not None and result.best.plate_code != "RETIRED0006"
    assert result.needs_review


def test_the_matcher_works_without_the_database(session: Session, codes: Codes) -> None:
    matcher = build_matcher(session)
    session.close()
    assert matcher.match("古梅路1号").best is not None
    assert matcher.plate_count == len(codes)


def test_an_empty_town_matches_nothing(session: Session) -> None:
    matcher = build_matcher(session)
    assert matcher.plate_count == 0 and matcher.match("麻涌大道12号").best is None


def test_the_fingerprint_changes_with_a_rename(session: Session, codes: Codes) -> None:
    before = index_fingerprint(session)
    assert index_fingerprint(session) == before
    session.query(Street).filter_by(name="新港路").one().aliases = ["旧港路"]
    session.flush()
    assert index_fingerprint(session) != before


# -- the labelled set ------------------------------------------------------------------------------


@pytest.fixture
def demo(session: Session) -> Session:
    """The small demo town, a tenth of its streets renamed, and a 之一 plate squeezed in on five
    streets (the small town has none of its own)."""
    build_demo_town(session, scale="small", seed=2026)
    rename_some_streets(session, share=0.1)
    for street in session.scalars(select(Street).order_by(Street.id).limit(5)):
        make_plate(session, street=street, number="1之一", code=f"SUB{street.id:07d}")
    session.commit()
    return session


def test_labelled_set_is_deterministic_and_covers_every_noise(demo: Session) -> None:
    first = messy_addresses(demo, count=600, seed=7)
    assert first == messy_addresses(demo, count=600, seed=7)
    kinds = {k for a in first for k in a.kinds}
    assert kinds >= {"town", "village", "village_after", "village_short", "alias", "typo", "chinese_numeral",
                     "fullwidth", "sub_number", "no_hao", "unit", "spacing"}  # fmt: skip


def test_top1_accuracy_on_the_labelled_set_is_at_least_90_percent(demo: Session) -> None:
    labelled = messy_addresses(demo, count=600, seed=2026)
    matcher = build_matcher(demo)
    right = sum(
        (r := matcher.match(a.text)).best is not None and r.best.plate_code == a.plate_code for a in labelled
    )
    assert len(labelled) >= 500
    assert right / len(labelled) >= 0.90


# -- files -----------------------------------------------------------------------------------------


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
