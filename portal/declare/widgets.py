"""The fields of the declaration forms, written once: text, code lists, dates, ticks, rooms.

Every field is labelled from `shared.declarations.inputs.FIELD_LABELS` (the same names the
messages use), keeps its value under its form's namespace, reports a change (`DeclForm.touch`)
and leaves room under it for its messages (`DeclForm.slot`). A default (today's move-in, the
only room, 汉族) is put into the field's state before it is drawn, never passed as `value=`:
it then behaves like a typed value, and a draft or a correction that holds one wins.
The people's fields are in `portal.declare.person`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, timedelta
from typing import Any, Literal

import streamlit as st

from portal.declare.state import DeclForm, Where
from portal.ui.i18n import current_lang, relabel_after_switch, t
from portal.ui.scroll import widget_class
from shared.core.clock import local_today
from shared.core.codes import code_list, label
from shared.declarations.form_errors import FieldError, label_of
from shared.places.plates import PlateView

EARLIEST_DATE = date(1950, 1, 1)
# Typed values outlive a trip to another page (a phone's back button) and are there on return.
PERSIST: Literal["session"] = "session"
MORE = "_more"  # the key part of a 更多信息 fold: `<form>.<group>._more`
FOLD_BUTTON = ".toggle"  # a fold's button: its state's key and this
_MARKED_LABEL = '[data-testid="stWidgetLabel"] p::after'
_MARK = 'content: " *"; color: #d33;'


def field_title(where: Where, title: str | None = None) -> str:
    return title or t(*label_of(where.path))


@contextmanager
def required_fields(form: DeclForm, where: Where) -> Iterator[None]:
    """The fields a declarant must give, marked with * (`required_marks`); everything optional
    is folded. No container of their own: each element on the page costs every field's rerun in
    the phone's browser, and a container is one more, sent again with every rerun of its part."""
    before = set(form.field_paths())
    yield
    form.note_required(where.key, set(form.field_paths()) - before)


def required_marks(form: DeclForm) -> None:
    """A red * after the label of every required field of the form, by the class Streamlit gives
    a keyed widget (`st-key-` and its key, other characters as `-`). Drawn after the form: its
    parts have noted their fields by then, and a part's rerun leaves it standing."""
    keys = sorted(form.required_keys())
    if keys:
        labels = ", ".join(f".{widget_class(key)} {_MARKED_LABEL}" for key in keys)
        st.html(f"<style>{labels} {{ {_MARK} }}</style>")


@contextmanager
def more_fields(form: DeclForm, where: Where, *, title: str | None = None) -> Iterator[None]:
    """更多信息（可不填）: the optional fields, folded so a phone shows only what is needed;
    `title` names a second fold of one block by what it holds, so two never read the same.

    On a declaration page (a form in parts) the fold is a `fold` button and its fields are drawn
    only while it is open: hidden fields still cost each rerun of their part on the phone, where a
    field step's time goes (issue 12). Closed, each field gives the value it was left with
    (Session State keeps it, `persist_state`), so the checks and the draft see the whole form. The
    kiosk and the correction form, drawn whole, keep Streamlit's expander, with its fields always
    drawn."""
    title = title or t("更多信息（可不填）", "More (optional)")
    if form.checks is None:
        with st.expander(title):
            yield
        return
    key = form.key(where.sub(MORE).key)
    opened = fold(key, title)
    before = set(form.field_paths())
    with st.container(border=True) if opened else nullcontext():
        form.folded = not opened
        try:
            yield
        finally:
            form.folded = False
    # Which fields it holds: a submission refused for one of them opens it (`unfold_errors`).
    form.note_folder(key, set(form.field_paths()) - before)


def fold(key: str, title: str) -> bool:
    """A fold of a form in parts, open or not as Session State's `key` says (`unfold_errors` opens
    it): one button, where Streamlit's expander is some thirty components the phone redraws at
    every field's step (issue 12). Tapped, it opens or closes; whether it is open is returned."""
    opened = bool(st.session_state.get(key))
    st.button(
        title,
        key=key + FOLD_BUTTON,
        icon=":material/keyboard_arrow_down:" if opened else ":material/keyboard_arrow_right:",
        type="tertiary",
        on_click=set_state,
        args=(key, not opened),
    )
    return opened


def set_state(key: str, value: object) -> None:
    """A button's on_click: a value for the next run (a fold opened, a question asked)."""
    st.session_state[key] = value


def unfold_errors(form: DeclForm, errors: Iterable[FieldError]) -> None:
    """Open every 更多信息 that holds a field with an error, so its message shows beside it."""
    wrong = {error.field for error in errors}
    for key, paths in form.folders().items():
        if wrong & paths:
            st.session_state[key] = True


def default(form: DeclForm, where: Where, value: object) -> None:
    """What a field shows until the declarant changes it (and again once the form is cleared)."""
    st.session_state.setdefault(form.key(where.key), value)
    form.note_blank(where, value)


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
    if form.folded:
        return str(form.folded_value(where) or "")
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
    form.slot(where, blank="")
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
    if form.folded:
        return form.folded_value(where)
    key = form.key(where.key)
    relabel_after_switch(key)
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


@st.cache_data(show_spinner=False)
def _codes(list_name: str, lang: str) -> tuple[list[str], dict[str, str]]:
    """A code list's codes and labels in one language (read from data/codes once)."""
    codes = [c.code for c in code_list(list_name)]
    return codes, {code: label(list_name, code, lang) for code in codes}


def code_field(
    form: DeclForm, where: Where, list_name: str, *, default: str | None = None, help: str | None = None
) -> str | None:
    """A code list; `default` is what an empty choice means (shown as the placeholder)."""
    codes, labels = _codes(list_name, current_lang())
    value: str | None = choice_field(
        form,
        where,
        codes,
        labels.__getitem__,
        placeholder=labels.get(default or "") or None,
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
    if form.folded:
        value = form.folded_value(where)
        return value if isinstance(value, date) else None
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
    form.slot(where, blank=False)
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
    """A plate with one room has it chosen already."""
    if len(rooms) == 1:
        default(form, where, next(iter(rooms)))
    value = choice_field(form, where, list(rooms), rooms.__getitem__, title=title)
    return int(value) if value is not None else None


def row_controls(form: DeclForm, group: str, row_id: int) -> None:
    st.button(
        t("删除此人", "Remove"),
        key=form.key(f"{group}#{row_id}._remove"),
        icon=":material/delete:",
        type="tertiary",
        on_click=form.remove_row,
        args=(group, row_id),
    )


def rooms_field(form: DeclForm, where: Where, rooms: dict[int, str], *, help: str | None = None) -> list[int]:
    if form.folded:
        return [int(v) for v in form.folded_value(where) or []]
    key = form.key(where.key)
    value = st.multiselect(
        field_title(where),
        list(rooms),
        format_func=rooms.__getitem__,
        key=key,
        persist_state=PERSIST,
        placeholder=t("请选择", "Choose"),
        help=help,
        on_change=form.touch,
        args=(key,),
    )
    form.slot(where, blank=[])
    return [int(v) for v in value]


def count_field(form: DeclForm, where: Where, *, help: str | None = None) -> int | None:
    if form.folded:
        value = form.folded_value(where)
        return int(value) if value is not None else None
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
