"""找不到我的地址: declaring one's residence at an address the library does not have yet.

A new building, a lost plate, a plate never installed: the resident chooses the village and types
the street, the number and, if they like, the building and the room. The matcher proposes the
plates the text may mean; the resident opens one of them, or declares against the typed address.
Such a declaration has no plate and no room yet: it goes to the village's grid officer (the grid
with the fewest declarations waiting, see `choose_grid`) with the typed text and the candidates,
as HAS_ISSUES with the finding `address_unplaced`, which also keeps it out of bulk approval. The
officer links it to a plate or creates one (`shared.review.unplaced`); the comparison rules run then.

Only a tenant's own residence can be declared this way: a landlord's rental names rooms of a
building on record, and an organisation is registered at a plate, so both wait for the plate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import AddressMatcher, Candidate
from shared.core.audit import record_audit
from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError
from shared.core.validate_text import typed_text
from shared.declarations.form_errors import FieldError, FormErrors
from shared.declarations.forms import validate_residence
from shared.declarations.inputs import ResidenceInput, declarant_document, to_payload
from shared.declarations.labels import ADDRESS_UNPLACED
from shared.declarations.store import EventAction, add_event, new_receipt_code, seal_payload
from shared.models import (
    DeclarantRole,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    Finding,
    Grid,
    Severity,
    UnplacedAddress,
    Village,
)
from shared.models.unplaced import typed_address_text
from shared.rules.lookup_queries import PENDING_STATUSES
from shared.self_service.submit import MAX_IDEMPOTENCY_KEY, PUBLIC_ACTOR

UNPLACED_RULE = ADDRESS_UNPLACED
MAX_CANDIDATES = 6
ROOM_UNKNOWN = 0  # `ResidenceInput.room_id` of a typed address: the officer finds the room
_ANY_ROOM = 1  # lets the residence form's checks run without a room (the room is not asked)
# (field, label, max chars, required); the lengths are UnplacedAddress's columns.
_ADDRESS_FIELDS = (
    ("street", ("街路巷", "Street"), 60, True),
    ("number", ("门牌号", "Number"), 20, True),
    ("building", ("楼栋", "Building"), 40, False),
    ("room", ("房号", "Room"), 20, False),
)


@dataclass(frozen=True)
class TypedAddress:
    """What the resident typed: the village chosen from the list, the rest free text."""

    village_code: str
    street: str
    number: str
    building: str = ""
    room: str = ""

    def text(self, village_name: str = "") -> str:
        return typed_address_text(village_name, self.street, self.number, self.building, self.room)


def read_typed_address(session: Session, raw: dict[str, Any]) -> TypedAddress:
    """The typed address checked: a village of the town, a street and a number, short texts."""
    errors: list[FieldError] = []
    village = raw.get("village_code")
    if not village or session.get(Village, str(village)) is None:
        errors.append(FieldError("village_code", "村（社区）：请选择", "Village: choose one"))
    values: dict[str, str] = {}
    for name, label, max_chars, required in _ADDRESS_FIELDS:
        try:
            values[name] = typed_text(
                str(raw.get(name) or ""), max_chars=max_chars, field=name, label=label, required=required
            ).replace("\n", " ")
        except DomainError as error:
            errors.append(FieldError(name, error.message_zh, error.message_en))
    if errors:
        raise FormErrors(errors)
    return TypedAddress(str(village), **values)


def propose_candidates(matcher: AddressMatcher, address: TypedAddress, village_name: str) -> list[Candidate]:
    """The plates the typed street and number may mean, best first (none when nothing fits)."""
    result = matcher.match(typed_address_text(village_name, address.street, address.number))
    found = [result.best, *result.candidates] if result.best is not None else []
    return found[:MAX_CANDIDATES]


def validate_unplaced_residence(raw: dict[str, Any], *, today: date) -> ResidenceInput:
    """我住在这里 without a room: the residence form's checks, the room left to the officer."""
    return replace(validate_residence({**raw, "room_id": _ANY_ROOM}, today=today), room_id=ROOM_UNKNOWN)


def choose_grid(session: Session, village_code: str) -> str | None:
    """The village's grid with the fewest declarations waiting for its officer (the first grid
    by code on a tie); None when the village has no grid, and supervisors then see it."""
    waiting = (
        select(func.count(Declaration.id))
        .where(Declaration.grid_code == Grid.code, Declaration.status.in_(PENDING_STATUSES))
        .correlate(Grid)
        .scalar_subquery()
    )
    return session.scalar(
        select(Grid.code).where(Grid.village_code == village_code).order_by(waiting, Grid.code).limit(1)
    )


def submit_unplaced_residence(
    session: Session,
    *,
    address: TypedAddress,
    candidates: list[Candidate],
    data: ResidenceInput,
    idempotency_key: str,
    now: datetime,
) -> Declaration:
    """我住在这里 at a typed address: the declaration, its typed address and candidates, the
    finding that sends it to the officer, the events and the audit entry, in one flush."""
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise ValueError(f"idempotency_key must be 1–{MAX_IDEMPOTENCY_KEY} characters")
    earlier = session.scalars(
        select(Declaration).where(Declaration.idempotency_key == idempotency_key)
    ).first()
    if earlier is not None:
        return earlier
    village = session.get(Village, address.village_code)
    if village is None:
        raise DomainError("请选择村（社区）", "Choose the village")
    payload = {**to_payload(data), "room_id": None}
    index = id_blind_index(*declarant_document(data))
    sealed = seal_payload(payload)
    declaration = Declaration(
        kind=DeclarationKind.RESIDENCE,
        plate_code=None,
        room_id=None,
        declarant_role=DeclarantRole.TENANT,
        declarant_index=index,
        payload_enc=sealed,
        version=1,
        status=DeclarationStatus.HAS_ISSUES,
        receipt_code=new_receipt_code(session),
        idempotency_key=idempotency_key,
        grid_code=choose_grid(session, village.code),
        created_at=now,
        updated_at=now,
    )
    declaration.versions.append(DeclarationVersion(version=1, payload_enc=sealed, created_at=now))
    declaration.unplaced = UnplacedAddress(
        village_code=village.code,
        street_text=address.street,
        number_text=address.number,
        building_text=address.building,
        room_text=address.room,
        candidates=[
            {"plate_code": c.plate_code, "address": c.address, "village": c.village, "score": c.score}
            for c in candidates[:MAX_CANDIDATES]
        ],
        created_at=now,
    )
    session.add(declaration)
    session.add(unplaced_finding(declaration, address.text(village.name), now=now))
    add_event(session, declaration, action=EventAction.SUBMITTED, actor=PUBLIC_ACTOR, now=now)
    session.flush()
    record_audit(
        session,
        actor=PUBLIC_ACTOR,
        action="declaration.submit.residence_unplaced",
        target_type="declaration",
        target_id=declaration.id,
        detail={
            "village": village.code,
            "grid": declaration.grid_code,
            "candidates": [c.plate_code for c in candidates[:MAX_CANDIDATES]],
            "declarant_index": index,
            "people": 1 + len(data.family),
        },
        at=now,
    )
    return declaration


def unplaced_finding(declaration: Declaration, typed: str, *, now: datetime) -> Finding:
    """What the officer reads first: the address is not in the library yet."""
    return Finding(
        declaration=declaration,
        rule=UNPLACED_RULE,
        severity=Severity.ERROR,
        field=None,
        message_zh=f"地址待补录：门牌库中没有“{typed}”，请关联已有门牌或新建门牌",
        message_en=f"Address to place: {typed!r} is not in the library; link a plate or create one",
        created_at=now,
    )
