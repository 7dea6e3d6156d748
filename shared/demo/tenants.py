"""流动人口 and 境外人员: households renting rooms or living in a factory's dormitory.

Households are 1–4 people, so no rental room holds more than four. The first households
cycle through every kind of document (HK/Macao/Taiwan permits, passports, a permanent
residence ID) so even the small town has each; afterwards about 2% of people are from
outside the mainland.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate

from shared.demo import names, regions
from shared.demo.context import Build, RoomSlot
from shared.demo.identity import ISO_NUMERIC
from shared.demo.population import PersonSpec, add_person, add_residence, age_on, birth_date, education
from shared.models import PersonCategory

HISTORY_SHARE = 0.1  # tenants who lived in another room before
MOVED_AWAY_SHARE = 0.02  # tenants whose only residence has ended
PLANNED_SHARE = 0.4  # residences with a planned end (the lease)
SOON_SHARE = 0.01  # … of which some end within the next 14 days (at least MIN_SOON)
MIN_SOON = 3

# Who is from outside the mainland, in the order the first foreign households take.
FOREIGN_KINDS = ("HKG-02", "VNM-04", "TWN-02", "MAC-02", "KOR-03", "MMR-04", "HKG-05", "TWN-06")
_NATIONALITIES = {"VNM": 40, "MMR": 12, "KOR": 10, "IND": 8, "NGA": 8, "PAK": 5, "PHL": 5, "LAO": 3}
_NATIONALITIES |= {"THA": 3, "JPN": 3, "USA": 2, "GBR": 1}
_NATIONALITY_POOL = (list(_NATIONALITIES), list(accumulate(_NATIONALITIES.values())))
_HMT = {
    "HKG": ("810000", "香港特别行政区"),
    "MAC": ("820000", "澳门特别行政区"),
    "TWN": ("830000", "台湾地区"),
}


class Employers:
    """Organisation names people work for, drawn in proportion to their staff."""

    def __init__(self, weighted: Sequence[tuple[str, int]]) -> None:
        self.names = [name for name, _ in weighted] or [""]
        self.cumulative = list(accumulate(max(1, w) for _, w in weighted)) or [1]

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cumulative)[0]


def fill_rooms(
    build: Build, slots: list[RoomSlot], *, target: int, foreign_share: float, employers: Employers
) -> int:
    """Move households into the rooms in random order until `target` people live here;
    returns how many were added (fewer if the rooms run out)."""
    rng = build.rng
    order = list(slots)
    rng.shuffle(order)
    residence_start, people_start = build.count("residences"), build.count("people")
    made = foreign_made = foreign_households = 0
    for slot in order:
        if made >= target:
            break
        # Foreigners rent: they take the next rental room whenever they fall below their share.
        is_foreign = slot.kind == "rental" and foreign_made <= foreign_share * made
        size = min(target - made, _household_size(rng, slot, is_foreign))
        if is_foreign:
            first_round = foreign_households < len(FOREIGN_KINDS)
            kind = FOREIGN_KINDS[foreign_households] if first_round else _foreign_kind(rng)
            foreign_made += _foreign_household(build, slot, size, kind)
            foreign_households += 1
            made += size
        else:
            made += _migrant_household(build, slot, size, employers)
    _add_histories_and_leases(build, order, residence_start, people_start)
    return made


def _household_size(rng: random.Random, slot: RoomSlot, is_foreign: bool) -> int:
    if slot.kind == "dorm":
        return rng.choice((2, 3, 4, 4))
    if is_foreign:
        return rng.choice((1, 1, 2))
    return rng.choices((1, 2, 3, 4), (22, 35, 25, 18))[0]


def _foreign_kind(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return rng.choice(("HKG-02", "HKG-02", "HKG-05", "MAC-02", "TWN-02", "TWN-06"))
    nationality = rng.choices(*_NATIONALITY_POOL)[0]
    if nationality in ISO_NUMERIC and rng.random() < 0.25:
        return f"{nationality}-03"
    return f"{nationality}-04"


def _migrant_household(build: Build, slot: RoomSlot, size: int, employers: Employers) -> int:
    """A single worker, co-workers, a couple, or a couple or parent with children."""
    rng = build.rng
    dorm = slot.kind == "dorm"
    since = build.today - timedelta(days=rng.randint(3, 6 * 365))
    reason = "11" if dorm else rng.choices(("11", "13", "14", "02", "10", "09"), (78, 10, 3, 3, 5, 1))[0]
    dwelling = "05" if dorm else rng.choices(("02", "04", "03"), (92, 5, 3))[0]
    if dorm or size == 1 or rng.random() < 0.25:  # unrelated adults sharing the room
        is_male = rng.random() < 0.55
        for _ in range(size):
            born = birth_date(build, rng.randint(18, 56))
            employer = slot.employer or employers.draw(rng)
            person = _migrant(build, is_male, born, regions.migrant_region(rng), employer=employer)
            add_residence(
                build, person_id=person, room_id=slot.id, since=since, reason=reason, dwelling_type=dwelling
            )
        return size
    region = regions.migrant_region(rng)
    surname = names.national_surname(rng)
    father_age = rng.randint(22, 52)
    father_born = birth_date(build, father_age)
    mother_born = birth_date(build, max(20, father_age + rng.randint(-6, 2)))
    adults = [(True, father_born), (False, mother_born)]
    if size == 2 and rng.random() < 0.15:  # a single parent and a child
        adults = [adults[rng.randrange(2)]]
    members: list[tuple[int, str, date]] = []
    for is_male, born in adults:
        own_surname = surname if is_male else None
        person = _migrant(build, is_male, born, region, employer=employers.draw(rng), surname=own_surname)
        members.append((person, reason, born))
    youngest_parent_age = min(age_on(born, build.anchor) for _, born in adults)
    while len(members) < size:
        child_age = rng.randint(0, max(0, min(17, youngest_parent_age - 20)))
        born = birth_date(build, child_age)
        person = _migrant(build, rng.random() < 0.52, born, region, employer="", surname=surname)
        members.append((person, "05", born))  # 随迁: came with the parents, or born here
    for person, why, born in members:
        add_residence(
            build,
            person_id=person,
            room_id=slot.id,
            since=max(since, born),
            reason=why,
            dwelling_type=dwelling,
        )
    return len(members)


def _migrant(
    build: Build,
    is_male: bool,
    born: date,
    region: regions.Region,
    *,
    employer: str,
    surname: str | None = None,
) -> int:
    rng = build.rng
    working = 18 <= age_on(born, build.anchor) < 60
    spec = PersonSpec(
        name=names.chinese_name(rng, is_male=is_male, born_year=born.year, surname=surname),
        is_male=is_male,
        born=born,
        id_type="01",
        id_number=build.numbers.citizen_number(region.code, born, is_male=is_male),
        category=PersonCategory.MIGRANT,
        ethnicity=regions.ethnicity_for(rng, region),
        hukou_address=region.address,
        education=education(rng, born, build.anchor, "migrant"),
        employer=employer if working and rng.random() < 0.92 else "",
    )
    return add_person(build, spec)


def _foreign_household(build: Build, slot: RoomSlot, size: int, kind: str) -> int:
    """People from Hong Kong, Macao, Taiwan or abroad, each with their own document."""
    rng = build.rng
    origin, id_type = kind.split("-")
    since = build.today - timedelta(days=rng.randint(3, 4 * 365))
    for index in range(size):
        is_male = rng.random() < (0.6 if index == 0 else 0.3)
        # A household's first member is at least 30: HK residents born before 1997 are common,
        # and their residence permits are what stdnum's validate() wrongly refuses.
        born = birth_date(build, rng.randint(30, 62) if index == 0 else rng.randint(20, 62))
        if origin in _HMT:
            region, address = _HMT[origin]
            if id_type == "02":
                number = build.numbers.citizen_number(region, born, is_male=is_male)
            elif id_type == "05":
                number = build.numbers.home_return_permit("H" if origin == "HKG" else "M")
            else:
                number = build.numbers.taiwan_permit()
            spec = PersonSpec(
                name=names.hmt_name(rng, is_male=is_male),
                is_male=is_male,
                born=born,
                id_type=id_type,
                id_number=number,
                category=PersonCategory.FOREIGN,
                nationality=origin,
                hukou_address=address,
                education=education(rng, born, build.anchor, "hmt"),
                employer=rng.choice(("", "自营")),
            )
        else:
            permanent = id_type == "03"
            number = (
                build.numbers.foreigner_permanent_id(origin, born, is_male=is_male)
                if permanent
                else build.numbers.passport(origin)
            )
            visa_days = rng.randint(-60, 20) if rng.random() < 0.08 else rng.randint(21, 720)
            spec = PersonSpec(
                name=names.foreign_name(rng, origin, is_male=is_male),
                is_male=is_male,
                born=born,
                id_type=id_type,
                id_number=number,
                category=PersonCategory.FOREIGN,
                ethnicity=None,
                nationality=origin,
                visa_expiry=None if permanent else build.today + timedelta(days=visa_days),
            )
        person = add_person(build, spec)
        add_residence(build, person_id=person, room_id=slot.id, since=since, reason="11", dwelling_type="02")
    return size


def _add_histories_and_leases(build: Build, slots: list[RoomSlot], start: int, people_start: int) -> None:
    """Earlier residences elsewhere, a few people who have moved away, and lease ends."""
    rng = build.rng
    residences = build.rows["residences"][start:]
    if not residences or not slots:
        return
    births = {row["id"]: row["birth_date"] for row in build.rows["people"][people_start:]}
    for row in residences:
        born = births[row["person_id"]]
        roll = rng.random()
        if roll < MOVED_AWAY_SHARE:
            row["until"] = build.today - timedelta(days=rng.randint(1, 400))
            row["until"] = max(row["until"], row["since"])
        elif roll < MOVED_AWAY_SHARE + HISTORY_SHARE:
            until = row["since"] - timedelta(days=rng.randint(0, 30))
            since = until - timedelta(days=rng.randint(90, 3 * 365))
            if age_on(born, since) >= 16:
                previous = slots[rng.randrange(len(slots))]
                add_residence(
                    build,
                    person_id=row["person_id"],
                    room_id=previous.id,
                    since=since,
                    until=until,
                    reason=row["reason"],
                    dwelling_type=row["dwelling_type"],
                )
        if row["until"] is None and row["dwelling_type"] != "05" and rng.random() < PLANNED_SHARE:
            row["planned_until"] = build.today + timedelta(days=rng.randint(15, 720))
    current = [row for row in residences if row["until"] is None]
    for row in rng.sample(current, min(len(current), max(MIN_SOON, round(len(current) * SOON_SHARE)))):
        row["planned_until"] = build.today + timedelta(days=rng.randint(1, 14))
