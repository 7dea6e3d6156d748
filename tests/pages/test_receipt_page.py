"""我的回执 on the portal: look-up with code and document tail, the rate limit, an officer's
request and the correction as a new version, the move-out, and a landlord confirming (AppTest)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.ui.plate_page import LANDLORD_OF_KEY
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.declarations.labels import DECLARANT_STATUS_LABELS
from shared.declarations.store import payload_of
from shared.models import Declaration, DeclarationEvent, DeclarationStatus, DeclarationVersion, utcnow
from shared.review.decisions import approve
from shared.self_service.receipt_access import format_receipt_code
from shared.self_service.receipts import request_correction
from shared.self_service.submit import submit_organisation, submit_rental, submit_residence
from tests.factories import (
    LANDLORD_ID,
    TENANT_ID,
    make_building,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    organisation_fields,
    person_fields,
    rental_fields,
    residence_fields,
    staff_identity,
    tenant_fields,
)
from tests.pages.declaring import click, open_page, qr_codes, texts, today, value_of

TAIL = TENANT_ID[-6:]
WRONG_TAIL = "000000" if TAIL != "000000" else "111111"
MISMATCH = "回执码或证件号码后6位不正确"


@pytest.fixture
def rooms(session: Session) -> dict[str, Any]:
    plate = make_plate(session, street=make_street(session, name="麻涌大道"), number="12")
    building = make_building(session, plate=plate)
    found = {n: make_room(session, building=building, number=n, is_rental=True).id for n in ("101", "102")}
    session.commit()
    return {"plate": plate.code, **found}


def declare(session: Session, rooms: dict[str, Any], **person: Any) -> Declaration:
    raw = residence_fields(
        rooms["101"],
        person=person_fields(**person),
        move_in=today() - timedelta(days=10),
        planned_until=today() + timedelta(days=300),
    )
    declaration = submit_residence(
        session,
        plate_code=rooms["plate"],
        data=validate_residence(raw, today=today()),
        idempotency_key=f"k-{person}",
        now=utcnow(),
    )
    session.commit()
    return declaration


def look_up(code: str | None, tail: str, *, lang: str | None = None, at: Any = None) -> Any:
    """Open the receipt page (from the receipt's link when `code` is None) and look up."""
    if at is None:
        params = {"r": code} if code else {}
        at = open_page("receipt", **params, **({"lang": lang} if lang else {}))
    if code is not None:
        at.text_input(key="receipt.code").input(code)
    at.text_input(key="receipt.tail").input(tail)
    next(b for b in at.button if b.label in ("查询", "Look up")).click()
    return at.run()


def test_the_receipt_link_fills_the_code_and_the_tail_opens_it(
    session: Session, rooms: dict[str, Any]
) -> None:
    declaration = declare(session, rooms)
    at = open_page("receipt", r=declaration.receipt_code)
    assert value_of(at, "receipt.code") == declaration.receipt_code
    # whose 6 characters, said on the screen: a tenant the landlord declared types their own
    assert "房东为您登记的租客，填写您自己证件号码的后6位" in texts(at)
    at = look_up(None, TAIL, at=at)
    assert not at.exception
    page = texts(at)
    session.refresh(declaration)  # the comparison rules may have sent it to the officer
    assert f"状态：{DECLARANT_STATUS_LABELS[declaration.status][0]}" in page
    assert "麻涌大道 12号" in page and "101" in page
    assert format_receipt_code(declaration.receipt_code) in page
    assert "李四" in page and "已提交" in page
    assert "工作人员请您补正" not in page


def test_a_wrong_code_or_tail_gets_one_answer(session: Session, rooms: dict[str, Any]) -> None:
    declaration = declare(session, rooms)
    wrong_tail = look_up(declaration.receipt_code, WRONG_TAIL)
    wrong_code = look_up("ABCDEFGHJK", TAIL)
    assert [e.value for e in wrong_tail.error] == [e.value for e in wrong_code.error]
    assert MISMATCH in wrong_tail.error[0].value
    assert "李四" not in texts(wrong_tail)


@pytest.mark.parametrize(
    ("lang", "message"), [(None, "查询失败次数过多，请于 "), ("English", "try again after ")]
)
def test_too_many_wrong_tails_lock_the_receipt(
    session: Session, rooms: dict[str, Any], lang: str | None, message: str
) -> None:
    declaration = declare(session, rooms)
    at = open_page("receipt", r=declaration.receipt_code, **({"lang": lang} if lang else {}))
    for _ in range(5):
        at = look_up(None, WRONG_TAIL, at=at)
    at = look_up(None, TAIL, at=at)  # the right one, too late
    [error] = at.error
    assert message in error.value
    assert "李四" not in texts(at)


def test_an_officers_request_is_corrected_as_version_2(session: Session, rooms: dict[str, Any]) -> None:
    declaration = declare(session, rooms)
    request_correction(
        session,
        declaration_id=declaration.id,
        fields=["person.phone"],
        note="电话打不通，请核对",
        actor="officer1",
        now=utcnow(),
    )
    session.commit()
    at = look_up(declaration.receipt_code, TAIL)
    [warning] = at.warning
    assert "电话打不通，请核对" in warning.value and "本人 · 联系电话" in warning.value
    assert ":orange[工作人员请您核对此项]" in [m.value for m in at.markdown]
    assert value_of(at, "receipt.fix.person.name") == "李四"  # the form is filled from the declaration
    assert value_of(at, "receipt.fix.person.phone") == "138****8000"  # masked, as on the receipt
    at.text_input(key="receipt.fix.person.phone").input("12345")
    at = click(at, "receipt.fix._submit")
    assert any("电话号码无效" in m.value for m in at.markdown if m.value.startswith(":red["))
    assert value_of(at, "receipt.fix.person.name") == "李四"
    at.text_input(key="receipt.fix.person.phone").input("137 0013 7000")
    at = click(at, "receipt.fix._submit")
    assert not at.exception
    assert "已重新提交" in texts(at) and "版本 2" in texts(at)
    session.expire_all()
    assert [v.version for v in session.scalars(select(DeclarationVersion))] == [1, 2]
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.RESUBMITTED  # type: ignore[union-attr]


def test_the_receipt_masks_numbers_and_phones_and_a_correction_keeps_them(
    session: Session, rooms: dict[str, Any]
) -> None:
    declaration = declare(session, rooms)
    at = look_up(declaration.receipt_code, TAIL)
    masked_id = TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:]
    page = texts(at).replace("\\*", "*")  # markdown-escaped stars
    assert masked_id in page and "138****8000" in page
    shown = [page, *(str(w.value) for w in at.text_input)]
    assert not [s for s in shown if TENANT_ID in s or "0013 8000" in s or "13800138000" in s]
    assert value_of(at, "receipt.fix.person.id_number") == masked_id
    at.text_input(key="receipt.fix.person.employer").input("麻涌某纸品厂")
    at = click(at, "receipt.fix._submit")
    assert not at.exception and "已重新提交" in texts(at), texts(at)
    session.expire_all()
    latest = payload_of(session.get(Declaration, declaration.id))  # type: ignore[arg-type]
    assert latest["person"]["id_number"] == TENANT_ID and latest["person"]["phone"] == "+8613800138000"
    assert latest["person"]["employer"] == "麻涌某纸品厂"


def test_moving_out_ends_the_declaration(session: Session, rooms: dict[str, Any]) -> None:
    declaration = declare(session, rooms)
    at = look_up(declaration.receipt_code, TAIL)
    at.date_input(key="receipt.move_out").set_value(today())
    at = click(at, "receipt.end")
    assert not at.exception
    # Never approved: it is withdrawn, and the notice says so rather than 已办理搬离 above 已撤回.
    assert "申报已撤回" in texts(at) and "状态：已撤回" in texts(at) and "已办理搬离" not in texts(at)
    assert not [b for b in at.button if b.key in ("receipt.end", "receipt.fix._submit")]
    session.expire_all()
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.WITHDRAWN  # type: ignore[union-attr]


def approved_by_its_grid_officer(session: Session, declaration: Declaration) -> None:
    """The declarations put in one grid, and this one approved by its officer."""
    grid = make_grid(session, code="G1")
    session.execute(Declaration.__table__.update().values(grid_code=grid.code))  # his grid officer
    session.commit()
    approve(
        session,
        declaration_id=declaration.id,
        staff=staff_identity("officer", [grid.code]),
        now=utcnow(),
        expected_version=declaration.row_version,
    )
    session.commit()


def test_moving_out_after_approval_is_declared_for_an_officer(
    session: Session, rooms: dict[str, Any]
) -> None:
    declaration = declare(session, rooms)
    approved_by_its_grid_officer(session, declaration)
    at = look_up(declaration.receipt_code, TAIL)
    at.date_input(key="receipt.move_out").set_value(today())
    at = click(at, "receipt.end")
    assert not at.exception
    assert "已办理搬离，请等待核实" in texts(at) and "申报已撤回" not in texts(at)
    session.expire_all()
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.RESUBMITTED  # type: ignore[union-attr]


def test_a_landlord_sees_his_tenants_masked_and_confirms_one(session: Session, rooms: dict[str, Any]) -> None:
    raw = rental_fields([rooms["101"], rooms["102"]], lease_start=today() - timedelta(days=90))
    rental = submit_rental(
        session,
        plate_code=rooms["plate"],
        data=validate_rental(raw, today=today()),
        idempotency_key="rental",
        now=utcnow(),
    )
    session.commit()
    tenant = declare(session, rooms)
    at = look_up(rental.receipt_code, LANDLORD_ID[-6:])
    assert at.session_state[LANDLORD_OF_KEY] == {rooms["plate"]}  # his plate page now shows counts
    people = at.dataframe[0].value
    assert list(people["姓名"]) == ["李*"] and list(people["申报人"]) == ["租客"]
    assert list(people["证件号码"]) == [TENANT_ID[:3] + "*" * 11 + TENANT_ID[-4:]]
    assert "李四" not in texts(at)
    at = click(at, f"receipt.confirm.{tenant.id}")
    assert not at.exception
    assert "已确认该租客" in texts(at)
    assert list(at.dataframe[0].value["房东确认"]) == ["✓"]
    session.expire_all()
    events = session.scalars(
        select(DeclarationEvent.action).where(DeclarationEvent.declaration_id == tenant.id)
    )
    assert "landlord_confirmed" in list(events)


def test_a_landlord_corrects_the_lease_and_a_tenant_as_version_2(
    session: Session, rooms: dict[str, Any]
) -> None:
    tenants = [tenant_fields(rooms["102"]) | {"move_in": today() - timedelta(days=20)}]
    raw = rental_fields([rooms["101"]], lease_start=today() - timedelta(days=90), tenants=tenants)
    rental = submit_rental(
        session,
        plate_code=rooms["plate"],
        data=validate_rental(raw, today=today()),
        idempotency_key="rental",
        now=utcnow(),
    )
    session.commit()
    at = look_up(rental.receipt_code, LANDLORD_ID[-6:])
    assert value_of(at, "receipt.fix.landlord.name") == "陈大文"
    assert value_of(at, "receipt.fix.tenants#0.person.name") == "李四"
    assert value_of(at, "receipt.fix.room_ids") == [rooms["101"], rooms["102"]]
    at.date_input(key="receipt.fix.tenants#0.move_out").set_value(today())
    at = click(at, "receipt.fix._submit")
    assert not at.exception, texts(at)
    session.expire_all()
    versions = session.scalars(select(DeclarationVersion).order_by(DeclarationVersion.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert payload_of(versions[1])["tenants"][0]["move_out"] == today().isoformat()


def test_an_organisation_is_corrected_but_not_ended_here(session: Session, rooms: dict[str, Any]) -> None:
    data = validate_organisation(organisation_fields(), today=today())
    declaration = submit_organisation(
        session, plate_code=rooms["plate"], data=data, idempotency_key="org", now=utcnow()
    )
    session.commit()
    at = look_up(declaration.receipt_code, data.declarant.id_number[-6:])
    assert not at.exception
    assert "单位登记" in texts(at) and "东莞市麻涌某五金有限公司" in texts(at)
    assert value_of(at, "receipt.fix.staff_count") == 35
    assert not [b for b in at.button if b.key == "receipt.end"]


def test_a_listed_tenant_opens_their_own_receipt_and_pass_after_approval(
    session: Session, rooms: dict[str, Any]
) -> None:
    other = make_id_number("450103", "19880808", "033")
    tenants = [
        tenant_fields(rooms["101"]) | {"move_in": today() - timedelta(days=20)},
        tenant_fields(rooms["102"], name="黄五", id_number=other, birth_date="", sex="", phone="13900139000")
        | {"move_in": today() - timedelta(days=20)},
    ]
    raw = rental_fields(
        [rooms["101"], rooms["102"]], lease_start=today() - timedelta(days=90), tenants=tenants
    )
    rental = submit_rental(
        session,
        plate_code=rooms["plate"],
        data=validate_rental(raw, today=today()),
        idempotency_key="rental",
        now=utcnow(),
    )
    session.commit()
    before = look_up(rental.receipt_code, TAIL)
    assert "房东为您申报的居住登记" in texts(before) and not qr_codes(before)
    approved_by_its_grid_officer(session, rental)
    at = look_up(rental.receipt_code, TAIL)
    assert not at.exception
    page = texts(at)
    assert "住户通行码" in page and "李四" in page and qr_codes(at) == ["通行二维码"]
    assert "黄五" not in page and "陈大文" not in page and "101" in page
    assert not [b for b in at.button if b.key in ("receipt.end", "receipt.fix._submit")]
    landlord = look_up(rental.receipt_code, LANDLORD_ID[-6:])
    assert "租客通行码" in texts(landlord) and qr_codes(landlord) == ["通行二维码"] * 2


def test_the_way_back_leads_home_then_to_the_opened_receipts_plate(
    session: Session, rooms: dict[str, Any]
) -> None:
    # A phone shows the app's menu folded away: the page itself offers the way back.
    declaration = declare(session, rooms)
    at = open_page("receipt", r=declaration.receipt_code)
    [home] = at.get("page_link")
    assert (home.proto.label, home.proto.query_string) == ("首页", "")
    at = look_up(None, TAIL, at=at)
    [plate] = at.get("page_link")
    assert plate.proto.label.endswith(" · 麻涌大道 12号")
    assert plate.proto.query_string.startswith("p=")
    at = look_up(None, WRONG_TAIL, at=at)  # refused: the receipt is closed, the way back leads home
    assert MISMATCH in texts(at)
    [home] = at.get("page_link")
    assert (home.proto.label, home.proto.query_string) == ("首页", "")


def _scrolls_to_the_receipt(at: Any) -> bool:
    """The page's script scrolls to the receipt (the style sheet names its box on every run)."""
    bodies = (str(element.proto.body) for element in at.get("html"))
    return any("receipt-opened" in body and "scrollIntoView" in body for body in bodies)


def test_an_opened_receipt_is_shown_from_its_status_once(session: Session, rooms: dict[str, Any]) -> None:
    # After 查询 the receipt begins at the screen's foot: the page shows it from its status. A later
    # run (a tap in the correction form, a visit back) must not pull the screen there again.
    declaration = declare(session, rooms)
    at = look_up(declaration.receipt_code, TAIL)
    assert _scrolls_to_the_receipt(at)
    at.run()
    assert not _scrolls_to_the_receipt(at)
    at = look_up(declaration.receipt_code, TAIL, at=at)  # looked up again: shown from its status again
    assert _scrolls_to_the_receipt(at)
