"""申报草稿: a declaration form in progress, kept for a day so a reload loses nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.models.base import Base, UTCDateTime, utcnow


class FormDraft(Base):
    """The values typed into one declaration form, sealed like a declaration's payload.

    Found by a blind index of its token (the token itself is only in the declarant's URL), tied
    to one form and one plate, and to the browser that typed it (a blind index of its identity;
    None where none was known): the URL shared in a chat opens nothing elsewhere. Drafts are
    scratch, not records: they are deleted when the declaration is stored, when cleared, and 24
    hours after their last change (`shared.self_service.drafts.purge_drafts`).
    """

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_key: Mapped[str] = mapped_column(String(32), unique=True)
    form: Mapped[str] = mapped_column(String(20))
    plate_code: Mapped[str] = mapped_column(String(32))
    browser_key: Mapped[str | None] = mapped_column(String(32))
    values_enc: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
