"""整改到期: open rectifications due within 3 days or overdue, and those reported done (a visit
closes them), earliest first, in the officer's own grids only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from shared.inspections.checklist import checklist
from shared.inspections.records import close_rectification, record_inspection
from shared.inspections.rectifications_due import rectifications_due
from shared.models import Rectification, RectificationStatus
from tests.factories import make_building, make_grid, make_plate, make_room, staff_identity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def test_due_overdue_and_reported_done_are_listed_earliest_first(session: Session) -> None:
    grid = make_grid(session, code="G1")
    other = make_grid(session, code="G2")
    ids = {}
    for key, days_ago, where in (
        ("overdue", 10, grid),
        ("due", 5, grid),
        ("later", 1, grid),
        ("elsewhere", 10, other),
    ):
        building = make_building(session, plate=make_plate(session, grid=where), name=key)
        make_room(session, building=building, is_rental=True)
        results = {item.code: item.code != "smoke" for item in checklist()}
        inspection = record_inspection(
            session, staff=staff_identity("supervisor"), building_id=building.id, results=results,
            now=NOW - timedelta(days=days_ago),
        )  # fmt: skip
        ids[key] = inspection.rectifications[0].id
    done = session.get(Rectification, ids["later"])
    assert done is not None
    done.status = RectificationStatus.DONE  # reported done: due for the checking visit
    officer = staff_identity("officer", ["G1"])
    items, total = rectifications_due(session, staff=officer, now=NOW)
    assert total == 3
    assert [(i.rectification_id, i.days_left) for i in items] == [
        (ids["overdue"], -3),
        (ids["due"], 2),
        (ids["later"], 6),
    ]
    assert items[0].item_zh == "安装独立式感烟火灾探测报警器" and items[0].address.endswith("overdue")
    assert items[0].plate_code and items[0].village
    close_rectification(session, staff=officer, rectification_id=ids["overdue"], now=NOW)
    items, total = rectifications_due(session, staff=officer, now=NOW)
    assert total == 2 and ids["overdue"] not in {i.rectification_id for i in items}
    assert rectifications_due(session, staff=staff_identity("supervisor"), now=NOW)[1] == 3
    assert rectifications_due(session, staff=staff_identity("officer", []), now=NOW)[1] == 0
