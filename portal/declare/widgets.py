"""The fields of the declaration forms, written once: a person (the tenant, each family member,
each tenant of a landlord, and the same on the correction form), a declarant, rooms, dates and
code lists.

Every field is labelled from `shared.declarations.inputs.FIELD_LABELS` (the same names the
messages use), keeps its value under its form's namespace, reports a change (`DeclForm.touch`)
and leaves room under it for its messages (`DeclForm.slot`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Literal

import streamlit as st

from portal.declare.state import DeclForm, Where
from portal.ui.i18n import current_lang, t
from shared.core.clock import local_today
from shared.core.codes import code_list, label
from shared.core.validate import ID_FOREIGNER_PERMANENT, ID_HMT_RESIDENCE_PERMIT, ID_PASSPORT, ID_RESIDENT
from shared.declarations.inputs import FOREIGNER_ID_TYPES, RELATIONS, label_of
from shared.places.plates import PlateView

EARLIEST_BIRTH = date(1900, 1, 1)
EARLIEST_DATE = date(1950, 1, 1)
# Typed values outlive a trip to another page (a phone's back button) and are there on return.
PERSIST = "session"
# Numbers that carry birth date and sex: those two may be left empty (GB 11643 and permits).
_NUMBERS_WITH_DATA = frozenset({ID_RESIDENT, ID_HMT_RESIDENCE_PERMIT, ID_FOREIGNER_PERMANENT})


def field_title(where: Where, title: str | None = None) -> str:
    return title or t(*label_of(where.path))


def text_field(
    form: DeclForm,
    where: Where,
    *,
    title: str | None = None,
    max_chars: int = 60,
    kind: Literal["default", "phone"] = "default",
    placeholder: str | None = None,
    help: str | None = None,
) -> str:
    key = form.key(where.key)
    value = st.text_input(
        field_title(where, title),
        key=key,
        persist_state=PERSIST,
        max_chars=max_chars,
        type=kind,
        placeholder=placeholder,
        help=help,
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where)
    return value or ""


def choice_field(
    form: DeclForm,
    where: Where,
    options: list[Any],
    format_func: Callable[[Any], str],
    *,
    title: str | None = None,
    placeholder: str | None = None,
    help: str | None = None,
) -> Any:
    """A select box over codes or ids (stored values), showing labels; empty until chosen."""
    key = form.key(where.key)
    value = st.selectbox(
        field_title(where, title),
        options,
        index=None,
        format_func=format_func,
        key=key,
        persist_state=PERSIST,
        placeholder=placeholder or t("请选择", "Choose"),
        help=help,
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where)
    return value


def code_field(
    form: DeclForm, where: Where, list_name: str, *, default: str | None = None, help: str | None = None
) -> str | None:
    """A code list; `default` is what an empty choice means (shown as the placeholder)."""
    lang = current_lang()
    value: str | None = choice_field(
        form,
        where,
        [c.code for c in code_list(list_name)],
        lambda code: label(list_name, code, lang),
        placeholder=label(list_name, default, lang) if default else None,
        help=help,
    )
    return value


def date_field(
    form: DeclForm,
    where: Where,
    *,
    earliest: date = EARLIEST_DATE,
    latest: date | None = None,
    help: str | None = None,
) -> date | None:
    key = form.key(where.key)
    value = st.date_input(
        field_title(where),
        value=None,
        min_value=earliest,
        max_value=latest or local_today() + timedelta(days=366),
        key=key,
        persist_state=PERSIST,
        format="YYYY-MM-DD",
        help=help,
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where)
    return value if isinstance(value, date) else None


def tick_field(form: DeclForm, where: Where, title: str) -> bool:
    key = form.key(where.key)
    value = st.checkbox(title, key=key, on_change=form.touch, args=(key,), persist_state=PERSIST)
    form.slot(where)
    return bool(value)


def room_labels(plate: PlateView) -> dict[int, str]:
    """Room id → `301`, or `B栋 301` where the plate has several buildings."""
    named = len(plate.buildings) > 1
    return {
        room.id: f"{building.name or t('楼栋', 'Building')} {room.number}" if named else room.number
        for building in plate.buildings
        for room in building.rooms
    }


def room_field(
    form: DeclForm, where: Where, rooms: dict[int, str], *, title: str | None = None
) -> int | None:
    value = choice_field(form, where, list(rooms), rooms.__getitem__, title=title)
    return int(value) if value is not None else None


def person_fields(form: DeclForm, where: Where, *, today: date, is_member: bool = False) -> dict[str, Any]:
    """One person. Fields follow the document: a passport asks for nationality and visa, a
    Chinese document for ethnic group and household registration."""
    lang = current_lang()
    raw: dict[str, Any] = {}
    if is_member:
        relations = [key for key in RELATIONS if key != "self"]
        raw["relation"] = choice_field(
            form, where.sub("relation"), relations, lambda key: RELATIONS[key][1 if lang == "en" else 0]
        )
    raw["name"] = text_field(form, where.sub("name"), max_chars=40)
    raw["id_type"] = code_field(form, where.sub("id_type"), "id_type", default=ID_RESIDENT)
    id_type = raw["id_type"] or ID_RESIDENT
    raw["id_number"] = text_field(form, where.sub("id_number"), max_chars=30)
    derived = t("可不填：按证件号码识别", "May be left empty: read from the document number")
    carries = id_type in _NUMBERS_WITH_DATA
    raw["sex"] = code_field(form, where.sub("sex"), "sex", help=derived if carries else None)
    raw["birth_date"] = date_field(
        form,
        where.sub("birth_date"),
        earliest=EARLIEST_BIRTH,
        latest=today,
        help=derived if carries else None,
    )
    if id_type in FOREIGNER_ID_TYPES:
        raw["nationality"] = code_field(form, where.sub("nationality"), "nationality")
        if id_type == ID_PASSPORT:
            raw["visa_expiry"] = date_field(
                form, where.sub("visa_expiry"), latest=today + timedelta(days=3660)
            )
    else:
        raw["ethnicity"] = code_field(form, where.sub("ethnicity"), "ethnicity")
        raw["hukou_address"] = text_field(form, where.sub("hukou_address"), max_chars=200)
    raw["education"] = code_field(form, where.sub("education"), "education")
    minors = t("未满18周岁可不填", "Minors under 18 may leave it empty")
    raw["phone"] = text_field(
        form, where.sub("phone"), max_chars=24, kind="phone", placeholder="138 0013 8000", help=minors
    )
    raw["employer"] = text_field(form, where.sub("employer"), max_chars=120)
    return raw


def declarant_fields(form: DeclForm, where: Where) -> dict[str, Any]:
    """Who declares a rental or an organisation; the number's last 6 characters open the receipt."""
    tail = t("查询回执时需要证件号码后6位", "The last 6 characters open your receipt later")
    return {
        "name": text_field(form, where.sub("name"), max_chars=40),
        "id_type": code_field(form, where.sub("id_type"), "id_type", default=ID_RESIDENT),
        "id_number": text_field(form, where.sub("id_number"), max_chars=30, help=tail),
        "phone": text_field(
            form, where.sub("phone"), max_chars=24, kind="phone", placeholder="138 0013 8000"
        ),
    }


def row_controls(form: DeclForm, group: str, row_id: int) -> None:
    st.button(
        t("删除此人", "Remove"),
        key=form.key(f"{group}#{row_id}._remove"),
        icon=":material/delete:",
        type="tertiary",
        on_click=form.remove_row,
        args=(group, row_id),
    )


def rooms_field(form: DeclForm, where: Where, rooms: dict[int, str]) -> list[int]:
    key = form.key(where.key)
    value = st.multiselect(
        field_title(where),
        list(rooms),
        format_func=rooms.__getitem__,
        key=key,
        persist_state=PERSIST,
        placeholder=t("请选择", "Choose"),
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where)
    return [int(v) for v in value]


def count_field(form: DeclForm, where: Where, *, help: str | None = None) -> int | None:
    key = form.key(where.key)
    value = st.number_input(
        field_title(where),
        min_value=0,
        max_value=1_000_000,
        value=None,
        step=1,
        key=key,
        persist_state=PERSIST,
        help=help,
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where)
    return int(value) if value is not None else None
