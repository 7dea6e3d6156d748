"""A move-out the resident declares suspends their pass at once (from the declared day); the
officer's approval ends the residence, a rejection lets the pass admit again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.forms import validate_rental
from shared.gate.gates import GateReason
from shared.gate.pass_check import check_pass
from shared.gate.passes import issue_pass, pass_token, passes_for_receipt
from shared.models import Building, Declaration, Passage, Residence, ResidentPass
from shared.review.decisions import approve, reject
from shared.self_service.residence_actions import end_residence
from shared.self_service.submit import submit_rental
from tests.factories import (
    CHILD_ID,
    LANDLORD_ID,
    TENANT_ID,
    declare_residence,
    make_building,
    make_gate,
    make_grid,
    make_plate,
    make_room,
    make_street,
    make_village,
    person_fields,
    rental_fields,
    staff_identity,
    tenant_fields,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
TODAY = local_today(NOW)
OFFICER = staff_identity("officer", ["G1"])

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def home(session: Session) -> dict[str, Any]:
    village = make_village(session, name="麻一村")
    grid = make_grid(session, village=village, code="G1")
    plate = make_plate(session, street=make_street(session, village=village), number="12", grid=grid)
    room = make_room(session, building=make_building(session, plate=plate), number="301", is_rental=True)
    gate = make_gate(session, village=village, name="麻一村东门")
    session.commit()
    return {"room": room, "gate": gate.id}


def approved(session: Session, home: dict[str, Any], **fields: Any) -> Declaration:
    declared_at = NOW - timedelta(days=3)
    declaration: Declaration = declare_residence(session, room=home["room"], now=declared_at, **fields)
    session.commit()
    decide(session, approve, declaration, at=NOW - timedelta(days=2))
    return declaration


def decide(
    session: Session, action: Any, declaration: Declaration, *, at: datetime = NOW, **more: Any
) -> None:
    action(
        session,
        declaration_id=declaration.id,
        staff=OFFICER,
        now=at,
        expected_version=declaration.row_version,
        **more,
    )
    session.commit()


def declare_move_out(session: Session, declaration: Declaration, day: date, *, at: datetime = NOW) -> None:
    end_residence(
        session,
        receipt_code=declaration.receipt_code,
        doc_tail=TENANT_ID[-6:],
        move_out=day,
        now=at,
        client_key="c",
    )
    session.commit()


def scan(session: Session, home: dict[str, Any], issued: ResidentPass, at: datetime = NOW) -> Any:
    decision = check_pass(session, gate_id=home["gate"], scanned=pass_token(issued), now=at)
    session.commit()
    return decision


def test_a_declared_move_out_suspends_the_pass_at_once(session: Session, home: dict[str, Any]) -> None:
    declaration = approved(session, home)
    [issued] = passes_for_receipt(session, declaration_id=declaration.id, now=NOW - timedelta(hours=1))
    session.commit()
    assert scan(session, home, issued).allowed
    declare_move_out(session, declaration, TODAY)
    decision = scan(session, home, issued, at=NOW + timedelta(minutes=1))
    assert not decision.allowed and decision.reason is GateReason.MOVE_OUT_DECLARED
    assert "已申报搬离" in decision.message("zh") and "Move-out declared" in decision.message("en")
    last = session.scalars(select(Passage).order_by(Passage.id.desc())).first()
    assert last is not None and last.reason == "move_out_declared"
    residence = session.get(Residence, issued.residence_id)
    assert residence is not None and residence.until is None  # the records wait for the officer


def test_the_familys_passes_are_suspended_with_the_declarants(session: Session, home: dict[str, Any]) -> None:
    child = person_fields(
        name="李小红", id_number=CHILD_ID, birth_date="", sex="", phone="", relation="child"
    )
    declaration = approved(session, home, family=[child])
    issued = passes_for_receipt(session, declaration_id=declaration.id, now=NOW - timedelta(hours=1))
    session.commit()
    declare_move_out(session, declaration, TODAY - timedelta(days=1))
    assert [scan(session, home, p).reason for p in issued] == [GateReason.MOVE_OUT_DECLARED] * 2


def test_a_move_out_declared_ahead_suspends_from_that_day(session: Session, home: dict[str, Any]) -> None:
    declaration = approved(session, home)
    [issued] = passes_for_receipt(session, declaration_id=declaration.id, now=NOW - timedelta(hours=1))
    session.commit()
    declare_move_out(session, declaration, TODAY + timedelta(days=3))
    assert scan(session, home, issued).allowed  # they still live here until then
    on_the_day = NOW + timedelta(days=3)
    assert scan(session, home, issued, at=on_the_day).reason is GateReason.MOVE_OUT_DECLARED


def test_a_rejected_move_out_restores_the_pass(session: Session, home: dict[str, Any]) -> None:
    declaration = approved(session, home)
    [issued] = passes_for_receipt(session, declaration_id=declaration.id, now=NOW - timedelta(hours=1))
    session.commit()
    declare_move_out(session, declaration, TODAY)
    assert not scan(session, home, issued).allowed
    decide(session, reject, declaration, at=NOW + timedelta(hours=1), reason="经核实仍在此居住")
    assert scan(session, home, issued, at=NOW + timedelta(hours=2)).allowed


def test_an_approved_move_out_ends_the_residence(session: Session, home: dict[str, Any]) -> None:
    declaration = approved(session, home)
    [issued] = passes_for_receipt(session, declaration_id=declaration.id, now=NOW - timedelta(hours=1))
    session.commit()
    declare_move_out(session, declaration, TODAY)
    decide(session, approve, declaration, at=NOW + timedelta(hours=1))
    residence = session.get(Residence, issued.residence_id)
    assert residence is not None and (residence.until, residence.move_out_declared) == (TODAY, None)
    assert scan(session, home, issued, at=NOW + timedelta(hours=2)).reason is GateReason.MOVED_OUT


def test_a_landlord_ending_his_rental_does_not_suspend_his_tenants(
    session: Session, home: dict[str, Any]
) -> None:
    room = home["room"]
    building = session.get(Building, room.building_id)
    assert building is not None
    data = validate_rental(rental_fields([room.id], tenants=[tenant_fields(room.id)]), today=TODAY)
    rental = submit_rental(session, plate_code=building.plate_code, data=data, idempotency_key="r", now=NOW)
    session.commit()
    decide(session, approve, rental)
    tenant_home = session.scalars(select(Residence).where(Residence.room_id == room.id)).one()
    issued = issue_pass(session, residence_id=tenant_home.id, now=NOW)
    session.commit()
    end_residence(
        session,
        receipt_code=rental.receipt_code,
        doc_tail=LANDLORD_ID[-6:],
        move_out=TODAY,
        now=NOW,
        client_key="c",
    )
    session.commit()
    assert scan(session, home, issued).allowed  # until an officer approves the end of the rental
