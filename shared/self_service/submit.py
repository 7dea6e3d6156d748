"""自助申报: submitting a tenant's, landlord's or organisation's declaration from a plate.

A declaration never writes records: it stores the checked input as an encrypted payload, a
first version, a "submitted" event and an audit entry, and the officer's review (issue 5)
decides. Submitting twice never makes two declarations: the form's idempotency key finds the
first, and the same content from the same declarant within `REPEAT_WINDOW` is the same
declaration too. The comparison rules (`COMPARISON_RULES`) run before anything is written; a
finding sends the declaration to the officer as HAS_ISSUES, it never refuses the submission.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.clock import local_today
from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError
from shared.declarations.inputs import (
    DeclarationInput,
    OrganisationInput,
    RentalInput,
    ResidenceInput,
    declarant_document,
    to_payload,
)
from shared.declarations.store import EventAction, add_event, new_receipt_code, open_payload, seal_payload
from shared.models import (
    DeclarantRole,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DeclarationVersion,
    DoorPlate,
    Finding,
    RecordStatus,
)
from shared.rules.checks import check_declaration
from shared.rules.lookup import Records

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=10)
MAX_IDEMPOTENCY_KEY = 64
PUBLIC_ACTOR = "declarant"  # audit actor of what people submit from the portal


# The comparison rules (信息自动分析、比对) run at submit and at every new version. Each gets the
# declaration at its new version (a new declaration is not written yet: no id), the version's
# payload and the records read so far for it, and returns new, unsaved findings; it may also
# retire earlier findings itself. A list, so a test can run without them or add a failing one.
RuleHook = Callable[[Session, Declaration, Mapping[str, Any], Records], list[Finding]]
COMPARISON_RULES: list[RuleHook] = [check_declaration]


def submit_residence(
    session: Session, *, plate_code: str, data: ResidenceInput, idempotency_key: str, now: datetime
) -> Declaration:
    """我住在这里: a tenant declares their own residence (with family) in a room of this plate."""
    return _submit(
        session,
        kind=DeclarationKind.RESIDENCE,
        role=DeclarantRole.TENANT,
        plate_code=plate_code,
        room_ids=[data.room_id],
        room_id=data.room_id,
        data=data,
        idempotency_key=idempotency_key,
        now=now,
    )


def submit_rental(
    session: Session, *, plate_code: str, data: RentalInput, idempotency_key: str, now: datetime
) -> Declaration:
    """我是房东: a landlord declares the rooms let at this plate and their tenants.
    `Declaration.room_id` is set when exactly one room is let; the payload lists them all."""
    rooms = sorted(set(data.room_ids) | {t.room_id for t in data.tenants})
    return _submit(
        session,
        kind=DeclarationKind.RENTAL,
        role=DeclarantRole.LANDLORD,
        plate_code=plate_code,
        room_ids=rooms,
        room_id=rooms[0] if len(rooms) == 1 else None,
        data=data,
        idempotency_key=idempotency_key,
        now=now,
    )


def submit_organisation(
    session: Session, *, plate_code: str, data: OrganisationInput, idempotency_key: str, now: datetime
) -> Declaration:
    """实有单位: a manager declares an organisation at this plate (optionally in one room)."""
    room_ids = [data.room_id] if data.room_id is not None else []
    return _submit(
        session,
        kind=DeclarationKind.ORGANISATION,
        role=DeclarantRole.MANAGER,
        plate_code=plate_code,
        room_ids=room_ids,
        room_id=data.room_id,
        data=data,
        idempotency_key=idempotency_key,
        now=now,
    )


def _submit(
    session: Session,
    *,
    kind: DeclarationKind,
    role: DeclarantRole,
    plate_code: str,
    room_ids: list[int],
    room_id: int | None,
    data: DeclarationInput,
    idempotency_key: str,
    now: datetime,
) -> Declaration:
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise ValueError(f"idempotency_key must be 1–{MAX_IDEMPOTENCY_KEY} characters")
    earlier = session.scalars(_BY_IDEMPOTENCY_KEY, {"key": idempotency_key}).first()
    if earlier is not None:
        return earlier
    plate, records = check_place(session, plate_code=plate_code, room_ids=room_ids, now=now)
    payload = to_payload(data)
    index = id_blind_index(*declarant_document(data))
    repeat = _recent_repeat(session, kind=kind, index=index, plate_code=plate.code, payload=payload, now=now)
    if repeat is not None:
        return repeat
    sealed = seal_payload(payload)
    receipt_code = new_receipt_code(session)
    declaration = Declaration(
        kind=kind,
        plate_code=plate.code,
        room_id=room_id,
        declarant_role=role,
        declarant_index=index,
        payload_enc=sealed,
        version=1,
        status=DeclarationStatus.RECEIVED,
        receipt_code=receipt_code,
        idempotency_key=idempotency_key,
        grid_code=plate.grid_code,
        created_at=now,
        updated_at=now,
    )
    declaration.versions.append(DeclarationVersion(version=1, payload_enc=sealed, created_at=now))
    session.add(declaration)
    add_event(session, declaration, action=EventAction.SUBMITTED, actor=PUBLIC_ACTOR, now=now)
    # The rules run before anything is written, so the declaration goes in with its final status,
    # its version, events and findings in one flush (each flush was a tenth of a submission).
    if run_comparison_rules(session, declaration, payload, now=now, records=records):
        declaration.status = DeclarationStatus.HAS_ISSUES
    session.flush()
    record_audit(
        session,
        actor=PUBLIC_ACTOR,
        action=f"declaration.submit.{kind.value}",
        target_type="declaration",
        target_id=declaration.id,
        detail={"plate_code": plate.code, "rooms": room_ids[:50], "declarant_index": index, **_counts(data)},
        at=now,
    )
    return declaration


def active_plate(session: Session, plate_code: str) -> DoorPlate:
    """The plate a declaration is made at: it must exist and be in use."""
    plate = session.get(DoorPlate, plate_code)
    if plate is None:
        raise DomainError(
            "找不到该门牌，请重新扫描门牌二维码", "No such door plate; scan the plate's QR code again"
        )
    if plate.status is not RecordStatus.ACTIVE:
        raise DomainError(
            "该门牌已停用，请扫描新门牌的二维码",
            "This door plate is retired; scan the QR code of the new plate",
        )
    return plate


def check_place(
    session: Session, *, plate_code: str, room_ids: Iterable[int], now: datetime
) -> tuple[DoorPlate, Records]:
    """The plate must be in use, and every room an active room of an active building behind it.
    Returns the plate and the records the rules compare with, holding what this check read, so
    the rules do not read it again."""
    plate = active_plate(session, plate_code)
    records = Records(session, today=local_today(now))
    records.note_plate(plate.code, is_active=True)
    _check_rooms(records, plate_code=plate.code, room_ids=room_ids)
    return plate, records


def _check_rooms(records: Records, *, plate_code: str, room_ids: Iterable[int]) -> None:
    for facts in records.rooms(room_ids).values():
        if facts is None or not (
            facts.plate_code == plate_code and facts.is_active and facts.building_is_active
        ):
            raise DomainError(
                "所选房间不在该门牌地址，或已停用",
                "A room chosen is not at this address or is no longer in use",
            )


def _recent_repeat(
    session: Session,
    *,
    kind: DeclarationKind,
    index: str,
    plate_code: str,
    payload: Mapping[str, Any],
    now: datetime,
) -> Declaration | None:
    """The same content from the same declarant moments ago: a second tap, a reloaded page."""
    candidates = session.execute(
        _RECENT_BY_DECLARANT,
        {"index": index, "kind": kind, "plate": plate_code, "since": now - REPEAT_WINDOW},
    )
    same = next((row.id for row in candidates if open_payload(row.payload_enc) == payload), None)
    return None if same is None else session.get(Declaration, same)


# Built once: these run on every submission.
_BY_IDEMPOTENCY_KEY = select(Declaration).where(Declaration.idempotency_key == bindparam("key"))
_RECENT_BY_DECLARANT = select(Declaration.id, Declaration.payload_enc).where(
    Declaration.declarant_index == bindparam("index"),
    Declaration.kind == bindparam("kind"),
    Declaration.plate_code == bindparam("plate"),
    Declaration.created_at >= bindparam("since"),
    Declaration.status.not_in((DeclarationStatus.WITHDRAWN, DeclarationStatus.REJECTED)),
)


def _counts(data: DeclarationInput) -> dict[str, int]:
    """Sizes for the audit log: no names, no numbers."""
    if isinstance(data, ResidenceInput):
        return {"people": 1 + len(data.family)}
    if isinstance(data, RentalInput):
        return {"tenants": len(data.tenants)}
    return {}


def run_comparison_rules(
    session: Session,
    declaration: Declaration,
    payload: Mapping[str, Any],
    *,
    now: datetime,
    records: Records | None = None,
) -> list[Finding]:
    """Run every comparison rule and keep its findings. A rule that crashes is logged and noted
    on the declaration ("rule_failed") so the officer knows it went unchecked: the declarant's
    submission must not fail for it. `records` carries what the caller has already read."""
    findings: list[Finding] = []
    # No flush before or during the rules: they read records and other declarations, never the
    # pending rows of this one (its own id is left out of duplicates), and every flush costs.
    if records is None:
        records = Records(session, today=local_today(now))
    for hook in COMPARISON_RULES:
        name = getattr(hook, "__name__", repr(hook))
        try:
            with session.no_autoflush:
                found = hook(session, declaration, payload, records)
        except Exception:
            log.exception("rule %s failed on declaration %s", name, declaration.id)
            add_event(session, declaration, action=EventAction.RULE_FAILED, actor="rules", now=now, note=name)
            continue
        for finding in found:
            finding.declaration = declaration  # the declaration may not be written yet
            finding.created_at = finding.created_at or now
            session.add(finding)
        findings.extend(found)
    return findings
