"""Staff accounts and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, Role, UTCDateTime, str_enum, utcnow


class User(Base):
    """A staff account: officer (own grids), supervisor (whole town) or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    grid_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(Base):
    """Who did what to which record, when. Append-only: database triggers refuse UPDATE and
    DELETE (see the initial migration)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StaffSession(Base):
    """A signed-in staff session (登录会话), kept on the server so a reload or a second tab stays
    signed in. The browser holds only a random token in an HttpOnly cookie; the row holds its
    keyed hash (`token_key`), never the token. Before the cookie is set, the sign-in page holds a
    one-time ticket (`ticket_key`, a minute to use) that the cookie route exchanges for the token.
    Sessions are ended (sign-out, idle timeout, disabled account); `menpai purge` deletes a row
    30 days after its end, unlike other records: the audit log keeps every sign-in and sign-out,
    and the row holds only hashes of credentials.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    ticket_key: Mapped[str | None] = mapped_column(String(32), unique=True)
    ticket_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    browser_key: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    end_reason: Mapped[str | None] = mapped_column(String(20))
