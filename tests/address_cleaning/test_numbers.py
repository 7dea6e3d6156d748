"""Reading the door number: numerals of every kind, sub-numbers, and where the street ends."""

from __future__ import annotations

import pytest

from shared.address_cleaning.normalise import normalise
from shared.address_cleaning.numbers import PlateNumber, chinese_numeral, read_address, split_address


@pytest.mark.parametrize(
    ("text", "value"),
    [("十二", 12), ("二十", 20), ("十", 10), ("一百零五", 105), ("一百一十", 110), ("两", 2), ("一二", 12),
     ("三", 3), ("7", 7), ("十百", None), ("一二十", None), ("", None), ("楼", None)],
)  # fmt: skip
def test_chinese_numerals_read_as_people_write_them(text: str, value: int | None) -> None:
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    ("text", "head", "number", "tail"),
    [
        ("东莞市麻涌镇麻涌大道12号之一", "东莞市麻涌镇麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道12之一号", "麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道12-1号", "麻涌大道", PlateNumber(12, 1), ""),
        ("麻涌大道 12 3楼", "麻涌大道", PlateNumber(12), "3楼"),  # not 123
        ("523130 麻涌大道12", "523130麻涌大道", PlateNumber(12), ""),  # the postcode is not the number
        ("麻涌大道11号之12楼201", "麻涌大道", PlateNumber(11, 1), "2楼201"),
        ("麻一十二巷十二号", "麻一十二巷", PlateNumber(12), ""),
        ("麻涌大道第１２號", "麻涌大道", PlateNumber(12), ""),
        ("麻涌大道", "麻涌大道", None, ""),
    ],
)
def test_the_door_number_is_split_from_the_street(
    text: str, head: str, number: PlateNumber | None, tail: str
) -> None:
    parts = split_address(normalise(text))
    assert (parts.head, parts.number, parts.tail) == (head, number, tail)


def test_other_readings_when_numerals_may_end_the_street_or_the_sub_number_meets_the_room() -> None:
    lane = read_address(normalise("麻二八七号"))
    assert [(r.head, r.number) for r in lane] == [
        ("麻", PlateNumber(287)), ("麻二", PlateNumber(87)), ("麻二八", PlateNumber(7))
    ]  # fmt: skip
    room = read_address(normalise("古梅路4号之1101房"))
    assert [r.number for r in room] == [PlateNumber(4, 110), PlateNumber(4, 11), PlateNumber(4, 1)]
    assert read_address(normalise("古梅路4号")) == [split_address(normalise("古梅路4号"))]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("东太西街廿一号", PlateNumber(21)),
        ("东太西街廿号", PlateNumber(20)),
        ("东太西街卅五号", PlateNumber(35)),
        ("东太西街壹拾贰号", PlateNumber(12)),
        ("东太西街拾贰号", PlateNumber(12)),
        ("东太西街貳拾號", PlateNumber(20)),
        ("东太西街一〇五号", PlateNumber(105)),
        ("东太西街二〇号", PlateNumber(20)),
        ("东太西街三十九號", PlateNumber(39)),
        ("东太西街四十号", PlateNumber(40)),
        ("东太西街三十三", PlateNumber(33)),  # no 号: numerals that end the text
        ("东太西街 三十三 3楼", PlateNumber(33)),  # ... or stand before a space and the unit
        ("东太西街二十二之一", PlateNumber(22, 1)),
        ("麻一大街十二", PlateNumber(12)),
        ("古梅路6号附1号", PlateNumber(6, 1)),
        ("古梅路6号-1", PlateNumber(6, 1)),
        ("古梅路6号附一", PlateNumber(6, 1)),
        ("古梅路6之1", PlateNumber(6, 1)),
        ("古梅路6附1号", PlateNumber(6, 1)),
        ("古梅路6号附近", PlateNumber(6)),  # 附近 is "nearby", not a sub-number
        ("古梅路6 2楼201", PlateNumber(6)),  # 2楼 and the room after 楼 are not door numbers
        ("黎滘十巷六 4", PlateNumber(4)),  # numerals before a number belong to the street
    ],
)
def test_numbers_written_every_way_read_as_one(text: str, number: PlateNumber) -> None:
    assert split_address(normalise(text)).number == number


def test_a_lane_name_of_numerals_is_not_read_as_a_bare_number() -> None:
    assert split_address(normalise("川槎十三巷")).number is None
    assert split_address(normalise("麻二十巷3号")) == split_address(normalise("麻二十巷 3号"))
