"""回执查询: opening a declaration with its receipt code and the declarant's document, and
the rate limit that keeps the codes from being guessed.

A look-up needs the receipt code and the last 6 characters of the declarant's document
number (or, for a tenant a landlord listed, of the tenant's own: `open_declaration(tenants=True)`).
A wrong code and a wrong tail get the same answer, so neither can be probed alone.
Failed look-ups are counted in the database (every portal process shares the count): after
`MAX_FAILURES_PER_CODE` for one code within `CODE_WINDOW`, or `MAX_FAILURES_PER_CLIENT` from
one client within `CLIENT_WINDOW`, look-ups are refused, even correct ones, until the window
has passed. The count is written in its own transaction, so it stays when the caller's
transaction rolls back on the error: call these functions before writing anything else in the
transaction (on SQLite a second writer waits for the first).
"""

from __future__ import annotations

import hmac
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PIL import Image
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ
from shared.core.config import get_settings
from shared.core.crypto import blind_index
from shared.core.errors import DomainError
from shared.core.validate_ids import normalise_number
from shared.declarations.store import RECEIPT_ALPHABET, RECEIPT_LENGTH, declarant_number, payload_of
from shared.models import Declaration, DeclarationKind, ReceiptAttempt
from shared.places.qr import QUIET_ZONE, qr_matrix

RECEIPT_PARAM = "r"  # the portal's receipt page reads ?r=<code>
RECEIPT_PATH = "receipt"
DOC_TAIL_CHARS = 6
MAX_FAILURES_PER_CODE = 5
CODE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_CLIENT = 20
CLIENT_WINDOW = timedelta(hours=1)
_CODE_RE = re.compile(rf"[{RECEIPT_ALPHABET}]{{{RECEIPT_LENGTH}}}")


class ReceiptMismatch(DomainError):
    """The code or the document does not match; which one is not said."""

    def __init__(self) -> None:
        super().__init__(
            "回执码或证件号码后6位不正确，请核对后重试",
            "The receipt code or the last 6 characters of the document number do not match; "
            "check them and try again",
            field="receipt_code",
        )


class TooManyAttempts(DomainError):
    """Look-ups are refused until `retry_at` (UTC)."""

    def __init__(self, retry_at: datetime) -> None:
        shown = retry_at.astimezone(CHINA_TZ).strftime("%H:%M")
        super().__init__(
            f"查询失败次数过多，请于 {shown} 后再试", f"Too many failed attempts; try again after {shown}"
        )
        self.retry_at = retry_at


class AmbiguousTenant(DomainError):
    """Two tenants of one rental share the last 6 characters: neither view may be guessed."""

    def __init__(self) -> None:
        super().__init__(
            "该回执下有多位租客证件号码后6位相同，请联系网格员查询",
            "Several tenants on this receipt share these 6 characters; please ask the grid officer",
            field="receipt_code",
        )


@dataclass(frozen=True)
class OpenedReceipt:
    """A declaration whose receipt was opened, with its decrypted current payload. `tenant` is
    set when a tenant the landlord listed opened it with their own number: the position of
    their entry in `payload["tenants"]`."""

    declaration: Declaration
    payload: dict[str, Any]
    tenant: int | None = None


def normalise_receipt_code(text: str) -> str:
    """What people type: spaces, dashes, full-width letters, lower case are all forgiven."""
    return re.sub(r"[\s\-_.·]", "", unicodedata.normalize("NFKC", text or "")).upper()


def format_receipt_code(code: str) -> str:
    """`ABCDE FGHJK`: two groups of five are easier to read out and type."""
    return f"{code[:5]} {code[5:]}"


def open_declaration(
    session: Session,
    *,
    receipt_code: str,
    doc_tail: str,
    client_key: str,
    now: datetime,
    tenants: bool = False,
) -> OpenedReceipt:
    """The declaration behind a receipt code, if the declarant's document tail matches and the
    rate limit allows; raises ReceiptMismatch or TooManyAttempts otherwise. With `tenants`, a
    rental's receipt also opens with the tail of a tenant it lists, for that tenant's own view
    (the landlord's tail comes first; the actions on a receipt never take a tenant's)."""
    code = normalise_receipt_code(receipt_code)
    code_key = blind_index(code, kind="receipt")
    client = blind_index(client_key or "-", kind="receipt client")
    _refuse_if_limited(session, code_key=code_key, client=client, now=now)
    declaration = (
        session.scalars(select(Declaration).where(Declaration.receipt_code == code)).first()
        if _CODE_RE.fullmatch(code)
        else None
    )
    payload = payload_of(declaration) if declaration is not None else None
    if declaration is not None and payload is not None:
        if _tail_matches(declarant_number(declaration.kind, payload), doc_tail):
            return OpenedReceipt(declaration, payload)
        if tenants and declaration.kind is DeclarationKind.RENTAL:
            listed = [
                index
                for index, tenant in enumerate(payload["tenants"])
                if _tail_matches(tenant["person"]["id_number"], doc_tail)
            ]
            if len(listed) > 1:
                raise AmbiguousTenant()
            if listed:
                return OpenedReceipt(declaration, payload, tenant=listed[0])
    _record_failure(session, code_key=code_key, client=client, now=now)
    raise ReceiptMismatch()


def _tail_matches(number: str, doc_tail: str) -> bool:
    expected = normalise_number(number)[-DOC_TAIL_CHARS:]
    given = normalise_number(doc_tail or "")
    return len(given) == len(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _refuse_if_limited(session: Session, *, code_key: str, client: str, now: datetime) -> None:
    retry_at = max(
        _blocked_until(session, ReceiptAttempt.code_key == code_key, MAX_FAILURES_PER_CODE, CODE_WINDOW, now),
        _blocked_until(
            session, ReceiptAttempt.client_key == client, MAX_FAILURES_PER_CLIENT, CLIENT_WINDOW, now
        ),
    )
    if retry_at > now:
        # Shown as HH:MM: round up, so "after 10:31" is never a minute too early.
        shown = retry_at.replace(second=0, microsecond=0)
        raise TooManyAttempts(shown + timedelta(minutes=1) if shown < retry_at else shown)


def _blocked_until(session: Session, where: Any, limit: int, window: timedelta, now: datetime) -> datetime:
    """When the limit-th most recent failure in the window leaves it (or `now` if not blocked)."""
    oldest_counted = session.scalars(
        select(ReceiptAttempt.at)
        .where(where, ReceiptAttempt.at > now - window)
        .order_by(ReceiptAttempt.at.desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    return oldest_counted + window if oldest_counted is not None else now


def _record_failure(session: Session, *, code_key: str, client: str, now: datetime) -> None:
    # Its own transaction: the caller's rolls back on the error we are about to raise.
    with Session(bind=session.get_bind()) as counter:
        counter.add(ReceiptAttempt(code_key=code_key, client_key=client, at=now))
        counter.commit()


def purge_receipt_attempts(session: Session, *, now: datetime) -> int:
    """Delete counts older than every window (a nightly job); they are counters, not records."""
    result = session.execute(
        delete(ReceiptAttempt).where(ReceiptAttempt.at < now - max(CODE_WINDOW, CLIENT_WINDOW))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def receipt_link(receipt_code: str, *, portal_url: str | None = None) -> str:
    """The URL a receipt's QR code holds: the portal's receipt page with the code filled in."""
    base = (portal_url if portal_url is not None else get_settings().portal_url).rstrip("/")
    return f"{base}/{RECEIPT_PATH}?{RECEIPT_PARAM}={receipt_code}"


def receipt_qr_png(receipt_code: str, *, scale: int = 8, portal_url: str | None = None) -> bytes:
    """PNG of the receipt link's QR code (level Q, with the quiet zone), `scale` px a module."""
    matrix = qr_matrix(receipt_link(receipt_code, portal_url=portal_url))
    size = len(matrix) + 2 * QUIET_ZONE
    image = Image.new("1", (size, size), 1)
    pixels = image.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    out = io.BytesIO()
    image.resize((size * scale, size * scale), Image.Resampling.NEAREST).save(out, format="PNG")
    return out.getvalue()
