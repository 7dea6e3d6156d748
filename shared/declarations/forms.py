"""申报表单校验: the tenant, landlord and organisation forms checked in one pass.

Each `validate_*` takes the plain values a page collected (a dict; people and tenants as nested
dicts and lists) and returns a frozen input, or raises `FormErrors` with every field error and
its path (`person.id_number`, `family[1].birth_date`, `tenants[0].move_in`), so the page shows
each beside its field and keeps what was typed. Checks that compare the declaration with the
records (room over capacity, already resident elsewhere, …) are not here: they are findings
for the officer (issue 5), and never stop a submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.core.validate import (
    ID_RESIDENT,
)
from shared.core.validate_uscc import validate_uscc
from shared.declarations.fields import (
    Form,
    accepted,
    add_months,
    code_of,
    code_or,
    items,
    optional_date,
    person_name,
    phone,
    record_id,
    required,
    required_code_of,
    required_date,
    text,
    text_upto,
    whole_number,
)
from shared.declarations.form_errors import FieldError, FormErrors
from shared.declarations.inputs import (
    MOVE_IN_AHEAD,
    MOVE_OUT_AHEAD,
    DeclarantInput,
    OrganisationInput,
    PersonInput,
    RentalInput,
    ResidenceInput,
    TenantInput,
)
from shared.declarations.people_form import id_number_reader, read_person

__all__ = [
    "FieldError",
    "FormErrors",
    "validate_organisation",
    "validate_person",
    "validate_rental",
    "validate_residence",
]

ORG_PERSON_MAX_CHARS = 40  # Organisation.legal_rep and .manager hold 40 characters


def validate_residence(raw: Mapping[str, Any], *, today: date) -> ResidenceInput:
    """我住在这里: a tenant and family. `planned_months` may stand in for `planned_until`."""
    form = Form(raw)
    room_id = form.read("room_id", record_id, 0)
    person = read_person(form.part(raw.get("person"), "person"), today, relation="self")
    family = [
        (f"family[{i}]", read_person(form.part(member, f"family[{i}]"), today))
        for i, member in items(raw.get("family"))
    ]
    _refuse_duplicates(form, [("person", person), *family])
    reason = form.read("reason", required_code_of("residence_reason"), "")
    dwelling = form.read("dwelling_type", code_of("dwelling_type"), None)
    move_in = _move_in(form, "move_in", person, today)
    planned = form.read("planned_until", optional_date, None)
    months = form.read("planned_months", whole_number(1, 600), None)
    if planned is None and months is not None and move_in is not None:
        planned = add_months(move_in, months)
    if planned is not None and move_in is not None and planned <= move_in:
        form.fail("planned_until", "应晚于入住日期", "must be after the move-in date")
    move_out = _move_out(form, "move_out", move_in, today)
    privacy = form.read("privacy_accepted", accepted, False)
    form.raise_if_any()
    assert person is not None and move_in is not None
    members = tuple(p for _, p in family if p is not None)
    return ResidenceInput(room_id, person, members, reason, dwelling, move_in, planned, privacy, move_out)


def validate_rental(raw: Mapping[str, Any], *, today: date) -> RentalInput:
    """我是房东: the rental and its tenants. Tenants may be dicts from the form or `TenantInput`s
    from `parse_tenant_upload`; their rooms count as let even when the page did not tick them."""
    form = Form(raw)
    landlord = _declarant(form.part(raw.get("landlord"), "landlord"), today)
    room_ids: list[int] = form.read("room_ids", _room_ids, [])
    start = form.read("lease_start", required_date, None)
    end = form.read("lease_end", optional_date, None)
    if start and end and end <= start:
        form.fail("lease_end", "应晚于租赁开始日期", "must be after the lease start")
    use = form.read("use", code_or("building_use", "01"), "")
    tenants = [(i, _tenant(form.part(t, f"tenants[{i}]"), t, today)) for i, t in items(raw.get("tenants"))]
    _refuse_duplicates(form, [(f"tenants[{i}].person", t.person if t else None) for i, t in tenants])
    rooms = sorted(set(room_ids) | {t.room_id for _, t in tenants if t is not None})
    if not room_ids and not tenants and not form.has_error("room_ids"):
        form.file(required("room_ids"), "room_ids")
    move_out = _move_out(form, "move_out", start, today)
    pledge = form.read("pledge_accepted", accepted, False)
    form.raise_if_any()
    assert landlord is not None and start is not None and use
    kept = tuple(t for _, t in tenants if t is not None)
    return RentalInput(landlord, tuple(rooms), start, end, use, kept, pledge, move_out)


def validate_organisation(raw: Mapping[str, Any], *, today: date) -> OrganisationInput:
    """实有单位: an organisation at this address, declared by its manager."""
    form = Form(raw)
    name = form.read("name", text_upto(120, needed=True), "")
    uscc = form.read("uscc", lambda _path, value: validate_uscc(text(value)), "")
    status = form.read("status", code_or("organisation_status", "operating"), "")
    legal_rep = form.read("legal_rep", _org_person_name, "")
    manager = form.read("manager", _org_person_name, "")
    contact = form.read("phone", phone, "")
    staff = form.read("staff_count", whole_number(0, 1_000_000), None)
    room_id = form.read("room_id", whole_number(1, 2**62), None)
    declarant = _declarant(form.part(raw.get("declarant"), "declarant"), today)
    form.raise_if_any()
    assert declarant is not None and status
    return OrganisationInput(name, uscc, status, legal_rep, manager, contact, staff, room_id, declarant)


def validate_person(raw: Mapping[str, Any], *, today: date, path: str = "person") -> PersonInput:
    """One person on their own (a row of an upload); errors are filed under `path.`."""
    form = Form({path: raw})
    person = read_person(form.part(raw, path), today, relation="self")
    form.raise_if_any()
    assert person is not None
    return person


def _declarant(form: Form, today: date) -> DeclarantInput | None:
    """A landlord or an organisation's declarant: name, document and phone."""
    name = form.read("name", person_name, "")
    id_type = form.read("id_type", code_or("id_type", ID_RESIDENT), "")
    check = form.read("id_number", id_number_reader(id_type, today), None)
    contact = form.read("phone", phone, "")
    if not form.is_clean or check is None:
        return None
    return DeclarantInput(name, id_type, check.number, contact)


def _tenant(form: Form, raw: Any, today: date) -> TenantInput | None:
    if isinstance(raw, TenantInput):  # already checked by the upload
        return raw
    room_id = form.read("room_id", record_id, 0)
    person = read_person(form.part(form.raw.get("person"), "person"), today, relation="self")
    move_in = _move_in(form, "move_in", person, today)
    reason = form.read("reason", required_code_of("residence_reason"), "")
    move_out = _move_out(form, "move_out", move_in, today)
    if not form.is_clean or person is None or move_in is None:
        return None
    return TenantInput(room_id, person, move_in, reason, move_out)


def _org_person_name(path: str, value: Any) -> str:
    return person_name(path, value, max_chars=ORG_PERSON_MAX_CHARS)


def _refuse_duplicates(form: Form, people: list[tuple[str, PersonInput | None]]) -> None:
    """One person listed twice in one declaration is a typing slip, not two people."""
    seen: set[tuple[str, str]] = set()
    for path, person in people:
        if person is None:
            continue
        key = (person.id_type, person.id_number)
        if key in seen:
            form.fail(
                f"{path}.id_number", "与前面填写的人员重复", "the same document as someone listed above"
            )
        seen.add(key)


def _room_ids(path: str, value: Any) -> list[int]:
    if value is None or value == "":
        return []
    values = [value] if isinstance(value, int | str) else list(value)
    return [record_id(path, v) for v in values]


def _move_in(form: Form, key: str, person: PersonInput | None, today: date) -> date | None:
    moved = form.read(key, required_date, None)
    if moved is not None and person is not None and moved < person.birth_date:
        form.fail(key, "不能早于出生日期", "cannot be before the birth date")
    if moved is not None and moved > today + MOVE_IN_AHEAD:
        form.fail(key, "不能晚于今天起30天", "cannot be more than 30 days from today")
    return moved


def _move_out(form: Form, key: str, since: date | None, today: date) -> date | None:
    left = form.read(key, optional_date, None)
    if left is not None and since is not None and left < since:
        form.fail(key, "不能早于入住（开始）日期", "cannot be before the move-in (start) date")
    if left is not None and left > today + MOVE_OUT_AHEAD:
        form.fail(key, "不能晚于今天起7天", "cannot be more than 7 days from today")
    return left
