"""Due-date work lists: let buildings due for a visit, planned stays ending, records with no
position on the map; each scoped to the officer's grids."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Building, Residence, Room
from shared.review.worklists import (
    ENV_RENTAL_VISIT_DAYS,
    records_without_coordinates,
    rental_visit_days,
    rentals_due_for_visit,
    stays_ending,
)
from tests.factories import (
    TENANT_ID,
    make_building,
    make_facility,
    make_grid,
    make_person,
    make_plate,
    make_room,
    make_street,
    make_village,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)
OFFICER = staff_identity("officer", ["G1"], username="officer1")
SUPERVISOR = staff_identity("supervisor", username="chief")


@pytest.fixture
def streets(session: Session) -> dict[str, object]:
    village = make_village(session, name="麻一村")
    return {
        "G1": make_grid(session, village=village, code="G1"),
        "G2": make_grid(session, village=village, code="G2"),
        "street": make_street(session, village=village, name="麻涌大道"),
    }


def let_building(
    session: Session, streets: dict[str, object], number: str, grid: str, **fields: object
) -> Building:
    plate = make_plate(session, street=streets["street"], number=number, grid=streets[grid])  # type: ignore[arg-type]
    building = make_building(session, plate=plate, **fields)  # type: ignore[arg-type]
    make_room(session, building=building, number="101", is_rental=True)
    make_room(session, building=building, number="102", is_rental=True)
    make_room(session, building=building, number="201")
    return building


def test_let_buildings_not_visited_for_120_days_are_due_never_visited_first(
    session: Session, streets: dict[str, object]
) -> None:
    never = let_building(session, streets, "1", "G1", name="A栋")
    long_ago = let_building(session, streets, "2", "G1")
    long_ago.last_visited_at = NOW - timedelta(days=121)
    recent = let_building(session, streets, "3", "G1")
    recent.last_visited_at = NOW - timedelta(days=119)
    let_building(session, streets, "4", "G2")  # not the officer's grid
    not_let = make_building(session, plate=make_plate(session, street=streets["street"], grid=streets["G1"]))  # type: ignore[arg-type]
    make_room(session, building=not_let)
    session.commit()

    due = rentals_due_for_visit(session, staff=OFFICER, now=NOW)
    assert [(d.building_id, d.rental_rooms, d.days_since_visit) for d in due.items] == [
        (never.id, 2, None),
        (long_ago.id, 2, 121),
    ]
    assert due.items[0].address == "麻涌大道 1号 A栋" and due.total == 2
    assert recent.id not in [d.building_id for d in due.items]
    assert rentals_due_for_visit(session, staff=SUPERVISOR, now=NOW).total == 3
    assert rentals_due_for_visit(session, staff=OFFICER, now=NOW, days=118).total == 3


def test_visit_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rental_visit_days() == 120
    monkeypatch.setenv(ENV_RENTAL_VISIT_DAYS, "90")
    assert rental_visit_days() == 90
    monkeypatch.setenv(ENV_RENTAL_VISIT_DAYS, "ninety")
    with pytest.raises(ValueError, match=ENV_RENTAL_VISIT_DAYS):
        rental_visit_days()


def test_stays_ending_within_14_days_or_already_over_but_open(
    session: Session, streets: dict[str, object]
) -> None:
    building = let_building(session, streets, "1", "G1", name="A栋")
    room = session.scalars(select(Room).where(Room.building_id == building.id, Room.number == "101")).one()
    other = let_building(session, streets, "2", "G2")
    other_room = session.scalars(select(Room).where(Room.building_id == other.id, Room.number == "101")).one()
    person = make_person(session, name="李四", id_number=TENANT_ID)

    def stay(room_id: int, planned: date | None, until: date | None = None) -> Residence:
        residence = Residence(
            person_id=person.id,
            room_id=room_id,
            since=date(2026, 1, 1),
            until=until,
            planned_until=planned,
            reason="11",
        )
        session.add(residence)
        session.flush()
        return residence

    soon = stay(room.id, TODAY + timedelta(days=14))
    over = stay(room.id, TODAY - timedelta(days=3))
    stay(room.id, TODAY + timedelta(days=15))  # not yet
    stay(room.id, None)  # no planned end
    stay(room.id, TODAY + timedelta(days=2), until=TODAY - timedelta(days=1))  # already ended
    stay(other_room.id, TODAY + timedelta(days=1))  # another grid
    session.commit()

    ending = stays_ending(session, staff=OFFICER, now=NOW)
    assert [(e.residence_id, e.days_left) for e in ending.items] == [(over.id, -3), (soon.id, 14)]
    first = ending.items[0]
    assert (first.name, first.id_number, first.address, first.room) == (
        "李*",
        TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:],
        "麻涌大道 1号",
        "A栋 101",
    )
    assert stays_ending(session, staff=SUPERVISOR, now=NOW).total == 3


def test_records_without_coordinates(session: Session, streets: dict[str, object]) -> None:
    street, g1, g2 = streets["street"], streets["G1"], streets["G2"]
    bare = make_plate(session, street=street, number="7", grid=g1, lon=None, lat=None)  # type: ignore[arg-type]
    make_building(session, plate=bare)
    make_building(session, plate=bare)
    placed = make_plate(session, street=street, number="8", grid=g1)  # type: ignore[arg-type]
    make_plate(session, street=street, number="9", grid=g2, lon=None, lat=None)  # type: ignore[arg-type]
    lost = make_facility(session, name="路灯", plate=bare, lon=None, lat=None)
    make_facility(session, name="消火栓", plate=placed, lon=None, lat=None)  # placed by its plate
    make_facility(session, name="宣传栏", plate=bare)  # has its own position
    session.commit()

    missing = records_without_coordinates(session, staff=OFFICER)
    assert [(m.kind, m.key, m.name, m.buildings) for m in missing.items] == [
        ("plate", bare.code, "麻涌大道 7号", 2),
        ("facility", str(lost.id), "路灯", 0),
    ]
    assert missing.items[0].village == "麻一村" and missing.total == 2
    assert records_without_coordinates(session, staff=SUPERVISOR).total == 3


def test_officer_without_grids_has_empty_lists(session: Session, streets: dict[str, object]) -> None:
    let_building(session, streets, "1", "G1")
    session.commit()
    nobody = staff_identity("officer", [])
    assert rentals_due_for_visit(session, staff=nobody, now=NOW).items == []
    assert stays_ending(session, staff=nobody, now=NOW).total == 0
    assert records_without_coordinates(session, staff=nobody).total == 0
