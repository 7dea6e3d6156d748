"""A labelled set of messy addresses made from the demo town's plates, for tests and the bench.

Each address is a real active plate written the way legacy registers write it: with or
without province, city, town and village; Chinese numerals, full-width digits, sub-numbers
written four ways, unit text after the number, spaces and punctuation, a former street name,
or one wrong, missing or extra character in the street name. `kinds` records which noise was
applied, so a failure can be traced to its kind.

Every address must still identify its plate to a careful reader; the generator keeps only
noise for which that holds. So the village is always written when the street's name and
number occur in more than one village (麻涌大道 12号 exists in five), and a typo is kept only
when no other street name (or former name) of the town is as close to the typed text. The
generator is deliberately independent of `shared.address_cleaning.matching`: it shares no code with
the thing it measures.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.models import DoorPlate, RecordStatus, Street, Village

PREFIXES = (
    ("", 6), ("东莞市麻涌镇", 4), ("麻涌镇", 3), ("广东省东莞市麻涌镇", 3), ("东莞麻涌", 1),
    ("广东省东莞市麻涌", 1), ("东莞市", 1), ("广东东莞麻涌镇", 1), ("中国广东省东莞市麻涌镇", 1),
)  # fmt: skip
UNITS = (
    "3楼301室", "A栋", "旁", "铺位", "首层", "二楼", "101房", "B座2楼", "对面", "1楼铺面", "3楼", "2楼201",
)  # fmt: skip
# Characters people type for one another in these names (same sound or similar shape).
CONFUSIONS = {
    "涌": "冲甬勇", "道": "到导", "路": "露璐", "街": "接阶", "巷": "项港", "麻": "马嘛", "新": "心欣",
    "大": "达太", "基": "机记", "村": "寸", "东": "冬", "西": "溪", "南": "男", "北": "背", "沙": "砂",
    "江": "将", "港": "岗", "华": "化", "阳": "杨", "湖": "胡", "洲": "州", "步": "布", "太": "泰",
    "梅": "枚", "古": "故", "澎": "彭", "漳": "章", "滘": "窖", "槎": "搓", "川": "穿", "黎": "梨",
    "鸥": "欧", "坊": "方", "里": "理", "横": "衡", "围": "维", "业": "叶", "工": "公", "市": "是",
    "场": "厂", "文": "闻", "化": "华", "中": "钟", "心": "新", "环": "还", "边": "变", "祠": "词",
    "堂": "唐", "仔": "子", "广": "光", "园": "圆", "湿": "诗", "地": "第", "公": "工", "第": "弟",
    "二": "贰", "社": "设", "区": "曲", "平": "坪", "安": "按",
}  # fmt: skip
FILLERS = "大新路街"
RENAME_WORDS = ("建设路", "人民路", "解放路", "中山路", "振兴路", "朝阳街", "幸福路", "团结路", "光明街")
DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class LabelledAddress:
    text: str
    plate_code: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class _Plate:
    code: str
    street: str
    aliases: tuple[str, ...]
    number: str
    village: str


def rename_some_streets(session: Session, *, share: float = 0.05, seed: int = 2026) -> int:
    """Give a share of the streets a former name (as if renamed, old name kept as an alias);
    returns how many. Names are `<village stem><word>`, unique in the town. Flushes."""
    rng = random.Random(seed)
    streets = list(session.scalars(select(Street).order_by(Street.id)))
    taken = {s.name for s in streets} | {a for s in streets for a in s.aliases or ()}
    renamed = 0
    for street in rng.sample(streets, max(1, round(len(streets) * share))):
        stem = street.name[:2]
        options = [stem + w for w in RENAME_WORDS if stem + w not in taken]
        if not options:
            continue
        alias = rng.choice(options)
        taken.add(alias)
        street.aliases = [*(street.aliases or []), alias]
        renamed += 1
    session.flush()
    return renamed


def messy_addresses(session: Session, *, count: int = 600, seed: int = 2026) -> list[LabelledAddress]:
    """`count` messy addresses of random active plates, the same for the same town and seed."""
    plates = _load_plates(session)
    if not plates:
        return []
    rng = random.Random(seed)
    names = {p.street for p in plates} | {a for p in plates for a in p.aliases}
    villages_of = Counter((p.street, p.number) for p in plates)
    return [_messy(rng, plate, names, villages_of) for plate in rng.choices(plates, k=count)]


def _load_plates(session: Session) -> list[_Plate]:
    rows = session.execute(
        select(DoorPlate.code, Street.name, Street.aliases, DoorPlate.number, Village.name)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .where(DoorPlate.status == RecordStatus.ACTIVE)
        .order_by(DoorPlate.code)
    )
    return [
        _Plate(code, street, tuple(aliases or ()), number, village)
        for code, street, aliases, number, village in rows
    ]


def _messy(
    rng: random.Random, plate: _Plate, names: set[str], villages_of: Counter[tuple[str, str]]
) -> LabelledAddress:
    kinds: list[str] = []
    prefix = _weighted(rng, PREFIXES)
    if prefix:
        kinds.append("town")
    village, after = "", ""
    if villages_of[(plate.street, plate.number)] > 1 or rng.random() < 0.35:
        if rng.random() < 0.15:
            after = f"（{_village_form(plate.village)}）"
            kinds.append("village_after")
        elif rng.random() < 0.15 and not _village_form(plate.village).startswith("麻涌"):
            village = _village_form(plate.village).removesuffix("村")  # 麻一 for 麻一村
            kinds.append("village_short")
        else:
            village = _village_form(plate.village)
            kinds.append("village")
    street = plate.street
    if plate.aliases and rng.random() < 0.5:
        street = rng.choice(plate.aliases)
        kinds.append("alias")
    if rng.random() < 0.2:
        typo = _typo(rng, street, names, before=prefix + village)
        if typo is not None:
            street = typo
            kinds.append("typo")
    number, number_kinds = _number_text(rng, plate.number)
    kinds.extend(number_kinds)
    unit = ""
    if rng.random() < 0.3:
        unit = rng.choice(UNITS)
        kinds.append("unit")
    if "no_hao" in number_kinds and unit:
        unit = " " + unit  # 12 3楼: without 号, nobody writes 123楼
    parts = [prefix, village, street, number + unit + after]
    if rng.random() < 0.25:
        text = rng.choice((" ", "，", "、", "　", ", ")).join(p for p in parts if p)
        kinds.append("spacing")
    else:
        text = "".join(parts)
    return LabelledAddress(text, plate.code, tuple(kinds) or ("clean",))


def _village_form(name: str) -> str:
    """How people write the village: `麻涌社区(示例)` without the demo marker."""
    return name.split("(")[0]


def _number_text(rng: random.Random, number: str) -> tuple[str, list[str]]:
    base, _, sub = number.partition("之")
    value = int(base)
    roll = rng.random()
    if roll < 0.2:
        return _chinese(rng, value) + "号" + (f"之{sub}" if sub else ""), ["chinese_numeral"]
    if roll < 0.3:
        wide = "".join(chr(ord(c) + 0xFEE0) for c in base)
        return wide + "号" + (f"之{sub}" if sub else ""), ["fullwidth"]
    if sub:
        sub_digit = str(_from_chinese(sub))
        forms = (f"{base}号之{sub}", f"{base}之{sub}号", f"{base}号之{sub_digit}", f"{base}-{sub_digit}号")
        return rng.choice(forms), ["sub_number"]
    if roll < 0.38:
        return base, ["no_hao"]
    return base + "号", []


def _chinese(rng: random.Random, value: int) -> str:
    """12 → 十二, 105 → 一百零五; 2 sometimes 两, as people say it."""
    if value == 2 and rng.random() < 0.5:
        return "两"
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    text = ""
    if hundreds:
        text += DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return text + "零" + DIGITS[ones]
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        text += DIGITS[ones]
    return text


def _from_chinese(text: str) -> int:
    if text.startswith("十"):
        return 10 + (DIGITS.index(text[1]) if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return DIGITS.index(tens) * 10 + (DIGITS.index(ones) if ones else 0)
    return DIGITS.index(text)


def _typo(rng: random.Random, name: str, names: set[str], *, before: str) -> str | None:
    """One wrong, missing or extra character, such that `name` is still the nearest name to
    what is written before the number (`before` is the town and village text)."""
    for _ in range(8):
        position = rng.randrange(len(name))
        kind = rng.random()
        if kind < 0.6:
            choices = CONFUSIONS.get(name[position])
            if not choices:
                continue
            typed = name[:position] + rng.choice(choices) + name[position + 1 :]
        elif kind < 0.8:
            if len(name) <= 3:
                continue
            typed = name[:position] + name[position + 1 :]
        else:
            typed = name[:position] + rng.choice(FILLERS) + name[position:]
        if typed != name and _is_nearest(before + typed, name, names):
            return typed
    return None


def _is_nearest(typed: str, name: str, names: set[str]) -> bool:
    """No other name within one edit of an ending of `typed`."""
    present = set(typed)
    for other in names:
        if other == name or sum(c not in present for c in other) > 1:
            continue
        if _ending_distance(other, typed) <= 1:
            return False
    return True


def _ending_distance(key: str, text: str) -> int:
    """Edit distance from `key` to the closest ending of `text`."""
    row = [0] * (len(text) + 1)
    for i, a in enumerate(key, start=1):
        new = [i]
        for j, b in enumerate(text, start=1):
            new.append(min(row[j] + 1, new[j - 1] + 1, row[j - 1] + (a != b)))
        row = new
    return row[-1]


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
