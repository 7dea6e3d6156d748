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
    clear there are more than `limit`. Written out by hand: it is the matcher's inner loop."""
    before: list[float] = []  # the row two back, for swaps
    previous = [0.0] * (len(text) + 1)
    last_char = ""
    for i, char in enumerate(key, start=1):
        current = [float(i)]
        left, diagonal = float(i), previous[0]
        for j, other in enumerate(text, start=1):
            up = previous[j]
            cost = diagonal if char == other else diagonal + 1
            if up + 1 < cost:
                cost = up + 1
            if left + 1 < cost:
                cost = left + 1
            if other == last_char and char != other and j > 1 and text[j - 2] == char:
                cost = min(cost, before[j - 2] + SWAP_COST)
            current.append(cost)
            diagonal, left = up, cost
        if min(current) > limit and min(previous) > limit:
            return limit + 1  # a row's minimum never falls further down the table (two rows: swaps)
        before, previous, last_char = previous, current, char
    return previous[-1]
