"""实有人口 of the demo town: people and the villagers' families in their own houses.

A person's identity number is built from their birth date and sex, so the record agrees
with its own number; numbers and phones are sealed (encrypted, blind-indexed) as any
record is. Ages count back from a fixed day (context.BIRTH_ANCHOR) so a seed gives the
same numbers whichever day the demo is built.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from shared.demo import names, regions
from shared.demo.context import Build, Site
from shared.housing.people import seal_id_number, seal_phone
from shared.models import PersonCategory

ADULT_AGE = 16  # from here on a person carries a phone and may work
PHONE_SHARE = 0.97

_LOCAL_EDUCATION_OLD = {"81": 40, "83": 10, "71": 35, "61": 15}
_LOCAL_EDUCATION = {"71": 28, "61": 22, "44": 8, "31": 20, "21": 17, "14": 5}
_MIGRANT_EDUCATION = {
    "81": 8,
    "73": 4,
    "71": 38,
    "61": 15,
    "47": 8,
    "41": 5,
    "44": 4,
    "31": 10,
    "21": 7,
    "14": 1,
}
_HMT_EDUCATION = {"61": 35, "31": 25, "21": 30, "14": 10}


def _cumulative(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(weights), list(accumulate(weights.values()))


_EDUCATION = {
    "local_old": _cumulative(_LOCAL_EDUCATION_OLD),
    "local": _cumulative(_LOCAL_EDUCATION),
    "migrant": _cumulative(_MIGRANT_EDUCATION),
    "hmt": _cumulative(_HMT_EDUCATION),
}


def birth_date(build: Build, age: int) -> date:
    """A birth date making the person `age` full years old on the anchor day."""
    anchor = build.anchor
    latest = anchor - timedelta(days=round(age * 365.25))
    return latest - timedelta(days=build.rng.randrange(365))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def education(rng: random.Random, born: date, anchor: date, pool: str) -> str | None:
    """Attained level (GB/T 4658): none before school, the school level for pupils."""
    age = age_on(born, anchor)
    if age < 7:
        return None
    if age < 13:
        return "80"
    if age < 16:
        return "70"
    if pool == "local" and born.year < 1965:
        pool = "local_old"
    population, cumulative = _EDUCATION[pool]
    return rng.choices(population, cum_weights=cumulative)[0]


@dataclass(frozen=True)
class PersonSpec:
    """What the build knows about a new person before their row is written."""

    name: str
    is_male: bool
    born: date
    id_type: str
    id_number: str
    category: PersonCategory
    ethnicity: str | None = "01"
    nationality: str = "CHN"
    hukou_address: str = ""
    education: str | None = None
    employer: str = ""
    visa_expiry: date | None = None


def add_person(build: Build, spec: PersonSpec) -> int:
    """Write one person row (number and phone sealed) and return the new id."""
    person_id = build.take_id("people")
    sealed_id = seal_id_number(spec.id_type, spec.id_number, build.keyring)
    has_phone = age_on(spec.born, build.anchor) >= ADULT_AGE and build.rng.random() < PHONE_SHARE
    sealed_phone = seal_phone(build.numbers.mobile(), build.keyring) if has_phone else None
    build.add(
        "people",
        {
            "id": person_id,
            "name": spec.name,
            "sex": "1" if spec.is_male else "2",
            "ethnicity": spec.ethnicity,
            "birth_date": spec.born,
            "id_type": spec.id_type,
            "id_number_enc": sealed_id.ciphertext,
            "id_number_index": sealed_id.index,
            "nationality": spec.nationality,
            "visa_expiry": spec.visa_expiry,
            "hukou_address": spec.hukou_address,
            "education": spec.education,
            "phone_enc": sealed_phone.ciphertext if sealed_phone else None,
            "phone_index": sealed_phone.index if sealed_phone else None,
            "employer": spec.employer,
            "category": spec.category,
            "created_at": build.now,
            "updated_at": build.now,
        },
    )
    return person_id


@dataclass
class Family:
    """A villager household living in its own house; `adults` may own other buildings too."""

    members: list[tuple[int, date]] = field(default_factory=list)  # (person id, birth date)
    adults: list[int] = field(default_factory=list)
    head: int = 0
    since: date | None = None


def add_local_family(build: Build, site: Site, *, collective: str) -> Family:
    """A family of 1–6 registered at its house: head, usually a spouse, children, sometimes
    a grandparent. Some spouses married in from another province and kept their number."""
    rng = build.rng
    surname = names.local_surname(rng)
    hukou = f"{regions.TOWN_ADDRESS}{site.village.name}{site.street}{site.number}号"
    family = Family()

    def local(is_male: bool, born: date, *, surname_of: str | None, married_in: bool = False) -> None:
        if married_in:
            region = regions.migrant_region(rng)
            region_code, ethnicity = region.code, regions.ethnicity_for(rng, region)
            name = names.chinese_name(rng, is_male=is_male, born_year=born.year)
        else:
            region_code, ethnicity = regions.TOWN_REGION, "01"
            name = names.chinese_name(
                rng, is_male=is_male, born_year=born.year, surname=surname_of, local=True
            )
        age = age_on(born, build.anchor)
        employer = collective if age >= 18 and age < 65 and rng.random() < 0.15 else ""
        spec = PersonSpec(
            name=name,
            is_male=is_male,
            born=born,
            id_type="01",
            id_number=build.numbers.citizen_number(region_code, born, is_male=is_male),
            category=PersonCategory.LOCAL,
            ethnicity=ethnicity,
            hukou_address=hukou,
            education=education(rng, born, build.anchor, "local"),
            employer=employer,
        )
        person_id = add_person(build, spec)
        family.members.append((person_id, born))
        if age >= 18:
            family.adults.append(person_id)

    head_male = rng.random() < 0.85
    head_born = birth_date(build, rng.randint(28, 80))
    local(head_male, head_born, surname_of=surname)
    family.head = family.members[0][0]
    if rng.random() < 0.88:
        spouse_born = birth_date(build, max(20, age_on(head_born, build.anchor) + rng.randint(-6, 4)))
        local(not head_male, spouse_born, surname_of=None, married_in=rng.random() < 0.25)
    for _ in range(rng.choices((0, 1, 2, 3), (15, 35, 38, 12))[0]):
        child_born = head_born + timedelta(days=rng.randint(22 * 365, 40 * 365))
        if child_born < build.anchor:
            local(rng.random() < 0.52, child_born, surname_of=surname)
    if rng.random() < 0.2:
        elder_born = head_born - timedelta(days=rng.randint(22 * 365, 34 * 365))
        if age_on(elder_born, build.anchor) <= 98:
            local(rng.random() < 0.4, elder_born, surname_of=surname)
    family.since = build.today - timedelta(days=rng.randint(365, 25 * 365))
    return family


def home_rooms_needed(family: Family) -> int:
    """Rooms a family keeps for itself: about one per three people (the rest are let)."""
    return max(1, math.ceil(len(family.members) / 3))


def add_family_residences(build: Build, family: Family, room_ids: list[int]) -> None:
    """Every member lives in one of the family's rooms, since birth or since moving in."""
    for index, (person_id, born) in enumerate(family.members):
        since = max(born, family.since or born)
        add_residence(
            build,
            person_id=person_id,
            room_id=room_ids[index % len(room_ids)],
            since=since,
            reason="99",
            dwelling_type="01",
        )


def add_residence(
    build: Build,
    *,
    person_id: int,
    room_id: int,
    since: date,
    reason: str,
    dwelling_type: str,
    until: date | None = None,
    planned_until: date | None = None,
) -> None:
    build.add(
        "residences",
        {
            "id": build.take_id("residences"),
            "person_id": person_id,
            "room_id": room_id,
            "since": since,
            "until": until,
            "planned_until": planned_until,
            "reason": reason,
            "dwelling_type": dwelling_type,
            "declaration_id": None,
        },
    )
