"""申报的存储: payload encryption, versions, events and receipt codes of declarations.

Shared by submitting (`shared.self_service.submit`), the receipt actions
(`shared.self_service.receipts`) and the officer's review: one place decides how a payload is
sealed and how a new version is added.
"""

from __future__ import annotations

import enum
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from shared.core.crypto import decrypt, encrypt
from shared.models import (
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
)

# Receipt codes are read off a phone and typed back: no 0/O, 1/I/L look-alikes. 31**10 ≈ 2**49.5.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


class EventAction(enum.StrEnum):
    """`DeclarationEvent.action` values. Review (issue 5) writes APPROVED, REJECTED (note: the
    reason, shown on the receipt) and VISITED; CORRECTION_REQUESTED through
    `shared.self_service.receipts.request_correction`."""

    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"
    CORRECTION_REQUESTED = "correction_requested"
    MOVE_OUT = "move_out"
    WITHDRAWN = "withdrawn"
    LANDLORD_CONFIRMED = "landlord_confirmed"
    RULE_FAILED = "rule_failed"
    APPROVED = "approved"
    REJECTED = "rejected"
    VISITED = "visited"
    ADDRESS_PLACED = "address_placed"  # the officer gave a typed address its plate (待补录地址)


def new_receipt_code(session: Session) -> str:
    """A random, unused receipt code; the code is the first secret of a receipt look-up."""
    for _ in range(8):
        code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
        if session.scalars(_RECEIPT_CODE_TAKEN, {"code": code}).first() is None:
            return code
    raise RuntimeError("could not draw an unused receipt code")  # 8 collisions in 2**49: a broken RNG


_RECEIPT_CODE_TAKEN = select(Declaration.id).where(Declaration.receipt_code == bindparam("code"))


def seal_payload(payload: Mapping[str, Any]) -> bytes:
    return encrypt(json.dumps(payload, ensure_ascii=False, sort_keys=True))


def payload_of(declaration: Declaration | DeclarationVersion) -> dict[str, Any]:
    """The decrypted payload of a declaration (its current version) or of one version."""
    return open_payload(declaration.payload_enc)


def open_payload(sealed: bytes) -> dict[str, Any]:
    """A sealed payload read as a plain column (`payload_enc`), without loading the declaration."""
    result: dict[str, Any] = json.loads(decrypt(sealed))
    return result


def declarant_number(kind: DeclarationKind, payload: Mapping[str, Any]) -> str:
    """The declarant's document number in a payload (its last 6 characters open the receipt)."""
    holder = {
        DeclarationKind.RESIDENCE: "person",
        DeclarationKind.RENTAL: "landlord",
        DeclarationKind.ORGANISATION: "declarant",
    }[kind]
    return str(payload[holder]["id_number"])


def add_event(
    session: Session,
    declaration: Declaration,
    *,
    action: EventAction | str,
    actor: str,
    now: datetime,
    note: str = "",
) -> DeclarationEvent:
    # By relationship, not id: a declaration being submitted is not written yet. Setting this
    # side does not load the declaration's list of events.
    event = DeclarationEvent(declaration=declaration, actor=actor[:60], action=str(action), note=note, at=now)
    session.add(event)
    return event


def add_version(
    session: Session,
    declaration: Declaration,
    *,
    payload: Mapping[str, Any],
    status: DeclarationStatus,
    now: datetime,
) -> DeclarationVersion:
    """A new version of the declaration: the old ones are kept, the declaration shows the new."""
    sealed = seal_payload(payload)
    version = DeclarationVersion(
        declaration_id=declaration.id, version=declaration.version + 1, payload_enc=sealed, created_at=now
    )
    session.add(version)
    declaration.version += 1
    declaration.payload_enc = sealed
    declaration.status = status
    declaration.updated_at = now
    return version
