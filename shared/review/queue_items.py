"""审核队列的一行: what the queue shows of a declaration, read as plain columns.

Only the rows on the page are decrypted; the declarant's name is masked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.crypto import mask_name
from shared.declarations.store import open_payload
from shared.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    DoorPlate,
    Finding,
    Severity,
    Street,
    UnplacedAddress,
    Village,
)
from shared.models.places import format_address
from shared.models.unplaced import typed_address_text
from shared.review.states import OVERDUE_WORKING_DAYS, PENDING_STATES, SEVERITY_RANK, working_days_between
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipt_view import room_labels


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue: no personal data in clear (the declarant's name is masked)."""

    declaration_id: int
    kind: DeclarationKind
    status: DeclarationStatus
    declarant: str
    address: str
    village: str
    grid_code: str | None
    rules: tuple[str, ...]
    max_severity: Severity | None
    finding_count: int
    waiting_since: datetime
    age_days: int
    working_days: int
    is_overdue: bool


def declarant_name(kind: DeclarationKind, payload: dict[str, Any]) -> str:
    holder = {
        DeclarationKind.RESIDENCE: "person",
        DeclarationKind.RENTAL: "landlord",
        DeclarationKind.ORGANISATION: "declarant",
    }[kind]
    return str(payload[holder]["name"])


def item_columns(waiting: Any) -> Select[Any]:
    """What a queue row shows, as plain columns: a town's queue must not fill the session."""
    return select(
        Declaration.id,
        Declaration.kind,
        Declaration.status,
        Declaration.grid_code,
        Declaration.payload_enc,
        waiting,
        Street.name,
        DoorPlate.number,
        village_of_item().label("village_code"),
        UnplacedAddress.street_text,
        UnplacedAddress.number_text,
        UnplacedAddress.building_text,
        UnplacedAddress.room_text,
    )


def village_of_item() -> Any:
    """The plate's village, or the village chosen for a typed address (待补录地址)."""
    return func.coalesce(Street.village_code, UnplacedAddress.village_code)


def queue_items(session: Session, rows: Sequence[Any], *, now: datetime) -> list[QueueItem]:
    findings = _findings_of(session, [row.id for row in rows])
    villages = _village_names(session, {row.village_code for row in rows})
    today = local_today(now)
    # Only these rows' payloads are decrypted.
    payloads = {row.id: open_payload(row.payload_enc) for row in rows}
    rooms_of = {row.id: room_ids_of(row.kind, payloads[row.id]) for row in rows}
    labels = room_labels(session, sorted({r for ids in rooms_of.values() for r in ids}))
    items = []
    for row in rows:
        rooms = [labels.get(r, "") for r in rooms_of[row.id]]
        found = findings.get(row.id, [])
        waited = row.waiting_since.astimezone(CHINA_TZ).date()
        working = working_days_between(waited, today)
        items.append(
            QueueItem(
                declaration_id=row.id,
                kind=row.kind,
                status=row.status,
                declarant=mask_name(declarant_name(row.kind, payloads[row.id])),
                address=_address(format_address(row.name, row.number), rooms)
                if row.name is not None
                else _typed_address(row),
                village=villages.get(row.village_code, ""),
                grid_code=row.grid_code,
                rules=tuple(dict.fromkeys(rule for rule, _ in found)),
                max_severity=max((s for _, s in found), key=SEVERITY_RANK.__getitem__, default=None),
                finding_count=len(found),
                waiting_since=row.waiting_since,
                age_days=(today - waited).days,
                working_days=working,
                is_overdue=row.status in PENDING_STATES and working > OVERDUE_WORKING_DAYS,
            )
        )
    return items


def _findings_of(session: Session, ids: Sequence[int]) -> dict[int, list[tuple[str, Severity]]]:
    found: dict[int, list[tuple[str, Severity]]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(Finding.declaration_id, Finding.rule, Finding.severity)
        .where(Finding.declaration_id.in_(ids))
        .order_by(Finding.id)
    )
    for declaration_id, rule, severity in rows:
        found.setdefault(declaration_id, []).append((rule, severity))
    for entries in found.values():
        entries.sort(key=lambda e: -SEVERITY_RANK[e[1]])
    return found


def _village_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(Village.code, Village.name).where(Village.code.in_(codes)))
    return {code: name for code, name in rows}


def _typed_address(row: Any) -> str:
    typed = typed_address_text("", row.street_text, row.number_text, row.building_text, row.room_text)
    return f"{typed}（地址待补录）"


def _address(plate: str, rooms: list[str]) -> str:
    if not rooms:
        return plate
    more = f" (+{len(rooms) - 3})" if len(rooms) > 3 else ""
    return f"{plate} {' '.join(rooms[:3])}{more}"
