"""The facilities page (AppTest): only supervisors and admins get in; an upload shows its counts
and every bad row; one facility is edited in a form and retired with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.core.config import PROJECT_ROOT
from shared.models import AuditLog, Facility, RecordStatus, Role, User
from shared.staff.accounts import create_user
from tests.factories import FACILITY_HEADERS_ZH, facility_row, make_facility, make_village, table_csv
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "facilities.py")


@pytest.fixture
def accounts(session: Session) -> dict[str, User]:
    users = {
        name: create_user(session, username=name, password=f"{name}-password-2026", role=role)
        for name, role in (("admin1", Role.ADMIN), ("super1", Role.SUPERVISOR), ("officer1", Role.OFFICER))
    }
    make_village(session, code="441900126200", name="麻一村")
    session.commit()
    return users


def page(user: User | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    if lang:
        at.session_state["lang"] = lang
    return at.run()


def texts(at: AppTest) -> str:
    parts = (*at.header, *at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success)
    return "\n".join(str(e.value) for e in parts)


def upload(at: AppTest, data: bytes, name: str = "facilities.csv") -> AppTest:
    at.file_uploader(key="facilities.file").set_value((name, data, "text/csv")).run()
    return at.button(key="facilities.import").click().run()


def test_signed_out_visitor_is_refused() -> None:
    at = page()
    assert not at.exception
    assert [e.value for e in at.error] == ["请先登录工作人员账号。"]
    assert not at.file_uploader and not at.dataframe


def test_officer_is_refused(accounts: dict[str, User]) -> None:
    at = page(accounts["officer1"])
    assert not at.exception
    [error] = at.error
    assert "没有权限" in error.value
    assert not at.file_uploader


def test_supervisor_uploads_and_sees_counts_and_the_bad_row(
    accounts: dict[str, User], session: Session
) -> None:
    at = page(accounts["super1"])
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["下载模板（XLSX）", "下载模板（CSV）"]
    data = table_csv([facility_row(), facility_row(设施名称="坏行", 设施小类="公交站")], FACILITY_HEADERS_ZH)
    upload(at, data)
    assert not at.exception
    assert "facilities.csv：读取 2 行，新增 1，更新 0，无变化 0，出错 1 行。" in texts(at)
    errors = at.dataframe[0].value
    assert list(errors["行"]) == [3] and list(errors["列"]) == ["设施小类"]
    assert "不属于大类“公共安全”" in errors["原因"][0]
    assert [f.name for f in session.scalars(select(Facility))] == ["麻一村消火栓1号"]
    listed = at.dataframe[1].value
    assert list(listed["名称"]) == ["麻一村消火栓1号"]


def test_a_file_that_is_no_table_shows_one_error(accounts: dict[str, User], session: Session) -> None:
    at = upload(page(accounts["admin1"], lang="en"), b"%PDF-1.7", "scan.csv")  # a PDF saved under a CSV name
    assert not at.exception
    assert [e.value for e in at.error] == [
        "File scan.csv cannot be imported: this is a PDF file, not a table; "
        "upload a CSV (UTF-8 or GB18030) or XLSX file"
    ]
    assert session.scalars(select(Facility)).first() is None


@pytest.fixture
def hydrant(session: Session, accounts: dict[str, User]) -> Facility:
    facility = make_facility(session, name="消火栓A", lon=113.581, lat=23.051, phone="+8676988220119")
    session.commit()
    return facility


def choose(at: AppTest, facility: Facility) -> AppTest:
    return at.selectbox(key="facilities.chosen").select(facility.id).run()


def test_supervisor_edits_a_facility_in_the_form(
    accounts: dict[str, User], hydrant: Facility, session: Session
) -> None:
    at = choose(page(accounts["super1"]), hydrant)
    form = f"facilities.edit.{hydrant.id}"
    assert at.text_input(key=f"{form}.phone").value == "0769 8822 0119"
    at.text_input(key=f"{form}.name").input("消火栓A1")
    at.button(key=f"{form}.save").click().run()
    assert not at.exception
    assert f"设施 {hydrant.id} 已保存（修改了：设施名称）。" in texts(at)
    session.refresh(hydrant)
    assert hydrant.name == "消火栓A1"
    actors = session.scalars(select(AuditLog.actor).where(AuditLog.action == "facility.update"))
    assert list(actors) == ["super1"]


def test_a_bad_edit_shows_the_reason_and_saves_nothing(
    accounts: dict[str, User], hydrant: Facility, session: Session
) -> None:
    at = choose(page(accounts["super1"]), hydrant)
    form = f"facilities.edit.{hydrant.id}"
    at.text_input(key=f"{form}.lon").input("113.2")
    at.button(key=f"{form}.save").click().run()
    assert not at.exception
    [error] = at.error
    assert "不在麻涌镇范围内" in error.value
    session.refresh(hydrant)
    assert hydrant.lon == 113.581


def test_admin_retires_a_facility_with_a_reason(
    accounts: dict[str, User], hydrant: Facility, session: Session
) -> None:
    at = choose(page(accounts["admin1"]), hydrant)
    at.button(key="facilities.retire").click().run()
    assert [e.value for e in at.error] == ["请填写停用原因"]
    at.text_input(key="facilities.reason").input("道路改造已拆除")
    at.button(key="facilities.retire").click().run()
    assert not at.exception
    assert f"设施 {hydrant.id}（消火栓A）已停用，仍保留在历史记录中。" in texts(at)
    session.refresh(hydrant)
    assert hydrant.status is RecordStatus.RETIRED and hydrant.retired_at is not None
    assert at.dataframe[0].value.empty  # retired: out of the default list
    at.checkbox(key="facilities.retired").check().run()
    assert list(at.dataframe[0].value["状态"]) == ["已停用"]
