"""平安出租屋 on the dashboard: rentals rated 需整改 and 高风险 counted per village and for the town."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from shared.inspections.checklist import checklist
from shared.inspections.records import record_inspection
from shared.reporting.dashboard import dashboard_figures
from shared.reporting.dashboard_xlsx import dashboard_xlsx
from tests.factories import make_building, make_grid, make_plate, make_room, make_village, staff_identity

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def test_rentals_to_rectify_and_high_risk_per_village(session: Session) -> None:
    village, other = make_village(session), make_village(session)
    supervisor = staff_identity("supervisor")
    failed_items = ("smoke", "three_in_one", "ebike", None)
    for where, failed in zip((village, village, other, other), failed_items, strict=True):
        building = make_building(
            session, plate=make_plate(session, village=where, grid=make_grid(session, village=where))
        )
        make_room(session, building=building, is_rental=True)
        results = {item.code: item.code != failed for item in checklist()}
        record_inspection(session, staff=supervisor, building_id=building.id, results=results, now=NOW)
    figures = dashboard_figures(session, now=NOW)
    by_code = {area.code: area for area in figures.villages}
    assert (by_code[village.code].rentals_needs_work, by_code[village.code].rentals_high_risk) == (1, 1)
    assert (by_code[other.code].rentals_needs_work, by_code[other.code].rentals_high_risk) == (0, 1)
    assert (figures.town.rentals_needs_work, figures.town.rentals_high_risk) == (1, 2)
    assert dashboard_xlsx(figures)  # the export has the columns too
