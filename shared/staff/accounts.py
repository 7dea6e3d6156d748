"""Staff accounts: argon2 password hashes and account creation."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.errors import ValidationError
from shared.models import Role, User

MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    grid_codes: list[str] | None = None,
    display_name: str = "",
    actor: str = "system",
) -> User:
    """Add a staff account; refuses a taken username or a short password."""
    username = username.strip()
    if not username:
        raise ValidationError("用户名不能为空", "Username must not be empty", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符",
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters",
            field="password",
        )
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise ValidationError(
            f"用户名 {username} 已存在", f"Username {username} is already taken", field="username"
        )
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        grid_codes=list(grid_codes or []),
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.id,
        detail={"username": username, "role": role.value, "grids": user.grid_codes},
    )
    return user
