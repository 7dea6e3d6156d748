"""Reading a free-text legacy address into the parts a standard address is made of.

Registration offices typed addresses by hand for decades: with or without the province and
town, full-width digits, Chinese numerals (`十二号`, `一百零五号`), sub-numbers written four
ways (`12号之一`, `12之一号`, `12号之1`, `12-1号`), and unit text after the number (`3楼301室`,
`A栋`, `旁`). This module only reads text; which plate it means is `address_matching`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT_CHARS = 300  # a spreadsheet cell can hold a novel; an address is never this long
MAX_READINGS = 6

_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGIT_VALUES |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
# A sub-number (之1, 之一, 之十二) never swallows the floor after it: 之12楼 is 之1, 2楼.
_SMALL = f"(?:\\d{{1,3}}|[{_NUMERAL_CHARS}]{{1,4}})(?![楼层室房栋座单])"

# Number then 号, the sub-number before or after 号: 12号, 十二号, 12之一号, 12号之1, 12-1号.
_NUMBER_WITH_HAO = re.compile(
    rf"(?P<base>(?<!\d)\d{{1,5}}|[{_NUMERAL_CHARS}]{{1,8}}) ?(?:(?:之|-) ?(?P<sub1>{_SMALL}) ?)?号"
    rf"(?: ?之 ?(?P<sub2>{_SMALL}))?"
)
# Without 号 only Arabic digits count: Chinese numerals without 号 are more often lane names.
_BARE_NUMBER = re.compile(rf"(?<!\d)(?P<base>\d{{1,5}})(?:(?:之|-)(?P<sub1>{_SMALL}))?(?!\d)")
_DB_NUMBER = re.compile(r"(\d+)(?:之(.+))?$")
_SEPARATORS = re.compile(r"[^\w\u4e00-\u9fff-]+|_+")
_KEEP = str.maketrans({"#": "号", "—": "-", "－": "-", "‐": "-", "–": "-"})
# Traditional forms seen in Hong Kong and Macao investors' registrations, for this town's words.
_SIMPLIFIED = str.maketrans(
    "號湧東華陽鷗區廣鎮樓層棟鋪門圍場業環邊橫園濕裡裏灣縣",
    "号涌东华阳鸥区广镇楼层栋铺门围场业环边横园湿里里湾县",
)


@dataclass(frozen=True)
class PlateNumber:
    """A door number: `12` is (12, 0), `12之一` is (12, 1)."""

    base: int
    sub: int = 0


@dataclass(frozen=True)
class AddressParts:
    """An address split around its door number; `head` holds town, village and street text."""

    head: str
    number: PlateNumber | None
    tail: str


def normalise(text: str) -> str:
    """Full-width forms to ASCII, traditional characters to simplified, upper case, `#` to `号`;
    each run of spaces and punctuation becomes one space: `12 3楼` must not read as `123楼`."""
    folded = unicodedata.normalize("NFKC", text[: MAX_INPUT_CHARS * 2]).translate(_KEEP)
    folded = folded.translate(_SIMPLIFIED).upper()
    return _SEPARATORS.sub(" ", folded).strip()[:MAX_INPUT_CHARS]


def compact(text: str) -> str:
    """The text without separators, for comparing names."""
    return text.replace(" ", "")


def chinese_numeral(text: str) -> int | None:
    """`十二` → 12, `一百零五` → 105, `两` → 2, `一二` → 12 (digit by digit), `7` → 7."""
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

    A number followed by 号 wins; failing that, the first Arabic number that follows some text
    (a leading postcode is not the door number). Usually there is one reading; more when a run
    of Chinese numerals may hold the end of a lane's name (麻二八七号: 麻二八[巷]七号, the 巷
    left out) or a sub-number runs into the unit (35号之1101房: 之1, 101房).
    """
    for pattern in (_NUMBER_WITH_HAO, _BARE_NUMBER):
        for match in pattern.finditer(text):
            if pattern is _BARE_NUMBER and not compact(text[: match.start()]):
                continue
            readings = _readings(text, match)
            if readings:
                return readings[:MAX_READINGS]
    return [AddressParts(compact(text), None, "")]


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
    groups = match.groupdict()
    base, sub = groups["base"], groups.get("sub1") or groups.get("sub2")
    head, tail = text[: match.start()], text[match.end() :]
    bases = [(head, base)]
    if not base.isdigit():  # the run may have taken the last characters of the street's name
        bases += [(head + base[:i], base[i:]) for i in range(1, len(base))]
    subs: list[tuple[str | None, str]] = [(sub, "")]
    if sub and len(sub) > 1:  # longest sub-number first; the rest belongs to the unit
        subs += [(sub[:i], sub[i:]) for i in range(len(sub) - 1, 0, -1)]
    readings = []
    for before, digits in bases:
        for sub_text, rest in subs:
            number = _plate_number(digits, sub_text)
            if number is not None:
                head_text = compact(before).removesuffix("第")  # 第12号
                readings.append(AddressParts(head_text, number, compact(rest + tail)))
    return readings
