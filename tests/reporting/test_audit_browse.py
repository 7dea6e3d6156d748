"""Browsing the audit log: each filter, paging, masking of what looks like personal data, who
may look, and exports that hold exactly the filtered entries and are audited themselves."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.models import AuditLog
from shared.reporting.audit_browse import (
    HEADERS,
    AuditFilters,
    audit_choices,
    export_audit,
    list_audit,
    mask_detail,
    mask_text,
)
from shared.staff.auth import AccessDenied
from tests.factories import TENANT_ID, staff_identity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
CHIEF = staff_identity("supervisor", username="chief")
EVERYTHING = 500
PLATE, PHONE = "0010010012", "13800138000"
REVEALED_AT = NOW - timedelta(days=1) + timedelta(minutes=3)  # the fourth entry of `log`


@pytest.fixture
def log(session: Session) -> dict[str, int]:
    """Six entries over four days, oldest first, a few minutes apart; their ids by name."""
    entries = {
        "login_ok": ("officer1", "login.success", "user", "7", {}, 3),
        "login_bad": ("officer1", "login.failure", "user", "7", {"reason": "wrong_password"}, 2),
        "submit": ("public", "declaration.submit.residence", "declaration", "41", {"plate_code": PLATE}, 2),
        "reveal": ("chief", "pii.reveal", "declaration", "41", {"reason": f"核实{TENANT_ID} 电话{PHONE}"}, 1),
        "export": ("admin", "export", "table", "people", {"village": "441900126001", "rows": 3}, 1),
        "retire": ("admin", "plate.retire", "plate", PLATE, {"note": "拆除 100%"}, 0),
    }  # fmt: skip
    ids = {}
    for name, (actor, action, target_type, target_id, detail, days_ago) in entries.items():
        entry = record_audit(
            session, actor=actor, action=action, target_type=target_type, target_id=target_id,
            detail=detail, at=NOW - timedelta(days=days_ago) + timedelta(minutes=len(ids)),
        )  # fmt: skip
        session.flush()
        ids[name] = entry.id
    session.commit()
    return ids


def shown(session: Session, **filters: Any) -> list[int]:
    return [e.id for e in list_audit(session, staff=CHIEF, **filters, limit=EVERYTHING).items]


def names(log: dict[str, int], ids: list[int]) -> list[str]:
    by_id = {v: k for k, v in log.items()}
    return [by_id[i] for i in ids]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["retire", "export", "reveal", "submit", "login_bad", "login_ok"]),  # newest first
        ({"actor": "officer1"}, ["login_bad", "login_ok"]),
        ({"action": "login"}, ["login_bad", "login_ok"]),  # a prefix selects the actions under it
        ({"action": "login.failure"}, ["login_bad"]),
        ({"action": "log"}, []),  # but not a part of a word
        ({"action": "declaration"}, ["submit"]),
        ({"target_type": "declaration"}, ["reveal", "submit"]),
        ({"since": REVEALED_AT}, ["retire", "export", "reveal"]),  # inclusive
        ({"until": REVEALED_AT}, ["submit", "login_bad", "login_ok"]),  # exclusive
        ({"text": "WRONG_pass"}, ["login_bad"]),  # details, ignoring case
        ({"text": "0010010012"}, ["retire", "submit"]),  # target and details
        ({"text": "100%"}, ["retire"]),  # % is a character, not a wildcard
        ({"text": "%"}, ["retire"]),
        ({"text": "核实"}, ["reveal"]),
        ({"actor": "admin", "action": "export", "text": "people"}, ["export"]),
        ({"actor": "nobody"}, []),
    ],
)
def test_filters_select_the_entries(
    session: Session, log: dict[str, int], filters: dict[str, Any], expected: list[str]
) -> None:
    assert names(log, shown(session, **filters)) == expected


def test_pages_and_total(session: Session, log: dict[str, int]) -> None:
    page = list_audit(session, staff=CHIEF, limit=2, offset=2)
    assert page.total == 6
    assert names(log, [e.id for e in page.items]) == ["reveal", "submit"]
    assert list_audit(session, staff=CHIEF, action="login", limit=1).total == 2


def test_numbers_and_phones_in_details_are_masked(session: Session, log: dict[str, int]) -> None:
    [reveal] = [e for e in list_audit(session, staff=CHIEF, action="pii.reveal").items]
    assert reveal.detail == {"reason": f"核实{TENANT_ID[:3]}***********{TENANT_ID[-4:]} 电话138****8000"}
    [submit] = list_audit(session, staff=CHIEF, action="declaration").items
    assert submit.detail == {"plate_code": "0010010012"}  # a plate code is not a phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TENANT_ID, f"{TENANT_ID[:3]}***********{TENANT_ID[-4:]}"),
        ("11010519491231002x", "110***********002x"),
        ("电话13800138000。", "电话138****8000。"),
        ("+86 138 0013 8000", "138****8000"),
        ("0769-22123456", "0769****3456"),
        ("0010010012", "0010010012"),  # plate code
        ("441900126001", "441900126001"),  # village code
        ("441900126001003", "441900126001003"),  # grid code (as long as an old identity number)
        ("a13800138000b", "a13800138000b"),  # inside a blind index or a token
        ("9f3c13800138000e2d", "9f3c13800138000e2d"),
        ("1380013800", "1380013800"),  # ten digits: not a mobile
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_detail_reaches_nested_values() -> None:
    detail = {"fields": ["person.phone"], "note": {"said": ["13912345678"]}, "rows": 3}
    assert mask_detail(detail) == {"fields": ["person.phone"], "note": {"said": ["139****5678"]}, "rows": 3}


def test_choices_offer_actors_actions_with_prefixes_and_target_types(
    session: Session, log: dict[str, int]
) -> None:
    choices = audit_choices(session, staff=CHIEF)
    assert choices.actors == ("admin", "chief", "officer1", "public")
    assert {"login", "login.success", "declaration", "declaration.submit", "plate.retire"} <= set(
        choices.actions
    )
    assert choices.target_types == ("declaration", "plate", "table", "user")


def test_officers_may_not_browse_or_export(session: Session, log: dict[str, int]) -> None:
    officer = staff_identity("officer", ["G1"])
    with pytest.raises(AccessDenied):
        list_audit(session, staff=officer)
    with pytest.raises(AccessDenied):
        audit_choices(session, staff=officer)
    with pytest.raises(AccessDenied):
        export_audit(session, staff=officer, filters=AuditFilters(), fmt="csv", now=NOW)
    assert session.scalars(select(AuditLog).where(AuditLog.action == "export.audit")).first() is None


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "filters",
    [
        AuditFilters(),
        AuditFilters(action="login"),
        AuditFilters(target_type="declaration", since=REVEALED_AT),
        AuditFilters(text="nothing like this"),
    ],
)
def test_export_holds_exactly_the_filtered_entries(
    session: Session, log: dict[str, int], filters: AuditFilters
) -> None:
    on_screen = shown(session, **filters.__dict__)
    content, count = export_audit(session, staff=CHIEF, filters=filters, fmt="csv", now=NOW)
    header, *rows = csv_rows(content)
    assert tuple(header) == HEADERS
    assert [int(r[0]) for r in rows] == on_screen and count == len(on_screen)


def test_export_is_masked_neutralised_and_xlsx_opens(session: Session, log: dict[str, int]) -> None:
    record_audit(session, actor="=HYPERLINK(1)", action="test", target_type="t", target_id="1", at=NOW)
    session.commit()
    content, count = export_audit(session, staff=CHIEF, filters=AuditFilters(), fmt="xlsx", now=NOW)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == count + 1 == 8
    cells = [str(c) for row in rows for c in row]
    assert TENANT_ID not in " ".join(cells) and "13800138000" not in " ".join(cells)
    assert "'=HYPERLINK(1)" in cells


def test_export_is_audited_with_its_filters(session: Session, log: dict[str, int]) -> None:
    filters = AuditFilters(action="login", since=NOW - timedelta(days=5))
    export_audit(session, staff=CHIEF, filters=filters, fmt="xlsx", now=NOW)
    session.commit()
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "export.audit")).one()
    assert (entry.actor, entry.target_type, entry.target_id) == ("chief", "table", "audit_log")
    assert entry.detail == {
        "format": "xlsx",
        "rows": 2,
        "filters": {"action": "login", "since": (NOW - timedelta(days=5)).isoformat()},
    }
    # The export's own entry is not in the file it wrote; the next export finds it.
    assert (
        export_audit(session, staff=CHIEF, filters=AuditFilters(action="export"), fmt="csv", now=NOW)[1] == 2
    )


def test_unknown_format_is_refused(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_audit(session, staff=CHIEF, filters=AuditFilters(), fmt="pdf", now=NOW)  # type: ignore[arg-type]
