"""Which facility on record a row or an edit means, and bringing it in line.

A facility is identified by its group, subtype, name and position (its plate, or its point to
within about a metre); the upload and the edit form (shared.facilities.records) both match
facilities this way. Plates and facilities are read a whole file's worth at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.core.audit import record_audit
from shared.facilities.rows import FacilityInput, PlateInfo, is_plate_code_like, normalise_plate_code
from shared.models import DoorPlate, Facility, RecordStatus

# Two points this close (degrees, about a metre) are the same place: the same facility sent
# again, maybe through a spreadsheet that printed its coordinates with fewer digits.
SAME_PLACE_DEGREES = 1.5e-5
_CHUNK = 500  # values per IN (…) query


class PlateCache:
    """Plates rows point at, each read once (a whole file's in a few queries)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.found: dict[str, PlateInfo | None] = {}

    def preload(self, texts: Iterable[str]) -> None:
        wanted = {code for text in texts if (code := normalise_plate_code(text)) and is_plate_code_like(code)}
        codes = sorted(wanted - set(self.found))
        for start in range(0, len(codes), _CHUNK):
            chunk = codes[start : start + _CHUNK]
            self.found.update(dict.fromkeys(chunk))
            for plate in self.session.scalars(select(DoorPlate).where(DoorPlate.code.in_(chunk))):
                self.found[plate.code] = _plate_info(plate)

    def get(self, code: str) -> PlateInfo | None:
        if code not in self.found:
            plate = self.session.get(DoorPlate, code)
            self.found[code] = _plate_info(plate) if plate else None
        return self.found[code]


def _plate_info(plate: DoorPlate) -> PlateInfo:
    return PlateInfo(plate.code, plate.status, plate.successor_code, plate.lon, plate.lat, plate.grid_code)


@dataclass
class _Entry:
    facility: Facility
    line: int | None  # the line of this upload that named it; None: not (yet) in this file


class KnownFacilities:
    """Facilities on record with the names a file uses, plus those this file adds."""

    def __init__(self, session: Session, names: Iterable[str]) -> None:
        self.by_key: dict[tuple[str, str, str], list[_Entry]] = {}
        wanted = sorted(names)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for facility in session.scalars(
                select(Facility).where(Facility.name.in_(chunk)).order_by(Facility.id)
            ):
                self.add(facility, None)

    def add(self, facility: Facility, line: int | None) -> None:
        key = (facility.category, facility.subtype, facility.name)
        self.by_key.setdefault(key, []).append(_Entry(facility, line))

    def find(self, wanted: FacilityInput, *, excluding: int | None = None) -> _Entry | None:
        """The facility `wanted` is, if known (see `_preference` when several are)."""
        entries = [
            e
            for e in self.by_key.get((wanted.category, wanted.subtype, wanted.name), [])
            if _is_same_facility(e.facility, wanted) and (excluding is None or e.facility.id != excluding)
        ]
        entries.sort(key=_preference)
        return entries[0] if entries else None


def _preference(entry: _Entry) -> tuple[int, int]:
    """An active facility no earlier row of this file claimed, then one a row claimed (the row
    repeats that one), then a retired one; newest first. Twins already on record so take one
    row each, and a file sent again matches them all."""
    if entry.facility.status is not RecordStatus.ACTIVE:
        return 2, -(entry.facility.id or 0)
    return (0 if entry.line is None else 1), -(entry.facility.id or 0)


def _is_same_facility(facility: Facility, wanted: FacilityInput) -> bool:
    """Same plate, or (neither on a plate) the same point to within SAME_PLACE_DEGREES."""
    if wanted.plate_code is not None or facility.plate_code is not None:
        return facility.plate_code == wanted.plate_code
    if None in (facility.lon, facility.lat, wanted.lon, wanted.lat):
        return False
    assert facility.lon is not None and facility.lat is not None
    assert wanted.lon is not None and wanted.lat is not None
    return (
        abs(facility.lon - wanted.lon) <= SAME_PLACE_DEGREES
        and abs(facility.lat - wanted.lat) <= SAME_PLACE_DEGREES
    )


def apply_values(facility: Facility, values: FacilityInput, *, keep_position: bool = True) -> dict[str, Any]:
    """Bring a matched facility in line with the upload; `{field: (before, after)}` of what changed.

    A facility found by its point keeps its stored point (the upload's is the same to within a
    metre). One found by its plate takes a point the upload gives, which may have been refined;
    a row without one leaves the stored point (maybe placed by an officer) alone, and only a
    facility without any point takes the plate's.
    """
    fields = ["department", "phone", "grid_code"]
    takes_point = facility.plate_code is not None and (values.position_given or facility.lon is None)
    if not keep_position or takes_point:
        fields += ["lon", "lat"]
    if not keep_position:
        fields += ["category", "subtype", "name", "plate_code"]
    changes: dict[str, Any] = {}
    for name in fields:
        before, after = getattr(facility, name), getattr(values, name)
        if before != after:
            changes[name] = (before, after)
            setattr(facility, name, after)
    return changes


def audit_update(
    session: Session,
    facility: Facility,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    actor: str,
    now: datetime,
    source: str | None = None,
) -> None:
    detail: dict[str, Any] = {
        "before": {k: before for k, (before, _) in changes.items()},
        "after": {k: after for k, (_, after) in changes.items()},
    }
    if source is not None:
        detail["source"] = source
    record_audit(
        session, actor=actor, action="facility.update", target_type="facility", target_id=facility.id,
        detail=detail, at=now,
    )  # fmt: skip
