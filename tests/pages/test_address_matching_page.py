"""The address cleaning page (AppTest): only supervisors and admins; one typed address, or a file
with a progress bar, a table that flags rows to check, and the download."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from shared.address_cleaning.files import RESULT_HEADERS, REVIEW_YES
from shared.core.config import PROJECT_ROOT
from shared.models import Role, User
from shared.staff.accounts import create_user
from tests.factories import make_plate, make_street, make_village, table_xlsx
from tests.pages.staff_tab import sign_in_tab

PAGE = str(PROJECT_ROOT / "portal" / "app_pages" / "address_matching.py")
SIGN_IN_FIRST = "请先登录工作人员账号。"


@pytest.fixture
def staff(session: Session) -> dict[Role, User]:
    users = {
        role: create_user(session, username=role.value, password=f"{role.value}-password-2026", role=role)
        for role in Role
    }
    session.commit()
    return users


@pytest.fixture
def plates(session: Session) -> None:
    """麻一村 麻涌大道 1–12 (plate codes 2000010001…) and 麻二村 麻涌大道 1–12."""
    for seq, name in enumerate(("麻一村", "麻二村")):
        village = make_village(session, code=f"44190012620{seq}", name=name)
        street = make_street(session, village=village, name="麻涌大道")
        for n in range(1, 13):
            make_plate(session, street=street, number=str(n), code=f"20{seq}001{n:04d}")
    session.commit()


def page_as(user: User | None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    if user is not None:
        sign_in_tab(at, user)
    return at.run()


def texts(at: AppTest) -> str:
    parts = (*at.header, *at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success)
    return "\n".join(str(e.value) for e in parts)


def test_a_signed_out_visitor_is_refused() -> None:
    at = page_as(None)
    assert not at.exception
    assert [e.value for e in at.error] == [SIGN_IN_FIRST]
    assert not at.text_input and not at.file_uploader


def test_an_officer_is_refused(staff: dict[Role, User]) -> None:
    at = page_as(staff[Role.OFFICER])
    assert not at.exception
    [error] = at.error
    assert "没有权限" in error.value
    assert not at.text_input and not at.file_uploader


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisor_and_admin_try_one_address(staff: dict[Role, User], plates: None, role: Role) -> None:
    at = page_as(staff[role])
    assert not at.exception and "地址清洗" in texts(at)
    at.text_input(key="address_matching.try").input("东莞市麻涌镇麻一村麻涌大道十二号").run()
    assert not at.exception
    [success] = at.success
    assert success.value == "麻涌大道 12号 · 麻一村 · 2000010012 · 得分 1.00"
    assert "2010010012" in at.dataframe[0].value["门牌编码"].tolist()  # the next candidate


def test_an_ambiguous_address_is_flagged(staff: dict[Role, User], plates: None) -> None:
    at = page_as(staff[Role.ADMIN])
    at.text_input(key="address_matching.try").input("麻涌大道12号").run()
    assert not at.success and at.warning
    assert "请人工确认" in texts(at)


def test_garbage_finds_nothing(staff: dict[Role, User], plates: None) -> None:
    at = page_as(staff[Role.ADMIN])
    at.text_input(key="address_matching.try").input("@@@###").run()
    assert not at.exception
    assert "没有找到对应的门牌" in texts(at)


def test_english_page(staff: dict[Role, User], plates: None) -> None:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.session_state["lang"] = "en"
    sign_in_tab(at, staff[Role.ADMIN])
    at.run()
    assert "Address cleaning" in texts(at)


def upload(at: AppTest, name: str, content: bytes, mime: str = "text/csv") -> AppTest:
    at.file_uploader(key="address_matching.file").set_value((name, content, mime)).run()
    return at.button(key="address_matching.run").click().run()


def test_upload_matches_flags_and_offers_the_download(staff: dict[Role, User], plates: None) -> None:
    at = page_as(staff[Role.SUPERVISOR])
    content = "名称,地址\n五金店,麻一村麻涌大道3号\n士多店,麻涌大道3号\n=1+1,不知道\n".encode()
    upload(at, "register.csv", content)
    assert not at.exception
    assert "共 3 个地址：已匹配 1，需复核 2（其中未找到 1）。" in texts(at)
    assert [p.value for p in at.progress] == [100]
    frame = at.dataframe[0].value
    assert frame["门牌编码（plate code）"].tolist()[0] == "2000010003"
    assert frame[RESULT_HEADERS[4]].tolist()[1:] == [REVIEW_YES, REVIEW_YES]
    [download] = at.download_button
    assert download.label == "下载匹配结果"
    rows = list(
        csv.reader(io.StringIO(at.session_state["address_matching.result"]["content"].decode("utf-8-sig")))
    )
    assert rows[0] == ["名称", "地址", *RESULT_HEADERS] and rows[3][0] == "'=1+1"
    # Only the rows to check.
    at.toggle(key="address_matching.only_review").set_value(True).run()
    assert len(at.dataframe[0].value) == 2


def test_upload_of_an_xlsx(staff: dict[Role, User], plates: None) -> None:
    at = page_as(staff[Role.ADMIN])
    upload(
        at, "register.xlsx", table_xlsx([["Address"], ["麻二村麻涌大道5号"]]), mime="application/octet-stream"
    )
    assert not at.exception
    assert "已匹配 1" in texts(at)
    content = at.session_state["address_matching.result"]["content"]
    assert content.startswith(b"PK")


def test_a_bad_file_is_refused_with_its_reason(staff: dict[Role, User], plates: None) -> None:
    at = page_as(staff[Role.ADMIN])
    upload(at, "register.csv", b"%PDF-1.4 a pdf")
    assert not at.exception
    [error] = at.error
    assert "PDF" in error.value
    assert not at.download_button
