"""平安出租屋 on the operation map: a circle per plate and rating, counting its rentals; an
officer's map shows only his grids."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from shared.inspections.checklist import checklist
from shared.inspections.records import record_inspection
from shared.reporting.operation_map_rentals import rental_layers
from tests.factories import make_building, make_grid, make_plate, make_room, staff_identity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def test_rentals_are_counted_per_plate_and_rating_in_scope(session: Session) -> None:
    mine, other = make_grid(session, code="G1"), make_grid(session, code="G2")
    plate = make_plate(session, grid=mine, lat=23.05, lon=113.58)
    far = make_plate(session, grid=other, lat=23.06, lon=113.59)
    risky, unseen, elsewhere = (make_building(session, plate=p) for p in (plate, plate, far))
    for building in (risky, unseen, elsewhere):
        make_room(session, building=building, is_rental=True)
    results = {item.code: item.code != "ebike" for item in checklist()}
    record_inspection(
        session, staff=staff_identity("supervisor"), building_id=risky.id, results=results, now=NOW
    )
    layers, legend = rental_layers(session, None, name="平安出租屋", lang="zh", today=TODAY)
    by_name = {layer.name: layer for layer in layers}
    assert by_name["平安出租屋 · 高风险"].rows == [[23.05, 113.58, 1]]
    assert by_name["平安出租屋 · 高风险"].show and not by_name["平安出租屋 · 未检查"].show
    assert sorted(by_name["平安出租屋 · 未检查"].rows) == [[23.05, 113.58, 1], [23.06, 113.59, 1]]
    assert [text for _, text in legend] == ["高风险", "需整改", "平安出租屋", "未检查"]
    layers, _ = rental_layers(session, ["G1"], name="R", lang="en", today=TODAY)
    assert {layer.name: layer.rows for layer in layers}["R · Not inspected"] == [[23.05, 113.58, 1]]
