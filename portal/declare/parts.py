"""A declaration form in parts, each a fragment: a change to a field reruns its part only (the
room, the person, the stay, the family, the tick), not the whole form (issue 12, part 3).

A part keeps what it last returned and which fields it drew in the session, so the submit button
(its own fragment) and the draft see the whole form without drawing it again. Each part checks
the whole form (pure and cheap) but shows only its own fields' messages. Without `Checks` (the
kiosk, the receipt's correction form) a part is a plain call: those forms run whole, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from portal.declare.drafts import save_changes
from portal.declare.state import DeclForm
from shared.declarations.form_errors import FieldError, FormErrors

Raw = dict[str, Any]
_RAW, _KEYS = "_raw.", "_keys."


@dataclass(frozen=True)
class Checks:
    """What a part needs to check the whole form and keep its draft."""

    kind: str
    plate_code: str
    validate: Callable[..., Any]
    today: date
    complete: Callable[[Raw], Raw] = dict  # values read across parts (a lease's start)


def part(form: DeclForm, name: str, render: Callable[[DeclForm], Raw]) -> Raw:
    """Draw one part of the form; in a fragment of its own when the form is in parts."""
    checks = form.checks
    if checks is None:
        return render(form)
    result: Raw | None = _part(form.ns, form.owner, checks, name, render)
    # A copy: the caller adds the other parts to what it gets, and the part's kept values (read
    # by every later check, in Session State's order) must stay its own.
    return dict(result or {})


def in_fragment_rerun() -> bool:
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


def whole_form(form: DeclForm) -> Raw:
    """Every part's last values, as the section function returns them in one run."""
    raw: Raw = {}
    prefix = form.key(_RAW)
    # Keys first, values only for ours: each value read goes through Session State's lock and
    # widget lookup, and a form holds a few hundred keys.
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        raw = merge_raw(raw, st.session_state[key])
    assert form.checks is not None
    return form.checks.complete(raw)


def merge_raw(raw: Raw, more: Raw) -> Raw:
    """Two parts' values; a person drawn in several parts (`person_parts`) is one dict again."""
    merged = dict(raw)
    for key, value in more.items():
        kept = merged.get(key)
        merged[key] = {**kept, **value} if isinstance(kept, dict) and isinstance(value, dict) else value
    return merged


def check(form: DeclForm) -> tuple[Any, tuple[FieldError, ...]]:
    """The checked input of the whole form, or its errors."""
    assert form.checks is not None
    try:
        return form.checks.validate(whole_form(form), today=form.checks.today), ()
    except FormErrors as failed:
        return None, failed.errors


@st.fragment
def _part(ns: str, owner: str, checks: Checks, name: str, render: Callable[[DeclForm], Raw]) -> Raw:
    # A fresh form: its message slots are this part's, drawn on this run.
    form = DeclForm(ns, owner=owner, checks=checks)
    marked = form.required_keys()
    raw = render(form)
    st.session_state[form.key(_RAW + name)] = raw
    st.session_state[form.key(_KEYS + name)] = form.drawn_field_keys()
    if in_fragment_rerun() and form.required_keys() != marked:
        # A row added, or a document that asks other things: the page's marks
        # (`required_marks`, drawn outside the parts) must name these fields too.
        st.rerun(scope="app")
    form.show_errors(check(form)[1])
    if in_fragment_rerun() and form.has_change():
        save_changes(form, kind=checks.kind, plate_code=checks.plate_code)
        if form.attempted:
            st.rerun()  # the summary above the button follows the corrections
    if form.slots_missing:  # a first message for a field: once more, with room under it
        st.rerun(scope="fragment" if in_fragment_rerun() else "app")
    return raw
