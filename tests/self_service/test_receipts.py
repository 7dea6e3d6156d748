"""Receipts: opened with the code and the document's last 6 characters, rate-limited against
guessing, and the way to see an officer's request, correct, move out and confirm tenants."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.core.crypto import mask_id_number
from shared.core.errors import DomainError, ValidationError
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.declarations.store import add_event, payload_of
from shared.models import (
    AuditLog,
    Declaration,
    DeclarationEvent,
    DeclarationStatus,
    DeclarationVersion,
    ReceiptAttempt,
    Room,
)
from shared.self_service.receipt_access import (
    ReceiptMismatch,
    TooManyAttempts,
    format_receipt_code,
    purge_receipt_attempts,
    receipt_link,
    receipt_qr_png,
)
from shared.self_service.receipts import open_receipt, request_correction, resubmit
from shared.self_service.residence_actions import confirm_tenant, end_residence
from shared.self_service.submit import submit_organisation, submit_rental, submit_residence
from tests.factories import (
    LANDLORD_ID,
    TENANT_ID,
    make_building,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    organisation_fields,
    person_fields,
    rental_fields,
    residence_fields,
    tenant_fields,
)

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


TAIL = TENANT_ID[-6:]
WRONG_TAIL = "000000" if TAIL != "000000" else "111111"
OTHER_TENANT_ID = make_id_number("450103", "19880808", "033")  # Nanning, male


@pytest.fixture
def rooms(session: Session) -> dict[str, Room]:
    street = make_street(session, name="麻涌大道")
    plate = make_plate(session, code="4419001262000001", street=street, number="12之一")
    building = make_building(session, plate=plate, name="A栋")
    found = {
        n: make_room(session, building=building, number=n, is_rental=True) for n in ("101", "102", "201")
    }
    session.commit()
    return found


def plate_of(rooms: dict[str, Room]) -> str:
    return rooms["101"].building.plate_code


def declare(
    session: Session, rooms: dict[str, Room], room: str = "101", key: str = "k1", **person: str
) -> Declaration:
    """A tenant's own declaration (李四 unless `person` says otherwise), committed."""
    if "id_number" in person:
        person.setdefault("birth_date", "")  # read from the number
    data = validate_residence(residence_fields(rooms[room].id, person=person_fields(**person)), today=TODAY)
    declaration = submit_residence(
        session, plate_code=plate_of(rooms), data=data, idempotency_key=key, now=NOW
    )
    session.commit()
    return declaration


def look(
    session: Session, code: str, tail: str = TAIL, *, at: datetime = NOW, client: str = "client-a"
) -> object:
    return open_receipt(session, receipt_code=code, doc_tail=tail, client_key=client, now=at)


# -- look-up and rate limit ------------------------------------------------------------------------


def test_a_receipt_shows_status_address_and_what_was_declared(
    session: Session, rooms: dict[str, Room]
) -> None:
    declaration = declare(session, rooms)
    typed = format_receipt_code(declaration.receipt_code).lower()  # "abcde fghjk"
    view = open_receipt(session, receipt_code=typed, doc_tail=TAIL.lower(), client_key="c", now=NOW)
    assert (view.receipt_code, view.status, view.status_zh, view.status_en) == (
        declaration.receipt_code,
        DeclarationStatus.RECEIVED,
        "已受理，待核实",
        "Received, awaiting review",
    )
    assert (view.address, view.rooms, view.version, view.submitted_at) == (
        "麻涌大道 12号之一",
        ("A栋 101",),
        1,
        NOW,
    )
    assert view.payload["person"]["id_number"] == TENANT_ID
    masked = TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:]  # the code and 6 characters show no more
    assert [(p.name, p.id_number, p.is_masked) for p in view.people] == [("李四", masked, False)]
    assert [t.label_en for t in view.timeline] == ["Submitted"]
    assert view.correction is None and view.can_correct and view.can_end
    assert view.link == f"http://localhost:8501/receipt?r={declaration.receipt_code}"


def test_a_wrong_code_and_a_wrong_document_get_the_same_answer(
    session: Session, rooms: dict[str, Room]
) -> None:
    declaration = declare(session, rooms)
    messages = set()
    for code, tail in ((declaration.receipt_code, WRONG_TAIL), ("23456789AB", TAIL), ("not a code", TAIL)):
        with pytest.raises(ReceiptMismatch) as caught:
            look(session, code, tail)
        messages.add((caught.value.message_zh, caught.value.message_en))
    assert messages == {
        (
            "回执码或证件号码后6位不正确，请核对后重试",
            "The receipt code or the last 6 characters of the document number do not match; "
            "check them and try again",
        )
    }
    assert session.scalar(select(func.count()).select_from(ReceiptAttempt)) == 3


def test_five_failures_lock_a_receipt_for_15_minutes_even_with_the_right_document(
    session: Session, rooms: dict[str, Room]
) -> None:
    code = declare(session, rooms).receipt_code
    for n in range(5):
        with pytest.raises(ReceiptMismatch):
            look(session, code, WRONG_TAIL, at=NOW + timedelta(minutes=n), client=f"phone-{n}")
    with pytest.raises(TooManyAttempts) as caught:
        look(session, code, at=NOW + timedelta(minutes=6), client="another phone")
    # The first failure (10:00) leaves the 15-minute window at 10:15 China time.
    assert caught.value.message_zh == "查询失败次数过多，请于 10:15 后再试"
    assert caught.value.message_en == "Too many failed attempts; try again after 10:15"
    assert look(session, code, at=NOW + timedelta(minutes=15, seconds=1)) is not None


def test_twenty_failures_from_one_client_lock_it_out_for_an_hour(
    session: Session, rooms: dict[str, Room]
) -> None:
    code = declare(session, rooms).receipt_code
    for n in range(20):
        with pytest.raises(ReceiptMismatch):
            look(
                session,
                f"2345678{n:03d}"[:10].replace("0", "A").replace("1", "B"),
                at=NOW + timedelta(minutes=n),
            )
    with pytest.raises(TooManyAttempts):
        look(session, code, at=NOW + timedelta(minutes=30))
    assert look(session, code, at=NOW + timedelta(minutes=30), client="client-b") is not None
    assert look(session, code, at=NOW + timedelta(minutes=60, seconds=1)) is not None


def test_old_failed_attempts_can_be_purged(session: Session, rooms: dict[str, Room]) -> None:
    code = declare(session, rooms).receipt_code
    with pytest.raises(ReceiptMismatch):
        look(session, code, WRONG_TAIL)
    assert purge_receipt_attempts(session, now=NOW + timedelta(minutes=59)) == 0
    assert purge_receipt_attempts(session, now=NOW + timedelta(hours=2)) == 1
    session.commit()


def test_the_receipt_qr_holds_the_receipt_link(rooms: dict[str, Room]) -> None:
    png = receipt_qr_png("ABCDE23456", portal_url="https://mp.dg.gov.cn")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [b.text for b in found] == ["https://mp.dg.gov.cn/receipt?r=ABCDE23456"]
    assert receipt_link("ABCDE23456", portal_url="https://mp.dg.gov.cn/") == found[0].text


# -- corrections -----------------------------------------------------------------------------------


def test_an_officers_request_shows_on_the_receipt_and_a_correction_adds_a_version(
    session: Session, rooms: dict[str, Room]
) -> None:
    declaration = declare(session, rooms)
    request_correction(
        session,
        declaration_id=declaration.id,
        fields=["person.phone", "move_in"],
        note="电话打不通，请核对",
        actor="officer1",
        now=NOW + timedelta(hours=1),
    )
    session.commit()
    view = open_receipt(
        session, receipt_code=declaration.receipt_code, doc_tail=TAIL, client_key="c", now=NOW
    )
    assert view.status is DeclarationStatus.CORRECTION_REQUESTED
    assert view.correction is not None
    assert (view.correction.fields, view.correction.note, view.correction.is_open) == (
        ("person.phone", "move_in"),
        "电话打不通，请核对",
        True,
    )
    fixed = dict(view.payload, person={**view.payload["person"], "phone": "13700137000"})
    data = validate_residence(fixed, today=TODAY)
    later = NOW + timedelta(days=1)
    resubmit(
        session, receipt_code=declaration.receipt_code, doc_tail=TAIL, data=data, now=later, client_key="c"
    )
    session.commit()
    versions = session.scalars(select(DeclarationVersion).order_by(DeclarationVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert payload_of(versions[0])["person"]["phone"] == "+8613800138000"
    assert payload_of(versions[1])["person"]["phone"] == "+8613700137000"
    view = open_receipt(
        session, receipt_code=declaration.receipt_code, doc_tail=TAIL, client_key="c", now=later
    )
    assert (view.status, view.version, view.updated_at) == (DeclarationStatus.RESUBMITTED, 2, later)
    assert view.correction is not None and not view.correction.is_open
    assert [t.action for t in view.timeline] == ["submitted", "correction_requested", "resubmitted"]
    again = resubmit(
        session, receipt_code=declaration.receipt_code, doc_tail=TAIL, data=data, now=later, client_key="c"
    )
    assert again.version == 2  # a second tap changes nothing
    actions = session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == [
        "declaration.submit.residence",
        "declaration.request_correction",
        "declaration.resubmit",
    ]


def test_an_approved_declaration_can_be_corrected_a_rejected_one_cannot(
    session: Session, rooms: dict[str, Room]
) -> None:
    approved = declare(session, rooms)
    rejected = declare(
        session, rooms, room="102", key="k2", id_number=OTHER_TENANT_ID, name="黄五", hukou_address="广西"
    )
    approved.status, rejected.status = DeclarationStatus.APPROVED, DeclarationStatus.REJECTED
    add_event(session, rejected, action="rejected", actor="officer1", now=NOW, note="房间号与实际不符")
    session.commit()
    data = validate_residence(residence_fields(rooms["101"].id, reason="13"), today=TODAY)
    corrected = resubmit(
        session, receipt_code=approved.receipt_code, doc_tail=TAIL, data=data, now=NOW, client_key="c"
    )
    assert (corrected.status, corrected.version) == (DeclarationStatus.RESUBMITTED, 2)
    view = look(session, rejected.receipt_code, OTHER_TENANT_ID[-6:])
    assert getattr(view, "rejection_reason") == "房间号与实际不符"  # noqa: B009
    other = validate_residence(
        residence_fields(
            rooms["102"].id,
            person=person_fields(id_number=OTHER_TENANT_ID, hukou_address="广西", birth_date=""),
        ),
        today=TODAY,
    )
    with pytest.raises(DomainError, match="was rejected; submit a new one"):
        resubmit(
            session,
            receipt_code=rejected.receipt_code,
            doc_tail=OTHER_TENANT_ID[-6:],
            data=other,
            now=NOW,
            client_key="c",
        )


def test_request_correction_is_refused_on_a_closed_declaration(
    session: Session, rooms: dict[str, Room]
) -> None:
    declaration = declare(session, rooms)
    declaration.status = DeclarationStatus.WITHDRAWN
    with pytest.raises(DomainError, match="closed"):
        request_correction(
            session, declaration_id=declaration.id, fields=["move_in"], note="", actor="o", now=NOW
        )
    declaration.status = DeclarationStatus.RECEIVED
    with pytest.raises(ValidationError):
        request_correction(session, declaration_id=declaration.id, fields=[], note=" ", actor="o", now=NOW)


# -- move-out --------------------------------------------------------------------------------------


def test_moving_out_before_approval_withdraws_the_declaration(
    session: Session, rooms: dict[str, Room]
) -> None:
    declaration = declare(session, rooms)
    ended = end_residence(
        session,
        receipt_code=declaration.receipt_code,
        doc_tail=TAIL,
        move_out=date(2026, 11, 20),
        now=NOW,
        client_key="c",
    )
    session.commit()
    assert (ended.status, ended.version) == (DeclarationStatus.WITHDRAWN, 2)
    assert payload_of(ended)["move_out"] == "2026-11-20"
    view = look(session, declaration.receipt_code)
    assert not getattr(view, "can_correct") and not getattr(view, "can_end")  # noqa: B009
    with pytest.raises(DomainError, match="withdrawn"):
        end_residence(
            session,
            receipt_code=declaration.receipt_code,
            doc_tail=TAIL,
            move_out=TODAY,
            now=NOW,
            client_key="c",
        )


def test_moving_out_after_approval_goes_back_to_the_officer(session: Session, rooms: dict[str, Room]) -> None:
    declaration = declare(session, rooms)
    declaration.status = DeclarationStatus.APPROVED
    add_event(session, declaration, action="approved", actor="officer1", now=NOW)
    session.commit()
    ended = end_residence(
        session, receipt_code=declaration.receipt_code, doc_tail=TAIL, move_out=TODAY, now=NOW, client_key="c"
    )
    assert (ended.status, ended.version, payload_of(ended)["move_out"]) == (
        DeclarationStatus.RESUBMITTED,
        2,
        TODAY.isoformat(),
    )
    actions = session.scalars(select(DeclarationEvent.action).order_by(DeclarationEvent.id)).all()
    assert actions == ["submitted", "approved", "move_out"]


@pytest.mark.parametrize(
    ("move_out", "zh"),
    [
        (date(2026, 10, 31), "搬离日期不能早于入住（开始）日期"),
        (TODAY + timedelta(days=8), "搬离日期不能晚于今天起7天"),
    ],
    ids=["before move-in", "far ahead"],
)
def test_an_impossible_move_out_date_is_refused(
    session: Session, rooms: dict[str, Room], move_out: date, zh: str
) -> None:
    declaration = declare(session, rooms)
    with pytest.raises(ValidationError) as caught:
        end_residence(
            session,
            receipt_code=declaration.receipt_code,
            doc_tail=TAIL,
            move_out=move_out,
            now=NOW,
            client_key="c",
        )
    assert (caught.value.message_zh, caught.value.field) == (zh, "move_out")


def test_an_organisation_is_not_ended_through_its_receipt(session: Session, rooms: dict[str, Room]) -> None:
    data = validate_organisation(organisation_fields(), today=TODAY)
    org = submit_organisation(session, plate_code=plate_of(rooms), data=data, idempotency_key="o", now=NOW)
    session.commit()
    with pytest.raises(DomainError, match="organisation"):
        end_residence(
            session,
            receipt_code=org.receipt_code,
            doc_tail=data.declarant.id_number[-6:],
            move_out=TODAY,
            now=NOW,
            client_key="c",
        )


# -- landlords and their tenants -------------------------------------------------------------------


def let_rooms(session: Session, rooms: dict[str, Room]) -> Declaration:
    """The landlord lets 101 and 102 and declares one tenant in 102 himself."""
    number = make_id_number("360102", "19930303", "077")
    own_tenant = tenant_fields(rooms["102"].id, name="周七", id_number=number, birth_date="")
    data = validate_rental(rental_fields([rooms["101"].id], tenants=[own_tenant]), today=TODAY)
    rental = submit_rental(session, plate_code=plate_of(rooms), data=data, idempotency_key="rent", now=NOW)
    session.commit()
    return rental


def test_a_landlord_sees_self_declared_tenants_masked_and_his_own_in_full(
    session: Session, rooms: dict[str, Room]
) -> None:
    rental = let_rooms(session, rooms)
    declare(session, rooms, room="101")
    declare(session, rooms, room="201", key="k2", id_number=OTHER_TENANT_ID, name="黄五")  # not his room
    view = open_receipt(
        session, receipt_code=rental.receipt_code, doc_tail=LANDLORD_ID[-6:], client_key="c", now=NOW
    )
    assert view.rooms == ("A栋 101", "A栋 102")
    listed = [(p.name, p.id_number, p.room, p.is_masked, p.declared_by_you) for p in view.people]
    assert listed == [
        ("李*", TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:], "A栋 101", True, False),
        ("周七", mask_id_number(view.payload["tenants"][0]["person"]["id_number"]), "A栋 102", False, True),
    ]


def test_a_landlord_confirms_a_tenants_own_declaration_once(session: Session, rooms: dict[str, Room]) -> None:
    rental = let_rooms(session, rooms)
    tenant = declare(session, rooms, room="101")
    stranger = declare(session, rooms, room="201", key="k2", id_number=OTHER_TENANT_ID, name="黄五")
    args = {
        "landlord_receipt_code": rental.receipt_code,
        "doc_tail": LANDLORD_ID[-6:],
        "now": NOW,
        "client_key": "c",
    }
    first = confirm_tenant(session, tenant_declaration_id=tenant.id, **args)  # type: ignore[arg-type]
    again = confirm_tenant(session, tenant_declaration_id=tenant.id, **args)  # type: ignore[arg-type]
    session.commit()
    assert first.id == again.id and (first.action, first.actor) == (
        "landlord_confirmed",
        f"landlord:{rental.id}",
    )
    with pytest.raises(DomainError, match="not in a room you let"):
        confirm_tenant(session, tenant_declaration_id=stranger.id, **args)  # type: ignore[arg-type]
    view = open_receipt(
        session, receipt_code=rental.receipt_code, doc_tail=LANDLORD_ID[-6:], client_key="c", now=NOW
    )
    assert [(p.declaration_id, p.confirmed_by_landlord) for p in view.people] == [
        (tenant.id, True),
        (None, False),
    ]
    tenant_view = look(session, tenant.receipt_code)
    assert [t.label_zh for t in getattr(tenant_view, "timeline")] == ["已提交", "房东已确认"]  # noqa: B009
    with pytest.raises(DomainError, match="Only a rental"):
        confirm_tenant(
            session,
            landlord_receipt_code=tenant.receipt_code,
            doc_tail=TAIL,
            tenant_declaration_id=tenant.id,
            now=NOW,
            client_key="c",
        )


def test_ending_a_rental_sets_its_move_out(session: Session, rooms: dict[str, Room]) -> None:
    rental = let_rooms(session, rooms)
    ended = end_residence(
        session,
        receipt_code=rental.receipt_code,
        doc_tail=LANDLORD_ID[-6:],
        move_out=TODAY,
        now=NOW,
        client_key="c",
    )
    assert ended.status is DeclarationStatus.WITHDRAWN
    view = open_receipt(
        session, receipt_code=rental.receipt_code, doc_tail=LANDLORD_ID[-6:], client_key="c", now=NOW
    )
    assert [p.move_out for p in view.people] == [TODAY]


def test_the_organisation_receipt_opens_with_the_declarants_document(
    session: Session, rooms: dict[str, Room]
) -> None:
    data = validate_organisation(organisation_fields(), today=TODAY)
    org = submit_organisation(session, plate_code=plate_of(rooms), data=data, idempotency_key="o", now=NOW)
    session.commit()
    tail = data.declarant.id_number[-6:]
    view = open_receipt(session, receipt_code=org.receipt_code, doc_tail=tail, client_key="c", now=NOW)
    assert (view.kind.value, view.people, view.payload["uscc"]) == ("organisation", (), data.uscc)
    assert not view.can_end
