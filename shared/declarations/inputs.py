"""自助申报的内容: what a tenant, landlord or organisation manager declares, as frozen inputs.

The forms' values are checked into these by `shared.declarations.forms` (`validate_residence`,
`validate_rental`, `validate_organisation`). A declaration's payload is `to_payload(input)`:
the same field names, dates as ISO strings, so a receipt's payload fills the correction form
and validates again, and `from_payload` turns a stored payload back into an input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

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
