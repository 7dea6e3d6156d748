"""The edit distance's shortcuts (the band, the one-edit check) against the plain full table."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.address_cleaning.similarity import HOMOPHONE_COST, SWAP_COST, edits_to_ending, substitution_cost

# A tiny alphabet, so runs of one character, swaps and near misses are common; 鸥 and 欧 sound alike.
names = st.text(alphabet="鸥涌一二巷", min_size=1, max_size=8)
texts = st.text(alphabet="鸥欧涌一二巷", max_size=10)


def full_table(key: str, text: str) -> float:
    """Optimal string alignment of `key` with the best ending of `text`, every cell filled."""
    before: list[float] = []
    previous = [0.0] * (len(text) + 1)
    for i, char in enumerate(key, start=1):
        current = [float(i)]
        for j, other in enumerate(text, start=1):
            substitute = previous[j - 1] + (substitution_cost(other, char) if char != other else 0)
            cost = min(substitute, previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and char == text[j - 2] and key[i - 2] == other and char != other:
                cost = min(cost, before[j - 2] + SWAP_COST)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


@settings(max_examples=3000, deadline=None)
@given(key=names, text=texts)
def test_within_the_limit_the_distance_is_the_full_tables(key: str, text: str) -> None:
    for limit in (1, 2):
        expected, found = full_table(key, text), edits_to_ending(key, text, limit=limit)
        if expected <= limit:
            assert found == expected, (key, text, limit)
        else:
            assert found > limit, (key, text, limit)


def test_a_typed_prefix_costs_nothing_and_a_swap_less_than_a_slip() -> None:
    assert edits_to_ending("古梅路", "麻涌镇古梅路", limit=1) == 0
    assert edits_to_ending("古梅路", "麻涌镇古路梅", limit=1) == SWAP_COST
    assert edits_to_ending("古梅路", "麻涌镇古路", limit=1) == 1
    assert edits_to_ending("古梅路", "麻涌镇古梅大路", limit=1) == 1
    assert edits_to_ending("古梅路", "麻涌镇古梅路口", limit=1) == 1
    assert edits_to_ending("古梅路", "麻涌镇梅古", limit=1) > 1
    assert edits_to_ending("麻涌第二大道", "麻涌大道", limit=2) == 2


def test_a_character_of_the_same_sound_is_half_a_slip() -> None:
    assert substitution_cost("欧", "鸥") == HOMOPHONE_COST
    assert substitution_cost("背", "北") == HOMOPHONE_COST  # tones aside
    assert substitution_cost("路", "街") == 1
    assert substitution_cost("7", "七") == 1
    assert edits_to_ending("鸥涌七巷", "欧涌七巷", limit=1) == HOMOPHONE_COST
    assert edits_to_ending("麻涌第二东街", "麻涌第二冬街", limit=2) == HOMOPHONE_COST
