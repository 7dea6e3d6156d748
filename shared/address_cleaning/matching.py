"""地址清洗: matching legacy free-text addresses to standard door plates.

`build_matcher(session)` reads the town's plates once into memory (`index`); `matcher.match(text)`
then answers without touching the database, so a file of 100,000 registration addresses is a
matter of seconds.

How a text is read: the door number is found first (`numbers`); the text before it must end
with a street name. An exact name is looked up by the text's endings; failing that, streets
sharing character pairs with it are compared by edit distance (a swap of neighbours is one
edit), free to start anywhere (town and village words in front cost nothing) but required to
end where the number starts. A village named anywhere in the text favours that village's
streets: several villages have a 麻涌大道 of their own.

A result is handed back without review only when the plate carries the very number the text
reads: a plate next door, or a number found by guessing where a lane's name ends, is for a
person to confirm.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from shared.address_cleaning.index import (
    IndexedStreet,
    PlateIndex,
    PlateRow,
    StreetHit,
    index_fingerprint,
    load_plate_rows,
)
from shared.address_cleaning.normalise import normalise
from shared.address_cleaning.numbers import AddressParts, PlateNumber, read_address
from shared.address_cleaning.similarity import edits_to_ending, query_grams

__all__ = ["AddressMatcher", "Candidate", "MatchResult", "PlateRow", "build_matcher", "index_fingerprint"]

# Score factors (multiplied): reading, street, number, village.
SHIFTED_READING_FACTOR = 0.95  # numerals read as the end of a lane's name (see numbers.read_address)
TYPO_WEIGHT = 0.6  # × edits / length: one slip in 麻涌大道 gives 0.85
RETIRED_FACTOR = 0.98  # the old plate's record names its successor: as good as the plate itself
SUB_NUMBER_FACTOR = 0.6  # 12 for 12之一, or the other way round: the house next door
NEAR_NUMBER_FACTOR = 0.4  # the street is right, the number is not on it
VILLAGE_MISMATCH_FACTOR = 0.7
REVIEW_BELOW = 0.75  # a person looks at anything scoring less
CLOSE_GAP = 0.08  # ... or when the runner-up is this close
NEXT_CANDIDATES = 5
MAX_FUZZY_KEYS = 30  # streets compared by edit distance, after the character-pair sieve
MAX_MEMO = 50_000  # street texts whose near names are remembered


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


@dataclass(frozen=True)
class _Scored:
    score: float
    is_sure: bool  # the plate carries the number read, on a street that reading supports


class AddressMatcher(PlateIndex):
    """An in-memory index of the town's plates; build with `build_matcher`, reuse freely."""

    def __init__(self, rows: Iterable[PlateRow]) -> None:
        super().__init__(rows)
        self._fuzzy_memo: dict[str, tuple[tuple[StreetHit, ...], int]] = {}

    def match(self, text: object) -> MatchResult:
        """The best standard plate for a free-text address, the next candidates, and whether a
        person should check. Any input is accepted: empty, huge or garbage text gets no best."""
        if not isinstance(text, str) or not text.strip():
            return NO_MATCH
        found = NO_MATCH
        for parts in read_address(normalise(text)):
            result = self._match_reading(parts)
            if result.best is not None and (found.best is None or result.best.score > found.best.score):
                found = result
            if found.best is not None and found.best.score == 1.0:
                break  # the plain reading matched exactly: the others cannot do better
        return found

    def _match_reading(self, parts: AddressParts) -> MatchResult:
        if parts.number is None or not parts.head:
            return NO_MATCH
        villages, head, head_with_villages = self._villages_and_street_text(parts.head, parts.tail)
        hits, villages = self._street_hits(head, head_with_villages, villages)
        if hits and all(h.is_exact for h in hits) and not self._has_number(hits, parts.number):
            # The name is there but not the number: a slip may have made one lane's name out of
            # another's (川槎十三巷 without 十 is 川槎三巷); let the near names compete.
            hits = hits + self._fuzzy_hits(head)[0]
        if not hits:
            return NO_MATCH
        reading_factor = SHIFTED_READING_FACTOR if parts.shifted else 1.0
        scores: dict[str, _Scored] = {}
        for hit in hits:
            street = self.streets[hit.street]
            is_village_ok = not villages or street.village_code in villages
            village_factor = 1.0 if is_village_ok else VILLAGE_MISMATCH_FACTOR
            for code, number_factor in _plates_for(street, parts.number):
                score = round(reading_factor * hit.factor * number_factor * village_factor, 4)
                is_sure = number_factor >= RETIRED_FACTOR and (hit.is_exact or not parts.shifted)
                if code not in scores or scores[code].score < score:
                    scores[code] = _Scored(score, is_sure)
        ranked = sorted(scores.items(), key=lambda item: (-item[1].score, item[0]))
        candidates = [
            Candidate(code, *self.addresses[code], scored.score)
            for code, scored in ranked[: NEXT_CANDIDATES + 1]
        ]
        best, rest = candidates[0], candidates[1:]
        is_close = bool(rest) and best.score - rest[0].score < CLOSE_GAP
        is_sure = ranked[0][1].is_sure
        return MatchResult(best, rest, best.score < REVIEW_BELOW or is_close or not is_sure)

    def _has_number(self, hits: list[StreetHit], number: PlateNumber) -> bool:
        return any(
            number in self.streets[h.street].plates or number in self.streets[h.street].retired for h in hits
        )

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
    ) -> tuple[list[StreetHit], set[str]]:
        """Streets the head ends with, exactly when possible, else within a few edits; and the
        villages named, now including a short name (麻一) in front of an exact street."""
        for length in self.key_lengths:
            if length <= len(head) and (hits := self.keys.get(head[-length:])):
                villages = villages | self.stems_in(head[:-length])
                if not villages or any(self.streets[h.street].village_code in villages for h in hits):
                    return hits, villages
                # The name exists, but not in the village the text names: maybe a slip of the
                # pen made another street's name; let the near names of that village compete.
                return hits + self._fuzzy_hits(head)[0], villages
        hits, length = self._fuzzy_hits(head)
        if head_with_villages != head:
            hits += self._fuzzy_hits(head_with_villages)[0]
        # The street, written with one slip, starts no earlier than this.
        return hits, villages | self.stems_in(head[: len(head) - length + 1]) if hits else villages

    def _fuzzy_hits(self, head: str) -> tuple[list[StreetHit], int]:
        """Streets within a few edits of the head's ending, and the length of the closest name.
        Depends on the last few characters only, so each such ending is worked out once: a
        register repeats its streets, and its misspellings, many times over."""
        window = head[-(self.key_lengths[0] + 2) :] if self.key_lengths else ""
        found = self._fuzzy_memo.get(window)
        if found is None:
            if len(self._fuzzy_memo) >= MAX_MEMO:
                self._fuzzy_memo.clear()  # a bound, not a policy: a town has a few thousand
            found = self._fuzzy_memo[window] = self._fuzzy_window(window)
        return list(found[0]), found[1]

    def _fuzzy_window(self, window: str) -> tuple[tuple[StreetHit, ...], int]:
        weights: dict[str, float] = {}
        weight_of = weights.get
        for gram in query_grams(window) if window else ():
            for key, share in self.grams.get(gram, ()):
                weights[key] = weight_of(key, 0.0) + share
        # The MAX_FUZZY_KEYS heaviest keys (ties in order of arrival), without sorting them all.
        shortlist = list(weights)
        if len(shortlist) > MAX_FUZZY_KEYS:
            floor = sorted(weights.values(), reverse=True)[MAX_FUZZY_KEYS - 1]
            shortlist = [key for key in shortlist if weights[key] >= floor]
        shortlist.sort(key=weights.__getitem__, reverse=True)
        hits: list[StreetHit] = []
        closest = (len(window) + 1.0, 0)  # (edits, name length)
        present: dict[int, set[str]] = {}  # the characters of the text a name of each length is compared with
        for key in shortlist[:MAX_FUZZY_KEYS]:
            chars, limit = self.key_facts[key]
            ending = window[-(len(key) + 2) :]
            seen = present.get(len(key))
            if seen is None:
                seen = present[len(key)] = set(ending)
            if len(chars - seen) > limit:
                continue  # each character the text lacks is at least one edit
            edits = edits_to_ending(key, ending, limit=limit)
            if edits > limit:
                continue
            closest = min(closest, (edits, len(key)))
            factor = 1 - TYPO_WEIGHT * edits / len(key)
            hits.extend(StreetHit(h.street, h.factor * factor, is_exact=False) for h in self.keys[key])
        return tuple(hits), closest[1]


def _plates_for(street: IndexedStreet, wanted: PlateNumber) -> list[tuple[str, float]]:
    """(code, factor) of the street's plates worth showing for a wanted number."""
    exact = street.plates.get(wanted)
    if exact is None and (successor := street.retired.get(wanted)) is not None:
        return [(successor, RETIRED_FACTOR)]
    found = [(exact, 1.0)] if exact is not None else []
    start = bisect.bisect_left(street.ordered, (wanted.base, -1, ""))
    for base, sub, code in street.ordered[start:]:
        if base != wanted.base:
            break
        if sub != wanted.sub:
            found.append((code, SUB_NUMBER_FACTOR))
    if found:
        return found
    # Neither the number nor a sibling: offer the nearest numbers on the street, closest first.
    near = street.ordered[max(0, start - 1) : start + 1]
    return [(code, NEAR_NUMBER_FACTOR - 0.01 * min(abs(base - wanted.base), 10)) for base, _sub, code in near]


def build_matcher(session: Session) -> AddressMatcher:
    """The town's plates as an AddressMatcher; reads the database once."""
    return AddressMatcher(load_plate_rows(session))
