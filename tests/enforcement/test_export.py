"""执法清单导出: the list as XLSX/CSV, masked unless revealed, every export audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.errors import ValidationError
from shared.enforcement.export import HEADERS, LATE, UNREPORTED, export_enforcement
from shared.models import AuditLog, utcnow
from shared.staff.auth import AccessDenied
from tests.enforcement.town import lives_and_passes, make_town
from tests.factories import LANDLORD_ID, TENANT_ID, declare_residence, staff_identity

pytestmark = pytest.mark.db


@pytest.fixture
def listed(session: Session) -> None:
    """An unreported let room with passages, and a tenant (李四) who declared 20 days late."""
    town = make_town(session)
    now = utcnow()
    lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1), times=2)
    declare_residence(session, room=town.rooms[2], now=now, move_in=local_today(now) - timedelta(days=20))
    session.flush()


def rows_of(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_export_is_masked_and_audited(session: Session, listed: None) -> None:
    now = utcnow()
    content = export_enforcement(session, staff=staff_identity("supervisor", username="sup"),
                                 today=local_today(now), days=90, fmt="xlsx", now=now)  # fmt: skip
    rows = rows_of(content)
    assert tuple(rows[0]) == HEADERS
    assert [r[0] for r in rows[1:]] == [UNREPORTED, UNREPORTED, LATE]
    text = repr(rows)
    assert "陈大文" not in text and LANDLORD_ID not in text and "13912345678" not in text
    assert "李四" not in text and TENANT_ID not in text
    assert rows[1][1] == "陈**" and rows[1][4] == "麻涌大道 12号 301" and rows[1][9] == "2"
    assert rows[3][13].startswith("李* ") and rows[3][16] != ""
    [audit] = session.scalars(select(AuditLog).where(AuditLog.target_id == "enforcement")).all()
    assert (audit.actor, audit.action) == ("sup", "export.enforcement")
    assert audit.detail["rows"] == 3 and audit.detail["revealed"] is False


def test_revealed_export_needs_a_reason_and_is_audited_as_a_reveal(session: Session, listed: None) -> None:
    now = utcnow()
    supervisor = staff_identity("supervisor", username="sup")
    args = {"today": local_today(now), "days": 90, "now": now, "reveal": True}
    with pytest.raises(ValidationError):
        export_enforcement(session, staff=supervisor, fmt="xlsx", reason=" ", **args)
    with pytest.raises(AccessDenied):  # administrators keep accounts; they do not read numbers
        export_enforcement(session, staff=staff_identity("admin"), fmt="xlsx", reason="立案", **args)
    content = export_enforcement(session, staff=supervisor, fmt="csv", reason="派出所立案调查", **args)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][1:4] == ["陈大文", LANDLORD_ID, "13912345678"]
    assert rows[3][13] == f"李四 {TENANT_ID}"
    [audit] = session.scalars(select(AuditLog).where(AuditLog.target_id == "enforcement")).all()
    assert audit.action == "export.enforcement.reveal"
    assert audit.detail["reason"] == "派出所立案调查" and audit.detail["format"] == "csv"
