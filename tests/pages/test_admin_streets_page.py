"""The street and plate maintenance page (AppTest): admins only; renaming a street, retiring a
plate and adding a temporary plate each confirm what was done or show why not."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.models import DoorPlate, PlateKind, RecordStatus, Role, Street, User
from shared.staff.accounts import create_user
from tests.factories import make_grid_area, make_plate, make_street, make_village
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "admin_streets.py")


@pytest.fixture
def accounts(session: Session) -> dict[str, User]:
    users = {
        name: create_user(session, username=name, password=f"{name}-password-2026", role=role)
        for name, role in (("admin1", Role.ADMIN), ("super1", Role.SUPERVISOR), ("officer1", Role.OFFICER))
    }
    session.commit()
    return users


@pytest.fixture
def town(session: Session) -> Street:
    """麻一村 with grid G-A and 麻涌大道 (plates 1 and 2), and 东一巷."""
    village = make_village(session, code="441900126200", name="麻一村")
    make_grid_area(session, village=village, code="G-A", west=113.57, south=23.04, east=113.59, north=23.06)
    avenue = make_street(session, village=village, name="麻涌大道")
    make_street(session, village=village, name="东一巷")
    make_plate(session, code="2000010001", street=avenue, number="1")
    make_plate(session, code="2000010002", street=avenue, number="2")
    session.commit()
    return avenue


def page(user: User | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def admin_page(accounts: dict[str, User], lang: str | None = None) -> AppTest:
    at = page(accounts["admin1"], lang)
    return at.selectbox(key="admin_streets.village").select("441900126200").run()


def successes(at: AppTest) -> list[str]:
    return [str(s.value) for s in at.success]


def test_signed_out_visitor_is_refused() -> None:
    at = page()
    assert not at.exception
    assert [e.value for e in at.error] == ["请先登录工作人员账号。"]
    assert not at.text_input and not at.selectbox


@pytest.mark.parametrize("username", ["officer1", "super1"])
def test_only_admins_get_in(accounts: dict[str, User], username: str) -> None:
    at = page(accounts[username])
    assert not at.exception
    [error] = at.error
    assert "没有权限" in error.value and "系统管理员" in error.value
    assert not at.text_input


def test_admin_renames_a_street(accounts: dict[str, User], town: Street, session: Session) -> None:
    at = admin_page(accounts)
    at.selectbox(key="admin_streets.rename_street").select(town.id)
    at.text_input(key="admin_streets.new_name").input("麻涌新大道")
    at.button(key="admin_streets.rename_submit").click().run()
    assert not at.exception
    assert successes(at) == ["已将“麻涌大道”改名为“麻涌新大道”；“麻涌大道”作为曾用名仍可查到。"]
    assert at.text_input(key="admin_streets.new_name").value == ""
    assert "麻涌新大道" in at.selectbox(key="admin_streets.rename_street").options
    session.refresh(town)
    assert (town.name, town.aliases) == ("麻涌新大道", ["麻涌大道"])


def test_a_refused_rename_shows_why_in_english(accounts: dict[str, User], town: Street) -> None:
    at = admin_page(accounts, lang="en")
    at.selectbox(key="admin_streets.rename_street").select(town.id)
    at.text_input(key="admin_streets.new_name").input("东一巷")
    at.button(key="admin_streets.rename_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "'东一巷' is already the name of another street in this village (东一巷)"
    ]
    assert at.text_input(key="admin_streets.new_name").value == "东一巷"  # kept, to correct it


def test_admin_retires_a_plate_for_its_successor(
    accounts: dict[str, User], town: Street, session: Session
) -> None:
    at = page(accounts["admin1"])
    at.text_input(key="admin_streets.plate_code").input("2000010002")
    at.text_input(key="admin_streets.successor_code").input("2000010002")
    at.button(key="admin_streets.retire_submit").click().run()
    assert [e.value for e in at.error] == ["接替门牌不能是同一个门牌"]
    at.text_input(key="admin_streets.successor_code").input("2000010001")
    at.button(key="admin_streets.retire_submit").click().run()
    assert not at.exception
    assert successes(at) == ["门牌 2000010002 已停用，由 2000010001 接替；扫描旧门牌会指向新门牌。"]
    plate = session.get(DoorPlate, "2000010002")
    assert plate is not None
    session.refresh(plate)
    assert (plate.status, plate.successor_code) == (RecordStatus.RETIRED, "2000010001")


def test_admin_adds_a_temporary_plate(accounts: dict[str, User], town: Street, session: Session) -> None:
    at = admin_page(accounts)
    at.selectbox(key="admin_streets.add_street").select(town.id)
    at.text_input(key="admin_streets.number").input("12号之一")
    at.number_input(key="admin_streets.lon").set_value(113.58)
    at.number_input(key="admin_streets.lat").set_value(23.05)
    at.button(key="admin_streets.add_submit").click().run()
    assert not at.exception
    assert successes(at) == ["已新增临时门牌 麻涌大道 12号之一，编码 2000010003，网格 G-A。"]
    plate = session.scalars(select(DoorPlate).where(DoorPlate.code == "2000010003")).one()
    assert (plate.kind, plate.number, plate.grid_code) == (PlateKind.TEMPORARY, "12之一", "G-A")


def test_adding_without_coordinates_asks_for_them(accounts: dict[str, User], town: Street) -> None:
    at = admin_page(accounts)
    at.selectbox(key="admin_streets.add_street").select(town.id)
    at.text_input(key="admin_streets.number").input("30")
    at.button(key="admin_streets.add_submit").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["请选择街路巷并填写经纬度。"]
