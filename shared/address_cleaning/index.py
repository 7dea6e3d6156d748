"""The town's plates in memory, arranged for `matching`: street names (and former names) by
their character pairs, each street's plates by number, and the village names people write.

Built once from the database (`load_plate_rows`); a retired plate whose record names its
successor stays in the index as a pointer, so an old register's address leads to the plate
that replaced it.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shared.address_cleaning.normalise import compact, normalise
from shared.address_cleaning.numbers import PlateNumber, parse_plate_number
from shared.address_cleaning.similarity import char_grams
from shared.models import DoorPlate, RecordStatus, Street, Village
from shared.models.places import format_address

ALIAS_FACTOR = 0.95  # a former name still identifies the street, but the record is out of date
TOWN_WORDS = ("中国", "广东省", "广东", "东莞市", "东莞", "麻涌镇")
TOWN_NAMES = ("麻涌", "东莞", "广东")
MAX_SUCCESSION = 20  # a retired plate's successor retired in turn: follow the chain this far


class PlateRow(NamedTuple):
    """What the index needs of one plate; a retired one only with its successor."""

    code: str
    number: str
    street_id: int
    street: str
    aliases: list[str] | None
    village_code: str
    village: str
    successor: str | None = None  # set only for a retired plate


@dataclass
class IndexedStreet:
    name: str
    village_code: str
    village_name: str
    plates: dict[PlateNumber, str] = field(default_factory=dict)  # active plates → code
    retired: dict[PlateNumber, str] = field(default_factory=dict)  # retired plates → successor code
    ordered: list[tuple[int, int, str]] = field(default_factory=list)  # (base, sub, code), active


@dataclass(frozen=True)
class StreetHit:
    street: int  # index into PlateIndex.streets
    factor: float
    is_exact: bool = True


class PlateIndex:
    """Streets, names and villages of the town's plates; `AddressMatcher` reads through it."""

    def __init__(self, rows: Iterable[PlateRow]) -> None:
        self.streets: list[IndexedStreet] = []
        self.keys: dict[str, list[StreetHit]] = {}  # street name or former name → streets
        self.addresses: dict[str, tuple[str, str]] = {}  # code → (standard address, village)
        by_id: dict[int, int] = {}
        successors: dict[str, str] = {}
        retired: list[tuple[int, PlateNumber, str]] = []
        self.plate_count = 0
        for code, number, street_id, name, aliases, village_code, village_name, successor in rows:
            parsed = parse_plate_number(number)
            if parsed is None:
                continue  # a plate number that is not a number (none so far) cannot be matched
            index = by_id.get(street_id)
            if index is None:
                index = by_id[street_id] = len(self.streets)
                self.streets.append(IndexedStreet(name, village_code, village_name))
                self._add_key(compact(normalise(name)), index, 1.0)
                for alias in aliases or ():
                    if isinstance(alias, str) and alias.strip():
                        self._add_key(compact(normalise(alias)), index, ALIAS_FACTOR)
            if successor:
                successors[code] = successor
                retired.append((index, parsed, code))
                continue
            self.streets[index].plates[parsed] = code
            self.addresses[code] = (format_address(name, number), village_name)
            self.plate_count += 1
        for index, parsed, code in retired:
            if (current := _last_successor(code, successors, self.addresses)) is not None:
                self.streets[index].retired.setdefault(parsed, current)
        for street in self.streets:
            street.ordered = sorted((n.base, n.sub, code) for n, code in street.plates.items())
        self._build_key_index()
        self._build_village_index({(s.village_code, s.village_name) for s in self.streets})

    def _add_key(self, key: str, street: int, factor: float) -> None:
        if not key:
            return
        hits = self.keys.setdefault(key, [])
        if all(h.street != street for h in hits):
            hits.append(StreetHit(street, factor))

    def _build_key_index(self) -> None:
        self.key_lengths = sorted({len(k) for k in self.keys}, reverse=True)
        postings: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            for gram in char_grams(key):
                postings[gram].append(key)
        total = max(len(self.keys), 1)
        idf = {g: math.log(1 + total / len(keys)) for g, keys in postings.items()}
        # A key's share of its own gram weight that a text covers: short names are not
        # crowded out of the shortlist by long ones that share a common village stem.
        key_weights = {k: sum(idf[g] for g in char_grams(k)) for k in self.keys}
        self.grams = {g: [(k, idf[g] / key_weights[k]) for k in keys] for g, keys in postings.items()}
        # What the edit distance needs of each key, worked out once.
        self.key_facts = {k: (frozenset(k), max(1, len(k) // 3)) for k in self.keys}

    def _build_village_index(self, villages: set[tuple[str, str]]) -> None:
        """Village names as people write them (`麻涌社区(示例)` also as `麻涌社区`), and the words
        to drop before looking for the street. A word that occurs inside some street name is
        left alone, or the street could lose part of its name."""
        forms: dict[str, str] = {}
        for code, name in villages:
            full = compact(normalise(name))
            forms[full] = code
            base = compact(normalise(name.split("(")[0].split("（")[0]))
            forms.setdefault(base, code)
        keys = list(self.keys)
        safe = [f for f in forms if len(f) >= 2 and not any(f in k for k in keys)]
        self.village_forms = sorted(((f, forms[f]) for f in safe), key=lambda item: -len(item[0]))
        self.town_words = [w for w in TOWN_WORDS if not any(w in k for k in keys)]
        # 麻一 for 麻一村, only recognised in front of a street found exactly; 麻涌 is the town.
        stems = {compact(normalise(_village_stem(name))): code for code, name in villages}
        self.village_stems = sorted(
            ((s, c) for s, c in stems.items() if len(s) >= 2 and s not in TOWN_NAMES),
            key=lambda item: -len(item[0]),
        )

    def stems_in(self, text: str) -> set[str]:
        """Villages whose short name (麻一) occurs in the text."""
        return {code for stem, code in self.village_stems if stem in text}


def _village_stem(name: str) -> str:
    """`麻一村` → `麻一`, `麻涌第二社区(示例)` → `麻涌第二`."""
    base = name.split("(")[0].split("（")[0]
    for suffix in ("社区", "村"):
        base = base.removesuffix(suffix)
    return base


def _last_successor(code: str, successors: dict[str, str], active: dict[str, tuple[str, str]]) -> str | None:
    """The active plate at the end of a retired plate's chain of successors, if any."""
    for _ in range(MAX_SUCCESSION):
        code = successors.get(code, "")
        if code in active:
            return code
    return None


def load_plate_rows(session: Session) -> list[PlateRow]:
    """Every active plate, and every retired plate that names its successor."""
    rows = session.execute(
        select(
            DoorPlate.code,
            DoorPlate.number,
            Street.id,
            Street.name,
            Street.aliases,
            Village.code,
            Village.name,
            DoorPlate.successor_code,
            DoorPlate.status,
        )
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .where(
            or_(
                DoorPlate.status == RecordStatus.ACTIVE,
                (DoorPlate.status == RecordStatus.RETIRED) & DoorPlate.successor_code.is_not(None),
            )
        )
        .order_by(DoorPlate.code)
    )
    return [PlateRow(*row[:7], successor=row[7] if row[8] == RecordStatus.RETIRED else None) for row in rows]


def index_fingerprint(session: Session) -> str:
    """Changes whenever a rebuilt matcher would differ: a plate added or retired, a street
    renamed. Lets a long-running app cache its matcher safely."""
    plates = session.execute(
        select(func.count(), func.max(DoorPlate.code), func.max(DoorPlate.created_at)).where(
            DoorPlate.status == RecordStatus.ACTIVE
        )
    ).one()
    digest = hashlib.sha256(repr(tuple(plates)).encode())
    for row in session.execute(
        select(Street.id, Street.name, Street.aliases, Street.village_code).order_by(Street.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
