"""The records a declaration is compared with, read in bulk and kept as plain values.

`Records` answers the rules' questions (is this plate in use, what is this room, who lives in
it, where else does this person live, which other pending declarations name this person in
this room). It reads lazily, one question at a time, when the rules run at submit; `recheck`
calls `prefetch` with a whole batch of declarations first, so a batch costs a handful of
queries whatever its size.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from shared.declarations.inputs import OrganisationInput
from shared.declarations.store import open_payload
from shared.models import RecordStatus
from shared.models.places import format_address
from shared.rules.base import Declared, read_declared
from shared.rules.facts import Occupant, OrganisationFacts, Owner, Residency, RoomFacts
from shared.rules.lookup_queries import (
    OCCUPANTS,
    ORGANISATIONS,
    PENDING_AT_PLATE,
    PLATE_STATUS,
    RESIDENCIES,
    ROOM_FACTS,
)

log = logging.getLogger(__name__)

CHUNK = 500  # ids per IN (...): far below SQLite's and PostgreSQL's parameter limits

K = TypeVar("K")


class Records:
    """The housing and population records as of `today`, cached for one run of the rules."""

    def __init__(self, session: Session, *, today: date) -> None:
        self.session = session
        self.today = today
        self._plates: dict[str, bool | None] = {}
        self._rooms: dict[int, RoomFacts | None] = {}
        self._occupants: dict[int, tuple[Occupant, ...]] = {}
        self._residencies: dict[str, tuple[Residency, ...]] = {}
        self._organisations: dict[str, OrganisationFacts | None] = {}
        self._claims: dict[tuple[int, str], set[int]] = defaultdict(set)
        self._claimed_plates: set[str] = set()

    # -- what the rules ask ----------------------------------------------------------------------

    def plate_is_active(self, code: str) -> bool | None:
        """True or False for a plate in use or retired; None for no such plate."""
        if code not in self._plates:
            self._load_plates([code])
        return self._plates[code]

    def note_plate(self, code: str, *, is_active: bool) -> None:
        """A plate the caller has just read, so the rules need not read it again."""
        self._plates[code] = is_active

    def rooms(self, room_ids: Iterable[int]) -> dict[int, RoomFacts | None]:
        """Several rooms, read together (None for no such room)."""
        wanted = list(dict.fromkeys(room_ids))
        self._load_rooms(wanted)
        return {room_id: self._rooms[room_id] for room_id in wanted}

    def room(self, room_id: int) -> RoomFacts | None:
        if room_id not in self._rooms:
            self._load_rooms([room_id])
        return self._rooms[room_id]

    def occupants(self, room_id: int) -> tuple[Occupant, ...]:
        if room_id not in self._occupants:
            self._load_occupants([room_id])
        return self._occupants[room_id]

    def residencies(self, person_index: str) -> tuple[Residency, ...]:
        if person_index not in self._residencies:
            self._load_residencies([person_index])
        return self._residencies[person_index]

    def organisation(self, uscc: str) -> OrganisationFacts | None:
        if uscc not in self._organisations:
            self._load_organisations([uscc])
        return self._organisations[uscc]

    def claims(self, plate_code: str, room_id: int, person_index: str) -> frozenset[int]:
        """Ids of pending declarations that say this person lives in this room."""
        if plate_code not in self._claimed_plates:
            self._load_claims(plate_code)
        return frozenset(self._claims.get((room_id, person_index), ()))

    # -- reading in bulk -------------------------------------------------------------------------

    def prefetch(self, batch: Sequence[Declared], *, holds_whole_plates: bool = True) -> None:
        """Read what the rules will ask about a batch of declarations in a few queries. With
        `holds_whole_plates` the batch holds every pending declaration of its plates (recheck
        cuts batches at plate boundaries), so its own claims are all the claims of those plates;
        otherwise claims are read per plate when first asked."""
        self._load_plates([d.plate_code for d in batch])
        room_ids = [room_id for d in batch for _, room_id in d.rooms]
        self._load_rooms(room_ids)
        self._load_occupants(room_ids)
        self._load_residencies([s.index for d in batch for s in d.subjects])
        self._load_organisations([d.data.uscc for d in batch if isinstance(d.data, OrganisationInput)])
        if not holds_whole_plates:
            return
        for declared in batch:
            self.add_claims(declared)
        self._claimed_plates.update(d.plate_code for d in batch)

    def add_claims(self, declared: Declared) -> None:
        for subject in declared.subjects:
            if subject.lives_there_on(self.today):
                self._claims[(subject.room_id, subject.index)].add(declared.declaration_id)

    def _load_plates(self, codes: Iterable[str]) -> None:
        for chunk in _missing(self._plates, codes):
            found = dict(self.session.execute(PLATE_STATUS, {"ids": chunk}).all())
            for code in chunk:
                status = found.get(code)
                self._plates[code] = None if status is None else status is RecordStatus.ACTIVE

    def _load_rooms(self, room_ids: Iterable[int]) -> None:
        for chunk in _missing(self._rooms, room_ids):
            rows = self.session.execute(ROOM_FACTS, {"ids": chunk}).all()
            for room_id in chunk:
                self._rooms[room_id] = None
            for row in rows:
                org_people = (
                    frozenset(n.strip() for n in (row.legal_rep or "", row.manager or "") if n.strip())
                    if row.owner_org_id is not None
                    else frozenset()
                )
                self._rooms[row.id] = RoomFacts(
                    id=row.id,
                    number=row.number,
                    is_active=row.status is RecordStatus.ACTIVE,
                    area_m2=row.area_m2,
                    is_rental=row.is_rental,
                    building_id=row.building_id,
                    building_is_active=row.building_status is RecordStatus.ACTIVE,
                    building_use=row.use,
                    plate_code=row.plate_code,
                    owner=Owner(row.owner_index, org_people),
                )

    def _load_occupants(self, room_ids: Iterable[int]) -> None:
        for chunk in _missing(self._occupants, room_ids):
            found: dict[int, list[Occupant]] = defaultdict(list)
            for room_id, index, born in self.session.execute(OCCUPANTS, {"ids": chunk, "today": self.today}):
                found[room_id].append(Occupant(index, born))
            for room_id in chunk:
                self._occupants[room_id] = tuple(found.get(room_id, ()))

    def _load_residencies(self, indexes: Iterable[str]) -> None:
        for chunk in _missing(self._residencies, indexes):
            found: dict[str, list[Residency]] = defaultdict(list)
            for index, room_id, room_number, plate_number, street in self.session.execute(
                RESIDENCIES, {"ids": chunk, "today": self.today}
            ):
                found[index].append(Residency(room_id, format_address(street, plate_number), room_number))
            for index in chunk:
                self._residencies[index] = tuple(found.get(index, ()))

    def _load_organisations(self, usccs: Iterable[str]) -> None:
        for chunk in _missing(self._organisations, usccs):
            found = {
                uscc: OrganisationFacts(name, legal_rep, manager)
                for uscc, name, legal_rep, manager in self.session.execute(ORGANISATIONS, {"ids": chunk})
                if uscc is not None
            }
            for uscc in chunk:
                self._organisations[uscc] = found.get(uscc)

    def _load_claims(self, plate_code: str) -> None:
        """Pending declarations at one plate (a room belongs to one plate, so a duplicate must be
        at the same plate); one that cannot be read is skipped, it gets its own rule_failed."""
        for row in self.session.execute(PENDING_AT_PLATE, {"plate": plate_code}):
            try:
                declared = read_declared(
                    declaration_id=row.id,
                    kind=row.kind,
                    plate_code=plate_code,
                    payload=open_payload(row.payload_enc),
                )
            except Exception:
                log.warning("declaration %s: payload unreadable, left out of duplicates", row.id)
                continue
            self.add_claims(declared)
        self._claimed_plates.add(plate_code)


def _missing(cache: Mapping[K, object], keys: Iterable[K]) -> Iterator[list[K]]:
    """The keys not yet cached, without repeats, in chunks for IN (...)."""
    wanted = [k for k in dict.fromkeys(keys) if k not in cache]
    for start in range(0, len(wanted), CHUNK):
        yield wanted[start : start + CHUNK]
