"""Bad input that leaves the system (issue 8): exported cells never become formulas in an
officer's spreadsheet, whatever the public typed; and text that kiosk scanners and receipt
forms feed in (anything a QR code or a keyboard holds) is read or refused, never a crash.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.address_cleaning.files import RESULT_HEADERS, match_addresses_upload
from shared.address_cleaning.matching import AddressMatcher, PlateRow
from shared.address_cleaning.normalise import normalise
from shared.address_cleaning.numbers import read_address
from shared.core.crypto import Keyring
from shared.core.errors import DomainError
from shared.core.spreadsheets import FORMULA_TRIGGERS, Cell, neutralise, table_bytes
from shared.gate.pass_tokens import MAX_SCAN_CHARS, PassKind, PassRef, read_pass_token, sign_pass
from shared.models import Declaration, ReceiptAttempt
from shared.places.links import parse_plate_param, plate_link, plate_param_from_scan, verify_plate_token
from shared.self_service.receipt_access import (
    ReceiptMismatch,
    TooManyAttempts,
    normalise_receipt_code,
    open_declaration,
)
from tests.core.test_properties_validators import FORMULAS, HAN, formulas, junk
from tests.factories import table_csv, table_xlsx

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
KEYRING = Keyring.from_master(b"property-test-secret")
cells: st.SearchStrategy[Cell] = st.one_of(
    junk,
    formulas,
    st.builds(lambda c, f: c + f, st.characters(categories=["Cc"]), formulas),  # \x01=HYPERLINK(…)
    st.none(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)


def assert_no_formula_text(value: object) -> None:
    if isinstance(value, str):
        assert not value.startswith(FORMULA_TRIGGERS), value


# -- exports ------------------------------------------------------------------------------------------


@given(st.one_of(junk, formulas))
@settings(max_examples=200)
def test_a_neutralised_text_never_starts_a_formula_and_keeps_what_was_typed(value: str) -> None:
    shown = neutralise(value)
    assert isinstance(shown, str)
    assert_no_formula_text(shown)
    assert shown in (value, "'" + value)


@given(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=1, max_size=4))
@settings(max_examples=60)
def test_a_csv_export_holds_every_cell_neutralised(rows: list[list[Cell]]) -> None:
    data, count = table_bytes("csv", ("甲", "乙"), rows)
    assert data.startswith(b"\xef\xbb\xbf") and count == len(rows)
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert read[0] == ["甲", "乙"] and len(read) == len(rows) + 1
    for written, row in zip(read[1:], rows, strict=True):
        for text, value in zip(written, row, strict=True):
            if isinstance(value, str):  # a number may be negative: -1 is no formula
                assert text == neutralise(value)
                assert_no_formula_text(text)


@given(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=1, max_size=4))
@settings(max_examples=40)
def test_an_xlsx_export_has_no_formula_even_after_dropping_what_xml_cannot_hold(
    rows: list[list[Cell]],
) -> None:
    """`\\x01=HYPERLINK(…)` loses its \\x01 (XML cannot hold it): what is left is neutralised too."""
    data, count = table_bytes("xlsx", ("甲", "乙"), rows)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert count == len(rows) and [c.value for c in sheet[1]] == ["甲", "乙"]
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(line, column)
            assert cell.data_type != "f", cell.value
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.sub("", value):
                assert_no_formula_text(cell.value)
                expected = str(neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)))
                # XML reads every line end as \n
                assert cell.value == expected.replace("\r\n", "\n").replace("\r", "\n")


# -- address files: the public's addresses go back out to the regulator ---------------------------------


def matcher() -> AddressMatcher:
    rows = [
        PlateRow(f"2000{n:06d}", str(n), 1, "麻涌大道", ["麻涌路"], "441900126200", "麻一村")
        for n in range(1, 30)
    ]
    rows += [PlateRow("2001000001", "1之一", 2, "古梅路", None, "441900126201", "麻二村")]
    return AddressMatcher(rows)


MATCHER = matcher()


@given(junk)
@settings(max_examples=200)
def test_any_text_is_read_and_matched_without_a_crash(text: str) -> None:
    readings = read_address(normalise(text))
    assert 1 <= len(readings) <= 6
    result = MATCHER.match(text)
    assert result.best is None or 0 < result.best.score <= 1
    assert all(0 < c.score <= 1 for c in result.candidates)


@given(
    st.lists(
        st.tuples(st.one_of(junk, st.just("麻涌大道5号")), st.one_of(junk, formulas)), min_size=1, max_size=4
    ),
    st.sampled_from(["csv", "xlsx"]),
)
@settings(max_examples=40)
def test_a_matched_address_file_never_hands_back_a_formula(rows: list[tuple[str, str]], fmt: str) -> None:
    if fmt == "xlsx":  # a workbook cannot hold these characters, so no upload has them
        rows = [(ILLEGAL_CHARACTERS_RE.sub("", a), ILLEGAL_CHARACTERS_RE.sub("", r)) for a, r in rows]
    records = [{"地址": address, "备注": remark} for address, remark in rows]
    data = table_csv(records) if fmt == "csv" else table_xlsx([["地址", "备注"], *[list(r) for r in rows]])
    try:
        report, result = match_addresses_upload(MATCHER, data=data, filename=f"register.{fmt}")
    except DomainError as error:
        assert f"register.{fmt}" in error.message_zh and HAN.search(error.message_zh)
        return
    assert report.headers == ("地址", "备注", *RESULT_HEADERS)
    if fmt == "csv":
        written = list(csv.reader(io.StringIO(result.decode("utf-8-sig"), newline="")))[1:]
        assert all(not text.startswith(FORMULA_TRIGGERS) for row in written for text in row)
    else:
        sheet = load_workbook(io.BytesIO(result)).worksheets[0]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f"
                assert_no_formula_text(cell.value)
    assert len(report.rows) == report.matched + report.needs_review


@given(st.binary(max_size=200))
@settings(max_examples=60)
def test_random_bytes_as_an_address_file_are_refused_or_matched(data: bytes) -> None:
    try:
        match_addresses_upload(MATCHER, data=data, filename="x.csv")
    except DomainError as error:
        assert "x.csv" in error.message_en


# -- what kiosk scanners type ----------------------------------------------------------------------------

scanned = st.one_of(
    junk,
    st.text(alphabet="RVrv0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567?=&/:p ", max_size=60),
    st.builds(lambda s: s * 40, st.text(min_size=1, max_size=30)),
)


@given(scanned)
@settings(max_examples=200)
def test_any_scan_is_a_verified_pass_or_none(text: str) -> None:
    assert read_pass_token(text, keyrings=[KEYRING]) is None  # nothing random carries our signature


@given(
    st.sampled_from(PassKind),
    st.integers(1, 10**12 - 1),
    st.text(alphabet=" \t\r\n/?=&#:-_%", max_size=12),
    st.text(alphabet=" \t\r\n/?=&#:-_%", max_size=12),
    st.booleans(),
)
@settings(max_examples=100)
def test_a_signed_pass_is_found_in_whatever_the_scanner_adds(
    kind: PassKind, row_id: int, before: str, after: str, caps_lock: bool
) -> None:
    token = sign_pass(kind, row_id, keyring=KEYRING)
    typed = f"{before}{token.lower() if caps_lock else token}{after}"
    assert read_pass_token(typed, keyrings=[KEYRING]) == PassRef(kind, row_id)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert read_pass_token(f"{before}{forged}{after}", keyrings=[KEYRING]) is None


def test_a_scan_longer_than_any_pass_is_not_read() -> None:
    token = sign_pass(PassKind.RESIDENT, 12, keyring=KEYRING)
    assert read_pass_token(token + " " * (MAX_SCAN_CHARS - len(token)), keyrings=[KEYRING]) is not None
    assert read_pass_token(token + "x" * MAX_SCAN_CHARS, keyrings=[KEYRING]) is None


@given(scanned)
@settings(max_examples=200)
def test_any_scanned_plate_text_is_a_plate_token_or_none(text: str) -> None:
    param = plate_param_from_scan(text)
    assert param == param.upper()
    parsed = parse_plate_param(param)
    if parsed is not None:
        assert re.fullmatch(r"[0-9A-Z]{4,32}", parsed.code) and len(parsed.signature) == 16
    assert verify_plate_token(param, keyrings=[KEYRING]) is None


@pytest.mark.parametrize("text", ["http://[::1?p=X", "https://[?p=", "?p=%ZZ", "http://x]/?p=1&p=2#?p=3"])
def test_scanned_text_that_is_no_url_is_not_a_crash(text: str) -> None:
    """urlsplit raises ValueError on these; a scanner types whatever a QR code holds."""
    assert verify_plate_token(plate_param_from_scan(text), keyrings=[KEYRING]) is None


@given(
    st.from_regex(r"[0-9A-Z]{4,32}", fullmatch=True),
    st.sampled_from(["", "\n", "\r\n", "  "]),
    st.booleans(),
)
@settings(max_examples=60)
def test_a_printed_plate_link_reads_back_however_it_is_typed(code: str, end: str, caps_lock: bool) -> None:
    link = plate_link(code, keyring=KEYRING, portal_url="https://menpai.example/portal")
    typed = (link.lower() if caps_lock else link) + end
    assert verify_plate_token(plate_param_from_scan(typed), keyrings=[KEYRING]) == code


# -- receipt codes people type -----------------------------------------------------------------------------

RECEIPT_SETTINGS = settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(junk)
@settings(max_examples=150)
def test_a_typed_receipt_code_is_normalised_without_separators(text: str) -> None:
    code = normalise_receipt_code(text)
    assert not re.search(r"[\s\-_.·]", code) and code == code.upper()


@given(code=st.one_of(junk, st.from_regex(r"[A-Z2-9]{10}", fullmatch=True)), tail=junk, client=junk)
@RECEIPT_SETTINGS
def test_any_receipt_code_and_tail_is_a_mismatch_or_rate_limited(
    session: Session, code: str, tail: str, client: str
) -> None:
    """Nothing is opened by guessing, and only the failure count is written."""
    with pytest.raises((ReceiptMismatch, TooManyAttempts)) as caught:
        open_declaration(session, receipt_code=code, doc_tail=tail, client_key=client, now=NOW)
    assert HAN.search(caught.value.message_zh) and caught.value.message_en
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Declaration)) == 0
    assert session.scalar(select(func.count()).select_from(ReceiptAttempt)) >= 1


def test_formula_samples_cover_every_trigger() -> None:
    """The strategies above must keep exercising each character a spreadsheet runs."""
    assert set(FORMULA_TRIGGERS) <= {f[0] for f in FORMULAS}
