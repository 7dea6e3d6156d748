"""未按规定报送 (AppTest of portal/app_pages/enforcement.py): who may open it, the three lists
masked, a warning recorded from the page, the exports masked or revealed with a reason."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.clock import local_today
from shared.core.config import PROJECT_ROOT
from shared.models import AuditLog, Role, User, utcnow
from shared.staff.accounts import create_user
from tests.enforcement.town import lives_and_passes, make_town
from tests.factories import LANDLORD_ID, declare_residence
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "enforcement.py")
pytestmark = pytest.mark.db


@pytest.fixture
def users(session: Session) -> dict[Role, User]:
    """An unreported let room with passages and a tenant who declared 20 days late."""
    town = make_town(session)
    now = utcnow()
    lives_and_passes(session, town, town.rooms[0], at=now - timedelta(days=1))
    declare_residence(session, room=town.rooms[2], now=now, move_in=local_today(now) - timedelta(days=20))
    made = {
        role: create_user(session, username=role.value, password=f"{role.value}-password-2026", role=role)
        for role in Role
    }
    session.commit()
    return made


def page(user: User | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    return at.run()


def table(at: AppTest, index: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = at.dataframe[index].value.to_dict("records")
    return records


def test_officers_and_visitors_are_refused(users: dict[Role, User]) -> None:
    for user in (None, users[Role.OFFICER]):
        at = page(user)
        assert at.error and not at.dataframe


def test_supervisor_sees_the_lists_masked(users: dict[Role, User]) -> None:
    at = page(users[Role.SUPERVISOR])
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["超期未申报（2）", "逾期申报（1）", "房东（1）"]
    rooms, late, landlords = table(at, 0), table(at, 1), table(at, 2)
    # 302: quiet; 303: only its tenant's own declaration, never confirmed
    assert {r["地址"] for r in rooms} == {"麻涌大道 12号 301", "麻涌大道 12号 303"}
    assert {r["房东"] for r in rooms} == {"陈**"}
    assert late[0]["人员"].startswith("李* ") and late[0]["工作日"] > 3
    assert (landlords[0]["出租房间"], landlords[0]["未申报房间"], landlords[0]["逾期申报"]) == (3, 2, 1)
    assert "陈大文" not in repr(at) and LANDLORD_ID not in repr(at)
    assert [b.label for b in at.get("download_button")] == ["导出 CSV", "导出 XLSX"]
    at.number_input(key="enforcement.days").set_value(1).run()
    assert at.tabs[0].label == "超期未申报（1）"  # yesterday's passages are outside one day


def test_a_warning_is_recorded_from_the_page(session: Session, users: dict[Role, User]) -> None:
    at = page(users[Role.SUPERVISOR])
    at.text_area[0].input("电话警告，限三日内补报")
    at.form_submit_button[0].click().run()
    assert not at.exception and any("已记录警告" in s.value for s in at.success)
    assert table(at, 2)[0]["历次警告"] == 1
    assert table(at, 3)[0]["说明"] == "电话警告，限三日内补报"
    [entry] = session.scalars(select(AuditLog).where(AuditLog.action == "enforcement.warning")).all()
    assert entry.actor == "supervisor"


def test_reveal_needs_a_reason_and_the_export_is_audited(
    session: Session, users: dict[Role, User], downloads: dict[str, Callable[[], Any]]
) -> None:
    at = page(users[Role.SUPERVISOR])
    at.checkbox(key="enforcement.reveal").check().run()
    assert not at.get("download_button") and "填写原因" in at.info[-1].value
    at.text_input(key="enforcement.reason").input("派出所立案").run()
    name = f"enforcement-{local_today(utcnow()).isoformat()}.xlsx"
    sheet = load_workbook(io.BytesIO(downloads[name]())).active
    assert sheet is not None and sheet.cell(2, 2).value == "陈大文" and sheet.cell(2, 3).value == LANDLORD_ID
    [entry] = session.scalars(select(AuditLog).where(AuditLog.target_id == "enforcement")).all()
    assert entry.action == "export.enforcement.reveal" and entry.detail["reason"] == "派出所立案"


def test_admin_exports_masked_only(users: dict[Role, User]) -> None:
    at = page(users[Role.ADMIN])
    assert not at.exception and not at.checkbox
    assert [b.label for b in at.get("download_button")] == ["导出 CSV", "导出 XLSX"]


@pytest.mark.parametrize(
    ("role", "listed"), [(Role.SUPERVISOR, True), (Role.ADMIN, True), (Role.OFFICER, False)]
)
def test_the_menu_offers_it_to_supervisors(session: Session, role: Role, listed: bool) -> None:
    from tests.pages.test_staff_pages import is_in_navigation, portal, sign_in

    create_user(session, username="nav1", password="nav-password-2026", role=role)
    session.commit()
    at = sign_in(portal(), "nav1", "nav-password-2026")
    assert is_in_navigation(at, "app_pages/enforcement.py") is listed
