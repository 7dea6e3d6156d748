"""通行码管理 for officers: the passes of an approved residence, seen from its review item, and
revoking one (a lost phone, a misuse). Seeing them never issues a pass: only the declarant's
receipt does that. Names are masked; every revocation is audited by `revoke_pass`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from shared.core.crypto import mask_name
from shared.core.errors import DomainError
from shared.gate.passes import latest_pass, listed_residences, revoke_pass
from shared.models import Person, ResidentPass
from shared.review.detail import open_for_review
from shared.staff.auth import StaffIdentity


@dataclass(frozen=True)
class StaffPassView:
    """One person's current pass as an officer sees it: whose (masked), until when, its state."""

    pass_id: int
    holder: str
    is_declarant: bool
    valid_until: datetime
    revoked_at: datetime | None
    revoked_reason: str

    def is_expired(self, now: datetime) -> bool:
        return self.revoked_at is None and self.valid_until <= now


def passes_for_review(
    session: Session, *, declaration_id: int, staff: StaffIdentity, now: datetime
) -> list[StaffPassView]:
    """The latest pass of each person the declaration lists who still lives there (none before
    approval, none for who never opened a receipt), if the officer may see the declaration."""
    open_for_review(session, declaration_id=declaration_id, staff=staff)
    views = []
    for residence, is_declarant in listed_residences(session, declaration_id=declaration_id, now=now):
        resident_pass = latest_pass(session, residence.id)
        if resident_pass is None:
            continue
        person = session.get(Person, resident_pass.person_id)
        views.append(
            StaffPassView(
                pass_id=resident_pass.id,
                holder=mask_name(person.name) if person else "",
                is_declarant=is_declarant,
                valid_until=resident_pass.valid_until,
                revoked_at=resident_pass.revoked_at,
                revoked_reason=resident_pass.revoked_reason,
            )
        )
    return views


def revoke_pass_for_review(
    session: Session, *, declaration_id: int, pass_id: int, staff: StaffIdentity, reason: str, now: datetime
) -> ResidentPass:
    """注销 a pass shown on this review item: only one of this declaration's passes, only by an
    officer who may see the declaration."""
    shown = {
        view.pass_id
        for view in passes_for_review(session, declaration_id=declaration_id, staff=staff, now=now)
    }
    if pass_id not in shown:
        raise DomainError("该通行码不属于这份申报", "This pass does not belong to this declaration")
    return revoke_pass(session, pass_id=pass_id, actor=staff.username, reason=reason, now=now)
