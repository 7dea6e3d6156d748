"""视频门禁: the gates, which homes a gate admits, and the passage log every check writes.

A passage names its subject only by a pseudonym: a keyed HMAC of the person's record id (or of
a visitor's document index), so a supervisor can see that the same someone passed twice
without anyone reading a name or a number out of the log.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, bindparam, insert, select
from sqlalchemy.orm import Session

from shared.core.crypto import blind_index
from shared.models import Building, DoorPlate, Gate, Passage, PassageResult, Room, Street, Village
from shared.models.places import format_address


class GateReason(enum.StrEnum):
    """Why a gate allowed or refused: stored in `Passage.reason`, shown in plain words."""

    OK = "ok"
    VISITOR_OK = "visitor_ok"
    VISITOR_REGISTERED = "visitor_registered"
    FORGED = "forged"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    MOVED_OUT = "moved_out"
    MOVE_OUT_DECLARED = "move_out_declared"
    REVOKED = "revoked"
    VISA_EXPIRED = "visa_expired"
    OTHER_VILLAGE = "other_village"


REASON_TEXTS: dict[GateReason, tuple[str, str]] = {
    GateReason.OK: ("核验通过，请通行", "Pass accepted: please go ahead"),
    GateReason.VISITOR_OK: ("访客通行码有效，请通行", "Visitor pass accepted: please go ahead"),
    GateReason.VISITOR_REGISTERED: ("访客已登记", "Visitor registered"),
    GateReason.FORGED: (
        "无法识别的通行码：可能已损坏、被篡改或不是本系统签发",
        "Not a valid pass: it may be damaged, altered, or not issued by us",
    ),
    GateReason.EXPIRED: (
        "通行码已过期，请在“我的回执”中领取新的通行码",
        "This pass has expired: get a new one on your receipt page",
    ),
    GateReason.NOT_YET_VALID: ("通行码尚未生效", "This pass is not valid yet"),
    GateReason.MOVED_OUT: (
        "已登记搬离该住址，通行码失效",
        "A move-out from this home is on record: the pass no longer admits",
    ),
    GateReason.MOVE_OUT_DECLARED: (
        "已申报搬离，通行码暂停使用；如未搬离请联系网格员",
        "Move-out declared: this pass is suspended; if you have not moved out, ask the grid officer",
    ),
    GateReason.REVOKED: (
        "通行码已被注销，请联系网格员",
        "This pass was revoked: please ask the grid officer",
    ),
    GateReason.VISA_EXPIRED: (
        "签证或居留许可已到期，通行码失效；续签后请更新登记信息",
        "The visa or residence permit has expired: the pass no longer admits. "
        "Update the registration once it is renewed",
    ),
    GateReason.OTHER_VILLAGE: (
        "该住址不属于本门岗的通行范围",
        "This home is not among those this gate admits",
    ),
}


def reason_text(reason: str, lang: str = "zh") -> str:
    """A stored reason code in plain words; an unknown code is shown as it is."""
    try:
        zh, en = REASON_TEXTS[GateReason(reason)]
    except ValueError:
        return reason
    return en if lang == "en" else zh


@dataclass(frozen=True)
class GateView:
    """A gate as the kiosk keeps it: plain values, safe in a Streamlit session."""

    id: int
    name: str
    village_code: str
    village_name: str
    grid_codes: tuple[str, ...]

    def admits(self, *, village_code: str, grid_code: str | None) -> bool:
        """A gate admits homes of its village; a gate that lists grids only homes in them."""
        if self.grid_codes:
            return grid_code is not None and grid_code in self.grid_codes
        return village_code == self.village_code


@dataclass(frozen=True)
class GateDecision:
    """What the kiosk shows after a scan: allowed or not, why, and only a masked name and the room."""

    allowed: bool
    reason: GateReason
    masked_name: str = ""
    room_label: str = ""
    valid_until: datetime | None = None
    is_visitor: bool = False

    def message(self, lang: str = "zh") -> str:
        return reason_text(self.reason, lang)


@dataclass(frozen=True)
class HomePlace:
    """Where a room lies, as a gate judges it: village, grid, and the label the screen shows."""

    room_id: int
    label: str  # `麻涌大道 12号 B栋 301`
    village_code: str
    grid_code: str | None  # the building's grid, else the plate's


# The columns `place_of` reads, in its order; `join_place` brings their tables in from Room.
PLACE_COLUMNS = (
    Room.id,
    Room.number,
    Building.name,
    Building.grid_code,
    DoorPlate.grid_code,
    DoorPlate.number,
    Street.name,
    Street.village_code,
)


AnySelect = Select[*tuple[Any, ...]]
S = TypeVar("S", bound=AnySelect)


def join_place(statement: S) -> S:
    """Join a statement that has `rooms` in its FROM to the tables of `PLACE_COLUMNS`."""
    return (
        statement.join(Building, Room.building_id == Building.id)
        .join(DoorPlate, Building.plate_code == DoorPlate.code)
        .join(Street, DoorPlate.street_id == Street.id)
    )


def place_of(values: Sequence[Any]) -> HomePlace:
    """The place of a row's trailing `PLACE_COLUMNS` values."""
    room_id, number, building, building_grid, plate_grid, plate_no, street, village = values[-8:]
    label = " ".join(p for p in (format_address(street, plate_no), building, number) if p)
    return HomePlace(room_id, label, village, building_grid or plate_grid)


def room_places(session: Session, room_ids: Sequence[int]) -> dict[int, HomePlace]:
    if not room_ids:
        return {}
    rows = session.execute(join_place(select(*PLACE_COLUMNS)).where(Room.id.in_(list(room_ids))))
    return {place.room_id: place for place in map(place_of, rows)}


# Built once: a kiosk checks a pass every second or so, and composing a statement costs more
# than running it. Parameters are bound per call.
_GATE_COLUMNS = (Gate.id, Gate.name, Gate.village_code, Village.name, Gate.grid_codes)
_GATES = select(*_GATE_COLUMNS).join(Village, Gate.village_code == Village.code)
_GATE_BY_ID = _GATES.where(Gate.id == bindparam("ref"))
_GATE_BY_NAME = _GATES.where(Gate.name == bindparam("ref"))


def list_gates(session: Session) -> list[GateView]:
    """Every gate, by village and name (the kiosk's first-run setup offers them)."""
    rows = session.execute(_GATES.order_by(Gate.village_code, Gate.name))
    return [_view(row) for row in rows]


def find_gate(session: Session, ref: str | int) -> GateView | None:
    """The gate a kiosk's configuration names: its id (`12`) or its name (`麻一村东门`)."""
    text = str(ref).strip()
    if not text:
        return None
    if text.isdigit():
        row = session.execute(_GATE_BY_ID, {"ref": int(text)}).first()
    else:
        row = session.execute(_GATE_BY_NAME, {"ref": text}).first()
    return _view(row) if row else None


def _view(row: Sequence[Any]) -> GateView:
    gate_id, name, village_code, village_name, grid_codes = row
    return GateView(gate_id, name, village_code, village_name, tuple(grid_codes or ()))


def person_pseudonym(person_id: int) -> str:
    """The passage log's name for a resident: stable per person, meaningless without the key."""
    return blind_index(str(person_id), kind="gate-person")


def visitor_pseudonym(id_number_index: str) -> str:
    """The passage log's name for a visitor, by document: two visits of one person match."""
    return blind_index(id_number_index, kind="gate-visitor")


def log_passage(
    session: Session,
    *,
    gate_id: int,
    at: datetime,
    allowed: bool,
    reason: str,
    subject_index: str | None = None,
    visitor_id: int | None = None,
) -> None:
    """Append one check to the passage log, in the caller's transaction (the caller commits).

    A plain INSERT rather than a unit-of-work flush: the log is written on every scan and
    nothing reads the row back in the same transaction."""
    session.execute(
        _INSERT_PASSAGE,
        {
            "gate_id": gate_id,
            "at": at,
            "subject_index": subject_index,
            "visitor_id": visitor_id,
            "result": PassageResult.ALLOWED if allowed else PassageResult.DENIED,
            "reason": reason,
        },
    )


_INSERT_PASSAGE = insert(cast(Table, Passage.__table__))  # Core: no ORM bookkeeping per scan
