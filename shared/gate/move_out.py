"""已申报搬离: a resident's declared move-out suspends their pass before an officer decides.

A move-out declared on the receipt of an approved residence goes to an officer; meanwhile the
gate refuses the passes of everyone the declaration lists in its room from the declared day on
(`Residence.move_out_declared`: a date today or earlier suspends at once, one ahead from that
day, so nobody is locked out of a home they still live in). The officer's approval ends the
residences (the gate then says the move-out is on record); a rejection clears the mark and the
passes admit again. Only the resident's own declaration suspends: a landlord ending his rental
does not lock his tenants out before an officer has looked.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.crypto import id_blind_index
from shared.models import Person, Residence
from shared.places.plates import active_residence_filter


def suspend_for_move_out(session: Session, payload: Mapping[str, Any], *, move_out: date, today: date) -> int:
    """Mark the current residences of the people a residence payload lists, in its room, as
    moving out on `move_out`; returns how many were marked."""
    residences = _listed(session, payload).where(active_residence_filter(today))
    marked = 0
    for residence in session.scalars(residences):
        residence.move_out_declared = move_out
        marked += 1
    session.flush()
    return marked


def lift_move_out(session: Session, payload: Mapping[str, Any]) -> int:
    """Clear the declared move-out of the people a residence payload lists, in its room (an
    officer decided: approved, it ended the residences; rejected, they live there still)."""
    residences = _listed(session, payload).where(Residence.move_out_declared.is_not(None))
    lifted = 0
    for residence in session.scalars(residences):
        residence.move_out_declared = None
        lifted += 1
    session.flush()
    return lifted


def is_move_out_declared(declared: date | None, today: date) -> bool:
    """Whether a declared move-out suspends the pass today: from the declared day on."""
    return declared is not None and declared <= today


def _listed(session: Session, payload: Mapping[str, Any]) -> Any:
    # People are found by their documents, as the approval recorded them, never by name.
    people = [id_blind_index(p["id_type"], p["id_number"]) for p in (payload["person"], *payload["family"])]
    return (
        select(Residence)
        .join(Person, Residence.person_id == Person.id)
        .where(Person.id_number_index.in_(people), Residence.room_id == int(payload["room_id"]))
    )
