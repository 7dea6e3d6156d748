"""找不到我的地址: the typed address is checked, the matcher proposes plates, and a residence is
declared without a plate to the village's least loaded grid, waiting for its officer."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import build_matcher
from shared.core.clock import local_today
from shared.declarations.form_errors import FormErrors
from shared.declarations.store import payload_of
from shared.models import AuditLog, DeclarationStatus, UnplacedStatus
from shared.review.decisions import approve
from shared.rules.recheck import recheck_all
from shared.self_service.receipts import open_receipt
from shared.self_service.unplaced import (
    ROOM_UNKNOWN,
    TypedAddress,
    choose_grid,
    propose_candidates,
    read_typed_address,
    submit_unplaced_residence,
    validate_unplaced_residence,
)
from tests.factories import (
    TENANT_ID,
    declare_residence,
    make_building,
    make_grid,
    make_plate,
    make_room,
    make_street,
    make_village,
    residence_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _residence() -> object:
    raw = residence_fields(0)
    raw.pop("room_id")
    return validate_unplaced_residence(raw, today=local_today(NOW))


def test_the_residence_form_is_checked_without_a_room() -> None:
    raw = residence_fields(0)
    raw.pop("room_id")
    data = validate_unplaced_residence(raw, today=local_today(NOW))
    assert data.room_id == ROOM_UNKNOWN and data.person.id_number == TENANT_ID
    with pytest.raises(FormErrors) as failed:
        validate_unplaced_residence({**raw, "privacy_accepted": False}, today=local_today(NOW))
    assert failed.value.fields == ("privacy_accepted",)


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ({"street": "新村路", "number": "8"}, ("village_code",)),
        ({"village_code": "V", "number": "8"}, ("street",)),
        ({"village_code": "V", "street": "新村路"}, ("number",)),
        ({"village_code": "V", "street": "路" * 61, "number": "8"}, ("street",)),
        (
            {"village_code": "V", "street": "新村\u202e路", "number": "8", "room": "3" * 21},
            ("street", "room"),
        ),
    ],
)
def test_a_typed_address_needs_village_street_and_number(
    session: Session, raw: dict[str, str], fields: tuple[str, ...]
) -> None:
    village = make_village(session)
    raw = {**raw, "village_code": village.code} if raw.get("village_code") == "V" else raw
    with pytest.raises(FormErrors) as failed:
        read_typed_address(session, raw)
    assert failed.value.fields == fields


def test_a_typed_address_is_trimmed(session: Session) -> None:
    village = make_village(session)
    typed = read_typed_address(
        session, {"village_code": village.code, "street": " 新村路 ", "number": "8", "building": "A栋 "}
    )
    assert typed == TypedAddress(village.code, "新村路", "8", "A栋", "")
    assert typed.text(village.name) == f"{village.name} 新村路 8号 A栋"


def test_the_matcher_proposes_the_plate_the_resident_mistyped(session: Session) -> None:
    village = make_village(session, name="鸥涌村")
    street = make_street(session, village=village, name="鸥涌七巷")
    plate = make_plate(session, street=street, number="12")
    candidates = propose_candidates(
        build_matcher(session), TypedAddress(village.code, "欧涌七巷", "12"), village.name
    )
    assert candidates and candidates[0].plate_code == plate.code


def test_nothing_alike_proposes_nothing(session: Session) -> None:
    village = make_village(session)
    make_plate(session, street=make_street(session, village=village, name="鸥涌七巷"), number="12")
    assert (
        propose_candidates(build_matcher(session), TypedAddress(village.code, "新开发区大道", "1"), "") == []
    )


def test_the_grid_with_the_fewest_waiting_declarations_gets_it(session: Session) -> None:
    village = make_village(session)
    busy, quiet = (
        make_grid(session, village=village, code="G0001"),
        make_grid(session, village=village, code="G0002"),
    )
    assert choose_grid(session, village.code) == "G0001"  # a tie: the first grid
    room = make_room(
        session, building=make_building(session, plate=make_plate(session, village=village, grid=busy))
    )
    declare_residence(session, room=room, now=NOW)
    assert choose_grid(session, village.code) == quiet.code
    assert choose_grid(session, make_village(session).code) is None  # no grid: supervisors see it


def test_a_residence_at_a_typed_address_waits_for_its_plate(session: Session) -> None:
    village = make_village(session)
    grid = make_grid(session, village=village)
    typed = TypedAddress(village.code, "新村路", "8", "A栋", "302")
    make_plate(session, village=village, number="7")
    candidates = propose_candidates(build_matcher(session), typed, village.name)
    declaration = submit_unplaced_residence(
        session, address=typed, candidates=candidates, data=_residence(), idempotency_key="k1", now=NOW
    )
    assert declaration.plate_code is None and declaration.room_id is None
    assert declaration.grid_code == grid.code
    assert declaration.status is DeclarationStatus.HAS_ISSUES
    assert [f.rule for f in declaration.findings] == ["address_unplaced"]
    assert payload_of(declaration)["room_id"] is None
    unplaced = declaration.unplaced
    assert unplaced is not None and unplaced.status is UnplacedStatus.OPEN
    assert unplaced.typed_text == "新村路 8号 A栋 302"
    assert [c["plate_code"] for c in unplaced.candidates] == [c.plate_code for c in candidates]
    assert session.scalars(
        select(AuditLog.action).where(AuditLog.target_id == str(declaration.id))
    ).all() == ["declaration.submit.residence_unplaced"]
    again = submit_unplaced_residence(
        session, address=typed, candidates=[], data=_residence(), idempotency_key="k1", now=NOW
    )
    assert again.id == declaration.id  # a second tap is the same declaration


def test_an_unplaced_declaration_cannot_be_approved_nor_rechecked(session: Session) -> None:
    village = make_village(session)
    grid = make_grid(session, village=village)
    declaration = submit_unplaced_residence(
        session, address=TypedAddress(village.code, "新村路", "8"), candidates=[], data=_residence(),
        idempotency_key="k2", now=NOW,
    )  # fmt: skip
    officer = staff_identity("officer", [grid.code])
    with pytest.raises(Exception, match="补录地址"):
        approve(
            session,
            declaration_id=declaration.id,
            staff=officer,
            now=NOW,
            expected_version=declaration.row_version,
        )
    report = recheck_all(session, now=NOW)
    assert report.checked == 0
    assert [f.rule for f in declaration.findings] == ["address_unplaced"]


def test_the_receipt_shows_the_typed_address_and_offers_no_correction(session: Session) -> None:
    village = make_village(session, name="鸥涌村")
    make_grid(session, village=village)
    declaration = submit_unplaced_residence(
        session, address=TypedAddress(village.code, "新村路", "8"), candidates=[], data=_residence(),
        idempotency_key="k3", now=NOW,
    )  # fmt: skip
    view = open_receipt(
        session, receipt_code=declaration.receipt_code, doc_tail=TENANT_ID[-6:], client_key="c", now=NOW
    )
    assert view.address == "新村路 8号（地址待补录）" and view.village == "鸥涌村"
    assert view.plate_code is None
    assert date(2026, 11, 1) == view.people[0].move_in
