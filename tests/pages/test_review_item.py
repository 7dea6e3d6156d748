"""The review item page (AppTest): 核实通过 over findings asks first and records that the officer
saw them; the declared data as a plain list without empty fields; findings without their field
named twice; the correction picker in the officer's language; a landlord's tenants not "You"."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.declarations.forms import validate_rental
from shared.models import (
    AuditLog,
    Building,
    Declaration,
    DeclarationEvent,
    DeclarationStatus,
    Room,
    User,
    utcnow,
)
from shared.rules.base import finding
from shared.self_service.submit import submit_rental
from tests.factories import (
    TENANT_ID,
    make_finding,
    make_id_number,
    rental_fields,
    tenant_fields,
)
from tests.pages.test_review_pages import accounts, app, declare, open_item, rooms, texts

__all__ = ["accounts", "rooms"]  # fixtures shared with the other review page tests

pytestmark = pytest.mark.usefixtures("without_comparison_rules")
APPROVED = "已核实通过，记录已更新。"


def status_of(session: Session, declaration: Declaration) -> DeclarationStatus:
    session.expire_all()
    found = session.get(Declaration, declaration.id)
    assert found is not None
    return found.status


def test_approve_over_a_warning_asks_first_and_cancel_approves_nothing(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    make_finding(session, declaration, rule="phone_invalid", severity="warning")
    session.commit()
    at = open_item(app(accounts["officer1"]).run(), declaration)
    at.button(key="review_detail.approve").click().run()
    assert not at.exception
    assert "此申报有 1 项比对问题。确认您已查看并仍要核实通过？" in texts(at)
    assert "phone_invalid（测试）" in texts(at)
    assert status_of(session, declaration) is DeclarationStatus.HAS_ISSUES
    at.button(key="review_detail.approve_cancel").click().run()
    assert "确认您已查看" not in texts(at)
    assert status_of(session, declaration) is DeclarationStatus.HAS_ISSUES


def test_confirmed_approval_records_that_the_findings_were_seen(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    seen = make_finding(session, declaration, rule="phone_invalid", severity="warning")
    make_finding(session, declaration, rule="note_only", severity="info", field=None)  # not asked about
    session.commit()
    at = open_item(app(accounts["officer1"]).run(), declaration)
    at.button(key="review_detail.approve").click().run()
    assert "此申报有 1 项比对问题" in texts(at)
    at.button(key="review_detail.approve_confirmed").click().run()
    assert not at.exception
    assert APPROVED in texts(at)
    assert status_of(session, declaration) is DeclarationStatus.APPROVED
    note = session.scalars(
        select(DeclarationEvent.note).where(
            DeclarationEvent.declaration_id == declaration.id, DeclarationEvent.action == "approved"
        )
    ).one()
    assert "已确认查看 1 项比对问题" in note
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "declaration.findings_seen")).one()
    assert entry.actor == "officer1" and entry.target_id == str(declaration.id)
    assert [f["id"] for f in entry.detail["findings"]] == [seen.id]
    assert "已确认查看 1 项比对问题" in texts(at)  # in the timeline


def test_a_finding_added_after_the_question_needs_a_new_look(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    make_finding(session, declaration, severity="warning")
    session.commit()
    at = open_item(app(accounts["officer1"]).run(), declaration)
    at.button(key="review_detail.approve").click().run()
    make_finding(session, declaration, rule="room_over_capacity", severity="error")  # a recheck, meanwhile
    session.commit()
    at.button(key="review_detail.approve_confirmed").click().run()
    assert "比对结果有变化，请重新查看后再确认核实通过。" in [e.value for e in at.error]
    assert status_of(session, declaration) is DeclarationStatus.HAS_ISSUES


def test_approve_without_findings_asks_nothing(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    at.button(key="review_detail.approve").click().run()
    assert APPROVED in texts(at)
    assert not session.scalars(select(AuditLog).where(AuditLog.action == "declaration.findings_seen")).all()


def declared_rows(at: object) -> dict[str, str]:
    """The declared list (a static two-column table), its Markdown escapes undone."""
    [table] = at.table  # type: ignore[attr-defined]
    frame = table.value
    assert list(frame.columns) == ["field", "value"]
    return {name.replace("\\", ""): value.replace("\\", "") for name, value in frame.itertuples(index=False)}


def test_declared_data_is_a_plain_list_without_empty_fields(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"], employer="")
    at = open_item(app(accounts["officer1"]).run(), declaration)
    assert not at.exception
    rows = declared_rows(at)
    assert rows["本人 · 姓名"] == "李四"
    assert rows["本人 · 出生日期"] == "1990-01-15"
    assert not [name for name in rows if "工作单位" in name]  # left empty: not listed
    assert all(value for value in rows.values())
    assert TENANT_ID not in str(rows)  # numbers stay masked
    assert not [f for f in at.dataframe if "申报内容" in f.value.columns]  # no scrolling grid


def test_declared_text_cannot_format_the_page(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"], employer="**大字** [链接](http://x.cn) :material/home:")
    at = open_item(app(accounts["officer1"]).run(), declaration)
    [table] = at.table
    [employer] = [v for v in table.value["value"] if "大字" in v]
    # An escaped `\:` alone still draws the icon: a word joiner (U+2060) after it keeps it text.
    assert employer == r"\*\*大字\*\* \[链接\]\(http\://x\.cn\) \:" + "\u2060" + r"material/home\:"


def test_finding_text_names_its_field_once(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    stored = finding("phone_invalid", "warning", "person.phone", "号码无效。", "the number is not valid.")  # type: ignore[arg-type]
    stored.declaration_id = declaration.id
    session.add(stored)
    declaration.status = DeclarationStatus.HAS_ISSUES
    session.commit()
    at = open_item(app(accounts["officer1"]).run(), declaration)
    [warning] = [w.value for w in at.warning if "号码无效" in w.value]
    assert warning.count("联系电话") == 1, warning


def test_correction_picker_speaks_the_officers_language(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    [picker] = at.multiselect
    assert picker.placeholder == "选择需要补正的项目"
    at = open_item(app(accounts["chief"], lang="English").run(), declaration)
    assert at.multiselect[0].placeholder == "Choose the fields"


def test_landlords_tenants_are_not_you_in_english(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    room = rooms["A101"]
    tenant_id = make_id_number("450103", "19880808", "077")
    tenants = [tenant_fields(room.id, name="王五", id_number=tenant_id, birth_date="", sex="")]
    data = validate_rental(rental_fields([room.id], tenants=tenants), today=local_today(utcnow()))
    plate = session.get(Building, room.building_id).plate_code  # type: ignore[union-attr]
    declaration = submit_rental(session, plate_code=plate, data=data, idempotency_key="rental", now=utcnow())
    session.commit()
    at = open_item(app(accounts["chief"], lang="English").run(), declaration)
    assert not at.exception
    rows = declared_rows(at)
    assert rows["Tenant 1 · Name"] == "王五"
    assert not [name for name in rows if "You" in name]
    options = [str(o) for o in at.multiselect[0].options]
    assert "Tenant 1 · Name" in options and not [o for o in options if "You" in o]
