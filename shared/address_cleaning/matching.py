"""地址清洗: matching legacy free-text addresses to standard door plates.

`build_matcher(session)` reads every active plate of the town once into memory (street names
and former names, numbers, villages); `matcher.match(text)` then answers without touching
the database, so a file of 100,000 registration addresses is a matter of seconds.

How a text is read: the door number is found first (`address_normalise`); the text before it
must end with a street name. An exact name is looked up by the text's endings; failing that,
streets sharing character pairs with it are compared by edit distance, free to start anywhere
(town and village words in front cost nothing) but required to end where the number starts
(stray characters between street and number count as edits). A village named anywhere in the
text favours that village's streets: several villages have a 麻涌大道 of their own.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.address_cleaning.normalise import (
    AddressParts,
    PlateNumber,
    compact,
    normalise,
    parse_plate_number,
    read_address,
)
from shared.address_cleaning.similarity import char_grams, edits_to_ending
from shared.models import DoorPlate, RecordStatus, Street, Village
from shared.models.places import format_address

# Score factors (multiplied): street, then number, then village.
ALIAS_FACTOR = 0.95  # a former name still identifies the street, but the record is out of date
OTHER_READING_FACTOR = 0.95  # the text read another way (see address_normalise.read_address)
TYPO_WEIGHT = 0.6  # × edits / length: one slip in 麻涌大道 gives 0.85
SUB_NUMBER_FACTOR = 0.6  # 12 for 12之一, or the other way round: the house next door
NEAR_NUMBER_FACTOR = 0.4  # the street is right, the number is not on it
VILLAGE_MISMATCH_FACTOR = 0.7
REVIEW_BELOW = 0.75  # a person looks at anything scoring less
CLOSE_GAP = 0.08  # ... or when the runner-up is this close
NEXT_CANDIDATES = 5
MAX_FUZZY_KEYS = 30  # streets compared by edit distance, after the character-pair sieve
TOWN_WORDS = ("中国", "广东省", "广东", "东莞市", "东莞", "麻涌镇")
TOWN_NAMES = ("麻涌", "东莞", "广东")


@dataclass(frozen=True)
class Candidate:
    """A standard plate a text may mean, with a score from 0 (nothing alike) to 1 (exact)."""

    plate_code: str
    address: str
    village: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The best plate (None when nothing fits), the next ones, and whether a person must look."""

    best: Candidate | None
    candidates: list[Candidate] = field(default_factory=list)
    needs_review: bool = True


NO_MATCH = MatchResult(None, [], True)


class PlateRow(NamedTuple):
    """What the index needs of one active plate."""

    code: str
    number: str
    street_id: int
    street: str
    aliases: list[str] | None
    village_code: str
    village: str


@dataclass
class _Street:
    name: str
    village_code: str
    village_name: str
    plates: dict[PlateNumber, tuple[str, str]] = field(default_factory=dict)  # → (code, number)
    ordered: list[tuple[int, int, str, str]] = field(default_factory=list)  # (base, sub, code, number)


@dataclass(frozen=True)
class _StreetHit:
    street: int  # index into AddressMatcher.streets
    factor: float


class AddressMatcher:
    """An in-memory index of the town's active plates; build with `build_matcher`, reuse freely."""

    def __init__(self, rows: Iterable[PlateRow]) -> None:
        self.streets: list[_Street] = []
        self.keys: dict[str, list[_StreetHit]] = {}  # street name or former name → streets
        by_id: dict[int, int] = {}
        self.plate_count = 0
        for code, number, street_id, name, aliases, village_code, village_name in rows:
            parsed = parse_plate_number(number)
            if parsed is None:
                continue  # a plate number that is not a number (none so far) cannot be matched
            index = by_id.get(street_id)
            if index is None:
                index = by_id[street_id] = len(self.streets)
                self.streets.append(_Street(name, village_code, village_name))
                self._add_key(compact(normalise(name)), index, 1.0)
                for alias in aliases or ():
                    if isinstance(alias, str) and alias.strip():
                        self._add_key(compact(normalise(alias)), index, ALIAS_FACTOR)
            self.streets[index].plates[parsed] = (code, number)
            self.plate_count += 1
        for street in self.streets:
            street.ordered = sorted((n.base, n.sub, code, num) for n, (code, num) in street.plates.items())
        self._build_key_index()
        self._build_village_index({(s.village_code, s.village_name) for s in self.streets})

    # -- index ---------------------------------------------------------------------------------

    def _add_key(self, key: str, street: int, factor: float) -> None:
        if not key:
            return
        hits = self.keys.setdefault(key, [])
        if all(h.street != street for h in hits):
            hits.append(_StreetHit(street, factor))

    def _build_key_index(self) -> None:
        self.key_lengths = sorted({len(k) for k in self.keys}, reverse=True)
        postings: dict[str, list[str]] = defaultdict(list)
        for key in self.keys:
            for gram in char_grams(key):
                postings[gram].append(key)
        total = max(len(self.keys), 1)
        self.grams = {g: (keys, math.log(1 + total / len(keys))) for g, keys in postings.items()}
        # A key's share of its own gram weight that a text covers: short names are not
        # crowded out of the shortlist by long ones that share a common village stem.
        self.key_weights = {k: sum(self.grams[g][1] for g in char_grams(k)) for k in self.keys}

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

    # -- matching ------------------------------------------------------------------------------

    def match(self, text: object) -> MatchResult:
        """The best standard plate for a free-text address, the next candidates, and whether a
        person should check. Any input is accepted: empty, huge or garbage text gets no best."""
        if not isinstance(text, str) or not text.strip():
            return NO_MATCH
        found = NO_MATCH
        for index, parts in enumerate(read_address(normalise(text))):
            result = self._match_reading(parts, 1.0 if index == 0 else OTHER_READING_FACTOR)
            if result.best is not None and (found.best is None or result.best.score > found.best.score):
                found = result
            if found.best is not None and found.best.score == 1.0:
                break  # the plain reading matched exactly: the others cannot do better
        return found

    def _match_reading(self, parts: AddressParts, reading_factor: float) -> MatchResult:
        if parts.number is None or not parts.head:
            return NO_MATCH
        villages, head, head_with_villages = self._villages_and_street_text(parts.head, parts.tail)
        hits, villages = self._street_hits(head, head_with_villages, villages)
        if not hits:
            return NO_MATCH
        scores: dict[str, tuple[float, _Street, str]] = {}
        for hit in hits:
            street = self.streets[hit.street]
            is_village_ok = not villages or street.village_code in villages
            village_factor = 1.0 if is_village_ok else VILLAGE_MISMATCH_FACTOR
            for code, number, number_factor in _plates_for(street, parts.number):
                score = round(reading_factor * hit.factor * number_factor * village_factor, 4)
                if code not in scores or scores[code][0] < score:
                    scores[code] = (score, street, number)
        ranked = sorted(scores.items(), key=lambda item: (-item[1][0], item[0]))
        candidates = [
            Candidate(code, format_address(street.name, number), street.village_name, score)
            for code, (score, street, number) in ranked[: NEXT_CANDIDATES + 1]
        ]
        best, rest = candidates[0], candidates[1:]
        is_close = bool(rest) and best.score - rest[0].score < CLOSE_GAP
        return MatchResult(best, rest, best.score < REVIEW_BELOW or is_close)

    def _villages_and_street_text(self, head: str, tail: str) -> tuple[set[str], str, str]:
        """Villages named anywhere in the text; the head without town words, and without town
        and village words (the street is looked for in the latter, the former is a fallback for
        a slip that made a village's name: 麻一村路 for 麻一新村路)."""
        for word in self.town_words:
            head = head.replace(word, "")
        villages: set[str] = set()
        street_text = head
        for form, code in self.village_forms:
            if form in street_text:
                villages.add(code)
                street_text = street_text.replace(form, "")
            if form in tail:
                villages.add(code)
                tail = tail.replace(form, "")
        return villages, street_text[-60:], head[-60:]

    def _street_hits(
        self, head: str, head_with_villages: str, villages: set[str]
    ) -> tuple[list[_StreetHit], set[str]]:
        """Streets the head ends with, exactly when possible, else within a few edits; and the
        villages named, now including a short name (麻一) in front of an exact street."""
        for length in self.key_lengths:
            if length <= len(head) and (hits := self.keys.get(head[-length:])):
                before = head[:-length]
                villages = villages | self._stems_in(before)
                if not villages or any(self.streets[h.street].village_code in villages for h in hits):
                    return hits, villages
                # The name exists, but not in the village the text names: maybe a slip of the
                # pen made another street's name; let the near names of that village compete.
                return hits + self._fuzzy_hits(head)[0], villages
        hits, length = self._fuzzy_hits(head)
        if head_with_villages != head:
            hits += self._fuzzy_hits(head_with_villages)[0]
        # The street, written with one slip, starts no earlier than this.
        return hits, villages | self._stems_in(head[: len(head) - length + 1]) if hits else villages

    def _stems_in(self, text: str) -> set[str]:
        return {code for stem, code in self.village_stems if stem in text}

    def _fuzzy_hits(self, head: str) -> tuple[list[_StreetHit], int]:
        """Streets within a few edits of the head's ending, and the length of the closest name."""
        window = head[-(self.key_lengths[0] + 2) :] if self.key_lengths else ""
        weights: dict[str, float] = defaultdict(float)
        for gram in char_grams(window) if window else ():
            entry = self.grams.get(gram)
            if entry is not None:
                for key in entry[0]:
                    weights[key] += entry[1] / self.key_weights[key]
        shortlist = heapq.nsmallest(MAX_FUZZY_KEYS, weights, key=lambda k: (-weights[k], k))
        hits: list[_StreetHit] = []
        closest = (len(head) + 1, 0)  # (edits, name length)
        present = set(window)
        for key in shortlist:
            limit = max(1, len(key) // 3)
            if sum(char not in present for char in key) > limit:
                continue  # each character the text lacks is at least one edit
            edits = edits_to_ending(key, head[-(len(key) + 2) :], limit=limit)
            if edits > limit:
                continue
            closest = min(closest, (edits, len(key)))
            factor = 1 - TYPO_WEIGHT * edits / len(key)
            hits.extend(_StreetHit(h.street, h.factor * factor) for h in self.keys[key])
        return hits, closest[1]


def _village_stem(name: str) -> str:
    """`麻一村` → `麻一`, `麻涌第二社区(示例)` → `麻涌第二`."""
    base = name.split("(")[0].split("（")[0]
    for suffix in ("社区", "村"):
        base = base.removesuffix(suffix)
    return base


def _plates_for(street: _Street, wanted: PlateNumber) -> list[tuple[str, str, float]]:
    """(code, number, factor) of the street's plates worth showing for a wanted number."""
    exact = street.plates.get(wanted)
    found = [(exact[0], exact[1], 1.0)] if exact is not None else []
    start = bisect.bisect_left(street.ordered, (wanted.base, -1, "", ""))
    same_base = []
    for base, sub, code, number in street.ordered[start:]:
        if base != wanted.base:
            break
        if sub != wanted.sub:
            same_base.append((code, number, SUB_NUMBER_FACTOR))
    found.extend(same_base)
    if found:
        return found
    # Neither the number nor a sibling: offer the nearest numbers on the street, closest first.
    near = street.ordered[max(0, start - 1) : start + 1]
    return [
        (code, number, NEAR_NUMBER_FACTOR - 0.01 * min(abs(base - wanted.base), 10))
        for base, _sub, code, number in near
    ]


def build_matcher(session: Session) -> AddressMatcher:
    """The town's active plates as an AddressMatcher; reads the database once."""
    rows = session.execute(
        select(
            DoorPlate.code,
            DoorPlate.number,
            Street.id,
            Street.name,
            Street.aliases,
            Village.code,
            Village.name,
        )
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .where(DoorPlate.status == RecordStatus.ACTIVE)
        .order_by(DoorPlate.code)
    )
    return AddressMatcher(PlateRow(*row) for row in rows)


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
