"""Whom a receipt lists, and how much of them it shows (shared.self_service.receipt_view)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.crypto import mask_id_number, mask_name
from shared.declarations.store import EventAction, payload_of
from shared.models import Declaration, DeclarationEvent, DeclarationKind, DeclarationStatus

# A receipt of these states is closed: its people are not listed on another's receipt.
CLOSED = frozenset({DeclarationStatus.REJECTED, DeclarationStatus.WITHDRAWN})


def room_ids_of(kind: DeclarationKind, payload: Mapping[str, Any]) -> list[int]:
    if kind is DeclarationKind.RENTAL:
        return [int(r) for r in payload["room_ids"]]
    room_id = payload.get("room_id")
    return [int(room_id)] if room_id is not None else []


@dataclass(frozen=True)
class ListedPerson:
    """Someone a receipt lists. `declaration_id` is the person's own declaration when they
    declared themselves (a landlord may confirm it); masked people show masked values."""

    name: str
    id_type: str
    id_number: str
    room: str
    relation: str
    is_masked: bool
    declared_by_you: bool
    declaration_id: int | None
    confirmed_by_landlord: bool
    move_in: date | None
    move_out: date | None


def listed_people(
    session: Session, declaration: Declaration, payload: dict[str, Any], labels: dict[int, str]
) -> list[ListedPerson]:
    """Whom a receipt lists: a residence's people; a rental's tenants, those the landlord declared
    and those who declared themselves in his rooms (masked); `labels` names the rooms."""
    if declaration.kind is DeclarationKind.ORGANISATION:
        return []
    if declaration.kind is DeclarationKind.RESIDENCE:
        room = labels.get(payload["room_id"], "")
        move_in, move_out = _date(payload["move_in"]), _date(payload.get("move_out"))
        return [
            _listed(p, room, declared_by_you=True, move_in=move_in, move_out=move_out)
            for p in (payload["person"], *payload["family"])
        ]
    own = {(t["person"]["id_type"], t["person"]["id_number"]): t for t in payload["tenants"]}
    self_declared = session.scalars(
        select(Declaration)
        .where(
            Declaration.kind == DeclarationKind.RESIDENCE,
            Declaration.plate_code == declaration.plate_code,
            Declaration.room_id.in_(room_ids_of(DeclarationKind.RENTAL, payload)),
            Declaration.status.not_in(CLOSED),
        )
        .order_by(Declaration.id)
    ).all()
    confirmed = set(
        session.scalars(
            select(DeclarationEvent.declaration_id).where(
                DeclarationEvent.action == EventAction.LANDLORD_CONFIRMED,
                DeclarationEvent.declaration_id.in_([d.id for d in self_declared]),
            )
        )
    )
    listed: list[ListedPerson] = []
    own_declaration: dict[tuple[str, str], int] = {}
    for tenant_declaration in self_declared:
        tenant = payload_of(tenant_declaration)
        room = labels.get(tenant["room_id"], "")
        for person in (tenant["person"], *tenant["family"]):
            key = (person["id_type"], person["id_number"])
            if key in own:  # he declared this person himself: shown in full below
                own_declaration[key] = tenant_declaration.id
                continue
            listed.append(
                _listed(
                    person,
                    room,
                    declared_by_you=False,
                    move_in=_date(tenant["move_in"]),
                    move_out=_date(tenant.get("move_out")),
                    declaration_id=tenant_declaration.id,
                    confirmed=tenant_declaration.id in confirmed,
                )
            )
    for key, tenant in own.items():
        listed.append(
            _listed(
                tenant["person"],
                labels.get(tenant["room_id"], ""),
                declared_by_you=True,
                move_in=_date(tenant["move_in"]),
                move_out=_date(tenant.get("move_out")) or _date(payload.get("move_out")),
                declaration_id=own_declaration.get(key),
                confirmed=own_declaration.get(key) in confirmed,
            )
        )
    return listed


def _listed(
    person: Mapping[str, Any],
    room: str,
    *,
    declared_by_you: bool,
    move_in: date | None,
    move_out: date | None,
    declaration_id: int | None = None,
    confirmed: bool = False,
) -> ListedPerson:
    masked = not declared_by_you
    return ListedPerson(
        name=mask_name(person["name"]) if masked else person["name"],
        id_type=person["id_type"],
        id_number=mask_id_number(person["id_number"]),
        room=room,
        relation=person.get("relation", "self"),
        is_masked=masked,
        declared_by_you=declared_by_you,
        declaration_id=declaration_id,
        confirmed_by_landlord=confirmed,
        move_in=move_in,
        move_out=move_out,
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
