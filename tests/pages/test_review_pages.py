"""The review pages (AppTest), under a router listing them as the portal's does for staff: who
may open them, the officer's own queue, opening an item, deciding on it, revealing numbers,
bulk approval and the work lists."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.clock import local_today
from shared.gate.passes import pass_for_receipt
from shared.models import (
    AuditLog,
    Declaration,
    DeclarationStatus,
    Residence,
    ResidentPass,
    Role,
    Room,
    User,
    utcnow,
)
from shared.review.decisions import approve
from shared.staff.accounts import create_user
from shared.staff.auth import StaffIdentity
from tests.factories import (
    TENANT_ID,
    declare_residence,
    make_building,
    make_finding,
    make_grid,
    make_id_number,
    make_plate,
    make_room,
    make_street,
    make_village,
    person_fields,
)
from tests.pages.staff_tab import sign_in_tab

QUEUE = "review_queue.py"
DETAIL = "review_detail.py"
WORKLISTS = "worklists.py"
OTHER_ID = make_id_number("450103", "19880808", "033")


def review_router() -> None:
    """What portal/app.py does for staff, with the review pages listed (AppTest runs it from a
    temporary file, so the pages are given by absolute path)."""
    import streamlit as st

    from portal.ui.i18n import language_switch
    from shared.core.config import PROJECT_ROOT

    pages = PROJECT_ROOT / "portal" / "app_pages"
    language_switch()
    st.navigation(
        [
            st.Page(pages / "review_queue.py", url_path="review", default=True),
            st.Page(pages / "review_detail.py", url_path="review-item", visibility="hidden"),
            st.Page(pages / "worklists.py", url_path="worklists"),
            st.Page(pages / "inspection.py", url_path="inspection"),
        ]
    ).run()


pytestmark = pytest.mark.usefixtures("without_comparison_rules")


@pytest.fixture
def rooms(session: Session) -> dict[str, Room]:
    village = make_village(session, name="麻一村")
    street = make_street(session, village=village, name="麻涌大道")
    g1, g2 = make_grid(session, village=village, code="G1"), make_grid(session, village=village, code="G2")
    a = make_building(session, plate=make_plate(session, street=street, number="12", grid=g1), name="A栋")
    b = make_building(session, plate=make_plate(session, street=street, number="30", grid=g2))
    found = {
        "A101": make_room(session, building=a, number="101", is_rental=True),
        "A102": make_room(session, building=a, number="102"),
        "B101": make_room(session, building=b, number="101"),
    }
    session.commit()
    return found


@pytest.fixture
def accounts(session: Session) -> dict[str, User]:
    users = {
        "officer1": create_user(
            session, username="officer1", password="officer-password-2026", role=Role.OFFICER
        ),
        "chief": create_user(session, username="chief", password="chief-password-2026", role=Role.SUPERVISOR),
    }
    users["officer1"].grid_codes = ["G1"]
    session.commit()
    return users


def declare(session: Session, room: Room, **person: Any) -> Declaration:
    today = local_today(utcnow())
    declaration = declare_residence(
        session,
        room=room,
        now=utcnow(),
        person=person_fields(**person),
        move_in=today - timedelta(days=3),
        planned_until=today + timedelta(days=300),
    )
    session.commit()
    return declaration


def app(user: User | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_function(review_router, default_timeout=30)
    if lang:
        at.query_params["lang"] = lang
    if user is not None:
        sign_in_tab(at, user)
    return at


def open_item(at: AppTest, declaration: Declaration) -> AppTest:
    at.query_params["id"] = str(declaration.id)
    return at.switch_page(str(page(DETAIL))).run()


def page(name: str) -> Any:
    from shared.core.config import PROJECT_ROOT

    return PROJECT_ROOT / "portal" / "app_pages" / name


def texts(at: AppTest) -> str:
    parts = (
        *at.header,
        *at.subheader,
        *at.markdown,
        *at.caption,
        *at.error,
        *at.warning,
        *at.info,
        *at.success,
    )
    return "\n".join(str(e.value) for e in parts)


def test_signed_out_visitor_is_refused_by_every_review_page(rooms: dict[str, Room]) -> None:
    at = app().run()
    for name in (QUEUE, DETAIL, WORKLISTS):
        at.switch_page(str(page(name))).run()
        assert not at.exception
        assert [e.value for e in at.error] == ["请先登录工作人员账号。"]
        assert not at.dataframe and not at.button


def test_officer_sees_own_queue_with_counts(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declare(session, rooms["A101"])
    flagged = declare(session, rooms["A102"], name="王五", id_number=OTHER_ID, birth_date="", sex="")
    make_finding(session, flagged, rule="room_over_capacity", severity="error")
    declare(session, rooms["B101"], name="赵丽", id_number=make_id_number(), birth_date="", sex="")  # G2
    session.commit()
    at = app(accounts["officer1"]).run()
    assert not at.exception
    assert "审核队列" in texts(at)
    [table] = at.dataframe
    assert list(table.value["申报人"]) == ["王*", "李*"]  # the item with an error first
    assert list(table.value["问题"]) == ["人均面积不足", ""]  # the rule by its name, not its id
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["待核实"], metrics["有问题"], metrics["已核实"]) == ("1", "1", "0")


def test_selecting_a_row_opens_the_item(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = app(accounts["officer1"]).run()
    at.session_state["review_queue.table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert "居住登记 · 麻涌大道 12号 A栋 101" in texts(at)
    assert at.query_params["id"] == str(declaration.id)


def test_officer_approves_from_the_detail_page(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    assert not at.exception
    assert TENANT_ID not in texts(at)
    at.button(key="review_detail.approve").click().run()
    assert not at.exception
    assert "已核实通过，记录已更新。" in texts(at)
    assert "已核实" in texts(at)
    session.expire_all()
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.APPROVED  # type: ignore[union-attr]
    [residence] = session.scalars(select(Residence))
    assert (residence.room_id, residence.declaration_id) == (rooms["A101"].id, declaration.id)
    assert not [b for b in at.button if b.key == "review_detail.approve"]  # decided: no second approval


def test_the_second_officer_is_told_the_item_changed(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    chief = StaffIdentity.of(accounts["chief"])
    approve(
        session,
        declaration_id=declaration.id,
        staff=chief,
        now=utcnow(),
        expected_version=declaration.row_version,
    )
    session.commit()
    at.button(key="review_detail.approve").click().run()
    assert not at.exception
    [warning] = at.warning
    assert warning.value.startswith("该申报在您查看期间已被他人处理或修改")
    assert "已核实" in texts(at) and not [b for b in at.button if b.key == "review_detail.approve"]
    assert session.scalar(select(func.count()).select_from(Residence)) == 1


def test_an_approval_of_content_the_officer_has_not_seen_is_refused(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    declaration.status = DeclarationStatus.RESUBMITTED  # as a declarant's correction would, meanwhile
    session.commit()
    at.button(key="review_detail.approve").click().run()
    assert "该申报刚刚已被他人处理或修改，请刷新后重试。" in [e.value for e in at.error]
    assert session.scalar(select(func.count()).select_from(Residence)) == 0
    at.button(key="review_detail.approve").click().run()  # now on what the page shows
    assert "已核实通过，记录已更新。" in texts(at)


def test_officer_cannot_open_another_grids_item_by_its_id(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    theirs = declare(session, rooms["B101"])
    at = open_item(app(accounts["officer1"]).run(), theirs)
    assert [e.value for e in at.error] == ["找不到该申报，或它不在您负责的网格内。"]
    assert not at.button and not at.dataframe


def test_reject_with_a_reason(session: Session, rooms: dict[str, Room], accounts: dict[str, User]) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    [reason] = [a for a in at.text_area if "不予通过的原因" in a.label]
    reason.input("经入户核查，此人不在此居住")
    [submit] = [b for b in at.button if b.label == "不予通过"]
    submit.click().run()
    assert "已不予通过。" in texts(at)
    session.expire_all()
    assert session.get(Declaration, declaration.id).status is DeclarationStatus.REJECTED  # type: ignore[union-attr]


def test_reveal_shows_the_number_and_is_audited(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    [reason] = [i for i in at.text_input if "原因" in i.label]
    reason.input("电话核实身份")
    [reveal] = [b for b in at.button if b.label.startswith("查看")]
    reveal.click().run()
    assert not at.exception
    shown = [df.value for df in at.dataframe if "内容" in df.value.columns]
    assert shown and TENANT_ID in list(shown[0]["内容"])
    entry = session.scalars(select(AuditLog).where(AuditLog.action == "pii.reveal")).one()
    assert (entry.actor, entry.detail["reason"]) == ("officer1", "电话核实身份")


def test_bulk_approve_after_confirmation(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    clean = declare(session, rooms["A101"])
    flagged = declare(session, rooms["A102"], name="王五", id_number=OTHER_ID, birth_date="", sex="")
    make_finding(session, flagged)
    session.commit()
    at = app(accounts["officer1"]).run()
    at.button(key="review_queue.bulk").click().run()
    assert "将核实 1 项没有任何问题的申报" in texts(at)
    at.button(key="review_queue.yes").click().run()
    assert not at.exception
    assert "已核实 1 项；0 项期间有变动，已跳过。" in texts(at)
    session.expire_all()
    assert session.get(Declaration, clean.id).status is DeclarationStatus.APPROVED  # type: ignore[union-attr]
    assert session.get(Declaration, flagged.id).status is DeclarationStatus.HAS_ISSUES  # type: ignore[union-attr]


def test_work_lists_in_english(session: Session, rooms: dict[str, Room], accounts: dict[str, User]) -> None:
    at = app(accounts["officer1"], lang="English").run()
    at.switch_page(str(page(WORKLISTS))).run()
    assert not at.exception
    assert "Due-date work lists" in texts(at)
    assert [tab.label for tab in at.tabs] == [
        "Rentals to visit (1)",
        "Stays ending (0)",
        "No coordinates (0)",
        "Addresses to place (0)",
        "Permits due (0)",
        "Foreigners ending (0)",
    ]
    [rentals] = at.dataframe
    assert list(rentals.value["Address"]) == ["麻涌大道 12号 A栋"]


def test_detail_page_in_english(session: Session, rooms: dict[str, Room], accounts: dict[str, User]) -> None:
    declaration = declare(session, rooms["A101"])
    make_finding(session, declaration, rule="room_over_capacity", severity="error")
    session.commit()
    at = open_item(app(accounts["chief"], lang="English").run(), declaration)
    assert not at.exception
    assert "Residence · 麻涌大道 12号 A栋 101" in texts(at)
    assert "**Room over capacity**" in texts(at)  # the rule by its name
    assert at.button(key="review_detail.approve").label == "Approve"


def test_officer_revokes_a_resident_pass_from_the_approved_item(
    session: Session, rooms: dict[str, Room], accounts: dict[str, User]
) -> None:
    declaration = declare(session, rooms["A101"])
    at = open_item(app(accounts["officer1"]).run(), declaration)
    at.button(key="review_detail.approve").click().run()
    assert "尚未发放通行码" in texts(at)  # the officer's page issues none
    session.expire_all()  # approved by the page, in its own session
    issued = pass_for_receipt(session, declaration_id=declaration.id, now=utcnow())  # the receipt does
    session.commit()
    assert issued is not None
    at.run()
    passes = at.dataframe[-1].value
    assert list(passes["持有人"]) == ["李*（申报人）"] and list(passes["状态"]) == ["有效"]
    revoke(at)
    assert "请填写注销原因" in texts(at)  # refused without a reason; nothing revoked
    revoke(at, "手机遗失")
    assert not at.exception
    assert "通行码已注销，门岗将拒绝通行。" in texts(at)
    [state] = at.dataframe[-1].value["状态"]
    assert state.startswith("已注销（")
    session.expire_all()
    assert session.get(ResidentPass, issued.id).revoked_reason == "手机遗失"  # type: ignore[union-attr]
    assert not [b for b in at.button if b.label == "注销通行码"]  # nothing left to revoke


def revoke(at: AppTest, reason: str = "") -> None:
    [field] = [w for w in at.text_input if w.label.startswith("注销原因")]
    field.input(reason)
    [button] = [b for b in at.button if b.label == "注销通行码"]
    button.click().run()
