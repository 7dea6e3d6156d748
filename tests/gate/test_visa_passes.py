"""A foreign national's pass ends with their visa: capped at it when issued, refused at the gate
once it has passed (with its own bilingual reason), and not issued again until it is renewed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from shared.core.errors import DomainError
from shared.gate.gates import GateReason
from shared.gate.pass_check import check_pass
from shared.gate.passes import issue_pass, pass_token, pass_views_for_receipt, passes_for_receipt
from shared.models import Gate, Residence, Room
from shared.review.decisions import approve
from tests.factories import (
    declare_residence,
    make_building,
    make_gate,
    make_grid,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
    person_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
VISA_EXPIRY = date(2027, 1, 10)
# The visa is good through 2027-01-10 in China, which ends at 2027-01-10 16:00 UTC.
VISA_END = datetime(2027, 1, 10, 16, 0, tzinfo=UTC)


@pytest.fixture
def home(session: Session) -> tuple[Room, Gate]:
    village = make_village(session, name="麻一村")
    plate = make_plate(
        session, street=make_street(session, village=village), grid=make_grid(session, village=village)
    )
    room = make_room(session, building=make_building(session, plate=plate), number="301")
    gate = make_gate(session, village=village, name="麻一村东门")
    session.commit()
    return room, gate


def foreign_home(
    session: Session, room: Room, visa_expiry: date | None = VISA_EXPIRY, passport: str = "E12345678"
) -> Residence:
    person = make_person(
        session,
        name="John Smith",
        id_type="04",
        id_number=passport,
        nationality="USA",
        visa_expiry=visa_expiry,
    )
    residence: Residence = make_residence(session, room=room, person=person, since=date(2026, 11, 1))
    session.commit()
    return residence


def scan(session: Session, gate: Gate, token: str, at: datetime) -> GateReason:
    decision = check_pass(session, gate_id=gate.id, scanned=token, now=at)
    session.commit()
    return decision.reason


def test_a_foreigners_pass_is_capped_at_the_visa(session: Session, home: tuple[Room, Gate]) -> None:
    room, _ = home
    issued = issue_pass(session, residence_id=foreign_home(session, room).id, now=NOW)
    assert issued.valid_until == VISA_END  # not NOW + 180 days
    far_visa = issue_pass(
        session, residence_id=foreign_home(session, room, date(2030, 1, 1), "E87654321").id, now=NOW
    )
    assert far_visa.valid_until == NOW + timedelta(days=180)


def test_the_gate_admits_through_the_visas_last_day_and_refuses_after_it(
    session: Session, home: tuple[Room, Gate]
) -> None:
    room, gate = home
    residence = foreign_home(session, room)
    issued = issue_pass(session, residence_id=residence.id, now=NOW)
    session.commit()
    token = pass_token(issued)
    assert scan(session, gate, token, VISA_END - timedelta(minutes=1)) is GateReason.OK
    assert scan(session, gate, token, VISA_END + timedelta(minutes=1)) is GateReason.VISA_EXPIRED
    decision = check_pass(session, gate_id=gate.id, scanned=token, now=VISA_END + timedelta(days=3))
    assert not decision.allowed
    assert "签证" in decision.message("zh") and "visa" in decision.message("en")


def test_a_pass_issued_before_the_cap_is_refused_once_the_visa_has_passed(
    session: Session, home: tuple[Room, Gate]
) -> None:
    """A pass issued for longer (before the visa was recorded) still ends with the visa at the gate."""
    room, gate = home
    residence = foreign_home(session, room, visa_expiry=None)
    issued = issue_pass(session, residence_id=residence.id, now=NOW)
    residence.person.visa_expiry = VISA_EXPIRY
    session.commit()
    assert issued.valid_until > VISA_END
    assert scan(session, gate, pass_token(issued), VISA_END + timedelta(hours=1)) is GateReason.VISA_EXPIRED


def test_no_pass_is_issued_once_the_visa_has_passed(session: Session, home: tuple[Room, Gate]) -> None:
    room, _ = home
    residence = foreign_home(session, room, visa_expiry=date(2026, 11, 24))
    with pytest.raises(DomainError) as raised:
        issue_pass(session, residence_id=residence.id, now=NOW)
    assert "签证" in raised.value.message_zh


@pytest.mark.usefixtures("without_comparison_rules")
def test_the_receipt_keeps_the_ended_pass_and_says_the_visa_has_passed(
    session: Session, home: tuple[Room, Gate]
) -> None:
    room, gate = home
    person = person_fields(
        name="John Smith", id_type="04", id_number="E12345678", nationality="USA", visa_expiry=VISA_EXPIRY,
        ethnicity="", birth_date=date(1985, 3, 12), sex="1",
    )  # fmt: skip
    declaration = declare_residence(session, room=room, now=NOW, person=person, move_in=date(2026, 11, 24))
    session.commit()
    approve(
        session,
        declaration_id=declaration.id,
        staff=staff_identity("supervisor"),
        now=NOW,
        expected_version=declaration.row_version,
    )
    session.commit()
    (first,) = passes_for_receipt(session, declaration_id=declaration.id, now=NOW)
    assert first.valid_until == VISA_END
    later = VISA_END + timedelta(days=2)
    (view,) = pass_views_for_receipt(session, declaration_id=declaration.id, now=later)
    assert view.is_visa_expired and view.valid_until == VISA_END  # the same pass, not a new one
    assert passes_for_receipt(session, declaration_id=declaration.id, now=later)[0].id == first.id
    assert scan(session, gate, view.token, later) is GateReason.VISA_EXPIRED
