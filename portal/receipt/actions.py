"""What a declarant does on the receipt page: look up, correct and resubmit, declare the move-out,
confirm a tenant. Each action calls one service inside one transaction, then shows the receipt
as it is now; a refusal (wrong code, too many attempts, a closed declaration) is shown instead.

The opened receipt stays in session state with the code and tail that opened it, so every
action re-checks both (and the rate limit) without asking again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from portal.declare.sections import MAX_TENANT_BLOCKS, organisation_section, rental_section, residence_section
from portal.declare.state import DeclForm
from portal.declare.submit import checked_submission
from portal.receipt.widgets import client_key
from portal.ui.i18n import current_lang, t
from portal.ui.plate_page import remember_landlord_of
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.forms import validate_organisation, validate_rental, validate_residence
from shared.declarations.inputs import RentalInput, declarant_document, from_payload
from shared.models import DeclarationKind, DeclarationStatus, utcnow
from shared.places.plates import lookup_plate
from shared.self_service.receipt_access import DOC_TAIL_CHARS, RECEIPT_PARAM
from shared.self_service.receipt_masking import mask_payload, restore_masked
from shared.self_service.receipt_view import ReceiptView
from shared.self_service.receipts import open_receipt, resubmit
from shared.self_service.residence_actions import confirm_tenant, end_residence

OPENED, NOTICE, PREFILL = "receipt.opened", "receipt.notice", "receipt.prefill"
# Set when a receipt is opened, or drawn again after an action: the next run shows it from its
# status, once. A new value each time, so the browser runs the page's script anew.
SHOW_FROM_STATUS = "receipt.show_from_status"
CODE, TAIL = "receipt.code", "receipt.tail"
_VALIDATE = {
    DeclarationKind.RESIDENCE: validate_residence,
    DeclarationKind.RENTAL: validate_rental,
    DeclarationKind.ORGANISATION: validate_organisation,
}
Action = Callable[..., Any]  # (session, *, receipt_code, doc_tail, now, client_key) → anything


@dataclass(frozen=True)
class Opened:
    """The receipt open in this browser session: what opened it, and what it showed."""

    code: str
    tail: str
    view: ReceiptView


def opened_receipt() -> Opened | None:
    opened = st.session_state.get(OPENED)
    return opened if isinstance(opened, Opened) else None


def _keep_open(code: str, tail: str, view: ReceiptView, notice: tuple[str, str] | None = None) -> None:
    """Show this view from now on; the correction form is filled again from its payload."""
    st.session_state[OPENED] = Opened(code, tail, view)
    if view.kind is DeclarationKind.RENTAL and view.plate_code and view.tenant_key is None:
        remember_landlord_of(view.plate_code)
    st.session_state[NOTICE] = notice
    st.session_state[PREFILL] = True
    st.session_state[SHOW_FROM_STATUS] = uuid.uuid4().hex
    st.rerun()


def look_up() -> None:
    """The code (filled in from the receipt's link) and the document's last 6 characters; a refused
    look-up says why and closes the receipt that was open."""
    if CODE not in st.session_state:
        st.session_state[CODE] = st.query_params.get(RECEIPT_PARAM, "")
    with st.form("receipt.lookup"):
        code = st.text_input(t("回执码", "Receipt code"), key=CODE, max_chars=20)
        tail = st.text_input(
            t("证件号码后6位", "Last 6 characters of the document number"),
            key=TAIL,
            max_chars=DOC_TAIL_CHARS,
            autocomplete="off",
        )
        # Said under the field, not in a tooltip a phone opens only on a tap: a tenant whom the
        # landlord declared read "申报人" as the landlord and typed his number.
        st.caption(
            t(
                "申报人填写本人证件号码的后6位；房东为您登记的租客，填写您自己证件号码的后6位。",
                "The declarant: the last 6 of their own number. A tenant your landlord declared: "
                "the last 6 of your own number.",
            )
        )
        if not st.form_submit_button(t("查询", "Look up"), type="primary", width="stretch"):
            return
    try:
        with session_scope() as session:
            view = open_receipt(
                session, receipt_code=code, doc_tail=tail, client_key=client_key(), now=utcnow()
            )
    except DomainError as error:
        st.session_state.pop(OPENED, None)  # the page then shows no receipt
        st.error(error.message(current_lang()))
        return
    _keep_open(code, tail, view)


def _act(
    action: Action,
    notice: tuple[str, str] | Callable[[ReceiptView], tuple[str, str]],
    *,
    tail: str | None = None,
) -> None:
    """Run one receipt action, then show the receipt as it is now (or the refusal), under
    `notice` (or the notice that fits what became of it)."""
    opened = opened_receipt()
    assert opened is not None
    now, new_tail = utcnow(), tail or opened.tail
    try:
        with session_scope() as session:
            action(session, receipt_code=opened.code, doc_tail=opened.tail, now=now, client_key=client_key())
            view = open_receipt(
                session, receipt_code=opened.code, doc_tail=new_tail, client_key=client_key(), now=now
            )
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    _keep_open(opened.code, new_tail, view, notice(view) if callable(notice) else notice)


def confirm_tenants(view: ReceiptView) -> None:
    """房东确认: each tenant who declared themselves in the landlord's rooms, one button each."""
    pending: dict[int, list[str]] = {}
    for person in view.people:
        if (
            view.can_correct
            and person.is_masked
            and person.declaration_id
            and not person.confirmed_by_landlord
        ):
            pending.setdefault(person.declaration_id, []).append(f"{person.name}（{person.room}）")
    for declaration_id, names in pending.items():
        st.markdown(f"{t('租客自行申报', 'Declared by the tenant')}: {'、'.join(names)}")
        if st.button(t("确认", "Confirm"), key=f"receipt.confirm.{declaration_id}", icon=":material/check:"):

            def confirm(
                session: Session, *, receipt_code: str, tenant: int = declaration_id, **rest: Any
            ) -> None:
                confirm_tenant(
                    session, landlord_receipt_code=receipt_code, tenant_declaration_id=tenant, **rest
                )

            _act(confirm, ("已确认该租客", "Tenant confirmed"))


def correction_form(view: ReceiptView, *, today: date) -> None:
    """更正并重新提交: the declaration's own form, filled from what was declared; a new version."""
    if not view.can_correct or view.plate_code is None:  # a typed address is placed by the officer first
        return
    requested = view.correction.fields if view.correction and view.correction.is_open else ()
    form = DeclForm("receipt.fix", owner=view.receipt_code, requested=requested)
    # A long tenant list is not turned into blocks: it is kept, or replaced by an upload.
    is_long = view.kind is DeclarationKind.RENTAL and len(view.payload["tenants"]) > MAX_TENANT_BLOCKS
    if st.session_state.get(PREFILL):
        form.reset()  # numbers and phones go in masked: an unchanged mask keeps the stored value
        shown = mask_payload(view.payload)
        form.prefill({**shown, "tenants": []} if is_long else shown)
        st.session_state[PREFILL] = False
    with st.expander(t("更正并重新提交", "Correct and resubmit"), expanded=bool(requested)):
        with session_scope() as session:
            plate = lookup_plate(session, view.plate_code, today=today)
        assert plate is not None  # plates are retired, never deleted
        if view.kind is DeclarationKind.RENTAL:
            listed = from_payload(view.kind, view.payload)
            assert isinstance(listed, RentalInput)
            kept = listed.tenants if is_long else ()
            raw = rental_section(form, plate, today=today, kept=kept, correcting=True)
        elif view.kind is DeclarationKind.RESIDENCE:
            raw = residence_section(form, plate, today=today)
        else:
            raw = organisation_section(form, plate, today=today)
        raw = restore_masked(raw, view.payload)
        raw.setdefault("move_out", view.payload.get("move_out"))  # not on the form: ended below
        data = checked_submission(
            form, _VALIDATE[view.kind], raw, today=today, title=t("重新提交", "Resubmit")
        )
    if data is not None:

        def send(session: Session, **rest: Any) -> None:
            resubmit(session, data=data, **rest)

        # A corrected document number opens the receipt from now on.
        tail = declarant_document(data)[1][-DOC_TAIL_CHARS:]
        _act(send, ("已重新提交，请等待核实", "Resubmitted: an officer will review it"), tail=tail)


def move_out_form(view: ReceiptView, *, today: date) -> None:
    """搬离 / 结束出租: the date, and the residence or the whole rental ends."""
    if not view.can_end:
        return
    ending = t("办理搬离", "Declare the move-out")
    if view.kind is DeclarationKind.RENTAL:
        ending = t("结束出租", "End the rental")
    with st.expander(ending):
        move_out = st.date_input(
            t("搬离日期", "Move-out date"),
            value=today,
            min_value=today - timedelta(days=3660),
            max_value=today + timedelta(days=7),
            key="receipt.move_out",
            format="YYYY-MM-DD",
        )
        clicked = st.button(ending, key="receipt.end", type="primary", width="stretch")
    if clicked and isinstance(move_out, date):

        def end(session: Session, **rest: Any) -> None:
            end_residence(session, move_out=move_out, **rest)

        _act(end, _ended)


def _ended(view: ReceiptView) -> tuple[str, str]:
    """What a move-out did: a declaration no officer had approved is withdrawn, not ended (its
    status then says 已撤回, and a notice saying 搬离 beside it read as a contradiction)."""
    if view.status is DeclarationStatus.WITHDRAWN:
        ending = "结束出租" if view.kind is DeclarationKind.RENTAL else "搬离"
        return (
            f"申报已撤回：这份申报尚未核实，{ending}后无需再办理",
            "Declaration withdrawn: it had not been reviewed yet, so nothing more is needed",
        )
    if view.kind is DeclarationKind.RENTAL:
        return ("已结束出租，请等待核实", "Rental ended: an officer will review it")
    return ("已办理搬离，请等待核实", "Move-out declared: an officer will review it")
