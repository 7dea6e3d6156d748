"""Ratings of rentals in bulk, as plain values: per building, per plate (the map) and counts
per village (the dashboard). A rental is an active building with a let room, or any building
an officer has inspected."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from shared.inspections.checklist import OpenItem, Rating, rate, worst
from shared.models import (
    Building,
    DoorPlate,
    Inspection,
    RecordStatus,
    Rectification,
    RectificationStatus,
    Room,
    Street,
)


def _filter(column: InstrumentedAttribute[int], ids: Collection[int] | None) -> ColumnElement[bool]:
    return true() if ids is None else column.in_(list(ids))


def building_ratings(
    session: Session, *, today: date, building_ids: Collection[int] | None = None
) -> dict[int, Rating]:
    """Rating of each rental (all of them, or those of `building_ids`)."""
    let = select(Room.building_id).where(Room.is_rental.is_(True), Room.status == RecordStatus.ACTIVE)
    inspected = set(
        session.scalars(select(Inspection.building_id).where(_filter(Inspection.building_id, building_ids)))
    )
    rentals = set(
        session.scalars(
            select(Building.id).where(
                Building.status == RecordStatus.ACTIVE,
                Building.id.in_(let),
                _filter(Building.id, building_ids),
            )
        )
    )
    open_items: dict[int, list[OpenItem]] = defaultdict(list)
    rows = session.execute(
        select(
            Rectification.building_id, Rectification.item_code, Rectification.status, Rectification.due_on
        ).where(
            Rectification.status != RectificationStatus.CLOSED,
            _filter(Rectification.building_id, building_ids),
        )
    )
    for building_id, code, status, due_on in rows:
        open_items[building_id].append(OpenItem(code, status, due_on))
    return {
        building_id: rate(inspected=building_id in inspected, open_items=open_items[building_id], today=today)
        for building_id in rentals | inspected
    }


def plate_ratings(
    session: Session, *, today: date, plate_codes: Collection[str] | None = None
) -> dict[str, Rating]:
    """The rating of each plate with a rental: its worst rental (for the map)."""
    query = select(Building.id, Building.plate_code)
    if plate_codes is not None:
        query = query.where(Building.plate_code.in_(list(plate_codes)))
    plate_of: dict[int, str] = {b: p for b, p in session.execute(query)}
    by_plate: dict[str, list[Rating]] = defaultdict(list)
    ids = None if plate_codes is None else list(plate_of)
    for building_id, rating in building_ratings(session, today=today, building_ids=ids).items():
        by_plate[plate_of[building_id]].append(rating)
    return {plate: worst(ratings) for plate, ratings in by_plate.items()}


def village_rating_counts(session: Session, *, today: date) -> dict[str, dict[Rating, int]]:
    """Village code → number of rentals in each rating (every rating present, zeros included)."""
    rows = session.execute(
        select(Building.id, Street.village_code)
        .join(DoorPlate, DoorPlate.code == Building.plate_code)
        .join(Street, Street.id == DoorPlate.street_id)
    )
    village_of: dict[int, str] = {b: v for b, v in rows}
    counts: dict[str, dict[Rating, int]] = {}
    for building_id, rating in building_ratings(session, today=today).items():
        village = counts.setdefault(village_of[building_id], dict.fromkeys(Rating, 0))
        village[rating] += 1
    return counts
