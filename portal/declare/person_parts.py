"""The tenant's own person on 我住在这里, in parts (name, document, number, 民族, phone with
更多信息), each a fragment of its own: typing a name, a number or a phone reruns that field alone,
not the document's code lists (issue 12, part 3: a field's rerun cost grew with the elements its
part redraws, and the number's step was the slowest a tenant takes).

Another document asks other things (the number's facts, 民族, 更多信息): choosing one reruns
the page. (A 户籍 address left empty is the region the number names: shared.declarations reads it.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from portal.declare.parts import Raw, in_fragment_rerun, merge_raw, part
from portal.declare.person import (
    document_field,
    ethnicity_field,
    more_person_fields,
    name_field,
    number_fields,
    phone_field,
)
from portal.declare.state import DeclForm, Where
from portal.declare.widgets import required_fields
from shared.core.validate import ID_RESIDENT

PERSON = Where().sub("person")


def own_person_parts(form: DeclForm, *, today: date) -> Raw:
    """The person's fields, as `person_fields` draws them, in parts: {"person": {...}}."""
    raw: Raw = {}
    for name, render in (
        ("person.name", _name),
        ("person.document", _document),
        ("person.number", lambda f: _number(f, today)),
        ("person.ethnicity", _ethnicity),
        ("person.phone", _phone_and_more),
    ):
        raw = merge_raw(raw, part(form, name, render))
    return raw


def _required(form: DeclForm, name: str, draw: Callable[[], Raw]) -> Raw:
    with required_fields(form, PERSON.sub(f"_{name}")):
        return {"person": draw()}


def _name(form: DeclForm) -> Raw:
    return _required(form, "name", lambda: {"name": name_field(form, PERSON)})


def _phone_and_more(form: DeclForm) -> Raw:
    """The phone, and 更多信息 under it in the same part: a part is a container the phone redraws
    at every field's step, and a fold's button is light to send again with the phone's."""
    raw = _required(form, "phone", lambda: {"phone": phone_field(form, PERSON)})
    return merge_raw(raw, {"person": more_person_fields(form, PERSON, _id_type(form))})


def _document(form: DeclForm) -> Raw:
    raw = _required(form, "document", lambda: document_field(form, PERSON))
    drawn, chosen = form.key("person._id_type"), raw["person"]["id_type"] or ID_RESIDENT
    if in_fragment_rerun() and st.session_state.get(drawn) != chosen:
        st.rerun(scope="app")  # the number, 民族 and 更多信息 follow the document
    st.session_state[drawn] = chosen
    return raw


def _id_type(form: DeclForm) -> str:
    """The document chosen (its part has drawn before the parts that follow it)."""
    return st.session_state.get(form.key(PERSON.sub("id_type").key)) or ID_RESIDENT


def _number(form: DeclForm, today: date) -> Raw:
    return _required(form, "number", lambda: number_fields(form, PERSON, _id_type(form), today=today))


def _ethnicity(form: DeclForm) -> Raw:
    return _required(form, "ethnicity", lambda: ethnicity_field(form, PERSON, _id_type(form)))
