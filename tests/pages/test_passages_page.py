"""通行记录 (AppTest of portal/app_pages/passages.py): who may open it, the filters, the export
buttons, and the receipt page's pass and visitor widgets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.gate.pass_check import check_pass
from shared.gate.passages import PassageFilters
from shared.gate.passes import issue_pass, pass_token
from shared.models import AuditLog, PassageResult, Role, User, utcnow
from shared.staff.accounts import create_user
from tests.factories import (
    make_building,
    make_gate,
    make_grid,
    make_person,
    make_plate,
    make_residence,
    make_room,
    make_street,
    make_village,
)
from tests.pages.declaring import qr_codes
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "passages.py")


@pytest.fixture
def logged(session: Session) -> dict[str, Any]:
    """Three passages today: allowed and forged at 麻一村东门, other village at 新基村西门."""
    mayi, xinji = make_village(session, name="麻一村"), make_village(session, name="新基村")
    grid = make_grid(session, village=mayi)
    room = make_room(
        session, building=make_building(session, plate=make_plate(session, village=mayi, grid=grid))
    )
    east = make_gate(session, village=mayi, name="麻一村东门")
    west = make_gate(session, village=xinji, name="新基村西门")
    now = utcnow()
    home = make_residence(session, room=room, person=make_person(session, name="张三"))
    token = pass_token(issue_pass(session, residence_id=home.id, now=now - timedelta(hours=2)))
    for gate, text in ((east, token), (east, "forged"), (west, token)):
        check_pass(session, gate_id=gate.id, scanned=text, now=now - timedelta(minutes=5))
    users = {
        role: create_user(session, username=role.value, password=f"{role.value}-password-2026", role=role)
        for role in Role
    }
    session.commit()
    return {"east": east.id, "west": west.id, "users": users}


def page(user: User | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    return at.run()


def table(at: AppTest) -> list[dict[str, Any]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


def test_officers_and_visitors_are_refused(logged: dict[str, Any]) -> None:
    assert page(None).error and not page(None).dataframe
    officer = page(logged["users"][Role.OFFICER])
    assert officer.error and not officer.dataframe


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_see_todays_passages_with_pseudonyms(logged: dict[str, Any], role: Role) -> None:
    at = page(logged["users"][role])
    assert not at.exception
    rows = table(at)
    assert len(rows) == 3
    assert {r["门岗"] for r in rows} == {"麻一村东门", "新基村西门"}
    assert {r["原因"] for r in rows} >= {"核验通过，请通行", "该住址不属于本门岗的通行范围"}
    assert all("张" not in str(v) for r in rows for v in r.values())
    assert [b.label for b in at.get("download_button")] == ["导出 CSV", "导出 XLSX"]


def test_filters_narrow_the_table(logged: dict[str, Any]) -> None:
    at = page(logged["users"][Role.SUPERVISOR])
    at.selectbox(key="passages.gate").set_value(logged["east"]).run()
    assert {r["门岗"] for r in table(at)} == {"麻一村东门"}
    at.selectbox(key="passages.result").set_value(PassageResult.DENIED).run()
    assert [r["原因"] for r in table(at)] == ["无法识别的通行码：可能已损坏、被篡改或不是本系统签发"]
    at.selectbox(key="passages.gate").set_value(None).run()
    at.selectbox(key="passages.result").set_value(None).run()
    earlier = utcnow().date() - timedelta(days=3)
    at.date_input(key="passages.days").set_value((earlier, earlier)).run()
    assert not at.dataframe and "没有符合条件" in at.info[0].value


def test_export_is_made_on_download_with_the_filters_and_audited(
    session: Session, logged: dict[str, Any]
) -> None:
    from portal.receipt.pass_widgets import passage_export

    build = passage_export(PassageFilters(gate_id=logged["east"]), "csv", "supervisor")
    session.expire_all()
    assert session.scalars(select(AuditLog).where(AuditLog.target_id == "passages")).first() is None
    rows = list(csv.reader(io.StringIO(build().decode("utf-8-sig"))))
    assert len(rows) == 3 and {r[1] for r in rows[1:]} == {"麻一村东门"}
    [audit] = session.scalars(select(AuditLog).where(AuditLog.target_id == "passages")).all()
    assert audit.actor == "supervisor" and audit.detail["filters"] == {"gate_id": logged["east"]}


# -- the receipt page's widgets ------------------------------------------------------------------


def receipt_widgets(declaration_id: int, receipt_code: str) -> None:
    """What the receipt page does with a receipt it opened: both gate widgets."""
    from portal.receipt.pass_widgets import show_resident_pass, show_visitors
    from shared.core.db import session_scope
    from shared.declarations.store import payload_of
    from shared.models import Declaration
    from shared.self_service.receipt_view import build_receipt_view

    with session_scope() as session:
        declaration = session.get(Declaration, declaration_id)
        assert declaration is not None and declaration.receipt_code == receipt_code
        view = build_receipt_view(session, declaration, payload_of(declaration))
    show_resident_pass(view)
    show_visitors(view)


def widgets_of(declaration: Any) -> AppTest:
    at = AppTest.from_function(
        receipt_widgets, default_timeout=30, args=(declaration.id, declaration.receipt_code)
    )
    return at.run()


@pytest.fixture
def approved(session: Session, without_comparison_rules: None) -> dict[str, Any]:
    """An approved tenant's residence and an approved landlord's rental of the same room."""
    from shared.core.clock import local_today
    from shared.declarations.forms import validate_rental
    from shared.review.decisions import approve
    from shared.self_service.submit import submit_rental
    from tests.factories import declare_residence, rental_fields, staff_identity

    village = make_village(session, name="麻一村")
    grid = make_grid(session, village=village, code="G1")
    plate = make_plate(
        session, street=make_street(session, village=village, name="麻涌大道"), number="12", grid=grid
    )
    room = make_room(session, building=make_building(session, plate=plate), number="301", is_rental=True)
    gate = make_gate(session, village=village, name="麻一村东门")
    now = utcnow()
    today = local_today(now)
    tenant = declare_residence(session, room=room, now=now, move_in=today - timedelta(days=5))
    rental = submit_rental(
        session,
        plate_code=plate.code,
        data=validate_rental(rental_fields([room.id], lease_start=today - timedelta(days=30)), today=today),
        idempotency_key="rental-1",
        now=now,
    )
    session.commit()
    officer = staff_identity("officer", ["G1"])
    for declaration in (tenant, rental):
        approve(
            session,
            declaration_id=declaration.id,
            staff=officer,
            now=now,
            expected_version=declaration.row_version,
        )
        session.commit()
    return {"tenant": tenant, "rental": rental, "room": room.id, "gate": gate.id}


def test_approved_tenant_sees_the_pass_qr_on_the_receipt(approved: dict[str, Any]) -> None:
    at = widgets_of(approved["tenant"])
    assert not at.exception
    assert [s.value for s in at.subheader] == ["住户通行码"]
    assert qr_codes(at) == ["通行二维码"] and any("李四" in m.value for m in at.markdown)
    assert any("有效至" in c.value for c in at.caption)


def test_landlord_sees_recent_visitors_masked(session: Session, approved: dict[str, Any]) -> None:
    from shared.gate.visitors import register_visitor
    from tests.factories import make_id_number

    register_visitor(
        session, gate_id=approved["gate"], name="王小明", id_type="01",
        id_number=make_id_number("440106", "19850505", "017"), phone="13912345678",
        host_room_id=approved["room"], purpose="探亲访友", now=utcnow(),
    )  # fmt: skip
    session.commit()
    at = widgets_of(approved["rental"])
    assert not at.exception
    assert [s.value for s in at.subheader] == ["近期访客"]
    [row] = at.dataframe[0].value.to_dict("records")
    assert (row["访客"], row["电话"], row["房间"]) == ("王**", "139****5678", "麻涌大道 12号 301")


def test_unapproved_receipts_show_neither(session: Session, approved: dict[str, Any]) -> None:
    from shared.models import DeclarationStatus

    for declaration in (approved["tenant"], approved["rental"]):
        declaration.status = DeclarationStatus.RESUBMITTED
    session.commit()
    for declaration in (approved["tenant"], approved["rental"]):
        at = widgets_of(declaration)
        assert not at.subheader and not qr_codes(at) and not at.dataframe
