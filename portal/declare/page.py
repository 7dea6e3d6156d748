"""One declaration page (我住在这里, 我是房东, 单位登记): the plate, the form, its draft, its receipt.

The form is drawn in parts, each a fragment (`portal.declare.parts`): a change to a field reruns
its part only, not the router, the plate's look-up nor the other parts. The submit button reruns
the page, then checks and sends the values every part kept; a rerun that changed nothing reads and
writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from portal.declare.drafts import clear_button, draft_notice, restore_draft, save_changes
from portal.declare.parts import Checks, Raw, check
from portal.declare.plate_access import back_to_plate, open_declaring_plate, require_rooms
from portal.declare.state import DeclForm
from portal.declare.submit import show_declared, store_declaration
from portal.declare.widgets import unfold_errors
from portal.ui.headings import page_heading
from portal.ui.i18n import t
from portal.ui.scroll import keep_place_across_reloads, scroll_to_first, widget_class
from shared.core.clock import local_today


@dataclass(frozen=True)
class FormPage:
    """What differs between the declaration pages."""

    kind: str  # the form's namespace and its drafts' form name
    heading: tuple[str, str]
    section: Callable[..., dict[str, Any]]  # (form, plate, *, today) → raw values
    validate: Callable[..., Any]
    submit: Callable[..., Any]
    needs_rooms: bool = True
    complete: Callable[[Raw], Raw] = dict  # values read across the form's parts


def declaration_page(page: FormPage) -> None:
    plate = open_declaring_plate()
    today = local_today()
    checks = Checks(page.kind, plate.code, page.validate, today, page.complete)
    form = DeclForm(page.kind, owner=plate.code, checks=checks)
    back_to_plate(plate)  # names the address: the form repeats it nowhere else
    if form.receipt:
        show_declared(form)
        st.stop()
    page_heading(t(*page.heading), anchor="form")
    if page.needs_rooms:
        require_rooms(plate)
    restore_draft(form, kind=page.kind, plate_code=plate.code)
    keep_place_across_reloads()
    draft_notice(form)
    form.idempotency_key()
    page.section(form, plate, today=today)
    _submit(page, form)
    save_changes(form, kind=page.kind, plate_code=plate.code, wait=True)
    clear_button(form)  # outside the parts: clearing redraws them all


def _attempt(form: DeclForm) -> None:
    """From now on every message shows; a folded 更多信息 with one opens, so it shows beside its field."""
    form.attempt()
    errors = check(form)[1]
    form.expect_messages(error.field for error in errors)  # room under each, drawn in this run
    unfold_errors(form, errors)


def _submit(page: FormPage, form: DeclForm) -> None:
    """The button, with every message in a summary above it once the user tried to submit. Not
    a fragment: a tap reruns the page, so every part draws (and keeps) its values afresh first,
    even one whose own rerun was cut short by the tap."""
    data, errors = check(form)  # every part has drawn (and kept) its values in this run
    if errors and form.attempted:
        st.error(form.summary(errors))
    clicked = st.button(
        t("提交申报", "Submit"),
        type="primary",
        width="stretch",
        key=form.key("_submit"),
        on_click=_attempt,  # before the parts draw: they show every message
        args=(form,),
    )
    if clicked and data is not None:
        assert form.checks is not None
        store_declaration(form, page.submit, plate_code=form.checks.plate_code, data=data)
    elif clicked and form.wrong_keys():
        # The button is at the form's foot: show the first field to correct, not only the summary.
        scroll_to_first([widget_class(key) for key in form.wrong_keys()], turn=form.tries)
