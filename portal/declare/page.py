"""One declaration page (我住在这里, 我是房东, 单位登记): the plate, the form, its draft, its receipt.

The form's body is a fragment: a change to a field reruns the form only, not the router nor the
plate's look-up; the plate is passed in as plain values. The form is checked on every rerun of
the fragment (cheap and pure), and a rerun that changed nothing reads and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from portal.declare.drafts import clear_button, draft_notice, restore_draft, save_changes
from portal.declare.plate_access import back_to_plate, open_declaring_plate, require_rooms
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission, show_declared, store_declaration
from portal.ui.i18n import t
from shared.core.clock import local_today
from shared.places.plates import PlateView


@dataclass(frozen=True)
class FormPage:
    """What differs between the declaration pages."""

    kind: str  # the form's namespace and its drafts' form name
    heading: tuple[str, str]
    section: Callable[..., dict[str, Any]]  # (form, plate, *, today) → raw values
    validate: Callable[..., Any]
    submit: Callable[..., Any]
    needs_rooms: bool = True


def declaration_page(page: FormPage) -> None:
    plate = open_declaring_plate()
    form = DeclForm(page.kind, owner=plate.code)
    back_to_plate(plate)
    if form.receipt:
        show_declared(form)
        st.stop()
    st.header(t(*page.heading))
    st.caption(f"麻涌镇 {plate.address}")
    if page.needs_rooms:
        require_rooms(plate)
    restore_draft(form, kind=page.kind, plate_code=plate.code)
    draft_notice(form)
    _form(page, plate)


@st.fragment
def _form(page: FormPage, plate: PlateView) -> None:
    form = DeclForm(page.kind, owner=plate.code)
    today: date = local_today()
    raw = page.section(form, plate, today=today)
    data = checked_submission(form, page.validate, raw, today=today, title=t("提交申报", "Submit"))
    if data is not None:
        store_declaration(form, page.submit, plate_code=plate.code, data=data)
    save_changes(form, kind=page.kind, plate_code=plate.code)
    clear_button(form)
