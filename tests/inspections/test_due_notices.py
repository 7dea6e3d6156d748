"""整改到期 notices: an open 整改 due by tomorrow (or overdue) tells the landlord once, through his
latest live rental declaration naming a room of the building; nobody else is told."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.declarations.forms import validate_rental
from shared.inspections.checklist import checklist
from shared.inspections.due_notices import queue_rectification_notices, rectification_once_key
from shared.inspections.landlord import report_done
from shared.inspections.records import record_inspection, reopen_rectification
from shared.models import (
    Building,
    Declaration,
    DeclarationStatus,
    Notice,
    NoticeKind,
    Rectification,
    RectificationStatus,
)
from shared.self_service.submit import submit_rental
from tests.factories import (
    LANDLORD_ID,
    declarant_fields,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    rental_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
TODAY = date(2026, 11, 25)
OFFICER = staff_identity("officer", ["G1"], username="officer1")

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def building(session: Session) -> Building:
    found = make_building(session, plate=make_plate(session, grid=make_grid(session, code="G1")), name="A栋")
    make_room(session, building=found, number="101", is_rental=True)
    make_room(session, building=found, number="102", is_rental=True)
    return found


def let(
    session: Session, building: Building, room: int = 0, key: str = "r1", **fields: object
) -> Declaration:
    """The landlord's rental declaration of one room of the building."""
    room_id = sorted(r.id for r in building.rooms)[room]
    data = validate_rental(rental_fields([room_id], **fields), today=TODAY)
    return submit_rental(session, plate_code=building.plate_code, data=data, idempotency_key=key, now=NOW)


def inspect(session: Session, building: Building, *, due_days: int, at: datetime = NOW) -> Rectification:
    """An inspection that fails the smoke alarms: one 整改 due in `due_days` days."""
    results = {item.code: item.code != "smoke" for item in checklist()}
    inspection = record_inspection(
        session, staff=OFFICER, building_id=building.id, results=results, due_days=due_days, now=at
    )
    return inspection.rectifications[0]


def queued(session: Session) -> list[tuple[NoticeKind, int, str | None]]:
    return [
        (n.kind, n.declaration_id, n.once_key) for n in session.scalars(select(Notice).order_by(Notice.id))
    ]


def test_a_fix_due_tomorrow_tells_the_landlord_once(session: Session, building: Building) -> None:
    rental = let(session, building)
    rectification = inspect(session, building, due_days=1)
    assert queue_rectification_notices(session, now=NOW) == 1
    assert queue_rectification_notices(session, now=NOW + timedelta(hours=1)) == 0  # cron again
    assert queue_rectification_notices(session, now=NOW + timedelta(days=3)) == 0  # overdue: still told once
    key = rectification_once_key(rectification.id, TODAY + timedelta(days=1))
    assert queued(session) == [(NoticeKind.RECTIFICATION_DUE, rental.id, key)]
    (notice,) = session.scalars(select(Notice))
    assert notice.receipt_code == rental.receipt_code


def test_a_fix_due_later_waits_for_the_day_before(session: Session, building: Building) -> None:
    let(session, building)
    inspect(session, building, due_days=2)
    assert queue_rectification_notices(session, now=NOW) == 0
    assert queue_rectification_notices(session, now=NOW + timedelta(days=1)) == 1


def test_an_overdue_fix_is_told_and_a_new_deadline_again(session: Session, building: Building) -> None:
    let(session, building)
    rectification = inspect(session, building, due_days=3, at=NOW - timedelta(days=10))
    assert queue_rectification_notices(session, now=NOW) == 1
    rectification.status = RectificationStatus.DONE  # reported done, then sent back by the officer
    reopen_rectification(
        session, staff=OFFICER, rectification_id=rectification.id, note="烟感仍未安装", due_days=1, now=NOW
    )
    assert queue_rectification_notices(session, now=NOW) == 1
    assert len(queued(session)) == 2


def test_a_fix_reported_done_is_not_told(session: Session, building: Building) -> None:
    rental = let(session, building)
    rectification = inspect(session, building, due_days=1)
    report_done(
        session, receipt_code=rental.receipt_code, doc_tail=LANDLORD_ID[-6:], client_key="phone",
        rectification_id=rectification.id, note="已安装烟感", now=NOW,
    )  # fmt: skip
    assert queue_rectification_notices(session, now=NOW + timedelta(days=5)) == 0
    assert queued(session) == []


def test_without_a_live_rental_declaration_nobody_is_told(session: Session, building: Building) -> None:
    other = make_building(session, plate=make_plate(session), name="B栋")
    make_room(session, building=other, number="101")
    let_elsewhere = validate_rental(rental_fields([other.rooms[0].id]), today=TODAY)
    submit_rental(session, plate_code=other.plate_code, data=let_elsewhere, idempotency_key="o", now=NOW)
    withdrawn = let(session, building, key="w")
    withdrawn.status = DeclarationStatus.WITHDRAWN
    rejected = let(session, building, room=1, key="x")
    rejected.status = DeclarationStatus.REJECTED
    inspect(session, building, due_days=1)
    assert queue_rectification_notices(session, now=NOW) == 0
    assert queued(session) == []


def test_the_latest_rental_declaration_of_the_building_is_told(session: Session, building: Building) -> None:
    let(session, building, key="first")
    later = let(
        session, building, room=1, key="second",
        landlord=declarant_fields(id_number=make_id_number("441900", "19700101"), phone="13800001111"),
    )  # fmt: skip
    inspect(session, building, due_days=1)
    assert queue_rectification_notices(session, now=NOW) == 1
    assert [declaration_id for _, declaration_id, _ in queued(session)] == [later.id]
