"""Exporting the review queue: the whole filtered queue in the page's order, only the staff
member's grids, names masked, and every export audited with its filters."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import AuditLog, DeclarationStatus, Room
from shared.review import queue as review_queue
from shared.review.export import HEADERS, export_queue
from shared.review.queue import QueueFilters, iter_queue, list_queue
from tests.factories import (
    TENANT_ID,
    declare_residence,
    make_building,
    make_finding,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    make_village,
    person_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
OFFICER = staff_identity("officer", ["G1"], username="officer1")
CHIEF = staff_identity("supervisor", username="chief")


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def rooms(session: Session) -> dict[str, Room]:
    """Rooms A101–A104 in grid G1 and B101 in G2 of 麻一村."""
    village = make_village(session, name="麻一村")
    street = make_street(session, village=village, name="麻涌大道")
    g1, g2 = make_grid(session, village=village, code="G1"), make_grid(session, village=village, code="G2")
    a = make_building(session, plate=make_plate(session, street=street, number="12", grid=g1), name="A栋")
    b = make_building(session, plate=make_plate(session, street=street, number="30", grid=g2))
    found = {f"A10{n}": make_room(session, building=a, number=f"10{n}") for n in range(1, 5)}
    found["B101"] = make_room(session, building=b, number="101")
    session.commit()
    return found


def declare(session: Session, room: Room, n: int) -> Any:
    number = make_id_number(sequence=f"{n:02d}1")
    person = person_fields(name=f"王{'一二三四五'[n]}", id_number=number, birth_date="", sex="")
    return declare_residence(session, room=room, now=NOW, person=person)


@pytest.fixture
def queue(session: Session, rooms: dict[str, Room]) -> list[Any]:
    """Four declarations in G1 (the second with a finding), one in G2."""
    declarations = [
        declare(session, rooms[name], n) for n, name in enumerate(("A101", "A102", "A103", "A104"))
    ]
    make_finding(session, declarations[1], severity="error")
    declare(session, rooms["B101"], 4)
    session.commit()
    return declarations


def csv_rows(content: bytes) -> list[list[str]]:
    header, *rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert tuple(header) == HEADERS
    return rows


def test_export_is_the_filtered_queue_in_its_order(session: Session, queue: list[Any]) -> None:
    page = list_queue(session, staff=OFFICER, filters=QueueFilters(), now=NOW)
    rows = csv_rows(export_queue(session, staff=OFFICER, filters=QueueFilters(), now=NOW, fmt="csv"))
    assert [int(r[0]) for r in rows] == [item.declaration_id for item in page.items]
    assert rows[0][0] == str(queue[1].id)  # the item with an error first
    first = dict(zip(HEADERS, rows[0], strict=True))
    assert first["风险 Risk"] == "严重 Error" and first["状态 State"] == "有问题 Has issues"
    assert first["申报人 Declarant"] == "王*" and first["网格 Grid"] == "G1"
    assert TENANT_ID not in str(rows)


def test_officer_exports_only_own_grids_even_when_filtering_another(
    session: Session, queue: list[Any]
) -> None:
    assert len(csv_rows(export_queue(session, staff=CHIEF, filters=QueueFilters(), now=NOW, fmt="csv"))) == 5
    mine = csv_rows(export_queue(session, staff=OFFICER, filters=QueueFilters(), now=NOW, fmt="csv"))
    assert {r[9] for r in mine} == {"G1"}
    theirs = export_queue(session, staff=OFFICER, filters=QueueFilters(grid="G2"), now=NOW, fmt="csv")
    assert csv_rows(theirs) == []


def test_filters_are_honoured(session: Session, queue: list[Any]) -> None:
    filters = QueueFilters(rule="phone_invalid", states=tuple(DeclarationStatus))
    rows = csv_rows(export_queue(session, staff=CHIEF, filters=filters, now=NOW, fmt="csv"))
    assert [int(r[0]) for r in rows] == [queue[1].id]


def test_every_item_is_exported_not_one_page(
    session: Session, queue: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = list_queue(session, staff=CHIEF, filters=QueueFilters(), now=NOW)
    monkeypatch.setattr(review_queue, "MAX_PAGE", 2)  # payloads are read two at a time
    everything = [
        item.declaration_id for item in iter_queue(session, staff=CHIEF, filters=QueueFilters(), now=NOW)
    ]
    assert everything == [item.declaration_id for item in page.items] and len(everything) == 5
    content = export_queue(session, staff=CHIEF, filters=QueueFilters(), now=NOW, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == everything


def test_export_is_audited_with_its_filters(session: Session, queue: list[Any]) -> None:
    filters = QueueFilters(grid="G1", min_age_days=0)
    export_queue(session, staff=OFFICER, filters=filters, now=NOW, fmt="xlsx")
    session.commit()
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "export.queue")).one()
    assert (entry.actor, entry.target_type, entry.target_id) == ("officer1", "table", "review_queue")
    assert entry.detail == {
        "format": "xlsx",
        "rows": 4,
        "filters": {"grid": "G1", "states": ["received", "has_issues", "resubmitted"], "min_age_days": 0},
    }
