"""A tenant a landlord listed opens the landlord's receipt code with their own number: their own
residence only, no action, the same rate limit; once the rental is approved, their own pass."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shared.core.checkdigits import gb11643_check_char as check_char
from shared.core.clock import local_today
from shared.core.crypto import id_blind_index
from shared.declarations.forms import validate_rental
from shared.gate.gates import GateReason
from shared.gate.pass_check import check_pass
from shared.gate.passes import pass_token, pass_views_for_receipt, passes_for_receipt
from shared.models import Declaration
from shared.review.decisions import approve
from shared.self_service.receipt_access import AmbiguousTenant, ReceiptMismatch, TooManyAttempts
from shared.self_service.receipts import open_receipt
from shared.self_service.residence_actions import confirm_tenant, end_residence
from shared.self_service.tenant_receipt import build_tenant_view
from tests.factories import (
    LANDLORD_ID,
    TENANT_ID,
    make_building,
    make_gate,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    make_village,
    rental_fields,
    staff_identity,
    tenant_fields,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
TODAY = local_today(NOW)
OTHER_ID = make_id_number("450103", "19880808", "033")  # Nanning, male
DERIVED = {"birth_date": "", "sex": ""}  # read from the number

pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def town(session: Session) -> dict[str, Any]:
    village = make_village(session, name="麻一村")
    grid = make_grid(session, village=village, code="G1")
    plate = make_plate(session, street=make_street(session, village=village), number="12", grid=grid)
    building = make_building(session, plate=plate, name="A栋")
    rooms = {n: make_room(session, building=building, number=n, is_rental=True) for n in ("101", "102")}
    gate = make_gate(session, village=village, name="麻一村东门")
    session.commit()
    return {"plate": plate.code, "rooms": rooms, "gate": gate.id}


def let(session: Session, town: dict[str, Any], *numbers: str) -> Declaration:
    """陈大文 lets 101 and 102: 李四 in 101 and 黄五 in 102 unless `numbers` say otherwise."""
    rooms = town["rooms"]
    ids = numbers or (TENANT_ID, OTHER_ID)
    tenants = [
        tenant_fields(rooms["101"].id, id_number=ids[0], **DERIVED),
        tenant_fields(
            rooms["102"].id, name="黄五", id_number=ids[1], birth_date="", sex="", phone="13900139000"
        ),
    ]
    raw = rental_fields([rooms["101"].id, rooms["102"].id], tenants=tenants)
    data = validate_rental(raw, today=TODAY)
    from shared.self_service.submit import submit_rental

    rental = submit_rental(session, plate_code=town["plate"], data=data, idempotency_key="rent", now=NOW)
    session.commit()
    return rental


def look(session: Session, rental: Declaration, tail: str, client: str = "c") -> Any:
    return open_receipt(session, receipt_code=rental.receipt_code, doc_tail=tail, client_key=client, now=NOW)


def test_a_listed_tenant_opens_the_landlords_receipt_and_sees_only_their_own_residence(
    session: Session, town: dict[str, Any]
) -> None:
    rental = let(session, town)
    view = look(session, rental, TENANT_ID[-6:])
    assert view.tenant_key == id_blind_index("01", TENANT_ID)
    assert view.rooms == ("A栋 101",)
    assert view.payload["person"]["name"] == "李四" and view.payload["room_ids"] == [town["rooms"]["101"].id]
    assert "landlord" not in view.payload and "tenants" not in view.payload and view.people == ()
    text = repr(view)
    assert "黄五" not in text and OTHER_ID not in text and "陈大文" not in text and LANDLORD_ID not in text
    assert not view.can_correct and not view.can_end
    landlord = look(session, rental, LANDLORD_ID[-6:])
    assert landlord.tenant_key is None and landlord.can_correct and len(landlord.people) == 2


def test_a_tenants_number_opens_no_action_on_the_receipt(session: Session, town: dict[str, Any]) -> None:
    rental = let(session, town)
    common: dict[str, Any] = {"doc_tail": TENANT_ID[-6:], "now": NOW, "client_key": "c"}
    with pytest.raises(ReceiptMismatch):
        end_residence(session, receipt_code=rental.receipt_code, move_out=TODAY, **common)
    with pytest.raises(ReceiptMismatch):
        confirm_tenant(session, landlord_receipt_code=rental.receipt_code, tenant_declaration_id=1, **common)


def test_the_rate_limit_holds_for_tenants_too(session: Session, town: dict[str, Any]) -> None:
    rental = let(session, town)
    for _ in range(5):
        with pytest.raises(ReceiptMismatch):
            look(session, rental, "000000", client="x")
    with pytest.raises(TooManyAttempts):
        look(session, rental, TENANT_ID[-6:], client="y")  # the right tail, too late


def test_two_tenants_sharing_the_last_six_characters_are_not_guessed(
    session: Session, town: dict[str, Any]
) -> None:
    tail_of = TENANT_ID[-6:]
    twin = next(  # born another year, same day, sequence and check character
        number
        for year in range(1970, 2000)
        for first17 in [f"{TENANT_ID[:6]}{year}{TENANT_ID[10:17]}"]
        for number in [first17 + check_char(first17)]
        if number[-6:] == tail_of and number != TENANT_ID
    )
    rental = let(session, town, TENANT_ID, twin)
    with pytest.raises(AmbiguousTenant):
        look(session, rental, tail_of)


def test_a_listed_tenant_gets_a_pass_once_the_rental_is_approved(
    session: Session, town: dict[str, Any]
) -> None:
    rental = let(session, town)
    mine = id_blind_index("01", TENANT_ID)
    assert pass_views_for_receipt(session, declaration_id=rental.id, now=NOW, holder=mine) == []
    approve(
        session,
        declaration_id=rental.id,
        staff=staff_identity("officer", ["G1"]),
        now=NOW,
        expected_version=rental.row_version,
    )
    session.commit()
    [own] = pass_views_for_receipt(session, declaration_id=rental.id, now=NOW, holder=mine)
    assert own.name == "李四"
    on_landlords = pass_views_for_receipt(session, declaration_id=rental.id, now=NOW)
    assert [v.name for v in on_landlords] == ["李四", "黄五"] and on_landlords[0].token == own.token
    decision = check_pass(session, gate_id=town["gate"], scanned=own.token, now=NOW)
    assert decision.allowed and decision.reason is GateReason.OK and decision.room_label.endswith("101")
    assert [pass_token(p) for p in passes_for_receipt(session, declaration_id=rental.id, now=NOW)] == [
        v.token for v in on_landlords
    ]


def test_a_tenant_whose_rental_ended_sees_the_move_out(session: Session, town: dict[str, Any]) -> None:
    rental = let(session, town)
    view = look(session, rental, TENANT_ID[-6:])
    ended = build_tenant_view(
        session, rental, {**view_payload(session, rental), "move_out": date(2026, 11, 30).isoformat()}, 0
    )
    assert ended.payload["move_out"] == "2026-11-30" and view.payload.get("move_out") is None


def view_payload(session: Session, rental: Declaration) -> dict[str, Any]:
    from shared.declarations.store import payload_of

    payload = payload_of(rental)
    assert payload is not None
    return payload
