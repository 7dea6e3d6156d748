"""Staff sign-in (登录): password check with lockout, the idle-timeout rule, role checks, and the
identity a signed-in session keeps.

The portal keeps a `StaffIdentity` (plain values) in its session state, never an ORM object:
a `User` belongs to the transaction that loaded it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import DomainError
from shared.models import Role, User
from shared.staff.accounts import hash_password, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
IDLE_MINUTES_VARIABLE = "MENPAI_STAFF_IDLE_MINUTES"  # only the browser test that waits for it sets it
# China Standard Time has had no daylight saving since 1991: a fixed offset needs no tz database.
LOCAL_TIME = timezone(timedelta(hours=8), "CST")
ANONYMOUS = "anonymous"

ROLE_NAMES = {
    Role.OFFICER: ("网格员", "officer"),
    Role.SUPERVISOR: ("主管", "supervisor"),
    Role.ADMIN: ("系统管理员", "administrator"),
}


class LoginRefused(DomainError):
    """Sign-in refused; `reason` is for tests and the audit, never shown apart from the message.
    `tries_left`: wrong tries still allowed before the lock (None when that is not the point)."""

    def __init__(
        self, message_zh: str, message_en: str, *, reason: str, tries_left: int | None = None
    ) -> None:
        super().__init__(message_zh, message_en)
        self.reason = reason
        self.tries_left = tries_left


class AccessDenied(DomainError):
    """A page or action needs a role the visitor does not have (or needs a sign-in)."""


@dataclass(frozen=True)
class StaffIdentity:
    """Who is signed in, as plain values a Streamlit session can keep."""

    user_id: int
    username: str
    display_name: str
    role: Role
    grid_codes: tuple[str, ...]

    @classmethod
    def of(cls, user: User) -> StaffIdentity:
        return cls(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name or user.username,
            role=user.role,
            grid_codes=tuple(user.grid_codes or ()),
        )


def authenticate(
    session: Session, *, username: str, password: str, now: datetime, earlier_unknown_tries: int = 0
) -> User:
    """Check a staff sign-in; returns the account or raises `LoginRefused`.

    A wrong username and a wrong password get the same message, so usernames cannot be probed.
    Each says how many tries are left: the fifth wrong password in a row locks the account for
    15 minutes, and while it is locked even the right password is refused. Success resets the
    count. For a name that is no account there is no count to read, so the caller passes the
    tries this browser already made with it (`earlier_unknown_tries`): the countdown and the
    "locked" message look the same as for a real account.

    The failure count and the audit entry are flushed before raising: the caller must still
    commit (catch the error inside the transaction), or a guesser's tries would be forgotten.
    """
    name = username.strip()
    user = (
        session.scalars(select(User).where(User.username == name).with_for_update()).first() if name else None
    )
    if user is None:
        _burn_time(password)  # as slow as a real check, so timing does not reveal the username
        # The username is not recorded: people type their password into the wrong box.
        _audit(session, actor=ANONYMOUS, action="login.failure", user=None, now=now, reason="unknown_user")
        tries_left = MAX_FAILED_LOGINS - earlier_unknown_tries - 1
        if tries_left <= 0:
            raise _locked(now + LOCKOUT)
        raise _wrong_credentials(tries_left)

    if user.locked_until is not None and user.locked_until <= now:
        user.locked_until = None  # the lock has run out: a fresh set of tries
        user.failed_logins = 0
    if user.locked_until is not None:
        _audit(session, actor=user.username, action="login.refused", user=user, now=now, reason="locked")
        session.flush()
        raise _locked(user.locked_until)

    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            _audit(session, actor=user.username, action="login.locked", user=user, now=now, reason="locked")
            session.flush()
            raise _locked(user.locked_until)
        _audit(
            session, actor=user.username, action="login.failure", user=user, now=now, reason="wrong_password"
        )
        session.flush()
        raise _wrong_credentials(MAX_FAILED_LOGINS - user.failed_logins)

    if not user.is_active:
        # Only told to someone who knows the password: a disabled name is not revealed to guessers.
        _audit(session, actor=user.username, action="login.refused", user=user, now=now, reason="disabled")
        session.flush()
        raise LoginRefused(
            "此账号已停用，请联系系统管理员。",
            "This account has been disabled; please contact the administrator.",
            reason="disabled",
        )

    user.failed_logins = 0
    user.locked_until = None
    _audit(session, actor=user.username, action="login.success", user=user, now=now)
    session.flush()
    return user


def load_identity(session: Session, *, user_id: int, even_disabled: bool = False) -> StaffIdentity | None:
    """The account as it is now, or None once it is disabled or gone: a role change or a
    disabled account takes effect on the next page a session opens, not at its next sign-in.
    `even_disabled`: the identity of a disabled account too (to audit its session's end)."""
    user = session.get(User, user_id)
    if user is None or not (user.is_active or even_disabled):
        return None
    return StaffIdentity.of(user)


def record_sign_out(
    session: Session, *, identity: StaffIdentity, now: datetime, reason: str = "user"
) -> None:
    """Audit the end of a signed-in session: `user` (signed out) or `idle` (timed out)."""
    record_audit(
        session,
        actor=identity.username,
        action="logout",
        target_type="user",
        target_id=identity.user_id,
        detail={"reason": reason},
        at=now,
    )


def idle_timeout() -> timedelta:
    """IDLE_TIMEOUT, or MENPAI_STAFF_IDLE_MINUTES when set (a browser test waits seconds, not
    half an hour, to see a session end)."""
    raw = os.environ.get(IDLE_MINUTES_VARIABLE, "").strip()
    return timedelta(minutes=float(raw)) if raw else IDLE_TIMEOUT


def idle_minutes_text() -> str:
    """The idle timeout as people read it: "30", or "0.1" under a test's setting."""
    return f"{idle_timeout().total_seconds() / 60:g}"


def is_session_expired(last_seen: datetime, now: datetime) -> bool:
    """True once a session has been idle for the idle timeout: a shared office PC left signed
    in must not stay open to the next person."""
    return now - last_seen >= idle_timeout()


def require_role(user_role: Role | None, *allowed: Role) -> None:
    """Refuse unless the role is one of `allowed`; `None` means nobody is signed in.

    Roles are not ranked: each page names every role it admits.
    """
    if user_role is None:
        raise AccessDenied("请先登录工作人员账号。", "Please sign in with a staff account first.")
    if user_role not in allowed:
        zh = "、".join(ROLE_NAMES[r][0] for r in allowed)
        en = ", ".join(ROLE_NAMES[r][1] for r in allowed)
        raise AccessDenied(
            f"您的账号没有权限打开此页面（需要：{zh}）。",
            f"Your account may not open this page (it needs: {en}).",
        )


def _wrong_credentials(tries_left: int) -> LoginRefused:
    minutes = int(LOCKOUT.total_seconds() // 60)
    return LoginRefused(
        f"用户名或密码错误。还可尝试 {tries_left} 次，再错将锁定账号 {minutes} 分钟。",
        f"The username or password is wrong. {tries_left} "
        f"{'try' if tries_left == 1 else 'tries'} left before the account is locked for {minutes} minutes.",
        reason="wrong_credentials",
        tries_left=tries_left,
    )


def _locked(until: datetime) -> LoginRefused:
    shown = until.astimezone(LOCAL_TIME).strftime("%H:%M")
    return LoginRefused(
        f"登录失败次数过多，账号已锁定至 {shown}（北京时间）。",
        f"Too many failed sign-ins: the account is locked until {shown} (China time).",
        reason="locked",
        tries_left=0,
    )


def _audit(
    session: Session, *, actor: str, action: str, user: User | None, now: datetime, reason: str = ""
) -> None:
    detail: dict[str, Any] = {}
    if reason:
        detail["reason"] = reason
    if user is not None:
        detail["failed_logins"] = user.failed_logins
        if user.locked_until is not None:
            detail["locked_until"] = user.locked_until
    record_audit(
        session,
        actor=actor[:60],
        action=action,
        target_type="user",
        target_id=user.id if user is not None else "-",
        detail=detail,
        at=now,
    )


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("not-a-real-account-password")


def _burn_time(password: str) -> None:
    verify_password(_dummy_hash(), password)
