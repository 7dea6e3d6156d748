"""信息自动分析、比对: what every comparison rule works on, and how it reports.

A declaration's payload is read once into `Declared`: the people it is about (`Subject`: the
tenant and family, or each tenant of a rental, with the room, move-in date and field path of
each), the landlord or organisation declarant (`Party`) and every room it names. A rule is a
plain function of a `DeclarationCheck` (that, the records it is compared with, the dates and
the settings) returning unsaved `Finding`s made by `finding()`, whose message names the field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from shared.core.crypto import id_blind_index
from shared.core.errors import DomainError, ValidationError
from shared.core.validate import IdCheck, validate_id_number
from shared.declarations.form_errors import field_label
from shared.declarations.inputs import (
    DeclarationInput,
    OrganisationInput,
    PersonInput,
    RentalInput,
    ResidenceInput,
    from_payload,
)
from shared.models import DeclarationKind, Finding, Severity

if TYPE_CHECKING:
    from shared.rules.lookup import Records

# 民法典 第十七条: under 18 is a minor.
ADULT_AGE = 18
# Building uses (data/codes/building_use.csv) where nobody should live: 04 工业(厂房), 05 仓储.
INDUSTRIAL_USES = frozenset({"04", "05"})


@dataclass(frozen=True)
class RuleSettings:
    """What a town may set differently; the defaults are Guangdong's and the common local ones.

    `m2_per_person`: 商品房屋租赁管理办法 (住建部 2010) 第八条 leaves the minimum floor area per
    tenant to the local government; 5 m² is the figure most cities use.
    `late_working_days`: 广东省流动人口服务管理条例 asks for residence registration within a few
    working days of arrival (3 here). Saturdays and Sundays do not count; public holidays and
    the weekend days swapped into working days (调休) are ignored, so around a holiday a
    declaration may be called late a day or two early: a warning, which the officer judges.
    `foreigner_late_days`: 出境入境管理法 第三十九条, foreigners living outside hotels register
    within 24 hours of moving in (one calendar day).
    `move_in_ahead_days`: how far after the declaration a move-in may lie (the forms allow 30).
    """

    m2_per_person: float = 5.0
    late_working_days: int = 3
    foreigner_late_days: int = 1
    move_in_ahead_days: int = 30


_TENANT_PERSON = re.compile(r"(tenants\[\d+\])\.person")

ENV_M2_PER_PERSON = "MENPAI_M2_PER_PERSON"
ENV_LATE_WORKING_DAYS = "MENPAI_LATE_WORKING_DAYS"


def load_rule_settings(environ: Mapping[str, str] | None = None) -> RuleSettings:
    """The rule settings with the environment's overrides; a bad value is refused by name."""
    env = os.environ if environ is None else environ
    defaults = RuleSettings()
    m2 = _setting(env, ENV_M2_PER_PERSON, defaults.m2_per_person, float, 0.5, 100.0)
    late = _setting(env, ENV_LATE_WORKING_DAYS, defaults.late_working_days, int, 0, 365)
    return RuleSettings(m2_per_person=float(m2), late_working_days=int(late))


def _setting(
    env: Mapping[str, str], name: str, default: float, kind: type[float] | type[int], low: float, high: float
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DomainError(
            f"环境变量 {name} 的值 {raw!r} 无效（应为 {low:g} 至 {high:g} 之间的数）",
            f"Environment variable {name}: {raw!r} is not a number from {low:g} to {high:g}",
        )
    return value


@dataclass(frozen=True)
class Subject:
    """One person a declaration says lives in a room, and where their fields are in the payload."""

    path: str  # "person", "family[0]", "tenants[2].person"
    person: PersonInput
    index: str  # blind index of the person's document, as `Person.id_number_index`
    room_id: int
    room_path: str  # "room_id", "tenants[2].room_id"
    move_in: date
    move_in_path: str  # "move_in", "tenants[2].move_in"
    move_out: date | None
    move_out_path: str
    is_declarant: bool  # the tenant declaring for themselves (their move-in date is their own)

    def field(self, name: str) -> str:
        return f"{self.path}.{name}"

    def lives_there_on(self, day: date) -> bool:
        return self.move_out is None or self.move_out > day


@dataclass(frozen=True)
class Party:
    """Who declares a rental (the landlord) or an organisation (its declarant)."""

    path: str  # "landlord", "declarant"
    name: str
    id_type: str
    id_number: str
    phone: str
    index: str


@dataclass(frozen=True)
class Declared:
    """A declaration's payload as the rules read it."""

    declaration_id: int
    kind: DeclarationKind
    plate_code: str
    data: DeclarationInput
    subjects: tuple[Subject, ...]
    party: Party | None
    rooms: tuple[tuple[str, int], ...]  # (field path, room id) of every room named


def read_declared(
    *, declaration_id: int, kind: DeclarationKind, plate_code: str, payload: Mapping[str, Any]
) -> Declared:
    """Read a stored payload (as `shared.declarations.inputs.to_payload` wrote it)."""
    data = from_payload(kind, payload)
    subjects: list[Subject] = []
    rooms: list[tuple[str, int]] = []
    party: Party | None = None
    if isinstance(data, ResidenceInput):
        rooms.append(("room_id", data.room_id))
        people = [("person", data.person), *((f"family[{i}]", p) for i, p in enumerate(data.family))]
        for path, person in people:
            subjects.append(
                Subject(path=path, person=person, index=_index(person), room_id=data.room_id,
                        room_path="room_id", move_in=data.move_in, move_in_path="move_in",
                        move_out=data.move_out, move_out_path="move_out", is_declarant=path == "person")
            )  # fmt: skip
    elif isinstance(data, RentalInput):
        rooms.extend((f"room_ids[{i}]", room_id) for i, room_id in enumerate(data.room_ids))
        landlord = data.landlord
        party = _party("landlord", landlord.name, landlord.id_type, landlord.id_number, landlord.phone)
        for i, tenant in enumerate(data.tenants):
            at = f"tenants[{i}]"
            rooms.append((f"{at}.room_id", tenant.room_id))
            subjects.append(
                Subject(path=f"{at}.person", person=tenant.person, index=_index(tenant.person),
                        room_id=tenant.room_id, room_path=f"{at}.room_id", move_in=tenant.move_in,
                        move_in_path=f"{at}.move_in", move_out=tenant.move_out,
                        move_out_path=f"{at}.move_out", is_declarant=True)
            )  # fmt: skip
    elif isinstance(data, OrganisationInput):
        if data.room_id is not None:
            rooms.append(("room_id", data.room_id))
        d = data.declarant
        party = _party("declarant", d.name, d.id_type, d.id_number, d.phone)
    return Declared(declaration_id, kind, plate_code, data, tuple(subjects), party, tuple(rooms))


def _index(person: PersonInput) -> str:
    return id_blind_index(person.id_type, person.id_number)


def _party(path: str, name: str, id_type: str, id_number: str, phone: str) -> Party:
    return Party(path, name, id_type, id_number, phone, id_blind_index(id_type, id_number))


@dataclass(frozen=True)
class DeclarationCheck:
    """Everything one run of the rules over one declaration needs.

    `today`: the day the rules run (ages, current residents, visas). `version_on`: the day the
    current version was submitted (what "in the future" is measured from). `submitted_on`: the
    day the declaration was first submitted (what "late" is measured from: a later correction
    does not make a declaration late)."""

    declared: Declared
    records: Records
    settings: RuleSettings
    today: date
    version_on: date
    submitted_on: date
    _read: dict[tuple[str, str], IdCheck | ValidationError] = field(
        default_factory=dict, compare=False, repr=False
    )

    def read_document(self, id_type: str, number: str) -> IdCheck | ValidationError:
        """What a document number says, or why it cannot be read; read once per run (several
        rules ask, and a rental may list thousands of tenants)."""
        key = (id_type, number)
        if key not in self._read:
            try:
                self._read[key] = validate_id_number(id_type, number, today=self.today)
            except ValidationError as error:
                self._read[key] = error
        return self._read[key]

    @property
    def subjects(self) -> tuple[Subject, ...]:
        return self.declared.subjects

    def current_subjects(self) -> tuple[Subject, ...]:
        """The people who live (or will live) in their room: not those already moved out."""
        return tuple(s for s in self.declared.subjects if s.lives_there_on(self.today))


def field_name(path: str, lang: str = "zh") -> str:
    """A field path as a page names it; a tenant's person fields read as the tenant's own
    (`tenants[0].person.id_number` → 租客1 · 证件号码)."""
    return field_label(_TENANT_PERSON.sub(r"\1", path), lang)


def finding(rule: str, severity: Severity, field: str | None, zh: str, en: str) -> Finding:
    """An unsaved finding whose message starts with the field's name in each language."""
    if field:
        zh, en = f"{field_name(field)}：{zh}", f"{field_name(field, 'en')}: {en}"
    return Finding(
        rule=rule, severity=severity, field=field[:60] if field else None, message_zh=zh, message_en=en
    )


def working_days_after(start: date, end: date) -> int:
    """Monday-to-Friday days d with start < d <= end (0 when end is not after start)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count
