"""标准地址库: finding a standard address without a QR code (village → street → number, or text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from shared.models import DoorPlate, RecordStatus, Street, Village
from shared.models.places import format_address

CHINESE_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
TOWN_PREFIXES = ("广东省", "东莞市", "麻涌镇")
PLATE_CODE = re.compile(r"^[0-9A-Z]{6,32}$")  # standard address codes; demo plates have 10 digits
NUMBER_IN_TEXT = re.compile(r"(\d+)\s*号?\s*(之\s*[一二三四五六七八九十\d]+)?")


@dataclass(frozen=True)
class StreetOption:
    id: int
    name: str


@dataclass(frozen=True)
class AddressHit:
    """A standard address found by search."""

    code: str
    village_name: str
    street: str
    number: str

    @property
    def address(self) -> str:
        return format_address(self.street, self.number)


def plate_number_sort_key(number: str) -> tuple[int, int, str]:
    """Door numbers in the order people expect: 2 before 10, `12之一` right after 12."""
    match = re.match(r"(\d+)(?:之(.+))?", number)
    if match is None:
        return (1_000_000, 0, number)
    suffix = match.group(2)
    return (int(match.group(1)), chinese_to_int(suffix) if suffix else 0, number)


def chinese_to_int(text: str) -> int:
    """`十二` → 12, `三` → 3, `7` → 7; numbers up to 99, which is what plates carry."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CHINESE_DIGITS.get(tens, 1) * 10 + (CHINESE_DIGITS.get(ones, 0) if ones else 0)
    return CHINESE_DIGITS.get(text, 0)


def list_villages(session: Session) -> list[tuple[str, str]]:
    """`(code, name)` of every village and community, in code order."""
    return [
        (code, name)
        for code, name in session.execute(select(Village.code, Village.name).order_by(Village.code))
    ]


def list_streets(session: Session, *, village_code: str) -> list[StreetOption]:
    """The active streets of a village, by name."""
    rows = session.scalars(
        select(Street)
        .where(Street.village_code == village_code, Street.status == RecordStatus.ACTIVE)
        .order_by(Street.name)
    )
    return [StreetOption(s.id, s.name) for s in rows]


def list_plate_numbers(session: Session, *, street_id: int) -> list[tuple[str, str]]:
    """`(plate code, number)` of a street's active plates in door-number order."""
    rows = session.execute(
        select(DoorPlate.code, DoorPlate.number).where(
            DoorPlate.street_id == street_id, DoorPlate.status == RecordStatus.ACTIVE
        )
    ).all()
    return sorted(((code, number) for code, number in rows), key=lambda r: plate_number_sort_key(r[1]))


def search_addresses(session: Session, text: str, *, limit: int = 20) -> list[AddressHit]:
    """Free-text search: `麻涌大道12号`, `麻一村 麻涌大道 12`, a street alone, or a plate code."""
    query = re.sub(r"\s+", "", text or "")
    if not query:
        return []
    base = (
        select(DoorPlate.code, Village.name, Street.name, DoorPlate.number)
        .join(Street, DoorPlate.street_id == Street.id)
        .join(Village, Street.village_code == Village.code)
        .where(DoorPlate.status == RecordStatus.ACTIVE)
    )
    if PLATE_CODE.match(query.upper()):
        by_code = session.execute(base.where(DoorPlate.code == query.upper())).all()
        if by_code:
            return [AddressHit(*row) for row in by_code]
    for prefix in TOWN_PREFIXES:
        query = query.removeprefix(prefix)
    number = None
    match = NUMBER_IN_TEXT.search(query)
    if match:
        number = match.group(1) + (("之" + match.group(2)[1:].strip()) if match.group(2) else "")
        query = query[: match.start()] + query[match.end() :]
    village_names = session.scalars(select(Village.name)).all()
    village_filter = None
    for name in sorted(village_names, key=len, reverse=True):
        for form in (name, name.removesuffix("村").removesuffix("社区")):
            if form and query.startswith(form) and len(form) >= 2:
                village_filter = name
                query = query.removeprefix(form).removeprefix("村")
                break
        if village_filter:
            break
    statement = base
    if village_filter:
        statement = statement.where(Village.name == village_filter)
    if query:
        # Old street names stay findable after a rename: aliases are a JSON list stored as text.
        statement = statement.where(
            or_(Street.name.contains(query), cast(Street.aliases, Text).contains(query))
        )
    if number:
        statement = statement.where(DoorPlate.number == number)
    if not query and not number and not village_filter:
        return []
    rows = session.execute(statement.limit(500)).all()
    hits = [AddressHit(*row) for row in rows]
    hits.sort(key=lambda h: (h.village_name, h.street, plate_number_sort_key(h.number)))
    return hits[:limit]
