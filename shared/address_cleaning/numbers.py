"""Reading the door number out of a normalised address, and splitting the text around it.

People write the number every way there is: `12号`, `十二号`, `廿一号`, `壹拾贰号` (folded to
`十二` by `normalise`), `一〇五号`, `三十九號`, or no 号 at all (`麻涌大道12`, `东太西街三十三`);
sub-numbers as `12号之一`, `12之一号`, `12号之1`, `12-1号`, `12号-1`, `12号附1号`, `12附一`,
`12之1`; unit text after it (`3楼301室`, `A栋`, `旁`). This module only reads text; which plate
it means is `matching`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.address_cleaning.normalise import compact

MAX_READINGS = 6

NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGIT_VALUES |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
_UNIT_WORDS = "楼层室房栋座单梯"  # what follows a floor or room number, never a door number
# A sub-number (之1, 之一, 之十二) never swallows the floor after it: 之12楼 is 之1, 2楼.
_SMALL = f"(?:\\d{{1,3}}|[{NUMERAL_CHARS}]{{1,4}})(?![{_UNIT_WORDS}])"
_SUB = rf"(?:(?:之|附|-) ?(?P<sub>{_SMALL}) ?(?P<hao2>号)?)"
# The door number: digits or numerals, 号 before or after the sub-number, or no 号 at all.
_NUMBER = re.compile(
    rf"(?P<base>(?<![\d{_UNIT_WORDS}])\d{{1,5}}+(?!\d)|[{NUMERAL_CHARS}]{{1,8}}+)(?![{_UNIT_WORDS}])"
    rf" ?(?P<hao1>号)?(?: ?{_SUB})?"
)
_DB_NUMBER = re.compile(r"(\d+)(?:之(.+))?$")


@dataclass(frozen=True)
class PlateNumber:
    """A door number: `12` is (12, 0), `12之一` is (12, 1)."""

    base: int
    sub: int = 0


@dataclass(frozen=True)
class AddressParts:
    """An address split around its door number; `head` holds town, village and street text.
    `shifted` says numerals written before the number were read as the end of the street's
    name (麻二八七号 as 麻二八[巷] 7号): such a reading is a guess a person should confirm."""

    head: str
    number: PlateNumber | None
    tail: str
    shifted: bool = False


def chinese_numeral(text: str) -> int | None:
    """`十二` → 12, `一百零五` → 105, `两` → 2, `一二` and `一〇二` digit by digit, `7` → 7.
    (廿, 卅 and the banker's 壹贰叁 are folded to 二十, 三十, 一二三 by `normalise`.)"""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(c not in _DIGIT_VALUES and c not in _UNIT_VALUES for c in text):
        return None
    if not any(c in _UNIT_VALUES for c in text):
        return int("".join(str(_DIGIT_VALUES[c]) for c in text))
    total, digit = 0, None
    last_unit = 10_000
    for char in text:
        if char in _DIGIT_VALUES:
            if digit is not None and _DIGIT_VALUES[char] != 0:
                return None  # 一二十: two digits in a row inside a positional numeral
            digit = _DIGIT_VALUES[char] or None
        else:
            unit = _UNIT_VALUES[char]
            if unit >= last_unit:
                return None  # 十百: units must fall
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def read_address(text: str) -> list[AddressParts]:
    """Ways to read normalised text around its door number, most likely first.

    A number with 号 wins; then the first Arabic number that follows some text (a leading
    postcode is not the door number); then Chinese numerals that end the text (东太西街三十三).
    More than one reading when a run of numerals may hold the end of a lane's name (麻二八七号:
    麻二八[巷]七号, the 巷 left out) or a sub-number runs into the unit (35号之1101房).
    """
    bare_digits: re.Match[str] | None = None
    bare_numerals: re.Match[str] | None = None
    for match in _NUMBER.finditer(text):
        if not compact(text[: match.start()]):
            continue  # nothing before it: a postcode, or no street to put the number on
        if match.group("hao1") or match.group("hao2"):
            if readings := _readings(text, match):
                return readings[:MAX_READINGS]
        elif match.group("base").isdigit():
            bare_digits = bare_digits or match
            bare_numerals = None  # 黎滘十巷六 4: numerals before a number belong to the street
        elif match.group(0).endswith(" ") or text[match.end() :][:1] in ("", " "):
            bare_numerals = bare_numerals or match  # only at the end, or before a space and unit
    readings = [r for bare in (bare_digits, bare_numerals) if bare is not None for r in _readings(text, bare)]
    return readings[:MAX_READINGS] or [AddressParts(compact(text), None, "")]


def split_address(text: str) -> AddressParts:
    """The most likely reading of normalised text (see `read_address`)."""
    return read_address(text)[0]


def parse_plate_number(number: str) -> PlateNumber | None:
    """A stored number (`12`, `12之一`) as a PlateNumber; None for anything else."""
    match = _DB_NUMBER.match(number.strip())
    if match is None:
        return None
    return _plate_number(match.group(1), match.group(2))


def _plate_number(base: str, sub: str | None) -> PlateNumber | None:
    base_value = chinese_numeral(base)
    if base_value is None or base_value <= 0:
        return None
    sub_value = chinese_numeral(sub) if sub else 0
    if sub_value is None:
        return None
    return PlateNumber(base_value, sub_value)


def _readings(text: str, match: re.Match[str]) -> list[AddressParts]:
    base, sub = match.group("base"), match.group("sub")
    head, tail = text[: match.start()], text[match.end() :]
    bases = [(head, base)]
    if not base.isdigit():  # the run may have taken the last characters of the street's name
        bases += [(head + base[:i], base[i:]) for i in range(1, len(base))]
    subs: list[tuple[str | None, str]] = [(sub, "")]
    if sub and len(sub) > 1:  # longest sub-number first; the rest belongs to the unit
        subs += [(sub[:i], sub[i:]) for i in range(len(sub) - 1, 0, -1)]
    readings = []
    for shift, (before, digits) in enumerate(bases):
        for sub_text, rest in subs:
            number = _plate_number(digits, sub_text)
            if number is not None:
                head_text = compact(before).removesuffix("第")  # 第12号
                readings.append(AddressParts(head_text, number, compact(rest + tail), shift > 0))
    return readings
