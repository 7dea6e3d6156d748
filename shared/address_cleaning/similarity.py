"""How alike a street name and the text in front of a door number are, with the stdlib only.

Two measures: character pairs, to shortlist a few streets out of hundreds cheaply, and an
edit distance to the text's ending, to rank the shortlist. The ending, because in a Chinese
address the street comes right before its number, and whatever precedes it (province, town,
village) must cost nothing. Two neighbouring characters typed in the wrong order are one slip,
not two (Damerau): 川十槎三巷 is one edit from 川槎十三巷.
"""

from __future__ import annotations

SWAP_COST = 0.9  # a swap keeps every character: likelier than losing or adding one


def char_grams(text: str) -> set[str]:
    """Character pairs, adjacent and one apart, and the last character: one wrong character in
    the middle of a three-character name (新基路 → 新机路) leaves no adjacent pair but still
    leaves 新~路, and the name ends where the number starts. A swap keeps the pair one apart
    around it (川槎十三 → 川十槎三 keeps 川~十... and 槎~三)."""
    adjacent = {text[i : i + 2] for i in range(len(text) - 1)}
    return adjacent | {text[i] + "~" + text[i + 2] for i in range(len(text) - 2)} | {text[-1:] + "$"}


def edits_to_ending(key: str, text: str, *, limit: float) -> float:
    """Fewest edits turning some ending of `text` into `key` (starting anywhere is free), a swap
    of neighbours counting as one (optimal string alignment); more than `limit` as soon as it is
    clear there are more than `limit`."""
    width = len(text) + 1
    before = [0.0] * width  # the row two back, for swaps
    previous = [0.0] * width
    for i, char in enumerate(key, start=1):
        current = [float(i)] + [0.0] * len(text)
        for j, other in enumerate(text, start=1):
            cost = previous[j - 1] + (char != other)
            cost = min(cost, previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and char == text[j - 2] and key[i - 2] == other and char != other:
                cost = min(cost, before[j - 2] + SWAP_COST)
            current[j] = cost
        if min(current) > limit and min(previous) > limit:
            return limit + 1  # a row's minimum never falls further down the table (two rows: swaps)
        before, previous = previous, current
    return previous[-1]
