"""Plate look-up and opening a scanned plate link."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shared.models import RecordStatus, Residence
from shared.places.links import plate_token
from shared.places.plates import PlateLinkStatus, lookup_plate, open_plate_link
from tests.factories import make_building, make_grid, make_person, make_plate, make_room, make_street

TODAY = date(2026, 11, 25)


def _live(session: Session, room_id: int, *, since: date, until: date | None = None) -> None:
    person = make_person(session)
    session.add(Residence(person_id=person.id, room_id=room_id, since=since, until=until, reason="11"))
    session.flush()


def test_lookup_counts_only_current_residents_per_room(session: Session) -> None:
    grid = make_grid(session, name="麻一第3网格")
    grid.officer_name, grid.officer_phone = "陈超", "+8613800138000"
    street = make_street(session, village=grid.village, name="麻涌大道")
    plate = make_plate(session, street=street, number="12之一", grid=grid)
    building = make_building(session, plate=plate, floors=4)
    room_a, room_b = (
        make_room(session, building=building, number="101"),
        make_room(session, building=building, number="201"),
    )
    _live(session, room_a.id, since=date(2025, 1, 1))
    _live(session, room_a.id, since=date(2025, 3, 1), until=date(2026, 12, 31))  # leaves later: counts
    _live(session, room_a.id, since=date(2024, 1, 1), until=date(2026, 1, 1))  # moved out: does not
    view = lookup_plate(session, plate.code, today=TODAY)
    assert view is not None
    assert view.address == "麻涌大道 12号之一"
    assert view.officer_name == "陈超" and view.grid_name == "麻一第3网格"
    counts = {r.number: r.resident_count for r in view.buildings[0].rooms}
    assert counts == {"101": 2, "201": 0}
    assert room_b.id in {r.id for r in view.buildings[0].rooms}


def test_lookup_of_an_unknown_code_finds_nothing(session: Session) -> None:
    assert lookup_plate(session, "9999999999", today=TODAY) is None


def test_valid_link_opens_the_plate(session: Session) -> None:
    plate = make_plate(session)
    result = open_plate_link(session, plate_token(plate.code), today=TODAY)
    assert result.status is PlateLinkStatus.OK
    assert result.plate is not None and result.plate.code == plate.code


def test_forged_or_unknown_links_are_invalid(session: Session) -> None:
    plate = make_plate(session)
    token = plate_token(plate.code)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (forged, "", None, "garbage", plate_token("9999999999")):
        assert open_plate_link(session, bad, today=TODAY).status is PlateLinkStatus.INVALID


def test_retired_plate_names_its_successor(session: Session) -> None:
    new = make_plate(session, number="14")
    old = make_plate(session, number="12", status=RecordStatus.RETIRED)
    old.successor_code = new.code
    session.flush()
    result = open_plate_link(session, plate_token(old.code), today=TODAY)
    assert result.status is PlateLinkStatus.RETIRED
    assert result.successor is not None and result.successor.code == new.code
