"""The audit log page (AppTest, under the portal's real router): supervisors and admins browse
it with filters, details masked; its export holds the filtered entries and is audited; officers
reach neither the page nor its data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.audit import record_audit
from shared.core.config import PROJECT_ROOT
from shared.models import AuditLog, Role, User
from shared.staff.accounts import create_user
from tests.factories import TENANT_ID
from tests.pages.staff_tab import sign_in_tab
from tests.pages.test_staff_pages import is_in_navigation, portal, sign_in, texts

PAGE = "app_pages/audit_log.py"
PASSWORDS = {
    "chief": "chief-password-2026",
    "root": "root-password-2026",
    "officer1": "officer-password-2026",
}
ROLES = {"chief": Role.SUPERVISOR, "root": Role.ADMIN, "officer1": Role.OFFICER}


@pytest.fixture
def accounts(session: Session) -> dict[str, User]:
    users = {
        name: create_user(session, username=name, password=PASSWORDS[name], role=ROLES[name])
        for name in ROLES
    }
    users["officer1"].grid_codes = ["G1"]
    record_audit(
        session,
        actor="officer1",
        action="pii.reveal",
        target_type="declaration",
        target_id="41",
        detail={"reason": f"核实证件 {TENANT_ID}，电话 13800138000"},
    )
    record_audit(session, actor="root", action="plate.retire", target_type="plate", target_id="0010010012")
    session.commit()
    return users


def audit_page(username: str) -> AppTest:
    at = sign_in(portal(), username, PASSWORDS[username])
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def table(at: AppTest) -> list[dict[str, Any]]:
    return at.dataframe[0].value.to_dict("records") if at.dataframe else []


@pytest.mark.parametrize("username", ["chief", "root"])
def test_supervisors_and_admins_browse_the_log_masked(accounts: dict[str, User], username: str) -> None:
    at = audit_page(username)
    assert "审计日志" in texts(at)
    rows = table(at)
    assert {r["操作"] for r in rows} >= {"pii.reveal", "plate.retire", "login.success", "user.create"}
    [reveal] = [r for r in rows if r["操作"] == "pii.reveal"]
    assert TENANT_ID not in reveal["详情"] and "13800138000" not in reveal["详情"]
    assert "138****8000" in reveal["详情"]
    assert [b.label for b in at.get("download_button")] == ["导出 CSV", "导出 XLSX"]


def test_filters_narrow_the_table(accounts: dict[str, User]) -> None:
    at = audit_page("chief")
    at.selectbox(key="audit_log.action").set_value("login").run()
    assert {r["操作"] for r in table(at)} == {"login.success"}
    assert {r["操作人"] for r in table(at)} == {"chief"}
    at.selectbox(key="audit_log.action").set_value(None).run()
    at.selectbox(key="audit_log.target").set_value("plate").run()
    assert [r["对象"] for r in table(at)] == ["0010010012"]
    at.selectbox(key="audit_log.target").set_value(None).run()
    at.text_input(key="audit_log.text").input("核实证件").run()
    assert [r["操作"] for r in table(at)] == ["pii.reveal"]
    at.text_input(key="audit_log.text").input("no such words").run()
    assert not at.dataframe and "没有符合条件的审计记录。" in texts(at)
    assert not at.get("download_button")


def test_export_holds_the_filtered_rows_and_is_audited(
    session: Session, accounts: dict[str, User], downloads: dict[str, Callable[[], Any]]
) -> None:
    at = audit_page("chief")
    at.selectbox(key="audit_log.actor").set_value("root").run()
    shown = table(at)
    assert shown and {r["操作人"] for r in shown} == {"root"}
    [csv_file] = [name for name in downloads if name.endswith(".csv")]
    assert session.scalars(select(AuditLog).where(AuditLog.action == "export.audit")).first() is None
    _header, *rows = csv.reader(io.StringIO(downloads[csv_file]().decode("utf-8-sig")))
    assert [(r[2], r[3], r[5]) for r in rows] == [(r["操作人"], r["操作"], r["对象"]) for r in shown]
    session.expire_all()
    [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "export.audit")).all()
    assert entry.actor == "chief"
    assert entry.detail["format"] == "csv" and entry.detail["rows"] == len(shown)
    assert entry.detail["filters"]["actor"] == "root" and "since" in entry.detail["filters"]


def test_officer_has_no_audit_page(accounts: dict[str, User]) -> None:
    at = sign_in(portal(), "officer1", PASSWORDS["officer1"])
    assert not is_in_navigation(at, PAGE)


def test_the_page_refuses_an_officer_on_its_own(accounts: dict[str, User]) -> None:
    """Reached some other way than the menu, the page still refuses and shows no entry."""
    at = AppTest.from_file(str(PROJECT_ROOT / "portal" / PAGE), default_timeout=30)
    sign_in_tab(at, accounts["officer1"])
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["您的账号没有权限打开此页面（需要：主管、系统管理员）。"]
    assert not at.dataframe and not at.get("download_button")
