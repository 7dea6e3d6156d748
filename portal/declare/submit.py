"""Sending a declaration form: the button with every message, storing the checked input once,
and the receipt the declarant keeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from portal.declare.drafts import forget_draft
from portal.declare.state import DeclForm
from portal.ui.builtin_text import RECEIPT_CODE_BOX
from portal.ui.i18n import current_lang, t
from portal.ui.qr import show_qr
from portal.ui.scroll import follow_field_links, scroll_to_top
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.declarations.form_errors import FieldError, FormErrors
from shared.models import utcnow
from shared.self_service.receipt_access import format_receipt_code, receipt_link, receipt_qr_png

_SCROLLED_TO = "receipt.scrolled_to"  # the last receipt shown from its top, in this session


def checked_submission(
    form: DeclForm, validate: Callable[..., Any], raw: dict[str, Any], *, today: date, title: str
) -> Any:
    """The submit button, with the summary above it and each message under its field. Returns
    the checked input when the button was pressed on a correct form, else None."""
    form.idempotency_key()
    summary = st.empty()
    clicked = st.button(title, type="primary", width="stretch", key=form.key("_submit"))
    errors: tuple[FieldError, ...] = ()
    try:
        data = validate(raw, today=today)
    except FormErrors as failed:
        data, errors = None, failed.errors
    if clicked:
        form.attempted = True
    form.show_errors(errors)
    if errors and form.attempted:
        summary.error(form.summary(errors))
        follow_field_links()
    return data if clicked else None


def show_receipt(receipt_code: str) -> None:
    """After a submission: the code to keep, its QR, the link, and what opens it later."""
    st.success(
        t("申报已提交，工作人员将核实。", "Your declaration was submitted; an officer will review it.")
    )
    with st.container(key=RECEIPT_CODE_BOX):  # the code right under its label (portal.ui.builtin_text)
        st.markdown(f"{t('回执码', 'Receipt code')}\n## {format_receipt_code(receipt_code)}")
    png = receipt_qr_png(receipt_code)
    show_qr(png, alt=t("回执二维码", "Receipt QR code"), width=220)
    st.caption(t("扫码查看回执", "Scan to open your receipt"))
    st.markdown(f"[{receipt_link(receipt_code)}]({receipt_link(receipt_code)})")
    st.info(
        t(
            "请保存回执码（截图或抄下）。查询进度、补正或办理搬离时，需要回执码和申报人证件号码的后6位。",
            "Keep this code (take a screenshot or write it down). To see the progress, correct the "
            "declaration or declare a move-out you need the code and the last 6 characters of the "
            "declarant's document number.",
        )
    )
    st.download_button(
        t("保存二维码图片", "Save the QR image"),
        data=png,
        file_name=f"menpai-{receipt_code}.png",
        mime="image/png",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    st.page_link(
        "app_pages/receipt.py",
        label=t("打开我的回执", "Open my receipt"),
        icon=":material/receipt_long:",
        query_params={"r": receipt_code},
    )
    if st.session_state.get(_SCROLLED_TO) != receipt_code:
        # Shown in place of a form, at whose foot 提交申报 was: once, from its top; a later run
        # (a language switch) leaves the page where the user is.
        st.session_state[_SCROLLED_TO] = receipt_code
        scroll_to_top()


def show_declared(form: DeclForm) -> None:
    """The receipt of the form just stored; the form itself starts again empty."""
    code = form.receipt
    assert code is not None
    form.reset(keep=["_receipt"])
    show_receipt(code)
    st.button(
        t("再申报一份", "Declare another"),
        key=form.key("_again"),
        icon=":material/add:",
        on_click=form.reset,
    )


def store_declaration(form: DeclForm, submit: Callable[..., Any], *, plate_code: str, data: Any) -> None:
    """Submit the checked input once (the form's idempotency key), then show its receipt."""
    try:
        with session_scope() as session:
            declaration = submit(
                session,
                plate_code=plate_code,
                data=data,
                idempotency_key=form.idempotency_key(),
                now=utcnow(),
            )
            code = declaration.receipt_code
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    forget_draft(form)  # stored: nothing is left to come back to
    form.finish(code)
