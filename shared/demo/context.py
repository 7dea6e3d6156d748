"""What every stage of the demo build shares: the random generator, the clock, the ids, the rows.

Rows are plain dicts per table, inserted in bulk at the end; primary keys are assigned here
(counting on from what the database already holds), so foreign keys need no round trip.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from shared.core.codes import VillageRow
from shared.core.crypto import Keyring
from shared.demo.identity import Numbers

Row = dict[str, Any]

# Birth dates count back from this day, not from `today`, so the same seed gives the same
# identity numbers whichever day the demo is built.
BIRTH_ANCHOR = date(2026, 1, 1)

# What each kind of premises is; a plate carries one kind.
HOUSE = "house"  # a villager's self-built house: the family below, rooms let above
RENTAL = "rental"  # a self-built house let room by room (城中村出租屋)
SHOPHOUSE = "shophouse"  # shops on the ground floor, rooms let above
SHOP = "shop"
FACTORY = "factory"  # a plant and its dormitory: two buildings on one plate
WAREHOUSE = "warehouse"  # sometimes with a dormitory
OFFICE = "office"
APARTMENT = "apartment"  # a block of flats


@dataclass(slots=True)
class Site:
    """An active door plate and what stands behind it."""

    code: str
    village: VillageRow
    grid_code: str
    street: str
    number: str
    lon: float | None
    lat: float | None
    premises: str


@dataclass(slots=True)
class RoomSlot:
    """A room people can live in, as the population stage needs it."""

    id: int
    village_code: str
    kind: str  # "home", "rental" or "dorm"
    employer: str  # the factory of a dormitory, else ""


@dataclass
class Build:
    """The state of one demo build."""

    rng: random.Random
    today: date
    numbers: Numbers
    keyring: Keyring
    now: datetime
    next_ids: dict[str, int]
    rows: dict[str, list[Row]] = field(default_factory=dict)

    @classmethod
    def start(cls, *, seed: int, today: date, keyring: Keyring, next_ids: dict[str, int]) -> Build:
        rng = random.Random(seed)
        # A fixed time of day keeps created_at stable for one `today`.
        now = datetime.combine(today, time(8, 0), tzinfo=UTC)
        return cls(rng, today, Numbers(random.Random(rng.random())), keyring, now, dict(next_ids))

    @property
    def anchor(self) -> date:
        """The day ages count back from: BIRTH_ANCHOR, or `today` if that is earlier."""
        return min(self.today, BIRTH_ANCHOR)

    def take_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))
