"""Staff sign-in: passwords, lockout after five failures, disabled accounts, the audit trail,
the idle timeout and role checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import AuditLog, Role, User
from shared.staff.accounts import create_user
from shared.staff.auth import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    AccessDenied,
    LoginRefused,
    StaffIdentity,
    authenticate,
    is_session_expired,
    load_identity,
    record_sign_out,
    require_role,
)

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Mayong
WRONG = "用户名或密码错误。"  # then how many tries are left


@pytest.fixture
def officer(session: Session) -> User:
    user = create_user(
        session,
        username="officer1",
        password=PASSWORD,
        role=Role.OFFICER,
        grid_codes=["G1", "G2"],
        display_name="李网格",
    )
    session.commit()
    return user


def sign_in(session: Session, password: str, *, username: str = "officer1", now: datetime = NOW) -> User:
    """One attempt, committed whatever the outcome, as the portal does."""
    try:
        return authenticate(session, username=username, password=password, now=now)
    finally:
        session.commit()


def fail(
    session: Session, password: str = "wrong password", *, username: str = "officer1", now: datetime = NOW
) -> LoginRefused:
    with pytest.raises(LoginRefused) as refused:
        sign_in(session, password, username=username, now=now)
    return refused.value


def audit(session: Session) -> list[tuple[str, str, str, dict[str, object]]]:
    rows = session.scalars(select(AuditLog).where(AuditLog.action.like("log%")).order_by(AuditLog.id))
    return [(a.actor, a.action, a.target_id, a.detail) for a in rows]


def test_right_password_returns_the_account(session: Session, officer: User) -> None:
    user = sign_in(session, PASSWORD)
    assert user.id == officer.id
    expected = StaffIdentity(officer.id, "officer1", "李网格", Role.OFFICER, ("G1", "G2"))
    assert StaffIdentity.of(user) == expected


def test_username_is_trimmed(session: Session, officer: User) -> None:
    assert sign_in(session, PASSWORD, username="  officer1 ").id == officer.id


def test_wrong_password_is_counted(session: Session, officer: User) -> None:
    error = fail(session)
    assert (error.message_zh, error.message_en) == (
        "用户名或密码错误。还可尝试 4 次，再错将锁定账号 15 分钟。",
        "The username or password is wrong. 4 tries left before the account is locked for 15 minutes.",
    )
    session.refresh(officer)
    assert officer.failed_logins == 1 and officer.locked_until is None


def test_each_wrong_password_says_how_many_tries_are_left(session: Session, officer: User) -> None:
    left = [fail(session).tries_left for _ in range(MAX_FAILED_LOGINS - 1)]
    assert left == [4, 3, 2, 1]
    last = fail(session)
    assert (last.reason, last.tries_left) == ("locked", 0)


def test_one_try_left_is_said_in_the_singular(session: Session, officer: User) -> None:
    for _ in range(MAX_FAILED_LOGINS - 2):
        fail(session)
    assert fail(session).message_en.startswith("The username or password is wrong. 1 try left")


def test_unknown_username_gets_the_same_message_as_a_wrong_password(session: Session, officer: User) -> None:
    assert fail(session, username="nobody").message_zh == fail(session).message_zh
    assert fail(session, username="nobody").message_zh.startswith(WRONG)


def test_unknown_username_counts_down_and_locks_like_an_account(session: Session, officer: User) -> None:
    """The caller's count of this browser's tries with the name: no sign that it is no account."""
    for earlier in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused) as refused:
            authenticate(session, username="nobody", password="x", now=NOW, earlier_unknown_tries=earlier)
        assert refused.value.tries_left == MAX_FAILED_LOGINS - earlier - 1
    with pytest.raises(LoginRefused) as refused:
        authenticate(session, username="nobody", password="x", now=NOW, earlier_unknown_tries=4)
    assert refused.value.reason == "locked" and "09:15" in refused.value.message_zh


def test_fifth_failure_locks_for_fifteen_minutes(session: Session, officer: User) -> None:
    for n in range(1, MAX_FAILED_LOGINS):
        assert fail(session, now=NOW + timedelta(minutes=n)).reason == "wrong_credentials"
    fifth = NOW + timedelta(minutes=5)
    error = fail(session, now=fifth)
    assert error.reason == "locked"
    # 01:05 UTC is 09:20 China time once the 15 minutes are added
    assert "09:20" in error.message_zh and "09:20" in error.message_en
    session.refresh(officer)
    assert officer.locked_until == fifth + LOCKOUT


def lock(session: Session) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        fail(session)


def test_locked_account_refuses_the_right_password_until_the_lock_ends(
    session: Session, officer: User
) -> None:
    lock(session)
    assert fail(session, PASSWORD, now=NOW + LOCKOUT - timedelta(seconds=1)).reason == "locked"
    assert sign_in(session, PASSWORD, now=NOW + LOCKOUT).id == officer.id


def test_tries_while_locked_do_not_extend_the_lock(session: Session, officer: User) -> None:
    lock(session)
    fail(session, now=NOW + timedelta(minutes=10))
    session.refresh(officer)
    assert officer.locked_until == NOW + LOCKOUT


def test_after_a_lock_ends_a_wrong_password_starts_a_fresh_count(session: Session, officer: User) -> None:
    lock(session)
    assert fail(session, now=NOW + LOCKOUT).reason == "wrong_credentials"
    session.refresh(officer)
    assert officer.failed_logins == 1 and officer.locked_until is None


def test_success_resets_the_count(session: Session, officer: User) -> None:
    for _ in range(MAX_FAILED_LOGINS - 1):
        fail(session)
    sign_in(session, PASSWORD)
    session.refresh(officer)
    assert officer.failed_logins == 0
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert fail(session).reason == "wrong_credentials"


def test_disabled_account_is_refused_with_the_right_password(session: Session, officer: User) -> None:
    officer.is_active = False
    session.commit()
    error = fail(session, PASSWORD)
    assert error.reason == "disabled" and "停用" in error.message_zh and "disabled" in error.message_en


def test_disabled_account_with_a_wrong_password_is_not_revealed(session: Session, officer: User) -> None:
    officer.is_active = False
    session.commit()
    assert fail(session).message_zh.startswith(WRONG)


def test_every_attempt_is_audited_without_the_password(session: Session, officer: User) -> None:
    sign_in(session, PASSWORD)
    fail(session, username="nobody", password="typed-in-the-wrong-box")
    for _ in range(MAX_FAILED_LOGINS):
        fail(session)
    fail(session, PASSWORD)
    uid = str(officer.id)
    assert [(actor, action, target, d.get("reason")) for actor, action, target, d in audit(session)] == [
        ("officer1", "login.success", uid, None),
        ("anonymous", "login.failure", "-", "unknown_user"),
        *[("officer1", "login.failure", uid, "wrong_password")] * (MAX_FAILED_LOGINS - 1),
        ("officer1", "login.locked", uid, "locked"),
        ("officer1", "login.refused", uid, "locked"),
    ]
    text = str(audit(session))
    assert PASSWORD not in text and "wrong password" not in text and "typed-in-the-wrong-box" not in text


def test_disabled_refusal_is_audited(session: Session, officer: User) -> None:
    officer.is_active = False
    session.commit()
    fail(session, PASSWORD)
    detail = {"reason": "disabled", "failed_logins": 0}
    assert audit(session)[-1][1:] == ("login.refused", str(officer.id), detail)


def test_sign_out_is_audited(session: Session, officer: User) -> None:
    record_sign_out(session, identity=StaffIdentity.of(officer), now=NOW, reason="idle")
    session.commit()
    assert audit(session) == [("officer1", "logout", str(officer.id), {"reason": "idle"})]


def test_load_identity_follows_the_account(session: Session, officer: User) -> None:
    officer.role = Role.SUPERVISOR
    session.commit()
    identity = load_identity(session, user_id=officer.id)
    assert identity is not None and identity.role is Role.SUPERVISOR
    officer.is_active = False
    session.commit()
    assert load_identity(session, user_id=officer.id) is None
    assert load_identity(session, user_id=officer.id + 100) is None


@pytest.mark.parametrize(
    ("idle", "expired"),
    [
        (timedelta(0), False),
        (timedelta(minutes=29, seconds=59), False),
        (timedelta(minutes=30), True),
        (timedelta(hours=5), True),
    ],
)
def test_session_expires_after_thirty_idle_minutes(idle: timedelta, expired: bool) -> None:
    assert is_session_expired(NOW - idle, NOW) is expired


@pytest.mark.parametrize(
    ("role", "allowed", "admitted"),
    [
        (Role.ADMIN, (Role.ADMIN,), True),
        (Role.SUPERVISOR, (Role.ADMIN,), False),
        (Role.OFFICER, (Role.ADMIN,), False),
        (Role.OFFICER, (Role.OFFICER, Role.SUPERVISOR), True),
        (Role.SUPERVISOR, (Role.OFFICER, Role.SUPERVISOR), True),
        (Role.ADMIN, (Role.OFFICER, Role.SUPERVISOR), False),  # roles are not ranked
        (Role.SUPERVISOR, (Role.SUPERVISOR,), True),
        (Role.OFFICER, (), False),
    ],
)
def test_require_role(role: Role, allowed: tuple[Role, ...], admitted: bool) -> None:
    if admitted:
        require_role(role, *allowed)
    else:
        with pytest.raises(AccessDenied) as denied:
            require_role(role, *allowed)
        assert "没有权限" in denied.value.message_zh and "may not open" in denied.value.message_en


def test_require_role_without_a_sign_in_asks_to_sign_in() -> None:
    with pytest.raises(AccessDenied) as denied:
        require_role(None, Role.ADMIN)
    assert denied.value.message("zh") == "请先登录工作人员账号。"
    assert denied.value.message("en") == "Please sign in with a staff account first."


def test_refusal_names_the_needed_roles() -> None:
    with pytest.raises(AccessDenied) as denied:
        require_role(Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
    assert "主管、系统管理员" in denied.value.message_zh
    assert "supervisor, administrator" in denied.value.message_en
