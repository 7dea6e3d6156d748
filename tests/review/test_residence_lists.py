"""Residents' papers: migrants whose 居住证 falls due within 30 days (and the dashboard's count
per village), and foreign nationals whose stay or visa ends within 30 days; in the officer's grids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from shared.models import Person, Room
from shared.reporting.dashboard import dashboard_figures
from shared.review.residence_lists import foreigners_ending, permits_due
from shared.self_service.permit import PERMIT_DAYS
from tests.factories import (
    make_building,
    make_grid,
    make_id_number,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
TODAY = date(2026, 11, 25)
OFFICER = staff_identity("officer", ["G1"], username="officer1")
SUPERVISOR = staff_identity("supervisor", username="chief")


@pytest.fixture
def rooms(session: Session) -> dict[str, Room]:
    """A301 in 麻一村 grid G1, B101 in 麻一村 grid G2, C101 in 新基村 grid G3."""
    mayi, xinji = make_village(session, name="麻一村"), make_village(session, name="新基村")
    found = {}
    for key, village, grid in (("A301", mayi, "G1"), ("B101", mayi, "G2"), ("C101", xinji, "G3")):
        plate = make_plate(
            session,
            street=make_street(session, village=village),
            grid=make_grid(session, village=village, code=grid),
        )
        found[key] = make_room(session, building=make_building(session, plate=plate), number=key[1:])
    session.commit()
    return found


def migrant(session: Session, room: Room, *, days: int, name: str = "李四") -> Person:
    """A migrant who has lived in `room` for `days` days today."""
    person = make_person(session, name=name, id_number=make_id_number("430102"))
    make_residence(session, room=room, person=person, since=TODAY - timedelta(days=days))
    return person


def foreigner(
    session: Session, room: Room, *, visa: date | None, planned_until: date | None = None, passport: str
) -> Person:
    person = make_person(
        session, name="John Smith", id_type="04", id_number=passport, nationality="USA", visa_expiry=visa
    )
    make_residence(session, room=room, person=person, since=date(2026, 6, 1), planned_until=planned_until)
    return person


def test_permits_due_within_30_days_not_31(session: Session, rooms: dict[str, Room]) -> None:
    # 183 days reached in 30 days, in 31, today, and yesterday (already eligible: told on the receipt)
    in_30 = migrant(session, rooms["A301"], days=PERMIT_DAYS - 30)
    migrant(session, rooms["A301"], days=PERMIT_DAYS - 31)
    today = migrant(session, rooms["A301"], days=PERMIT_DAYS)
    migrant(session, rooms["A301"], days=PERMIT_DAYS + 1)
    make_residence(session, room=rooms["A301"], since=TODAY - timedelta(days=160))  # a local: no permit
    other_grid = migrant(session, rooms["B101"], days=PERMIT_DAYS - 10)
    session.commit()

    due = permits_due(session, staff=OFFICER, now=NOW)
    assert [(p.person_id, p.days_left) for p in due.items] == [(today.id, 0), (in_30.id, 30)]
    assert due.total == 2 and due.items[0].name == "李*" and "*" in due.items[0].id_number
    assert due.items[1].eligible_on == TODAY + timedelta(days=30)
    everyone = permits_due(session, staff=SUPERVISOR, now=NOW)
    assert [p.person_id for p in everyone.items] == [today.id, other_grid.id, in_30.id]


def test_the_dashboard_counts_permits_due_per_village(session: Session, rooms: dict[str, Room]) -> None:
    migrant(session, rooms["A301"], days=PERMIT_DAYS - 5)
    migrant(session, rooms["B101"], days=PERMIT_DAYS - 20)
    migrant(session, rooms["C101"], days=PERMIT_DAYS - 1)
    migrant(session, rooms["C101"], days=PERMIT_DAYS - 31)  # not yet due
    session.commit()
    figures = dashboard_figures(session, now=NOW)
    assert {v.name: v.permits_due for v in figures.villages} == {"麻一村": 2, "新基村": 1}
    assert figures.town.permits_due == 3


def test_foreigners_whose_stay_or_visa_ends_within_30_days(session: Session, rooms: dict[str, Room]) -> None:
    foreigner(session, rooms["A301"], visa=TODAY + timedelta(days=30), passport="E10000001")
    foreigner(session, rooms["A301"], visa=TODAY + timedelta(days=31), passport="E10000002")
    foreigner(
        session,
        rooms["A301"],
        visa=TODAY + timedelta(days=300),
        planned_until=TODAY + timedelta(days=10),
        passport="E10000003",
    )
    foreigner(session, rooms["A301"], visa=TODAY - timedelta(days=2), passport="E10000004")
    foreigner(session, rooms["B101"], visa=TODAY + timedelta(days=5), passport="E10000005")  # not G1
    ending_chinese = make_person(session, name="王五", id_number=make_id_number("430102"))
    make_residence(
        session, room=rooms["A301"], person=ending_chinese, planned_until=TODAY + timedelta(days=3)
    )
    session.commit()

    ending = foreigners_ending(session, staff=OFFICER, now=NOW)
    listed = [(row.name, row.days_left, row.nationality) for row in ending.items]
    assert listed == [("John ***", -2, "USA"), ("John ***", 10, "USA"), ("John ***", 30, "USA")]
    assert ending.total == 3
    assert ending.items[1].planned_until == TODAY + timedelta(days=10)
    assert ending.items[1].visa_expiry == TODAY + timedelta(days=300)
    assert foreigners_ending(session, staff=SUPERVISOR, now=NOW).total == 4
