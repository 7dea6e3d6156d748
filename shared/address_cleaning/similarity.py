"""How alike a street name and the text in front of a door number are, with the stdlib only.

Two measures: character pairs, to shortlist a few streets out of hundreds cheaply, and an
edit distance to the text's ending, to rank the shortlist. The ending, because in a Chinese
address the street comes right before its number, and whatever precedes it (province, town,
village) must cost nothing. Two neighbouring characters typed in the wrong order are one slip,
not two (Damerau): 川十槎三巷 is one edit from 川槎十三巷. And most typing is done by pinyin, so
a character of the same sound (欧涌 for 鸥涌, 东太理 for 东太里, 麻三背街 for 麻三北街) is the
likeliest slip of all: half an edit.
"""

from __future__ import annotations

import functools
import unicodedata

SWAP_COST = 0.9  # a swap keeps every character: likelier than losing or adding one
HOMOPHONE_COST = 0.5  # the pinyin keyboard offered the wrong character of the right sound


def substitution_cost(typed: str, meant: str) -> float:
    """One character for another: cheaper when they sound alike (tones aside)."""
    return HOMOPHONE_COST if _sounds(typed) & _sounds(meant) else 1.0


@functools.cache
def _sounds(char: str) -> frozenset[str]:
    """The toneless readings of a character (鸥 → {ou}); none for anything but a hanzi."""
    try:
        from pypinyin.pinyin_dict import pinyin_dict  # a large table: loaded on first use only
    except ImportError:  # pragma: no cover - a dependency; without it every slip costs one
        return frozenset()
    readings = pinyin_dict.get(ord(char), "") if len(char) == 1 else ""
    return frozenset(
        "".join(c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c))
        for r in readings.split(",")
        if r
    )


def char_grams(text: str) -> set[str]:
    """Character pairs, adjacent and one apart, and the last character: one wrong character in
    the middle of a three-character name (新基路 → 新机路) leaves no adjacent pair but still
    leaves 新~路, and the name ends where the number starts."""
    adjacent = {text[i : i + 2] for i in range(len(text) - 1)}
    return adjacent | {text[i] + "~" + text[i + 2] for i in range(len(text) - 2)} | {text[-1:] + "$"}


def query_grams(text: str) -> set[str]:
    """The grams of a typed text, with each neighbouring pair also reversed and the last but one
    character also taken as the end: a swap (川里槎 for 川槎里) leaves no pair of the name in
    order, and a swap at the end moves its last character."""
    swapped = {text[i + 1] + text[i] for i in range(len(text) - 1)}
    return char_grams(text) | swapped | {text[-2:-1] + "$"}


def edits_to_ending(key: str, text: str, *, limit: float) -> float:
    """Fewest edits turning some ending of `text` into `key` (starting anywhere is free), a swap
    of neighbours counting as one (optimal string alignment); more than `limit` as soon as it is
    clear there are more than `limit`. Written out by hand: it is the matcher's inner loop.

    Only a band of the table is filled: a cell whose remaining key and remaining text differ in
    length by more than `limit` lies on no path within `limit` (each length step is an edit).
    Within one edit, the usual case, is decided without the table."""
    if limit == 1:
        return _within_one(key, text)
    n, m = len(key), len(text)
    too_many = limit + 1.0  # stands for every cell outside the band: more than `limit`
    width = int(limit)
    shift = m - n  # the column of the band's centre in row i is i + shift
    before: list[float] = []  # the row two back, for swaps
    previous = [0.0 if abs(j - shift) <= width else too_many for j in range(m + 1)]
    last_char = ""
    for i, char in enumerate(key, start=1):
        low, high = max(1, i + shift - width), min(m, i + shift + width)
        current = [float(i) if i + shift <= width else too_many] + [too_many] * m
        left, diagonal = current[low - 1], previous[low - 1]
        best = current[0]
        for j in range(low, high + 1):
            other = text[j - 1]
            up = previous[j]
            cost = diagonal if char == other else diagonal + substitution_cost(other, char)
            if up + 1 < cost:
                cost = up + 1
            if left + 1 < cost:
                cost = left + 1
            if other == last_char and char != other and j > 1 and text[j - 2] == char:
                cost = min(cost, before[j - 2] + SWAP_COST)
            current[j] = cost
            if cost < best:
                best = cost
            diagonal, left = up, cost
        if best > limit and min(previous) > limit:
            return too_many  # a row's minimum never falls further down the table (two rows: swaps)
        before, previous, last_char = previous, current, char
    return previous[-1]


def _within_one(key: str, text: str) -> float:
    """`edits_to_ending` for a limit of one edit: 0, one character wrong (1, or HOMOPHONE_COST),
    a swap (SWAP_COST), one missing or extra (1), or more (2)."""
    if text.endswith(key):
        return 0.0
    n = len(key)
    if len(text) >= n:
        tail = text[-n:]
        i = 0
        while tail[i] == key[i]:
            i += 1
        if tail[i + 1 :] == key[i + 1 :]:
            return substitution_cost(tail[i], key[i])  # one wrong: a swap differs in two places
        if i + 1 < n and tail[i] == key[i + 1] and tail[i + 1] == key[i] and tail[i + 2 :] == key[i + 2 :]:
            return SWAP_COST
    # One of the key's characters missing, or one too many inside the name or after it. Where
    # the two first part ways is where to look: in a run of one character, any is the same.
    shorter, longer = text[-(n - 1) :] if n > 1 else "", text[-(n + 1) :]
    if len(shorter) == n - 1 and shorter[(i := _common_prefix(shorter, key)) :] == key[i + 1 :]:
        return 1.0
    if len(longer) == n + 1 and (i := _common_prefix(longer, key)) and longer[i + 1 :] == key[i:]:
        return 1.0
    return 2.0


def _common_prefix(a: str, b: str) -> int:
    i, end = 0, min(len(a), len(b))
    while i < end and a[i] == b[i]:
        i += 1
    return i
