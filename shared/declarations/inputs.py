"""自助申报的内容: what a tenant, landlord or organisation manager declares, as frozen inputs.

The forms' values are checked into these by `shared.declarations.forms` (`validate_residence`,
`validate_rental`, `validate_organisation`). A declaration's payload is `to_payload(input)`:
the same field names, dates as ISO strings, so a receipt's payload fills the correction form
and validates again, and `from_payload` turns a stored payload back into an input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from shared.core.errors import DomainError
from shared.core.validate import ID_FOREIGNER_PERMANENT, ID_PASSPORT
from shared.models import DeclarationKind
from shared.models.base import json_default

# 民法典 第十七条: under 18 is a minor; a minor may be declared without a phone of their own.
ADULT_AGE = 18
MOVE_IN_AHEAD = timedelta(days=30)  # a family may declare before moving, not months before
MOVE_OUT_AHEAD = timedelta(days=7)
CHINESE_NATIONALITIES = frozenset({"CHN", "HKG", "MAC", "TWN"})
FOREIGNER_ID_TYPES = frozenset({ID_PASSPORT, ID_FOREIGNER_PERMANENT})
RELATIONS: dict[str, tuple[str, str]] = {
    "self": ("本人", "Self"),
    "spouse": ("配偶", "Spouse"),
    "child": ("子女", "Child"),
    "parent": ("父母", "Parent"),
    "sibling": ("兄弟姐妹", "Sibling"),
    "grandparent": ("祖父母/外祖父母", "Grandparent"),
    "grandchild": ("孙子女/外孙子女", "Grandchild"),
    "other": ("其他", "Other"),
}


# Payload fields stored as codes, and the code list (shared.core.codes) that labels each.
CODED_FIELDS = {
    "sex": "sex",
    "ethnicity": "ethnicity",
    "education": "education",
    "id_type": "id_type",
    "nationality": "nationality",
    "reason": "residence_reason",
    "dwelling_type": "dwelling_type",
    "use": "building_use",
    "status": "organisation_status",
}
# What a field path's last part is called on the forms, for messages and for `field_label`.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "Name"),
    "sex": ("性别", "Sex"),
    "ethnicity": ("民族", "Ethnic group"),
    "birth_date": ("出生日期", "Birth date"),
    "id_type": ("证件类型", "Document type"),
    "id_number": ("证件号码", "Identity number"),
    "nationality": ("国籍", "Nationality"),
    "hukou_address": ("户籍地址", "Household-registration address"),
    "education": ("文化程度", "Education"),
    "phone": ("联系电话", "Phone"),
    "employer": ("工作单位", "Employer"),
    "relation": ("与申报人关系", "Relation to the declarant"),
    "visa_expiry": ("签证（居留许可）有效期至", "Visa or residence permit valid until"),
    "room_id": ("房间", "Room"),
    "room_ids": ("出租房间", "Rooms let"),
    "reason": ("居住事由", "Reason for residence"),
    "dwelling_type": ("住所类型", "Type of dwelling"),
    "move_in": ("入住日期", "Move-in date"),
    "move_out": ("搬离日期", "Move-out date"),
    "planned_until": ("拟居住至", "Planned stay until"),
    "planned_months": ("拟居住月数", "Planned stay in months"),
    "privacy_accepted": ("隐私告知", "Privacy notice"),
    "lease_start": ("租赁开始日期", "Lease start"),
    "lease_end": ("租赁结束日期", "Lease end"),
    "use": ("出租用途", "Use of the let rooms"),
    "pledge_accepted": ("治安责任书", "Security responsibility pledge"),
    "uscc": ("统一社会信用代码", "Unified social credit code"),
    "status": ("经营状态", "Status"),
    "legal_rep": ("法定代表人", "Legal representative"),
    "manager": ("负责人", "Manager"),
    "staff_count": ("从业人数", "Number of staff"),
}
# The group a path starts with, as a page names it: `family[1].name` → 随行人员2 · 姓名.
_GROUP_LABELS: dict[str, tuple[str, str]] = {
    "person": ("本人", "You"),
    "family": ("随行人员", "Family member"),
    "tenants": ("租客", "Tenant"),
    "landlord": ("房东", "Landlord"),
    "declarant": ("申报人", "Declarant"),
}
# "Phone number: …": the English validators name the field first, as they may word it.
_NAMED_EN = re.compile(r"^[A-Z][\w ()'/-]{0,40}: (?=\S)")
_PATH_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; `field` is a path such as `person.id_number` or
    `family[1].birth_date` (indexes from 0, as in the list the page sent)."""

    field: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang.lower().startswith("en") else self.message_zh

    def reason(self, lang: str = "zh") -> str:
        """The problem without the field's own name in front (`不能为空`, `This field is required`),
        for a summary that names the field by its place on the form (`租客2 · 房间`): the shared
        validators put the name first, so it would be said twice."""
        if lang.lower().startswith("en"):
            rest = _NAMED_EN.sub("", self.message_en, count=1)
            return rest[:1].upper() + rest[1:]
        rest = self.message_zh.removeprefix(label_of(self.field)[0]).lstrip("：:")
        return rest or self.message_zh


class FormErrors(DomainError):
    """Every field error of a submitted form at once; nothing typed is lost, the page keeps its
    values and shows `errors` beside their fields."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        count = len(errors)
        super().__init__(f"有 {count} 处需要修改", f"{count} field(s) need correcting")
        self.errors: tuple[FieldError, ...] = tuple(errors)

    def __str__(self) -> str:
        return f"{super().__str__()}: {', '.join(self.fields)}"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(e.field for e in self.errors)

    def for_field(self, path: str) -> tuple[FieldError, ...]:
        """Errors of one field, e.g. to show under its input."""
        return tuple(e for e in self.errors if e.field == path)


def field_label(path: str, lang: str = "zh") -> str:
    """A field path as people read it: `family[1].birth_date` → `随行人员2 · 出生日期`."""
    english = lang.lower().startswith("en")
    parts = []
    for name, index in _PATH_PART.findall(path):
        zh, en = _GROUP_LABELS.get(name) or FIELD_LABELS.get(name) or (name, name)
        if index:
            zh, en = f"{zh}{int(index) + 1}", f"{en} {int(index) + 1}"
        parts.append(en if english else zh)
    return " · ".join(parts)


def label_of(path: str) -> tuple[str, str]:
    last = path.rsplit(".", 1)[-1].split("[", 1)[0]
    return FIELD_LABELS.get(last, (last, last))


@dataclass(frozen=True)
class PersonInput:
    """A person as declared: codes from the code lists, the number upper case, phone E.164."""

    name: str
    sex: str
    ethnicity: str | None  # None for foreign nationals
    birth_date: date
    id_type: str
    id_number: str
    nationality: str  # ISO 3166-1 alpha-3
    hukou_address: str
    education: str | None
    phone: str | None  # None only for minors (under 18)
    employer: str
    relation: str  # key of RELATIONS; "self" for the declarant
    visa_expiry: date | None = None


@dataclass(frozen=True)
class DeclarantInput:
    """Who declares a rental or an organisation: the document opens the receipt later."""

    name: str
    id_type: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class TenantInput:
    """A tenant a landlord declares; `move_out` set ends this tenancy on a correction."""

    room_id: int
    person: PersonInput
    move_in: date
    reason: str
    move_out: date | None = None


@dataclass(frozen=True)
class ResidenceInput:
    """我住在这里: a tenant's own residence with the family living with them."""

    room_id: int
    person: PersonInput
    family: tuple[PersonInput, ...]
    reason: str
    dwelling_type: str | None
    move_in: date
    planned_until: date | None
    privacy_accepted: bool
    move_out: date | None = None


@dataclass(frozen=True)
class RentalInput:
    """我是房东: the rooms let, the lease, the tenants and the accepted 治安责任书."""

    landlord: DeclarantInput
    room_ids: tuple[int, ...]
    lease_start: date
    lease_end: date | None
    use: str  # code list building_use
    tenants: tuple[TenantInput, ...]
    pledge_accepted: bool
    move_out: date | None = None  # the whole rental ends


@dataclass(frozen=True)
class OrganisationInput:
    """实有单位 declared by its manager."""

    name: str
    uscc: str
    status: str
    legal_rep: str
    manager: str
    phone: str
    staff_count: int | None
    room_id: int | None
    declarant: DeclarantInput


DeclarationInput = ResidenceInput | RentalInput | OrganisationInput


def to_payload(data: DeclarationInput) -> dict[str, Any]:
    """The JSON-ready payload of an input: its fields, dates as ISO strings, tuples as lists."""
    result: dict[str, Any] = json.loads(json.dumps(asdict(data), default=json_default))
    return result


def from_payload(kind: DeclarationKind, payload: Mapping[str, Any]) -> DeclarationInput:
    """An input rebuilt from a stored payload; no checks, it was checked when it was submitted."""
    if kind is DeclarationKind.RESIDENCE:
        return ResidenceInput(
            room_id=payload["room_id"],
            person=_person(payload["person"]),
            family=tuple(_person(p) for p in payload["family"]),
            reason=payload["reason"],
            dwelling_type=payload["dwelling_type"],
            move_in=date.fromisoformat(payload["move_in"]),
            planned_until=_date(payload["planned_until"]),
            privacy_accepted=payload["privacy_accepted"],
            move_out=_date(payload.get("move_out")),
        )
    if kind is DeclarationKind.RENTAL:
        return RentalInput(
            landlord=DeclarantInput(**payload["landlord"]),
            room_ids=tuple(payload["room_ids"]),
            lease_start=date.fromisoformat(payload["lease_start"]),
            lease_end=_date(payload["lease_end"]),
            use=payload["use"],
            tenants=tuple(
                TenantInput(
                    room_id=t["room_id"],
                    person=_person(t["person"]),
                    move_in=date.fromisoformat(t["move_in"]),
                    reason=t["reason"],
                    move_out=_date(t.get("move_out")),
                )
                for t in payload["tenants"]
            ),
            pledge_accepted=payload["pledge_accepted"],
            move_out=_date(payload.get("move_out")),
        )
    return OrganisationInput(**{**payload, "declarant": DeclarantInput(**payload["declarant"])})


def declarant_document(data: DeclarationInput) -> tuple[str, str]:
    """(document type, number) of whoever declares: the tenant, the landlord or the manager.
    Its last 6 characters open the receipt."""
    if isinstance(data, ResidenceInput):
        return data.person.id_type, data.person.id_number
    if isinstance(data, RentalInput):
        return data.landlord.id_type, data.landlord.id_number
    return data.declarant.id_type, data.declarant.id_number


def _person(raw: Mapping[str, Any]) -> PersonInput:
    values = dict(raw)
    values["birth_date"] = date.fromisoformat(values["birth_date"])
    values["visa_expiry"] = _date(values.get("visa_expiry"))
    return PersonInput(**values)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
