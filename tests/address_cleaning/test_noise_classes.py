"""The matcher on each class of hard noise: slips of any kind in the street's name, numerals of
every kind, the number silently changed, sub-numbers written other ways, and retired plates.

Each table is real-looking text with the plate a careful reader would pick, or FLAGGED when no
plate can be handed back without a person looking.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from shared.address_cleaning.matching import AddressMatcher, build_matcher
from shared.core.db import make_engine
from shared.core.migrate import upgrade_database
from shared.demo import build_demo_town
from shared.models import RecordStatus
from tests.address_cleaning.hard_noise import unfiltered_addresses
from tests.factories import make_plate, make_street, make_village

FLAGGED = "flagged"
Plates = dict[tuple[str, str], str]  # (street, number) → code
LAYOUT = {
    "川槎三巷": [str(n) for n in range(1, 21)],
    "川槎十三巷": [str(n) for n in range(1, 21)],
    "东太环村路": [str(n) for n in range(1, 31)],
    "东太西街": [str(n) for n in range(1, 46)],
    "古梅路": ["5", "6", "6之一", "7"],
    "沿江路": [str(n) for n in range(1, 31)],
    "沿海路": [str(n) for n in range(1, 31)],
}


@pytest.fixture
def plates(session: Session) -> Plates:
    """川槎村: lanes 三巷 and 十三巷 (one numeral apart), 东太环村路, 东太西街 1–45, 古梅路 with
    6之一, 沿江路 and 沿海路 (one character apart); 东太西街 46 retired in favour of 古梅路 6之一
    (as after a renumbering)."""
    village = make_village(session, code="441900126210", name="川槎村")
    codes: Plates = {}
    streets = {}
    for seq, (name, numbers) in enumerate(LAYOUT.items(), start=1):
        streets[name] = make_street(session, village=village, name=name)
        for n, number in enumerate(numbers, start=1):
            plate = make_plate(session, street=streets[name], number=number, code=f"21{seq:03d}{n:05d}")
            codes[(name, number)] = plate.code
    old = make_plate(
        session, street=streets["东太西街"], number="46", code="RETIRED46", status=RecordStatus.RETIRED
    )
    old.successor_code = codes[("古梅路", "6之一")]
    session.commit()
    return codes


@pytest.fixture
def matcher(session: Session, plates: Plates) -> AddressMatcher:
    return build_matcher(session)


def check(matcher: AddressMatcher, plates: Plates, text: str, expected: tuple[str, str] | str) -> None:
    """The expected plate handed back without review, or the text flagged for a person."""
    result = matcher.match(text)
    if isinstance(expected, str):  # FLAGGED
        assert result.needs_review, (text, result.best)
        return
    assert result.best is not None, text
    assert (result.best.plate_code, result.needs_review) == (plates[expected], False), (text, result.best)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("东环太村路24号", ("东太环村路", "24")),
        ("麻涌镇东太环路村24号", ("东太环村路", "24")),
        ("沿路江27号", ("沿江路", "27")),  # a three-character name swapped
        ("东太西西街12号", ("东太西街", "12")),  # one extra
        ("东太街12号", ("东太西街", "12")),  # one missing
        ("东太溪街12号", ("东太西街", "12")),  # one wrong
        ("沿江璐3号", ("沿江路", "3")),
    ],
)
def test_one_slip_in_the_street_name_still_finds_the_plate(
    matcher: AddressMatcher, plates: Plates, text: str, expected: tuple[str, str]
) -> None:
    check(matcher, plates, text, expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("沿嗨路27号", ("沿海路", "27")),  # 嗨 hāi sounds like 海 hǎi, not like 江
        ("沿姜路27号", ("沿江路", "27")),
        ("麻涌镇沿孩路3号", ("沿海路", "3")),
        ("川槎伞巷15号", ("川槎三巷", "15")),
    ],
)
def test_a_character_of_the_same_sound_is_the_likeliest_slip(
    matcher: AddressMatcher, plates: Plates, text: str, expected: tuple[str, str]
) -> None:
    """Typing is done by pinyin: of two streets one character away, the one whose character
    sounds like the typed one comes first (沿海路 sorts after 沿江路: no accident of order)."""
    result = matcher.match(text)
    assert result.best is not None and result.best.plate_code == plates[expected], (text, result.best)


@pytest.mark.parametrize("text", ["川十槎三巷15", "川槎村川槎三十巷5号"])
def test_a_swap_that_is_also_one_extra_character_away_ranks_the_swap_first_and_asks(
    matcher: AddressMatcher, plates: Plates, text: str
) -> None:
    """川十槎三巷 is 川槎十三巷 swapped, or 川槎三巷 with 十 added: the swap keeps every character
    and comes first, but both plates exist, so a person confirms."""
    result = matcher.match(text)
    assert result.best is not None and result.best.address.startswith("川槎十三巷")
    assert result.needs_review and result.candidates[0].address.startswith("川槎三巷")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("东太西街廿一号", ("东太西街", "21")),
        ("东太西街廿号", ("东太西街", "20")),
        ("东太西街卅号", ("东太西街", "30")),
        ("东太西街壹拾贰号", ("东太西街", "12")),
        ("东太西街叁拾玖號", ("东太西街", "39")),
        ("东太西街三十九號", ("东太西街", "39")),
        ("东太西街四十号", ("东太西街", "40")),
        ("东太西街四〇号", ("东太西街", "40")),
        ("東太西街４０號", ("东太西街", "40")),
        ("东太西街三十三", ("东太西街", "33")),
        ("川槎村 东太西街 三十三 2楼201", ("东太西街", "33")),
        ("沿江路十二", ("沿江路", "12")),
        ("川槎十三巷十二", ("川槎十三巷", "12")),
        ("川槎三巷十二号", ("川槎三巷", "12")),
    ],
)
def test_numerals_of_every_kind_find_the_plate(
    matcher: AddressMatcher, plates: Plates, text: str, expected: tuple[str, str]
) -> None:
    check(matcher, plates, text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "川槎三巷廿一号",  # 21 is not on the lane: never 1号 or 20号 without a look
        "川槎三巷三十九號",
        "川槎十三巷四十号",
        "川槎三巷25",
        "沿江路九十九号",
        "古梅路8号",
        "古梅路6号之二",  # 6 and 6之一 exist, 6之二 does not
        "川槎十三三十九号",  # 巷 left out and a number not there: the split is a guess
    ],
)
def test_a_plate_without_the_number_read_is_never_handed_back_confidently(
    matcher: AddressMatcher, plates: Plates, text: str
) -> None:
    check(matcher, plates, text, FLAGGED)


@pytest.mark.parametrize(
    "text",
    [
        "古梅路6号附1号",
        "古梅路6号-1",
        "古梅路6号附一",
        "古梅路6之1",
        "古梅路6号之一",
        "古梅路6-1号",
        "古梅路6附一号",
    ],
)
def test_a_sub_number_written_any_way_finds_the_sub_plate(
    matcher: AddressMatcher, plates: Plates, text: str
) -> None:
    check(matcher, plates, text, ("古梅路", "6之一"))


@pytest.mark.parametrize("text", ["东太西街46号", "川槎村东太西街四十六号", "东太西街46号2楼"])
def test_a_retired_plate_leads_to_its_successor(matcher: AddressMatcher, plates: Plates, text: str) -> None:
    check(matcher, plates, text, ("古梅路", "6之一"))
    result = matcher.match(text)
    assert result.best is not None and result.best.address == "古梅路 6号之一"


def test_a_slip_that_types_another_real_name_is_the_one_miss(matcher: AddressMatcher, plates: Plates) -> None:
    """川槎十三巷 without 十 is 川槎三巷: the text names a real plate, and that is what it gets."""
    check(matcher, plates, "川槎三巷15号", ("川槎三巷", "15"))


TOWN_TARGETS = {"accuracy": 0.96, "confident_wrong": 0.01}


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("MENPAI_SLOW_TESTS") != "1", reason="town scale: set MENPAI_SLOW_TESTS=1")
def test_town_scale_unfiltered_noise_hits_the_targets(tmp_path: Path) -> None:
    """Issue 13's goals on the unfiltered set, without its one acceptable miss: a slip that typed
    another real street's name (川槎十三巷 → 川槎三巷), which no reader can catch either."""
    engine = make_engine(f"sqlite:///{tmp_path / 'town.db'}")
    upgrade_database(engine)
    with Session(engine) as session:
        build_demo_town(session, scale="town", seed=2026, today=date(2026, 11, 25))
        session.commit()
        labelled = unfiltered_addresses(session, count=2000, seed=2027)
        matcher = build_matcher(session)
    engine.dispose()
    counted = [a for a in labelled if "typo_collision" not in a.kinds]
    right, wrong_unflagged = 0, 0
    for address in counted:
        result = matcher.match(address.text)
        is_right = (
            result.needs_review
            if not address.plate_code
            else (result.best is not None and result.best.plate_code == address.plate_code)
        )
        right += is_right
        wrong_unflagged += not is_right and not result.needs_review
    assert right / len(counted) >= TOWN_TARGETS["accuracy"]
    assert wrong_unflagged / len(counted) <= TOWN_TARGETS["confident_wrong"]
