"""An approved residence moved in on MOVED_IN (in the `room` of conftest.py): what the 居住证 tests
start from."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from shared.models import Declaration, Room
from shared.review.decisions import approve
from tests.factories import declare_residence, staff_identity

MOVED_IN = date(2026, 11, 20)
DECLARED = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Mayong


def approved(session: Session, room: Room, **fields: object) -> Declaration:
    declaration = declare_residence(session, room=room, now=DECLARED, move_in=MOVED_IN, **fields)
    session.commit()
    approve(
        session,
        declaration_id=declaration.id,
        staff=staff_identity("supervisor"),
        now=DECLARED,
        expected_version=declaration.row_version,
    )
    session.commit()
    return declaration
