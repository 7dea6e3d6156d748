"""可申领居住证 notices: tell a migrant the day their registered stay reaches 183 days.

Who may apply is `shared.self_service.permit`'s rule (the same as the receipt's and the work
list's): a 流动人口 living here today whose unbroken registered stay began 183 days ago or more.
The notice goes to the approved residence declaration (我住在这里) that lists the person in the
room they live in now, the latest if several do: its declarant gave the phone, and its receipt
says what to bring. A family member is told through the declarant of their family's declaration.
Someone no approved residence declaration lists there (a tenant only the landlord declared) gets
no notice: the only phone we hold is the landlord's, and the grid officer's list 居住证可申领
still shows them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.clock import local_today
from shared.core.crypto import id_blind_index
from shared.declarations.store import payload_of
from shared.models import (
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    Notice,
    NoticeKind,
    Person,
    Residence,
)
from shared.notices.outbox import queue_notice
from shared.places.plates import active_residence_filter
from shared.self_service.permit import eligible_on, migrant_stays

# A run that was missed (the server down for a week) still tells those who became eligible
# meanwhile; people eligible for longer than this are not texted now: on the day the notices are
# switched on, every migrant living here for years would otherwise get an SMS at once (the town
# pays per message), and their receipts say it anyway.
CATCH_UP_DAYS = 30


def permit_once_key(person_id: int, stay_since: date) -> str:
    """One notice per person and unbroken stay: moving rooms within the stay is not told
    again; a new stay after a gap reaches 183 days anew and is."""
    return f"permit:{person_id}:{stay_since.isoformat()}"


def queue_permit_notices(session: Session, *, now: datetime) -> int:
    """Queue a PERMIT_POSSIBLE notice for each migrant whose stay reached 183 days today (or
    within the last `CATCH_UP_DAYS`) and who still lives here; returns how many. A few grouped
    queries whatever the number of people."""
    today = local_today(now)
    earliest = today - timedelta(days=CATCH_UP_DAYS)
    keys = {
        person_id: permit_once_key(person_id, since)
        for person_id, since in migrant_stays(session, today=today).items()
        if earliest <= eligible_on(since) <= today
    }
    if not keys:
        return 0
    taken = set(session.scalars(select(Notice.once_key).where(Notice.once_key.in_(list(keys.values())))))
    todo = {person_id: key for person_id, key in keys.items() if key not in taken}
    if not todo:
        return 0
    declarations = _residence_declarations(session, person_ids=list(todo), today=today)
    queued = 0
    for person_id in sorted(declarations):
        if queue_notice(
            session,
            kind=NoticeKind.PERMIT_POSSIBLE,
            declaration=declarations[person_id],
            now=now,
            once_key=todo[person_id],
        ):
            queued += 1
    return queued


def _residence_declarations(
    session: Session, *, person_ids: list[int], today: date
) -> dict[int, Declaration]:
    """person id → the latest approved residence declaration listing them (as declarant or
    family) in a room they live in today. People are matched by their documents, as the
    receipt's `listed_residences` does, not by `Residence.declaration_id` (a landlord's later
    declaration of the same tenant takes the residence over)."""
    homes = session.execute(
        select(Person.id_number_index, Residence.room_id, Residence.person_id)
        .join(Person, Person.id == Residence.person_id)
        .where(Residence.person_id.in_(person_ids), active_residence_filter(today))
    ).all()
    person_at = {(index, room_id): person_id for index, room_id, person_id in homes}
    declarations = session.scalars(
        select(Declaration)
        .where(
            Declaration.kind == DeclarationKind.RESIDENCE,
            Declaration.status == DeclarationStatus.APPROVED,
            Declaration.room_id.in_({room_id for _, room_id, _ in homes}),
        )
        .order_by(Declaration.created_at, Declaration.id)
    )
    found: dict[int, Declaration] = {}
    for declaration in declarations:  # oldest first: a later one takes the person over
        payload = payload_of(declaration)
        room_id = int(payload["room_id"])
        for listed in (payload["person"], *payload["family"]):
            person_id = person_at.get((id_blind_index(listed["id_type"], listed["id_number"]), room_id))
            if person_id is not None:
                found[person_id] = declaration
    return found
