"""A second labelled set, unfiltered: the noise `noise.py` leaves out because it is hard.

`noise.py` keeps a typo only when the intended street stays the nearest name; here every slip
is kept as typed, and each address carries one class of hard noise on top of the ordinary kind
(town, village, unit, spacing):

- `typo_substitute`, `typo_drop`, `typo_insert`, `typo_swap`: one slip in the street's name, of
  any character, wherever it lands. `typo_collision` marks a slip that typed another real name
  (川槎十三巷 without 十 is 川槎三巷): the one miss a reader would make too;
- `numeral_chinese`, `numeral_nian` (廿一, 卅), `numeral_capital` (壹拾贰), `numeral_digitwise`
  (一〇五), `numeral_traditional` (三十九號), `numeral_bare` (东太西街三十三, no 号);
- `sub_form`: a sub-number any way people write it (6号附1号, 6号-1, 6号附一, 6之1, ...);
- `retired`: the address of a retired plate, labelled with its successor;
- `absent_number`: a number the street does not have, labelled "" (must be flagged).

Like `noise.py` it knows nothing of the matcher; the village is written when the street's name
and number occur in more than one village, as a careful reader would need it.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import DoorPlate, RecordStatus, Street, Village
from tests.address_cleaning.noise import CONFUSIONS, PREFIXES, UNITS, LabelledAddress

CLASSES = (
    ("typo_substitute", 8), ("typo_drop", 6), ("typo_insert", 5), ("typo_swap", 6),
    ("numeral_chinese", 5), ("numeral_nian", 4), ("numeral_capital", 4), ("numeral_digitwise", 3),
    ("numeral_traditional", 4), ("numeral_bare", 5), ("sub_form", 5), ("retired", 4), ("plain", 6),
    ("absent_number", 2),
)  # fmt: skip
DIGITS = "零一二三四五六七八九"
CAPITAL = "零壹贰叁肆伍陆柒捌玖"
SUB_FORMS = (
    "{b}号之{c}", "{b}之{c}号", "{b}号之{d}", "{b}-{d}号", "{b}号附{d}号", "{b}号-{d}", "{b}号附{c}",
    "{b}之{d}", "{b}附{d}号", "{b}之{c}",
)  # fmt: skip


@dataclass(frozen=True)
class _Plate:
    code: str  # the plate the address means: the successor, for a retired plate
    street: str
    aliases: tuple[str, ...]
    number: str
    village: str


def unfiltered_addresses(session: Session, *, count: int = 2000, seed: int = 2027) -> list[LabelledAddress]:
    """`count` addresses, each with one class of hard noise; the same for the same town and seed."""
    active, retired = _load_plates(session)
    if not active:
        return []
    rng = random.Random(seed)
    names = {p.street for p in active} | {a for p in active for a in p.aliases}
    pool = sorted({c for name in names for c in name})
    villages_of = Counter((p.street, p.number) for p in active + retired)
    numbers_on: dict[str, set[str]] = {p.street: set() for p in active + retired}
    for p in active + retired:
        numbers_on[p.street].add(p.number)
    out: list[LabelledAddress] = []
    while len(out) < count:
        kind = rng.choices([k for k, _ in CLASSES], weights=[w for _, w in CLASSES])[0]
        plates = retired if kind == "retired" else active
        if kind == "sub_form":
            plates = [p for p in active if "之" in p.number] or active
        plate = rng.choice(plates)
        address = _address(rng, kind, plate, names, pool, villages_of, numbers_on)
        if address is not None:
            out.append(address)
    return out


def _load_plates(session: Session) -> tuple[list[_Plate], list[_Plate]]:
    rows = session.execute(
        select(DoorPlate.code, Street.name, Street.aliases, DoorPlate.number, Village.name, DoorPlate.status)
        .add_columns(DoorPlate.successor_code)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .order_by(DoorPlate.code)
    )
    active, retired = [], []
    for code, street, aliases, number, village, status, successor in rows:
        if status == RecordStatus.ACTIVE:
            active.append(_Plate(code, street, tuple(aliases or ()), number, village))
        elif successor:
            retired.append(_Plate(successor, street, tuple(aliases or ()), number, village))
    return active, retired


def _address(
    rng: random.Random,
    kind: str,
    plate: _Plate,
    names: set[str],
    pool: list[str],
    villages_of: Counter[tuple[str, str]],
    numbers_on: dict[str, set[str]],
) -> LabelledAddress | None:
    kinds = [kind]
    prefix = rng.choices([p for p, _ in PREFIXES], weights=[w for _, w in PREFIXES])[0]
    number, label = plate.number, plate.code
    if kind == "absent_number":
        taken = numbers_on[plate.street]
        number = str(max(int(n.partition("之")[0]) for n in taken) + rng.randint(3, 40))
        label = ""
    village = ""
    if villages_of[(plate.street, number)] > 1 or rng.random() < 0.3:
        village = plate.village.split("(")[0]
    street = plate.street
    if kind.startswith("typo_"):
        typed = _typo(rng, kind, street, pool)
        if typed is None:
            return None
        street = typed
        if street in names:
            kinds.append("typo_collision")
    number_text = _number_text(rng, kind, number)
    unit = rng.choice(UNITS) if rng.random() < 0.25 else ""
    if unit and (kind == "numeral_bare" or number_text[-1].isdigit()):
        unit = " " + unit  # 三十三 3楼: without 号, nobody runs the unit into the number
    parts = [prefix, village, street, number_text + unit]
    separator = rng.choice(("", "", "", " ", "，"))
    return LabelledAddress(separator.join(p for p in parts if p), label, tuple(kinds))


def _typo(rng: random.Random, kind: str, name: str, pool: list[str]) -> str | None:
    """One slip anywhere in the name, of any character, kept whatever it makes."""
    position = rng.randrange(len(name))
    if kind == "typo_substitute":
        choices = CONFUSIONS.get(name[position]) or "".join(pool)
        typed = name[:position] + rng.choice(choices) + name[position + 1 :]
    elif kind == "typo_drop":
        typed = name[:position] + name[position + 1 :]
    elif kind == "typo_insert":
        typed = name[:position] + rng.choice(pool) + name[position:]
    else:
        if len(name) < 2:
            return None
        position = min(position, len(name) - 2)
        typed = name[:position] + name[position + 1] + name[position] + name[position + 2 :]
    return typed if typed != name and len(typed) >= 2 else None


def _number_text(rng: random.Random, kind: str, number: str) -> str:
    base_text, _, sub = number.partition("之")
    base = int(base_text)
    if kind == "sub_form" and sub:
        digit = str(_value(sub))
        return rng.choice(SUB_FORMS).format(b=base, c=sub, d=digit)
    sub_text = f"之{sub}" if sub else ""
    if kind == "numeral_chinese":
        return _chinese(base) + "号" + sub_text
    if kind == "numeral_nian":
        tens, ones = divmod(base, 10)
        lead = {2: "廿", 3: "卅"}.get(tens)
        text = lead + (DIGITS[ones] if ones else "") if lead else _chinese(base)
        return text + "号" + sub_text
    if kind == "numeral_capital":
        text = _chinese(base)
        capital = "".join(CAPITAL[DIGITS.index(c)] if c in DIGITS else "拾佰"["十百".index(c)] for c in text)
        if capital.startswith("拾") and rng.random() < 0.5:
            capital = "壹" + capital  # 壹拾贰 as often as 拾贰
        return capital + "号" + sub_text
    if kind == "numeral_digitwise":
        return "".join("〇" if d == "0" else DIGITS[int(d)] for d in str(base)) + "号" + sub_text
    if kind == "numeral_traditional":
        return rng.choice((_chinese(base), str(base))) + "號" + sub_text
    if kind == "numeral_bare":
        return _chinese(base) + sub_text
    return rng.choice((f"{base}号", f"{base}号", f"{base}")) + sub_text


def _chinese(value: int) -> str:
    """12 → 十二, 105 → 一百零五."""
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    text = DIGITS[hundreds] + "百" if hundreds else ""
    if hundreds and tens == 0 and ones:
        return text + "零" + DIGITS[ones]
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    return text + (DIGITS[ones] if ones else "")


def _value(numeral: str) -> int:
    """一 → 1, 十二 → 12: the sub-numbers stored on plates."""
    tens, sep, ones = numeral.partition("十")
    if not sep:
        return DIGITS.index(numeral)
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)
