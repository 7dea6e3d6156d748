"""How alike a street name and the text in front of a door number are, with the stdlib only.

Two measures: character pairs, to shortlist a few streets out of hundreds cheaply, and an
edit distance to the text's ending, to rank the shortlist. The ending, because in a Chinese
address the street comes right before its number, and whatever precedes it (province, town,
village) must cost nothing.
"""

from __future__ import annotations


def char_grams(text: str) -> set[str]:
    """Character pairs, adjacent and one apart, and the last character: one wrong character in
    the middle of a three-character name (新基路 → 新机路) leaves no adjacent pair but still
    leaves 新~路, and the name ends where the number starts."""
    adjacent = {text[i : i + 2] for i in range(len(text) - 1)}
    return adjacent | {text[i] + "~" + text[i + 2] for i in range(len(text) - 2)} | {text[-1:] + "$"}


def edits_to_ending(key: str, text: str, *, limit: int) -> int:
    """Fewest edits turning some ending of `text` into `key` (starting anywhere is free);
    `limit + 1` as soon as it is clear there are more than `limit`."""
    previous = [0] * (len(text) + 1)
    for i, char in enumerate(key, start=1):
        current = [i] + [0] * len(text)
        for j, other in enumerate(text, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
        if min(current) > limit:  # a row's minimum never falls further down the table
            return limit + 1
        previous = current
    return previous[-1]
