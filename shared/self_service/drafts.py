"""申报草稿: what a declarant typed, kept on the server for a day under a token in their URL.

WeChat's built-in browser reloads a page when its user switches to a chat to copy an ID number;
a draft brings the form back. The token is the only key (no personal data in the URL): 128
random bits, found through a blind index so a copy of the database does not hold the tokens.
The values are sealed like a declaration's payload. A draft belongs to one form at one plate,
and to the browser that typed it: another plate's or form's token opens nothing, and neither does
the URL opened in another browser (WeChat's "copy link" shares it with the draft's token; the full
identity number must not go with it). A draft typed where no browser identity was known (none sent)
is the token's alone until a change from a known browser binds it.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from shared.core.crypto import DecryptionError, blind_index, decrypt, encrypt
from shared.models import FormDraft

DRAFT_TTL = timedelta(hours=24)
DRAFT_FORMS = frozenset({"tenant", "landlord", "organisation"})
TOKEN_BYTES = 16  # 128 bits: not guessable, short enough for a URL a phone shares
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # token_urlsafe(16), no padding
_DATE_TAG = "$date"

_BY_KEY = select(FormDraft).where(FormDraft.token_key == bindparam("key"))


def new_draft_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def parse_draft_token(text: object) -> str | None:
    """The token in a URL's query parameter, or None for anything that is not one."""
    if not isinstance(text, str):
        return None
    return text if _TOKEN.fullmatch(text) else None


def save_draft(
    session: Session,
    *,
    token: str,
    form: str,
    plate_code: str,
    browser: str | None,
    values: Mapping[str, Any],
    now: datetime,
) -> None:
    """Keep the form's values under `token` (a new draft or the same one again), for `browser` (a
    stable identity of the browser, or None). A token that belongs to another form, plate or
    browser is not overwritten: the caller draws a new one."""
    if form not in DRAFT_FORMS:
        raise ValueError(f"no drafts for form {form!r}")
    sealed = encrypt(json.dumps(dict(values), ensure_ascii=False, default=_encode))
    draft = session.scalars(_BY_KEY, {"key": _key(token)}).first()
    if draft is None:
        purge_drafts(session, now=now)  # the purge on access: a new draft clears the old ones
        session.add(
            FormDraft(
                token_key=_key(token),
                form=form,
                plate_code=plate_code,
                browser_key=_browser_key(browser),
                values_enc=sealed,
                updated_at=now,
            )
        )
    elif _belongs(draft, form=form, plate_code=plate_code, browser=browser):
        draft.values_enc, draft.updated_at = sealed, now
        if draft.browser_key is None:  # typed where no browser was known: bound from now on
            draft.browser_key = _browser_key(browser)
    else:
        raise ValueError("this draft token belongs to another form, plate or browser")
    session.flush()


def open_draft(
    session: Session, *, token: str, form: str, plate_code: str, browser: str | None, now: datetime
) -> dict[str, Any] | None:
    """The values kept under `token` for this form at this plate, typed in `browser`; None when
    there are none (never saved, expired, another form's, plate's or browser's, or sealed under a
    key we no longer hold). An expired draft is deleted here; another browser's is left to its
    owner."""
    draft = session.scalars(_BY_KEY, {"key": _key(token)}).first()
    if draft is None:
        return None
    if draft.updated_at <= now - DRAFT_TTL:
        session.delete(draft)
        session.flush()
        return None
    if not _belongs(draft, form=form, plate_code=plate_code, browser=browser):
        return None
    try:
        values: dict[str, Any] = json.loads(decrypt(draft.values_enc), object_hook=_decode)
    except (DecryptionError, ValueError):
        return None
    return values


def delete_draft(session: Session, *, token: str) -> None:
    """Forget a draft (the declaration was stored, or the declarant cleared the form)."""
    session.execute(delete(FormDraft).where(FormDraft.token_key == _key(token)))


def purge_drafts(session: Session, *, now: datetime) -> int:
    """Delete every draft untouched for 24 hours; returns how many (`menpai purge`)."""
    result = session.execute(delete(FormDraft).where(FormDraft.updated_at <= now - DRAFT_TTL))
    return int(getattr(result, "rowcount", 0) or 0)


def _key(token: str) -> str:
    return blind_index(token, kind="draft")


def _browser_key(browser: str | None) -> str | None:
    return None if browser is None else blind_index(browser, kind="draft-browser")


def _belongs(draft: FormDraft, *, form: str, plate_code: str, browser: str | None) -> bool:
    if (draft.form, draft.plate_code) != (form, plate_code):
        return False
    if draft.browser_key is None:
        return True  # typed where no browser identity was known
    return browser is not None and hmac.compare_digest(draft.browser_key, _browser_key(browser) or "")


def _encode(value: object) -> object:
    """Dates (date inputs) travel as `{"$date": "2026-03-05"}`; JSON has no date."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return {_DATE_TAG: value.isoformat()}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot keep a {type(value).__name__} in a draft")


def _decode(value: dict[str, Any]) -> object:
    if set(value) == {_DATE_TAG} and isinstance(value[_DATE_TAG], str):
        return date.fromisoformat(value[_DATE_TAG])
    return value
