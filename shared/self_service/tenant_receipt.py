"""租客回执: a tenant a landlord listed opens the landlord's receipt code with the last 6 characters
of their own document and sees their own residence only: where, since when, what the landlord
declared about them (masked on the page like every receipt), where the declaration stands and,
once it is approved, their own pass. Never the landlord's data, the other tenants, the
officer's notes to the landlord, and no action: the receipt stays the landlord's to correct.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from shared.core.crypto import id_blind_index
from shared.models import Declaration
from shared.self_service.receipt_view import ReceiptView, build_receipt_view, room_labels

# What a tenant's entry and the lease say about the tenant's own stay.
_OWN_FIELDS = ("person", "move_in", "reason", "move_out")


def build_tenant_view(
    session: Session, declaration: Declaration, payload: dict[str, Any], tenant: int
) -> ReceiptView:
    """The view of tenant number `tenant` of a rental the caller opened with that tenant's tail."""
    entry = payload["tenants"][tenant]
    room_id = int(entry["room_id"])
    own: dict[str, Any] = {"room_ids": [room_id]}
    own.update({name: entry[name] for name in _OWN_FIELDS if entry.get(name)})
    if payload.get("move_out") and not own.get("move_out"):
        own["move_out"] = payload["move_out"]  # the whole rental ended
    if payload.get("lease_end"):
        own["lease_end"] = payload["lease_end"]
    person = entry["person"]
    return replace(
        build_receipt_view(session, declaration, payload),
        rooms=(room_labels(session, [room_id]).get(room_id, ""),),
        payload=own,
        people=(),
        correction=None,
        rejection_reason=None,
        tenant_key=id_blind_index(person["id_type"], person["id_number"]),
    )
