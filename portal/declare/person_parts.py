"""The tenant's own person on 我住在这里, in four parts (name, document, phone, 更多信息), each
a fragment of its own: typing a name or a phone reruns that field alone, not the document's code
lists (issue 12, part 3: a field's rerun cost grew with the elements its part redraws).

What crosses parts is read at the end (`complete_residence`): a 户籍 address left empty is the
region the number says. A change of document that changes what 更多信息 asks reruns the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from portal.declare.parts import Raw, in_fragment_rerun, merge_raw, part
from portal.declare.person import (
    id_facts,
    identity_fields,
    more_kind,
    more_person_fields,
    name_field,
    phone_field,
)
from portal.declare.state import DeclForm, Where
from portal.declare.widgets import required_fields
from shared.core.clock import local_today
from shared.core.regions import region_name
from shared.core.validate import ID_RESIDENT

PERSON = Where().sub("person")


def own_person_parts(form: DeclForm, *, today: date) -> Raw:
    """The person's fields, as `person_fields` draws them, in parts: {"person": {...}}."""
    raw: Raw = {}
    for name, render in (
        ("person.name", _name),
        ("person.identity", lambda f: _identity(f, today)),
        ("person.phone", _phone),
        ("person.more", _more),
    ):
        raw = merge_raw(raw, part(form, name, render))
    return raw


def _required(form: DeclForm, name: str, draw: Callable[[], Raw]) -> Raw:
    with required_fields(form, PERSON.sub(f"_{name}")):
        return {"person": draw()}


def _name(form: DeclForm) -> Raw:
    return _required(form, "name", lambda: {"name": name_field(form, PERSON)})


def _phone(form: DeclForm) -> Raw:
    return _required(form, "phone", lambda: {"phone": phone_field(form, PERSON)})


def _identity(form: DeclForm, today: date) -> Raw:
    raw = _required(form, "identity", lambda: identity_fields(form, PERSON, today=today)[0])
    drawn = st.session_state.get(form.key("person._more_kind"))
    if in_fragment_rerun() and drawn != more_kind(raw["person"]["id_type"] or ID_RESIDENT):
        st.rerun(scope="app")  # 更多信息 asks other things now (户籍 not for a foreigner)
    return raw


def _more(form: DeclForm) -> Raw:
    id_type = st.session_state.get(form.key(PERSON.sub("id_type").key)) or ID_RESIDENT
    st.session_state[form.key("person._more_kind")] = more_kind(id_type)
    return {"person": more_person_fields(form, PERSON, id_type, region=None)}


def complete_residence(raw: Raw) -> Raw:
    """A 户籍 address left empty is the region a resident card's number names."""
    person: dict[str, Any] = raw.get("person") or {}
    if "hukou_address" not in person or person["hukou_address"]:
        return raw
    facts = id_facts(person.get("id_type") or ID_RESIDENT, person.get("id_number") or "", local_today())
    region = region_name(facts.region_code) if facts is not None else None
    return {**raw, "person": {**person, "hukou_address": region or ""}}
