"""核实入库的居住: opening, taking over and ending residences when a declaration is approved.

`until` is the first day away, as `active_residence_filter` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import Declaration, Person, Residence
from shared.places.plates import active_residence_filter
from shared.review.outcome import ApplyOutcome


def settle_residence(
    session: Session,
    declaration: Declaration,
    *,
    person: Person,
    room_id: int,
    since: date,
    planned_until: date | None,
    reason: str,
    dwelling_type: str | None,
    outcome: ApplyOutcome,
) -> Residence:
    """The person lives in `room_id` from `since`: a residence there that is open at `since`
    is taken over, else one is opened; one elsewhere that started earlier ends at `since`
    (`until` is the first day away, as `active_residence_filter` reads it). One elsewhere
    that started later is newer truth: the new residence ends where it begins."""
    current = session.scalars(
        select(Residence)
        .where(Residence.person_id == person.id, active_residence_filter(since))
        .order_by(Residence.since, Residence.id)
    ).all()
    here = next((r for r in current if r.room_id == room_id), None)
    later = [r.since for r in current if r.room_id != room_id and r.since > since]
    for other in current:
        if other.room_id != room_id and other.since <= since:
            other.until = since
            outcome.residences_ended += 1
    if here is None:
        here = Residence(person_id=person.id, room_id=room_id, since=since)
        session.add(here)
        outcome.residences_opened += 1
    else:
        here.since = min(here.since, since)
        outcome.residences_updated += 1
    here.until = min(later) if later else None
    here.planned_until = planned_until
    here.reason = reason
    here.dwelling_type = dwelling_type
    here.declaration_id = declaration.id
    session.flush()
    return here


def end_opened_by(
    session: Session,
    declaration: Declaration,
    *,
    until: date,
    outcome: ApplyOutcome,
    except_people: Iterable[int] = (),
) -> None:
    """End the residences this declaration opened that are still open on `until`, but for
    the people it still lists."""
    skip = set(except_people)
    query = select(Residence).where(
        Residence.declaration_id == declaration.id, active_residence_filter(until)
    )
    for residence in session.scalars(query):
        if residence.person_id not in skip:
            _end(residence, until, outcome)


def end_in_rooms(
    session: Session, person_ids: Iterable[int], room_ids: Iterable[int], until: date, outcome: ApplyOutcome
) -> None:
    """搬离: these people leave these rooms on `until`, whichever declaration recorded them
    there (a tenant may be on record from the landlord's declaration and from their own)."""
    query = select(Residence).where(
        Residence.person_id.in_(list(person_ids)),
        Residence.room_id.in_(list(room_ids)),
        active_residence_filter(until),
    )
    for residence in session.scalars(query):
        _end(residence, until, outcome)


def _end(residence: Residence, until: date, outcome: ApplyOutcome) -> None:
    residence.until = max(until, residence.since)
    outcome.residences_ended += 1
