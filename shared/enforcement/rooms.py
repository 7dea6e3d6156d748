"""未按规定报送的出租屋: let rooms in the housing records that no landlord has reported for N
days while people show there — gate passages of someone who lives (or lived) in the room,
visitors registered to it, tenants who declared themselves and were never confirmed.

A room counts as reported on the day its landlord declared it (a rental declaration naming it)
or confirmed a tenant's own declaration in it (房东确认). A tenant's own declaration is not the
landlord's report: it is one of the signs. Every figure is one grouped query over the town.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from shared.core.clock import CHINA_TZ, local_today
from shared.core.errors import DomainError
from shared.declarations.store import EventAction, open_payload
from shared.gate.gates import PLACE_COLUMNS, join_place, person_pseudonym, place_of
from shared.models import (
    Building,
    DeclarantRole,
    Declaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    Passage,
    RecordStatus,
    Residence,
    Room,
    Village,
    Visitor,
)

DEFAULT_DAYS = 90
MAX_DAYS = 3650
ENV_DAYS = "MENPAI_UNREPORTED_DAYS"
# A withdrawn or rejected declaration reported nothing.
CLOSED = (DeclarationStatus.WITHDRAWN, DeclarationStatus.REJECTED)


@dataclass(frozen=True, order=True)
class LandlordKey:
    """Who answers for a let room: the building's owner in the records, a person or an
    organisation; with no owner on record, the building itself stands in for him."""

    kind: str  # "person" | "org" | "building"
    id: int

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, ref: str) -> LandlordKey:
        kind, _, number = ref.partition(":")
        if kind not in ("person", "org", "building") or not number.isdigit():
            raise ValueError(f"not a landlord reference: {ref!r}")
        return cls(kind, int(number))


@dataclass(frozen=True)
class LetRoom:
    """A room as the work list shows it: where it is and whose it is."""

    room_id: int
    label: str  # `麻涌大道 12号 B栋 301`
    village_code: str
    village_name: str
    grid_code: str | None
    landlord: LandlordKey
    is_rental: bool


@dataclass(frozen=True)
class UnreportedRoom:
    """A let room with no landlord report for `days_unreported` days (None: never) and signs of
    people within the period."""

    room: LetRoom
    last_reported: date | None
    days_unreported: int | None
    passages: int
    visitors: int
    unconfirmed: int
    last_seen: datetime | None


def default_days(environ: Mapping[str, str] | None = None) -> int:
    """The period of the list: `MENPAI_UNREPORTED_DAYS` or 90; a bad value is refused by name."""
    raw = (os.environ if environ is None else environ).get(ENV_DAYS, "").strip()
    if not raw:
        return DEFAULT_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise DomainError(
            f"环境变量 {ENV_DAYS} 的值 {raw!r} 无效（应为 1 至 {MAX_DAYS} 的整数）",
            f"Environment variable {ENV_DAYS}: {raw!r} is not a whole number from 1 to {MAX_DAYS}",
        )
    return int(raw)


def start_of_day(day: date) -> datetime:
    """Midnight in China of `day`, as the aware datetime stored times compare with."""
    return datetime.combine(day, time(), CHINA_TZ)


def let_rooms(
    session: Session, *, village: str | None = None, room_ids: Iterable[int] | None = None
) -> dict[int, LetRoom]:
    """The active let rooms of active buildings (of `village`), or the rooms `room_ids` whether
    let or not, with their place and their landlord."""
    statement = join_place(
        select(Building.id, Building.owner_person_id, Building.owner_org_id, Room.is_rental, *PLACE_COLUMNS)
    ).where(Room.status == RecordStatus.ACTIVE, Building.status == RecordStatus.ACTIVE)
    if room_ids is None:
        statement = statement.where(Room.is_rental.is_(True))
    else:
        statement = statement.where(Room.id.in_(sorted(set(room_ids))))
    if village is not None:
        statement = statement.where(PLACE_COLUMNS[-1] == village)
    villages = dict(session.execute(select(Village.code, Village.name)).all())
    rooms: dict[int, LetRoom] = {}
    for row in session.execute(statement):
        values: tuple[Any, ...] = tuple(row)
        building_id, person_id, org_id, is_rental = values[:4]
        place = place_of(values)
        landlord = (
            LandlordKey("person", person_id)
            if person_id is not None
            else LandlordKey("org", org_id)
            if org_id is not None
            else LandlordKey("building", building_id)
        )
        rooms[place.room_id] = LetRoom(
            place.room_id, place.label, place.village_code, villages.get(place.village_code, ""),
            place.grid_code, landlord, bool(is_rental),
        )  # fmt: skip
    return rooms


def unreported_rentals(
    session: Session,
    *,
    today: date,
    days: int = DEFAULT_DAYS,
    village: str | None = None,
    rooms: Mapping[int, LetRoom] | None = None,
) -> list[UnreportedRoom]:
    """Let rooms not reported for `days` days (or never) with signs of people in those days,
    longest unreported first. `rooms`: the let rooms (of `village`), when the caller has them."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(f"天数应为 1 至 {MAX_DAYS}", f"Days: from 1 to {MAX_DAYS}", field="days")
    if rooms is None:
        rooms = let_rooms(session, village=village)
    cutoff = today - timedelta(days=days)
    since = start_of_day(cutoff + timedelta(days=1))
    reported = last_reported(session, since=since)
    overdue = {i for i in rooms if (d := reported.get(i)) is None or d <= cutoff}
    passages = _resident_passages(session, since=since, rooms=overdue)
    visitors, visitor_passages = _visitors(session, since=since)
    unconfirmed = unconfirmed_tenants(session)
    listed: list[UnreportedRoom] = []
    for room_id in overdue:
        count, seen = passages.get(room_id, (0, None))
        more, seen_visitor = visitor_passages.get(room_id, (0, None))
        signs = (count + more, visitors.get(room_id, 0), unconfirmed.get(room_id, 0))
        if not any(signs):
            continue
        last = reported.get(room_id)
        latest = max((s for s in (seen, seen_visitor) if s is not None), default=None)
        days_since = (today - last).days if last else None
        listed.append(UnreportedRoom(rooms[room_id], last, days_since, *signs, latest))
    listed.sort(key=lambda r: (r.last_reported or date.min, r.room.label))
    return listed


def last_reported(session: Session, *, since: datetime) -> dict[int, date]:
    """The day (in China) each room was last reported by its landlord."""
    open_rental = (Declaration.kind == DeclarationKind.RENTAL, Declaration.status.not_in(CLOSED))
    one_room = select(Declaration.room_id.label("room_id"), Declaration.created_at.label("at")).where(
        *open_rental, Declaration.room_id.is_not(None)
    )
    # An approved rental of several rooms names them in the residences it wrote.
    approved = (
        select(Residence.room_id, Declaration.created_at)
        .join(Declaration, Residence.declaration_id == Declaration.id)
        .where(*open_rental)
    )
    confirmed = (
        select(Declaration.room_id, DeclarationEvent.at)
        .join(Declaration, DeclarationEvent.declaration_id == Declaration.id)
        .where(DeclarationEvent.action == EventAction.LANDLORD_CONFIRMED, Declaration.room_id.is_not(None))
    )
    every = union_all(one_room, approved, confirmed).subquery()
    grouped = select(every.c.room_id, func.max(every.c.at)).group_by(every.c.room_id)
    latest: dict[int, datetime] = dict(session.execute(grouped).all())
    # A rental of several rooms not approved yet names them only in its sealed payload: opened
    # for the period's declarations alone (older ones are past the cutoff whatever they name).
    recent = session.execute(
        select(Declaration.payload_enc, Declaration.created_at).where(
            *open_rental, Declaration.room_id.is_(None), Declaration.created_at >= since
        )
    )
    for sealed, at in recent:
        for room_id in _rooms_named(open_payload(sealed)):
            if room_id not in latest or latest[room_id] < at:
                latest[room_id] = at
    return {room_id: local_today(at) for room_id, at in latest.items() if room_id is not None}


def unconfirmed_tenants(session: Session) -> dict[int, int]:
    """Per room, the open declarations tenants made themselves that no landlord confirmed."""
    confirmed = select(DeclarationEvent.declaration_id).where(
        DeclarationEvent.action == EventAction.LANDLORD_CONFIRMED
    )
    rows = session.execute(
        select(Declaration.room_id, func.count(Declaration.id))
        .where(
            Declaration.kind == DeclarationKind.RESIDENCE,
            Declaration.declarant_role == DeclarantRole.TENANT,
            Declaration.status.not_in(CLOSED),
            Declaration.room_id.is_not(None),
            Declaration.id.not_in(confirmed),
        )
        .group_by(Declaration.room_id)
    )
    return {room_id: count for room_id, count in rows if room_id is not None}


def _rooms_named(payload: Mapping[str, Any]) -> set[int]:
    named = {int(r) for r in payload.get("room_ids", ())}
    return named | {int(t["room_id"]) for t in payload.get("tenants", ()) if t.get("room_id") is not None}


def _resident_passages(
    session: Session, *, since: datetime, rooms: set[int]
) -> dict[int, tuple[int, datetime | None]]:
    """Passages of residents since `since`, by the room each lives in. The log names people by
    a keyed pseudonym, so it is grouped by pseudonym and matched to the pseudonyms of the
    people who live (or, lacking a current home, last lived) in a let room."""
    by_subject = {
        subject: (count, last)
        for subject, count, last in session.execute(
            select(Passage.subject_index, func.count(Passage.id), func.max(Passage.at))
            .where(Passage.at >= since, Passage.visitor_id.is_(None), Passage.subject_index.is_not(None))
            .group_by(Passage.subject_index)
        )
    }
    if not by_subject or not rooms:
        return {}
    in_let_rooms = select(Residence.person_id).join(Room, Residence.room_id == Room.id).where(Room.is_rental)
    home: dict[int, tuple[tuple[bool, date, date], int]] = {}
    for person_id, room_id, started, ended in session.execute(
        select(Residence.person_id, Residence.room_id, Residence.since, Residence.until).where(
            Residence.person_id.in_(in_let_rooms)
        )
    ):
        rank = (ended is None, ended or date.max, started)  # a current home first, then the latest
        if person_id not in home or home[person_id][0] < rank:
            home[person_id] = (rank, room_id)
    counts: dict[int, tuple[int, datetime | None]] = {}
    for person_id, (_, room_id) in home.items():
        if room_id not in rooms:
            continue
        found = by_subject.get(person_pseudonym(person_id))
        if found is None:
            continue
        count, last = counts.get(room_id, (0, None))
        counts[room_id] = (count + found[0], max(last, found[1]) if last else found[1])
    return counts


def _visitors(
    session: Session, *, since: datetime
) -> tuple[dict[int, int], dict[int, tuple[int, datetime | None]]]:
    """Per host room: visitors registered since `since`, and their passages since then."""
    registered = session.execute(
        select(Visitor.host_room_id, func.count(Visitor.id))
        .where(Visitor.created_at >= since, Visitor.host_room_id.is_not(None))
        .group_by(Visitor.host_room_id)
    )
    passed = session.execute(
        select(Visitor.host_room_id, func.count(Passage.id), func.max(Passage.at))
        .join(Visitor, Passage.visitor_id == Visitor.id)
        .where(Passage.at >= since, Visitor.host_room_id.is_not(None))
        .group_by(Visitor.host_room_id)
    )
    return (
        {room: count for room, count in registered if room is not None},
        {room: (count, last) for room, count, last in passed if room is not None},
    )
