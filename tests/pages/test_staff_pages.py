"""Staff sign-in and the admin's plate printing page (AppTest): who may open what, by the menu
or by a typed URL, and what a signed-in admin gets."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from portal.ui.staff import IDENTITY_KEY, LAST_SEEN_KEY, SERVER_SESSION_KEY
from shared.core.config import PROJECT_ROOT
from shared.models import AuditLog, Role, User, utcnow
from shared.models.staff import StaffSession
from shared.staff.accounts import create_user
from shared.staff.auth import MAX_FAILED_LOGINS, StaffIdentity
from tests.factories import make_plate, make_street, make_village
from tests.pages.staff_tab import sign_in_tab

PORTAL = PROJECT_ROOT / "portal"
LOGIN = "app_pages/staff_login.py"
ADMIN_PLATES = "app_pages/admin_plates.py"
PASSWORDS = {"admin1": "admin-password-2026", "officer1": "officer-password-2026"}
SIGN_IN_FIRST = "请先登录工作人员账号。"


@pytest.fixture
def accounts(session: Session) -> dict[str, User]:
    users = {
        "admin1": create_user(session, username="admin1", password=PASSWORDS["admin1"], role=Role.ADMIN),
        "officer1": create_user(
            session, username="officer1", password=PASSWORDS["officer1"], role=Role.OFFICER
        ),
    }
    session.commit()
    return users


@pytest.fixture
def villages(session: Session) -> None:
    """麻一村 with nine plates on two streets (one retired plate not printed); 新基村 with none."""
    village = make_village(session, name="麻一村")
    avenue = make_street(session, village=village, name="麻涌大道")
    lane = make_street(session, village=village, name="东一巷")
    for n in range(1, 8):
        make_plate(session, street=avenue, number=str(n))
    make_plate(session, street=lane, number="1")
    make_plate(session, street=lane, number="2")
    make_village(session, name="新基村")
    session.commit()


def portal(lang: str | None = None) -> AppTest:
    """The portal's router; `lang` is the switch's label as the URL keeps it (`English`)."""
    at = AppTest.from_file(str(PORTAL / "app.py"), default_timeout=30)
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Fill in and submit the sign-in form, as a person would."""
    at.switch_page(LOGIN).run()
    username_box, password_box = at.text_input
    username_box.input(username)
    password_box.input(password)
    return at.form_submit_button[0].click().run()


def signed_in_portal(username: str) -> AppTest:
    at = sign_in(portal(), username, PASSWORDS[username])
    assert at.session_state[IDENTITY_KEY].username == username
    return at


def texts(at: AppTest) -> str:
    parts = (*at.header, *at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success)
    return "\n".join(str(e.value) for e in parts)


def last_session_id(session: Session) -> int:
    return max(session.scalars(select(StaffSession.id)))


def is_in_navigation(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(page)
    except ValueError:
        return False
    return True


def choose_village(at: AppTest, name: str) -> AppTest:
    return at.selectbox(key="admin_plates.village").select(name).run()


def build(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if "PDF" in b.label]
    return button.click().run()


# -- who may open the admin page ---------------------------------------------------------------


def test_signed_out_visitor_gets_sign_in_but_no_admin_page(accounts: dict[str, User]) -> None:
    at = portal()
    assert not at.exception
    assert "门牌 · 麻涌镇" in texts(at)  # the public plate page stays the default
    assert is_in_navigation(at, LOGIN)
    assert not is_in_navigation(at, ADMIN_PLATES)


def test_officer_has_no_admin_page(accounts: dict[str, User]) -> None:
    at = signed_in_portal("officer1")
    assert "我的账号" in texts(at)
    assert not is_in_navigation(at, ADMIN_PLATES)


def test_admin_page_refuses_a_signed_out_visitor_on_its_own() -> None:
    """The page's own guard, without the router's help (as if it were reached some other way)."""
    at = AppTest.from_file(str(PORTAL / ADMIN_PLATES), default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [SIGN_IN_FIRST]
    assert not at.selectbox and not at.button


def test_admin_page_refuses_an_officer_on_its_own(accounts: dict[str, User]) -> None:
    at = AppTest.from_file(str(PORTAL / ADMIN_PLATES), default_timeout=30)
    sign_in_tab(at, accounts["officer1"])
    at.run()
    assert not at.exception
    [error] = at.error
    assert "没有权限" in error.value and "系统管理员" in error.value
    assert not at.selectbox and not at.button


def test_admin_page_url_kept_after_the_account_becomes_an_officer_shows_the_plate_page(
    accounts: dict[str, User], villages: None, session: Session
) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    assert "打印门牌" in texts(at)
    # The same browser tab, the page's URL still open, but the account is an officer's now.
    accounts["admin1"].role = Role.OFFICER
    session.commit()
    at.run()
    assert not at.exception
    assert "打印门牌" not in texts(at) and "门牌 · 麻涌镇" in texts(at)
    assert not at.selectbox


# -- printing ------------------------------------------------------------------------------------


def test_admin_builds_a_village_sheet_and_gets_the_download(
    accounts: dict[str, User], villages: None
) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    choose_village(at, "麻一村")
    assert at.selectbox(key="admin_plates.street").options == ["全部街路巷", "东一巷", "麻涌大道"]
    assert not at.download_button
    build(at)
    assert not at.exception
    assert "共 9 个门牌，2 页。" in texts(at)
    assert [p.value for p in at.progress] == [100]
    [download] = at.download_button
    assert download.label == "下载 PDF"
    sheet = at.session_state["admin_plates.sheet"]
    assert sheet["file_name"].endswith(".pdf")
    assert len(PdfReader(io.BytesIO(sheet["pdf"])).pages) == 2


def test_one_street_only(accounts: dict[str, User], villages: None) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    choose_village(at, "麻一村")
    at.selectbox(key="admin_plates.street").select("东一巷").run()
    build(at)
    assert "共 2 个门牌，1 页。" in texts(at)
    # Choosing again hides the sheet built for the street: it would not match the choice.
    at.selectbox(key="admin_plates.street").select("全部街路巷").run()
    assert not at.download_button


def test_changing_the_village_forgets_the_street(accounts: dict[str, User], villages: None) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    choose_village(at, "麻一村")
    at.selectbox(key="admin_plates.street").select("东一巷").run()
    choose_village(at, "新基村")
    assert not at.exception
    street = at.selectbox(key="admin_plates.street")
    assert street.format_func(street.value) == "全部街路巷"  # all streets of 新基村


def test_village_without_plates_says_there_is_nothing_to_print(
    accounts: dict[str, User], villages: None
) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    choose_village(at, "新基村")
    build(at)
    assert not at.exception
    assert "没有在用的门牌" in texts(at)
    assert not at.download_button and not at.progress


def test_admin_page_in_english(accounts: dict[str, User], villages: None) -> None:
    at = sign_in(portal(lang="English"), "admin1", PASSWORDS["admin1"])
    at.switch_page(ADMIN_PLATES).run()
    choose_village(at, "麻一村")
    build(at)
    assert "9 plates on 2 pages." in texts(at)
    assert at.download_button[0].label == "Download the PDF"


# -- signing in and out --------------------------------------------------------------------------


def tries_left_zh(n: int) -> str:
    return f"用户名或密码错误。还可尝试 {n} 次，再错将锁定账号 15 分钟。"


def test_wrong_password_says_how_many_tries_are_left_and_keeps_the_username(
    accounts: dict[str, User],
) -> None:
    at = sign_in(portal(), "admin1", "not-the-password")
    assert [e.value for e in at.error] == [tries_left_zh(4)]
    username_box, password_box = at.text_input
    assert (username_box.value, password_box.value) == ("admin1", "")
    assert IDENTITY_KEY not in at.session_state


def test_unknown_username_shows_the_same_message_in_english(accounts: dict[str, User]) -> None:
    at = sign_in(portal(lang="English"), "nobody", "whatever-password")
    assert [e.value for e in at.error] == [
        "The username or password is wrong. 4 tries left before the account is locked for 15 minutes."
    ]


def test_five_wrong_passwords_lock_the_account(accounts: dict[str, User]) -> None:
    at = portal()
    for n in range(MAX_FAILED_LOGINS - 1):
        sign_in(at, "officer1", "not-the-password")
        assert [e.value for e in at.error] == [tries_left_zh(MAX_FAILED_LOGINS - 1 - n)]
        assert at.text_input[0].value == "officer1"
    sign_in(at, "officer1", "not-the-password")
    [locked] = at.error
    assert "账号已锁定至" in locked.value
    sign_in(at, "officer1", PASSWORDS["officer1"])  # the right password, too late
    assert [e.value for e in at.error] == [locked.value]
    assert IDENTITY_KEY not in at.session_state


def test_sign_out_forgets_the_session_and_is_audited(
    accounts: dict[str, User], villages: None, session: Session
) -> None:
    at = signed_in_portal("admin1")
    at.switch_page(ADMIN_PLATES).run()
    build(choose_village(at, "麻一村"))
    at.switch_page(LOGIN).run()
    at.button(key="staff.sign_out").click().run()
    assert not at.exception
    assert "工作人员登录" in texts(at)
    assert IDENTITY_KEY not in at.session_state and "admin_plates.sheet" not in at.session_state
    assert not is_in_navigation(at, ADMIN_PLATES)
    actions = session.scalars(select(AuditLog.action).where(AuditLog.actor == "admin1").order_by(AuditLog.id))
    assert list(actions) == ["login.success", "logout"]


def last_seen_ago(at: AppTest, session: Session, minutes: int) -> None:
    """The tab's server session, last used `minutes` ago (in any tab)."""
    row = session.get(StaffSession, at.session_state[SERVER_SESSION_KEY])
    assert row is not None
    row.last_seen_at = utcnow() - timedelta(minutes=minutes)
    session.commit()


def test_idle_session_is_signed_out(accounts: dict[str, User], session: Session) -> None:
    at = signed_in_portal("admin1")
    last_seen_ago(at, session, 31)
    at.switch_page(LOGIN).run()
    assert "工作人员登录" in texts(at)
    assert "30 分钟没有操作" in texts(at)
    assert IDENTITY_KEY not in at.session_state
    assert not is_in_navigation(at, ADMIN_PLATES)
    last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last is not None and (last.action, last.detail) == ("logout", {"reason": "idle"})
    ended = session.get(StaffSession, last_session_id(session))
    assert ended is not None and ended.end_reason == "idle"


def test_idle_tab_signed_in_without_a_server_session_is_signed_out(accounts: dict[str, User]) -> None:
    """Page tests sign a tab in directly; its own clock still ends it."""
    at = AppTest.from_file(str(PORTAL / "app.py"), default_timeout=30)
    at.session_state[IDENTITY_KEY] = StaffIdentity.of(accounts["admin1"])
    at.session_state[LAST_SEEN_KEY] = utcnow() - timedelta(minutes=31)
    at.run().switch_page(LOGIN).run()
    assert "30 分钟没有操作" in texts(at)
    assert IDENTITY_KEY not in at.session_state


def test_active_session_stays_signed_in(accounts: dict[str, User], session: Session) -> None:
    at = signed_in_portal("admin1")
    last_seen_ago(at, session, 29)
    at.switch_page(LOGIN).run()
    assert "我的账号" in texts(at)
    assert is_in_navigation(at, ADMIN_PLATES)


def test_disabling_an_account_ends_its_open_session(accounts: dict[str, User], session: Session) -> None:
    at = signed_in_portal("admin1")
    accounts["admin1"].is_active = False
    session.commit()
    at.switch_page(LOGIN).run()
    assert "此账号已停用" in texts(at)
    assert IDENTITY_KEY not in at.session_state
