"""查看完整证件号码和电话: revealing a declaration's clear document numbers and phones, audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.core.validate_text import typed_text
from shared.declarations.store import payload_of
from shared.models import Role
from shared.review.decisions import MAX_REASON_CHARS
from shared.review.detail import flatten, is_pii, open_for_review
from shared.staff.auth import StaffIdentity, require_role

# Administrators keep accounts and plates; reading people's documents is not their work.
REVEAL_ROLES = (Role.OFFICER, Role.SUPERVISOR)


def reveal_personal_data(
    session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime, reason: str
) -> dict[str, str]:
    """查看完整证件号码和电话: the clear document numbers and phones of a declaration, by field
    path (`person.id_number`, `family[0].phone`). Each reveal is in the audit log with who,
    which fields and why."""
    require_role(staff.role, *REVEAL_ROLES)
    text = typed_text(
        reason, max_chars=MAX_REASON_CHARS, field="reason", label=("查看原因", "Reason"), required=True
    )
    declaration = open_for_review(session, declaration_id=declaration_id, staff=staff)
    values = {
        path: str(value) for path, value in flatten(payload_of(declaration)).items() if is_pii(path) and value
    }
    record_audit(
        session,
        actor=staff.username,
        action="pii.reveal",
        target_type="declaration",
        target_id=declaration.id,
        detail={"fields": sorted(values), "reason": text, "version": declaration.version},
        at=now,
    )
    session.flush()
    return values
