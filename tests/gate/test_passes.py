"""Resident passes at the gate: tokens, the allow/deny rules, the passage log, passes on
receipts, revocation, visitor registration and the supervisors' passage list and export."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.crypto import Keyring
from shared.core.errors import DomainError, ValidationError
from shared.declarations.form_errors import FormErrors
from shared.gate.gates import GateReason, person_pseudonym
from shared.gate.pass_check import check_pass
from shared.gate.pass_tokens import PassKind, read_pass_token, sign_pass
from shared.gate.passages import PassageFilters, export_passages, list_passages
from shared.gate.passes import (
    issue_pass,
    pass_for_receipt,
    pass_qr_png,
    pass_token,
    passes_for_receipt,
    revoke_pass,
)
from shared.gate.visitors import register_visitor, visitors_for_rooms
from shared.models import (
    AuditLog,
    Building,
    Gate,
    Passage,
    PassageResult,
    Residence,
    ResidentPass,
    Room,
    Visitor,
)
from shared.places.links import plate_token
from shared.review.decisions import approve
from shared.review.passes import passes_for_review, revoke_pass_for_review
from tests.factories import (
    CHILD_ID,
    TENANT_ID,
    declare_residence,
    make_building,
    make_gate,
    make_grid,
    make_id_number,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
    person_fields,
    staff_identity,
)

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong
VISITOR_ID = make_id_number("440106", "19850505", "017")  # Guangzhou, male


@dataclass
class Town:
    """麻一村 (grids G1, G2) with gates 东门 (whole village) and 北门 (G1 only); 新基村 (G3)
    with 西门. Rooms: A301 in G1, B101 in G2, C101 in 新基村."""

    rooms: dict[str, Room]
    gates: dict[str, Gate]


@pytest.fixture
def town(session: Session) -> Town:
    mayi = make_village(session, name="麻一村")
    xinji = make_village(session, name="新基村")
    g1, g2 = make_grid(session, village=mayi, code="G1"), make_grid(session, village=mayi, code="G2")
    g3 = make_grid(session, village=xinji, code="G3")
    avenue = make_street(session, village=mayi, name="麻涌大道")
    road = make_street(session, village=xinji, name="新基路")
    a = make_building(session, plate=make_plate(session, street=avenue, number="12", grid=g1), name="A栋")
    b = make_building(session, plate=make_plate(session, street=avenue, number="30", grid=g2))
    c = make_building(session, plate=make_plate(session, street=road, number="5", grid=g3))
    rooms = {
        "A301": make_room(session, building=a, number="301"),
        "B101": make_room(session, building=b, number="101"),
        "C101": make_room(session, building=c, number="101"),
    }
    gates = {
        "east": make_gate(session, village=mayi, name="麻一村东门"),
        "north": make_gate(session, village=mayi, name="麻一村北门", grid_codes=["G1"]),
        "west": make_gate(session, village=xinji, name="新基村西门"),
    }
    session.commit()
    return Town(rooms, gates)


def resident_pass(
    session: Session, town: Town, room: str = "A301", *, at: datetime = NOW, **residence: Any
) -> ResidentPass:
    home = make_residence(session, room=town.rooms[room], **residence)
    issued = issue_pass(session, residence_id=home.id, now=at)
    session.commit()
    return issued


def scan(session: Session, town: Town, text: str, *, gate: str = "east", at: datetime = NOW) -> Any:
    decision = check_pass(session, gate_id=town.gates[gate].id, scanned=text, now=at)
    session.commit()
    return decision


def move_out(session: Session, issued: ResidentPass, until: date) -> None:
    residence = session.get(Residence, issued.residence_id)
    assert residence is not None
    residence.until = until
    session.commit()


def passages(session: Session) -> list[Passage]:
    return list(session.scalars(select(Passage).order_by(Passage.id)))


# -- tokens --------------------------------------------------------------------------------------


def test_pass_token_is_short_upper_case_alphanumeric_with_a_key_id_and_80_bit_signature() -> None:
    token = sign_pass(PassKind.RESIDENT, 1234)
    assert re.fullmatch(r"R1234\.[A-Z2-7][A-Z2-7]{16}", token)  # 16 base32 characters: 80 bits
    assert read_pass_token(token) is not None
    assert read_pass_token(token).id == 1234  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "wrap",
    [
        "{t}",
        "  {t}\r\n",
        "https://mp.dg.gov.cn/?pass={t}",
        "HTTPS://MP.DG.GOV.CN/PASS/{t}?x=1",
        "{lower}",  # a scanner with Caps Lock on
    ],
)
def test_token_is_found_alone_or_inside_a_url(wrap: str) -> None:
    token = sign_pass(PassKind.RESIDENT, 77)
    ref = read_pass_token(wrap.format(t=token, lower=token.lower()))
    assert ref is not None and ref.id == 77 and ref.kind is PassKind.RESIDENT


def test_token_of_a_previous_master_secret_still_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    old = Keyring.from_master(b"the secret before the rotation")
    token = sign_pass(PassKind.RESIDENT, 5, keyring=old)
    assert read_pass_token(token) is None
    monkeypatch.setenv("MENPAI_PREVIOUS_SECRET_KEYS", "the secret before the rotation")
    assert read_pass_token(token) is not None


@pytest.mark.parametrize(
    "scanned",
    [
        "",
        "hello",
        "R5.AAAAAAAAAAAAAAAAA",
        "R6" + sign_pass(PassKind.RESIDENT, 5)[2:],  # another pass's signature
        "V" + sign_pass(PassKind.RESIDENT, 5)[1:],  # a resident's signature on a visitor id
        plate_token("2000010012"),  # a plate link is no pass
        "R" + "9" * 600,
    ],
)
def test_forged_or_foreign_texts_name_no_pass(scanned: str) -> None:
    assert read_pass_token(scanned) is None


def test_pass_qr_code_holds_the_token() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    token = sign_pass(PassKind.RESIDENT, 42)
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(pass_qr_png(token))))
    assert found.text == token


# -- the gate's decision -------------------------------------------------------------------------


def test_resident_with_a_current_home_in_the_gate_village_is_allowed(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    decision = scan(session, town, pass_token(issued))
    assert decision.allowed and decision.reason is GateReason.OK
    assert decision.masked_name == "张*"
    assert decision.room_label == "麻涌大道 12号 A栋 301"
    assert "核验通过" in decision.message("zh") and "go ahead" in decision.message("en")


def test_expired_pass_is_denied(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    decision = scan(session, town, pass_token(issued), at=issued.valid_until + timedelta(seconds=1))
    assert not decision.allowed and decision.reason is GateReason.EXPIRED
    assert "过期" in decision.message("zh")


def test_revoked_pass_is_denied(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    revoke_pass(session, pass_id=issued.id, actor="officer1", reason="手机遗失", now=NOW)
    session.commit()
    decision = scan(session, town, pass_token(issued), at=NOW + timedelta(minutes=1))
    assert not decision.allowed and decision.reason is GateReason.REVOKED
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "pass.revoke")).one()
    assert audit.actor == "officer1" and audit.detail == {"reason": "手机遗失"}


def test_forged_pass_is_denied_and_logged_without_subject(session: Session, town: Town) -> None:
    token = pass_token(resident_pass(session, town))
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    decision = scan(session, town, forged)
    assert not decision.allowed and decision.reason is GateReason.FORGED
    assert decision.masked_name == "" and decision.room_label == ""
    assert passages(session)[-1].subject_index is None


def test_signed_pass_unknown_to_this_database_is_treated_as_forged(session: Session, town: Town) -> None:
    decision = scan(session, town, sign_pass(PassKind.RESIDENT, 999_999))
    assert decision.reason is GateReason.FORGED


def test_moved_out_tenant_is_denied_at_gate(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    move_out(session, issued, date(2026, 11, 20))
    decision = scan(session, town, pass_token(issued))
    assert not decision.allowed and decision.reason is GateReason.MOVED_OUT


def test_residence_ending_today_no_longer_admits(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    move_out(session, issued, date(2026, 11, 25))  # `until` is the first day away (China's date at NOW)
    assert scan(session, town, pass_token(issued)).reason is GateReason.MOVED_OUT


def test_pass_of_another_village_is_denied(session: Session, town: Town) -> None:
    issued = resident_pass(session, town, room="C101")
    decision = scan(session, town, pass_token(issued), gate="east")
    assert not decision.allowed and decision.reason is GateReason.OTHER_VILLAGE
    assert scan(session, town, pass_token(issued), gate="west").allowed


def test_gate_that_lists_grids_admits_only_homes_in_them(session: Session, town: Town) -> None:
    in_g1 = resident_pass(session, town, room="A301")
    in_g2 = resident_pass(session, town, room="B101")
    assert scan(session, town, pass_token(in_g1), gate="north").allowed
    assert scan(session, town, pass_token(in_g2), gate="north").reason is GateReason.OTHER_VILLAGE
    assert scan(session, town, pass_token(in_g2), gate="east").allowed  # the whole village's gate


def test_url_wrapped_token_typed_by_a_scanner_is_checked(session: Session, town: Town) -> None:
    token = pass_token(resident_pass(session, town))
    assert scan(session, town, f"https://mp.dg.gov.cn/?pass={token}\n").allowed


def test_every_check_logs_a_passage_with_a_pseudonym_not_a_name(session: Session, town: Town) -> None:
    issued = resident_pass(session, town)
    scan(session, town, pass_token(issued))
    scan(session, town, pass_token(issued), gate="west")
    scan(session, town, "garbage")
    first, second, third = passages(session)
    assert (first.result, first.reason) == (PassageResult.ALLOWED, "ok")
    assert (second.result, second.reason) == (PassageResult.DENIED, "other_village")
    assert (third.result, third.reason) == (PassageResult.DENIED, "forged")
    assert first.subject_index == second.subject_index == person_pseudonym(issued.person_id)
    assert first.subject_index is not None and len(first.subject_index) == 32
    assert "张" not in first.subject_index and str(issued.person_id) != first.subject_index
    assert first.gate_id == town.gates["east"].id and first.at == NOW


def test_pass_is_not_issued_for_an_ended_residence(session: Session, town: Town) -> None:
    home = make_residence(session, room=town.rooms["A301"], until=date(2026, 1, 1))
    with pytest.raises(DomainError):
        issue_pass(session, residence_id=home.id, now=NOW)


def test_pass_ends_with_the_planned_stay(session: Session, town: Town) -> None:
    issued = resident_pass(session, town, planned_until=date(2027, 1, 31))
    # The day after the planned last day starts at midnight in China: 2027-01-31 16:00 UTC.
    assert issued.valid_until == datetime(2027, 1, 31, 16, 0, tzinfo=UTC)
    unplanned = resident_pass(session, town)
    assert unplanned.valid_until == NOW + timedelta(days=180)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_revocation_needs_a_short_reason(session: Session, town: Town, reason: str) -> None:
    issued = resident_pass(session, town)
    with pytest.raises(ValidationError):
        revoke_pass(session, pass_id=issued.id, actor="officer1", reason=reason, now=NOW)


# -- passes on the receipt -----------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


def approved_declaration(session: Session, town: Town) -> Any:
    declaration = declare_residence(session, room=town.rooms["A301"], now=NOW - timedelta(days=2))
    session.commit()
    approve(
        session,
        declaration_id=declaration.id,
        staff=staff_identity("officer", ["G1"]),
        now=NOW - timedelta(days=1),
        expected_version=declaration.row_version,
    )
    session.commit()
    return declaration


def test_approved_residence_gets_one_pass_issued_on_first_request(session: Session, town: Town) -> None:
    declaration = approved_declaration(session, town)
    assert session.scalar(select(func.count()).select_from(ResidentPass)) == 0
    first = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    session.commit()
    again = pass_for_receipt(session, declaration_id=declaration.id, now=NOW + timedelta(hours=1))
    assert first is not None and again is not None and first.id == again.id
    assert scan(session, town, pass_token(first)).allowed
    assert scan(session, town, pass_token(first)).masked_name == "李*"


def test_unapproved_declaration_has_no_pass(session: Session, town: Town) -> None:
    declaration = declare_residence(session, room=town.rooms["A301"], now=NOW)
    session.commit()
    assert pass_for_receipt(session, declaration_id=declaration.id, now=NOW) is None
    assert passes_for_receipt(session, declaration_id=declaration.id, now=NOW) == []


def test_expired_pass_is_renewed_but_a_revoked_one_is_not(session: Session, town: Town) -> None:
    declaration = approved_declaration(session, town)
    first = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    assert first is not None
    later = first.valid_until + timedelta(days=1)
    renewed = pass_for_receipt(session, declaration_id=declaration.id, now=later)
    assert renewed is not None and renewed.id != first.id
    revoke_pass(session, pass_id=renewed.id, actor="officer1", reason="冒用", now=later)
    kept = pass_for_receipt(session, declaration_id=declaration.id, now=later + timedelta(days=1))
    assert kept is not None and kept.id == renewed.id and kept.revoked_at is not None


def test_family_members_get_passes_after_the_declarant(session: Session, town: Town) -> None:
    child = person_fields(
        name="李小红", id_number=CHILD_ID, birth_date=date(2018, 6, 1), sex="2", phone="", relation="child"
    )
    declaration = declare_residence(session, room=town.rooms["A301"], now=NOW, family=[child])
    session.commit()
    approve(
        session,
        declaration_id=declaration.id,
        staff=staff_identity("officer", ["G1"]),
        now=NOW,
        expected_version=declaration.row_version,
    )
    issued = passes_for_receipt(session, declaration_id=declaration.id, now=NOW)
    names = [scan(session, town, pass_token(p)).masked_name for p in issued]
    assert names == ["李*", "李**"]


# -- visitors ------------------------------------------------------------------------------------


def visitor_fields(town: Town, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "gate_id": town.gates["east"].id, "name": "王小明", "id_type": "01", "id_number": VISITOR_ID,
        "phone": "139 1234 5678", "host_room_id": town.rooms["A301"].id, "purpose": "探亲",
    }  # fmt: skip
    values.update(fields)
    return values


def test_visitor_registration_gives_a_pass_for_a_few_hours_and_logs_it(session: Session, town: Town) -> None:
    issued = register_visitor(session, now=NOW, **visitor_fields(town))
    session.commit()
    assert issued.token.startswith("V") and issued.masked_name == "王**"
    assert issued.host_label == "麻涌大道 12号 A栋 301"
    assert issued.valid_until == NOW + timedelta(hours=4)
    visitor = session.get(Visitor, issued.visitor_id)
    assert visitor is not None and VISITOR_ID.encode() not in visitor.id_number_enc
    [logged] = passages(session)
    assert (logged.result, logged.reason, logged.visitor_id) == (
        PassageResult.ALLOWED,
        "visitor_registered",
        issued.visitor_id,
    )
    assert scan(session, town, issued.token, at=NOW + timedelta(hours=1)).reason is GateReason.VISITOR_OK
    assert scan(session, town, issued.token, at=NOW + timedelta(hours=5)).reason is GateReason.EXPIRED
    assert scan(session, town, issued.token, gate="west").reason is GateReason.OTHER_VILLAGE


def test_visitor_may_name_the_host_by_plate_and_room(session: Session, town: Town) -> None:
    building = session.get(Building, town.rooms["A301"].building_id)
    assert building is not None
    fields = visitor_fields(town, host_room_id=None, host_plate_code=building.plate_code, host_room_no="301")
    assert register_visitor(session, now=NOW, **fields).host_label.endswith("301")


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": ""}, "name"),
        ({"id_number": "440106198505050000"}, "id_number"),
        ({"id_type": "ZZ"}, "id_type"),
        ({"phone": "12345"}, "phone"),
        ({"host_room_id": None}, "host_room"),
        ({"purpose": "  "}, "purpose"),
        ({"purpose": "很" * 201}, "purpose"),
        ({"purpose": "送快递\x00"}, "purpose"),  # a NUL would break PostgreSQL's insert
        ({"host_room_id": None, "host_plate_code": "\x00", "host_room_no": "301"}, "host_room"),
        ({"name": "", "phone": "", "purpose": ""}, "name,phone,purpose"),
    ],
)
def test_visitor_registration_names_every_bad_field(
    session: Session, town: Town, fields: dict[str, Any], bad: str
) -> None:
    with pytest.raises(FormErrors) as refused:
        register_visitor(session, now=NOW, **visitor_fields(town, **fields))
    assert ",".join(refused.value.fields) == bad
    assert session.scalar(select(func.count()).select_from(Visitor)) == 0


def test_visitor_cannot_visit_a_room_outside_the_gates_area(session: Session, town: Town) -> None:
    with pytest.raises(FormErrors) as refused:
        register_visitor(session, now=NOW, **visitor_fields(town, host_room_id=town.rooms["C101"].id))
    assert refused.value.fields == ("host_room",)
    assert "不在本门岗" in refused.value.errors[0].message_zh


def test_landlord_sees_his_rooms_visitors_masked(session: Session, town: Town) -> None:
    register_visitor(session, now=NOW - timedelta(days=40), **visitor_fields(town, name="赵一"))
    register_visitor(session, now=NOW, **visitor_fields(town))
    register_visitor(
        session, now=NOW, **visitor_fields(town, name="孙二", host_room_id=town.rooms["B101"].id)
    )
    session.commit()
    seen = visitors_for_rooms(session, room_ids=[town.rooms["A301"].id], since=NOW - timedelta(days=30))
    assert [(v.masked_name, v.masked_phone, v.room_label, v.purpose) for v in seen] == [
        ("王**", "139****5678", "麻涌大道 12号 A栋 301", "探亲")
    ]
    assert seen[0].gate_name == "麻一村东门"


# -- the passage list and its export --------------------------------------------------------------


@pytest.fixture
def logged(session: Session, town: Town) -> Town:
    """Four passages: allowed and denied at 东门 on the 24th and 25th, one denied at 新基村西门."""
    token = pass_token(resident_pass(session, town, at=NOW - timedelta(days=2)))
    scan(session, town, token, at=NOW - timedelta(days=1))
    scan(session, town, "forged", at=NOW - timedelta(days=1))
    scan(session, town, token, at=NOW)
    scan(session, town, token, gate="west", at=NOW)
    return town


def test_passages_are_listed_newest_first_with_every_filter(session: Session, logged: Town) -> None:
    everything = list_passages(session)
    assert len(everything) == 4 and everything[0].at >= everything[-1].at
    east = logged.gates["east"].id
    assert {p.gate_name for p in list_passages(session, gate_id=east)} == {"麻一村东门"}
    assert len(list_passages(session, village=logged.gates["west"].village_code)) == 1
    denied = list_passages(session, result=PassageResult.DENIED)
    assert sorted(p.reason for p in denied) == ["forged", "other_village"]
    assert denied[0].reason_text("en").startswith("This home") or denied[0].reason_text("en").startswith(
        "Not"
    )
    today = list_passages(session, since=NOW - timedelta(hours=1), until=NOW + timedelta(hours=1))
    assert len(today) == 2
    assert len(list_passages(session, limit=1)) == 1


def test_export_honours_the_filters_and_is_audited(session: Session, logged: Town) -> None:
    filters = PassageFilters(gate_id=logged.gates["east"].id, result=PassageResult.ALLOWED)
    content, count = export_passages(session, fmt="csv", actor="chief", filters=filters, now=NOW)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert count == 2 and len(rows) == 3
    assert all(r[1] == "麻一村东门" and r[3].startswith("通行") for r in rows[1:])
    assert all(len(r[5]) == 32 for r in rows[1:])  # pseudonyms, never names
    audit = session.scalars(select(AuditLog).where(AuditLog.target_id == "passages")).one()
    assert audit.actor == "chief" and audit.detail["rows"] == 2
    assert audit.detail["filters"] == {"gate_id": logged.gates["east"].id, "result": "allowed"}

    workbook, count = export_passages(session, fmt="xlsx", actor="chief", filters=PassageFilters(), now=NOW)
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None and count == 4 and sheet.max_row == 5


def test_export_neutralises_formulas_in_gate_names(session: Session, logged: Town) -> None:
    logged.gates["west"].name = "=HYPERLINK(1)"
    session.commit()
    content, _ = export_passages(
        session, fmt="csv", actor="chief", filters=PassageFilters(gate_id=logged.gates["west"].id), now=NOW
    )
    assert "'=HYPERLINK(1)" in content.decode("utf-8-sig")


def test_tenant_id_is_never_in_the_passage_log(session: Session, logged: Town) -> None:
    content, _ = export_passages(session, fmt="csv", actor="chief", filters=PassageFilters(), now=NOW)
    assert TENANT_ID not in content.decode("utf-8-sig") and "张" not in content.decode("utf-8-sig")


def test_pass_stays_on_the_tenants_receipt_when_the_landlord_declares_him_too(
    session: Session, town: Town
) -> None:
    from shared.core.clock import local_today
    from shared.declarations.forms import validate_rental
    from shared.self_service.submit import submit_rental
    from tests.factories import rental_fields, tenant_fields

    declaration = approved_declaration(session, town)
    first = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    room = town.rooms["A301"]
    building = session.get(Building, room.building_id)
    assert first is not None and building is not None
    rental = submit_rental(
        session,
        plate_code=building.plate_code,
        data=validate_rental(
            rental_fields([room.id], lease_start=date(2026, 10, 1), tenants=[tenant_fields(room.id)]),
            today=local_today(NOW),
        ),
        idempotency_key="landlord-1",
        now=NOW,
    )
    session.commit()
    approve(
        session,
        declaration_id=rental.id,
        staff=staff_identity("officer", ["G1"]),
        now=NOW,
        expected_version=rental.row_version,
    )
    session.commit()
    residence = session.get(Residence, first.residence_id)
    assert residence is not None and residence.declaration_id == rental.id  # taken over
    again = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    assert again is not None and again.id == first.id
    # The landlord's receipt shows the tenant the same pass, for the tenant to scan.
    assert [p.id for p in passes_for_receipt(session, declaration_id=rental.id, now=NOW)] == [first.id]


# -- officers: the passes of a review item, revoking one -------------------------------------------


def test_officer_sees_the_passes_of_an_item_masked_without_issuing_any(session: Session, town: Town) -> None:
    declaration = approved_declaration(session, town)
    officer = staff_identity("officer", ["G1"])
    assert passes_for_review(session, declaration_id=declaration.id, staff=officer, now=NOW) == []
    assert session.scalar(select(func.count()).select_from(ResidentPass)) == 0  # looking issues none
    issued = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    session.commit()
    [view] = passes_for_review(session, declaration_id=declaration.id, staff=officer, now=NOW)
    assert issued is not None and view.pass_id == issued.id
    assert view.holder == "李*" and view.is_declarant and view.revoked_at is None
    assert not view.is_expired(NOW) and view.is_expired(view.valid_until)


def test_officer_revokes_a_pass_with_a_reason_and_the_gate_refuses_it(session: Session, town: Town) -> None:
    declaration = approved_declaration(session, town)
    issued = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    session.commit()
    assert issued is not None
    officer = staff_identity("officer", ["G1"])
    with pytest.raises(ValidationError, match="reason"):
        revoke_pass_for_review(
            session, declaration_id=declaration.id, pass_id=issued.id, staff=officer, reason=" ", now=NOW
        )
    revoke_pass_for_review(
        session, declaration_id=declaration.id, pass_id=issued.id, staff=officer, reason="手机遗失", now=NOW
    )
    session.commit()
    [view] = passes_for_review(session, declaration_id=declaration.id, staff=officer, now=NOW)
    assert view.revoked_at == NOW and view.revoked_reason == "手机遗失"
    assert scan(session, town, pass_token(issued)).reason is GateReason.REVOKED
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "pass.revoke")).one()
    assert audit.actor == officer.username


def test_only_this_items_passes_and_only_in_own_grids(session: Session, town: Town) -> None:
    declaration = approved_declaration(session, town)
    issued = pass_for_receipt(session, declaration_id=declaration.id, now=NOW)
    other = resident_pass(session, town, "B101")
    assert issued is not None
    with pytest.raises(DomainError, match="does not belong"):
        revoke_pass_for_review(
            session,
            declaration_id=declaration.id,
            pass_id=other.id,
            staff=staff_identity("officer", ["G1"]),
            reason="误操作",
            now=NOW,
        )
    with pytest.raises(DomainError, match="grids you look after"):
        revoke_pass_for_review(
            session,
            declaration_id=declaration.id,
            pass_id=issued.id,
            staff=staff_identity("officer", ["G2"]),
            reason="手机遗失",
            now=NOW,
        )
    session.rollback()
    assert session.scalar(select(func.count()).where(ResidentPass.revoked_at.is_not(None))) == 0
