"""补录地址 on the detail page (AppTest): the grid officer sees the typed address and the
candidates, links a plate, or creates the plate; the declaration then waits for its decision."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.models import Declaration, DeclarationStatus, DoorPlate, Role, UnplacedStatus, User, utcnow
from shared.self_service.unplaced import TypedAddress, submit_unplaced_residence, validate_unplaced_residence
from shared.staff.accounts import create_user
from tests.factories import (
    make_building,
    make_grid_area,
    make_plate,
    make_room,
    make_street,
    make_village,
    residence_fields,
)
from tests.pages.test_review_pages import app, open_item, texts

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def setting(session: Session) -> dict[str, object]:
    village = make_village(session, name="鸥涌村")
    grid = make_grid_area(
        session, village=village, west=113.55, south=23.0, east=113.6, north=23.1, code="G1"
    )
    street = make_street(session, village=village, name="新村路")
    plate = make_plate(session, street=street, number="9", grid=grid, lon=113.57, lat=23.05)
    room = make_room(session, building=make_building(session, plate=plate), number="302")
    raw = residence_fields(0)
    raw.pop("room_id")
    declaration = submit_unplaced_residence(
        session, address=TypedAddress(village.code, "新村路", "8", "", "302"),
        candidates=[], data=validate_unplaced_residence(raw, today=local_today(utcnow())),
        idempotency_key="page", now=utcnow(),
    )  # fmt: skip
    officer = create_user(session, username="officer1", password="officer-password-2026", role=Role.OFFICER)
    officer.grid_codes = ["G1"]
    session.commit()
    return {"declaration": declaration, "officer": officer, "plate": plate.code, "room": room.id}


def _reload(session: Session, declaration: object) -> Declaration:
    session.expire_all()
    found = session.get(Declaration, declaration.id)  # type: ignore[attr-defined]
    assert found is not None
    return found


def test_the_officer_links_the_typed_address_to_a_room_of_a_plate(
    session: Session, setting: dict[str, object]
) -> None:
    officer = setting["officer"]
    assert isinstance(officer, User)
    at = open_item(app(officer).run(), setting["declaration"])  # type: ignore[arg-type]
    assert not at.exception
    assert "待补录地址" in texts(at) and "新村路 8号 302" in texts(at)
    at.text_input(key="review_unplaced.plate").input(str(setting["plate"])).run()
    at.selectbox(key="review_unplaced.link.room").set_value(setting["room"]).run()
    at.button(key="review_unplaced.link").click().run()
    assert not at.exception
    assert "已关联门牌" in texts(at)
    declaration = _reload(session, setting["declaration"])
    assert (declaration.plate_code, declaration.room_id) == (setting["plate"], setting["room"])
    assert declaration.status is DeclarationStatus.RECEIVED
    assert "地址已补录" in texts(at)


def test_the_officer_creates_the_plate_in_one_step(session: Session, setting: dict[str, object]) -> None:
    officer = setting["officer"]
    assert isinstance(officer, User)
    at = open_item(app(officer).run(), setting["declaration"])  # type: ignore[arg-type]
    assert at.text_input(key="review_unplaced.street").value == "新村路"
    assert at.text_input(key="review_unplaced.number").value == "8"
    at.button(key="review_unplaced.create").click().run()
    assert not at.exception
    assert "已新建门牌并关联" in texts(at)
    declaration = _reload(session, setting["declaration"])
    assert declaration.unplaced is not None and declaration.unplaced.status is UnplacedStatus.CREATED
    plate = session.get(DoorPlate, declaration.plate_code)
    assert plate is not None and plate.address == "新村路 8号" and plate.grid_code == "G1"
