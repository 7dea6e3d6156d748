"""Whom to call about a plate whose link does not open."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.places.contacts import contacts_of_link, contacts_of_plate
from shared.places.links import plate_token
from tests.factories import make_grid, make_plate, make_street


def _plate(session: Session) -> str:
    grid = make_grid(session, name="麻一第3网格")
    grid.officer_name, grid.officer_phone = "陈超", "+8613800138000"
    grid.village.name, grid.village.police_station = "麻一村", "麻涌派出所"
    grid.village.police_phone = "0769-88221110"
    plate = make_plate(session, street=make_street(session, village=grid.village), number="12", grid=grid)
    session.commit()
    return plate.code


def test_a_plate_names_its_grid_officer_and_village_police(session: Session) -> None:
    contacts = contacts_of_plate(session, _plate(session))
    assert contacts is not None
    assert (contacts.village_name, contacts.officer_name, contacts.officer_phone) == (
        "麻一村",
        "陈超",
        "+8613800138000",
    )
    assert (contacts.police_station, contacts.police_phone) == ("麻涌派出所", "0769-88221110")


def test_an_altered_link_still_names_its_plate(session: Session) -> None:
    token = plate_token(_plate(session))
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    contacts = contacts_of_link(session, forged)
    assert contacts is not None and contacts.officer_name == "陈超"


def test_a_plate_without_grid_has_no_officer(session: Session) -> None:
    code = make_plate(session, number="7", grid=None).code
    session.commit()
    contacts = contacts_of_plate(session, code)
    assert contacts is not None and contacts.officer_phone == "" and contacts.officer_name == ""


def test_unknown_code_or_garbage_names_nobody(session: Session) -> None:
    _plate(session)
    assert contacts_of_plate(session, "9999999999") is None
    assert contacts_of_link(session, plate_token("9999999999")) is None
    assert contacts_of_link(session, "garbage") is None
    assert contacts_of_link(session, None) is None
