"""补录地址: the grid officer links a typed address to a plate, or creates the plate (and its
street) in one step; the rules run then and the declaration is reviewed as any other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.errors import DomainError, ValidationError
from shared.declarations.store import payload_of
from shared.models import (
    AuditLog,
    Declaration,
    DeclarationStatus,
    DoorPlate,
    PlateKind,
    Residence,
    Street,
    UnplacedStatus,
    Village,
)
from shared.reporting.dashboard import dashboard_figures
from shared.review.decisions import StaleItem, approve
from shared.review.detail import get_detail
from shared.review.queue import QueueFilters, list_queue
from shared.review.unplaced import RoomChoice, create_plate, link_plate, rooms_at
from shared.review.worklists import addresses_to_place
from shared.self_service.unplaced import TypedAddress, submit_unplaced_residence, validate_unplaced_residence
from tests.factories import (
    make_building,
    make_grid,
    make_grid_area,
    make_plate,
    make_room,
    make_street,
    make_village,
    residence_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def _declare(session: Session, village: Village, key: str = "k", **fields: object) -> Declaration:
    raw = residence_fields(0, **fields)
    raw.pop("room_id")
    data = validate_unplaced_residence(raw, today=local_today(NOW))
    typed = TypedAddress(village.code, "新村路", "8", "A栋", "302")
    return submit_unplaced_residence(
        session, address=typed, candidates=[], data=data, idempotency_key=key, now=NOW
    )


@pytest.fixture
def village(session: Session) -> Village:
    return make_village(session, name="鸥涌村")


def test_linking_to_a_room_of_a_plate_runs_the_rules_and_allows_approval(
    session: Session, village: Village
) -> None:
    grid = make_grid(session, village=village)
    plate = make_plate(session, village=village, grid=grid, number="8")
    room = make_room(session, building=make_building(session, plate=plate), number="302")
    declaration = _declare(session, village)
    officer = staff_identity("officer", [grid.code])
    assert rooms_at(session, plate.code) == [(room.id, "302")]
    link_plate(
        session, declaration_id=declaration.id, staff=officer, plate_code=plate.code,
        room=RoomChoice(room_id=room.id), now=LATER, expected_version=declaration.row_version,
    )  # fmt: skip
    assert (declaration.plate_code, declaration.room_id, declaration.version) == (plate.code, room.id, 2)
    assert payload_of(declaration)["room_id"] == room.id
    assert "address_unplaced" not in [f.rule for f in declaration.findings]
    # The room is not registered as let, though the tenant rents it: the rules said so.
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert "room_not_rental" in [f.rule for f in declaration.findings]
    assert declaration.unplaced is not None
    assert (declaration.unplaced.status, declaration.unplaced.plate_code) == (
        UnplacedStatus.LINKED,
        plate.code,
    )
    assert declaration.unplaced.resolved_by == officer.username
    actions = session.scalars(select(AuditLog.action).where(AuditLog.target_id == str(declaration.id))).all()
    assert "declaration.place.linked" in actions
    approve(
        session,
        declaration_id=declaration.id,
        staff=officer,
        now=LATER,
        expected_version=declaration.row_version,
    )
    assert session.scalars(select(Residence.room_id)).all() == [room.id]


def test_a_new_room_in_a_new_building_takes_the_typed_names(session: Session, village: Village) -> None:
    grid = make_grid(session, village=village)
    plate = make_plate(session, village=village, grid=grid)
    declaration = _declare(session, village)
    link_plate(
        session, declaration_id=declaration.id, staff=staff_identity("officer", [grid.code]),
        plate_code=plate.code, room=RoomChoice(floor=3), now=LATER, expected_version=declaration.row_version,
    )  # fmt: skip
    assert rooms_at(session, plate.code) == [(declaration.room_id, "A栋 302")]


def test_creating_the_plate_adds_the_street_and_a_temporary_plate_in_the_point_s_grid(
    session: Session, village: Village
) -> None:
    grid = make_grid_area(session, village=village, west=113.55, south=23.0, east=113.6, north=23.1)
    declaration = _declare(session, village)
    officer = staff_identity("officer", [grid.code])
    create_plate(
        session, declaration_id=declaration.id, staff=officer, street_name="新村路", number="8",
        lon=113.57, lat=23.05, room=RoomChoice(), now=LATER, expected_version=declaration.row_version,
    )  # fmt: skip
    street = session.scalars(select(Street).where(Street.village_code == village.code)).one()
    assert street.name == "新村路"
    assert declaration.plate_code is not None and declaration.plate_code.startswith(village.code[-3:])
    placed = get_detail(session, declaration_id=declaration.id, staff=officer, now=LATER)
    assert placed.address.startswith("新村路 8号") and placed.grid_code == grid.code
    assert declaration.unplaced is not None and declaration.unplaced.status is UnplacedStatus.CREATED
    new_plate = session.get(DoorPlate, declaration.plate_code)
    assert new_plate is not None and new_plate.kind is PlateKind.TEMPORARY and new_plate.created_at == LATER
    actions = set(session.scalars(select(AuditLog.action)))
    assert {"street.add", "plate.add_temporary", "declaration.place.created"} <= actions


def test_creating_on_an_existing_street_reuses_it_and_refuses_a_taken_number(
    session: Session, village: Village
) -> None:
    grid = make_grid(session, village=village)
    street = make_street(session, village=village, name="新村路")
    make_plate(session, street=street, number="8", grid=grid)
    declaration = _declare(session, village)
    officer = staff_identity("officer", [grid.code])
    with pytest.raises(ValidationError, match="已有在用门牌"):
        create_plate(
            session, declaration_id=declaration.id, staff=officer, street_name="新村路", number="8",
            lon=113.57, lat=23.05, room=RoomChoice(), now=LATER, expected_version=declaration.row_version,
        )  # fmt: skip
    create_plate(
        session, declaration_id=declaration.id, staff=officer, street_name="新村路", number="8之一",
        lon=113.57, lat=23.05, room=RoomChoice(), now=LATER, expected_version=declaration.row_version,
    )  # fmt: skip
    assert session.scalars(select(Street.id).where(Street.village_code == village.code)).all() == [street.id]


def test_only_the_grid_s_officer_places_it_once_and_with_the_page_s_version(
    session: Session, village: Village
) -> None:
    grid = make_grid(session, village=village)
    plate = make_plate(session, village=village, grid=grid)
    declaration = _declare(session, village)
    version = declaration.row_version
    stranger = staff_identity("officer", ["G9999"])
    with pytest.raises(DomainError, match="不在您负责的网格"):
        link_plate(session, declaration_id=declaration.id, staff=stranger, plate_code=plate.code,
                   room=RoomChoice(), now=LATER, expected_version=version)  # fmt: skip
    officer = staff_identity("officer", [grid.code])
    with pytest.raises(StaleItem):
        link_plate(session, declaration_id=declaration.id, staff=officer, plate_code=plate.code,
                   room=RoomChoice(), now=LATER, expected_version=version + 7)  # fmt: skip
    with pytest.raises(ValidationError, match="不存在或已停用"):
        link_plate(session, declaration_id=declaration.id, staff=officer, plate_code="NOPE",
                   room=RoomChoice(), now=LATER, expected_version=version)  # fmt: skip
    other_room = make_room(session)  # a room behind another plate
    with pytest.raises(ValidationError, match="不在该门牌"):
        link_plate(session, declaration_id=declaration.id, staff=officer, plate_code=plate.code,
                   room=RoomChoice(room_id=other_room.id), now=LATER, expected_version=version)  # fmt: skip
    link_plate(session, declaration_id=declaration.id, staff=officer, plate_code=plate.code,
               room=RoomChoice(), now=LATER, expected_version=version)  # fmt: skip
    with pytest.raises(DomainError, match="已补录"):
        link_plate(session, declaration_id=declaration.id, staff=officer, plate_code=plate.code,
                   room=RoomChoice(), now=LATER, expected_version=declaration.row_version)  # fmt: skip


def test_the_queue_and_the_detail_show_the_typed_address(session: Session, village: Village) -> None:
    grid = make_grid(session, village=village)
    candidate = make_plate(session, village=village, grid=grid, number="9", lon=113.571, lat=23.051)
    declaration = _declare(session, village)
    declaration.unplaced.candidates = [  # type: ignore[union-attr]
        {"plate_code": candidate.code, "address": candidate.address, "village": village.name, "score": 0.4}
    ]
    session.flush()
    officer = staff_identity("officer", [grid.code])
    page = list_queue(session, staff=officer, filters=QueueFilters(village=village.code), now=LATER)
    assert [(i.address, i.village) for i in page.items] == [("新村路 8号 A栋 302（地址待补录）", "鸥涌村")]
    assert page.items[0].rules == ("address_unplaced",)
    detail = get_detail(session, declaration_id=declaration.id, staff=officer, now=LATER)
    assert detail.plate_code is None and detail.unplaced is not None and detail.unplaced.is_open
    assert [c.plate_code for c in detail.unplaced.candidates] == [candidate.code]
    assert (detail.lon, detail.lat) == (113.571, 23.051)  # the map opens at the best candidate


def test_the_work_list_holds_open_typed_addresses_of_the_officer_s_grids(
    session: Session, village: Village
) -> None:
    grid = make_grid(session, village=village)
    plate = make_plate(session, village=village, grid=grid)
    first, second = _declare(session, village, key="a"), _declare(session, village, key="b")
    officer = staff_identity("officer", [grid.code])
    listed = addresses_to_place(session, staff=officer, now=LATER)
    assert [i.declaration_id for i in listed.items] == [first.id, second.id] and listed.total == 2
    assert listed.items[0].typed == "新村路 8号 A栋 302" and listed.items[0].village == "鸥涌村"
    assert listed.items[0].days_waiting == 1
    assert addresses_to_place(session, staff=staff_identity("officer", ["G9999"]), now=LATER).total == 0
    assert dashboard_figures(session, now=LATER).villages[0].unplaced == 2
    link_plate(session, declaration_id=first.id, staff=officer, plate_code=plate.code, room=RoomChoice(),
               now=LATER, expected_version=first.row_version)  # fmt: skip
    assert [i.declaration_id for i in addresses_to_place(session, staff=officer, now=LATER).items] == [
        second.id
    ]
    figures = dashboard_figures(session, now=LATER)
    assert (figures.villages[0].unplaced, figures.town.unplaced) == (1, 1)
    assert (figures.villages[0].pending, figures.town.pending) == (2, 2)  # placed or not, both wait
