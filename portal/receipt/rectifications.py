"""整改 on a landlord's receipt: what the officer found at his rental, by when to put it right,
and a short form to say it is done (a photo may go with it). The officer closes it on a visit."""

from __future__ import annotations

import streamlit as st

from portal.receipt.actions import opened_receipt
from portal.receipt.widgets import client_key
from portal.ui.i18n import current_lang, t
from portal.ui.text import escape_markdown
from shared.core.clock import local_today
from shared.core.db import session_scope
from shared.core.errors import DomainError
from shared.inspections.checklist import STATUS_LABELS
from shared.inspections.landlord import rectifications_for_rooms, report_done
from shared.inspections.photos import PHOTO_TYPES
from shared.inspections.views import RectificationView
from shared.models import DeclarationKind, RectificationStatus, utcnow
from shared.self_service.receipt_people import CLOSED, room_ids_of
from shared.self_service.receipt_view import ReceiptView

FLASH = "receipt.rectification_flash"


def show_rectifications(view: ReceiptView) -> None:
    """For the landlord of a rental (not a tenant's own view, not a closed declaration)."""
    if view.kind is not DeclarationKind.RENTAL or view.tenant_key is not None or view.status in CLOSED:
        return
    today = local_today(utcnow())
    with session_scope() as session:
        items = rectifications_for_rooms(session, room_ids=room_ids_of(view.kind, view.payload), today=today)
    if not items:
        return
    st.subheader(t("安全检查整改", "Safety rectifications"))
    st.caption(
        t(
            "网格员上门检查发现以下问题，请在期限前整改并在此反馈；网格员复查合格后销号。",
            "The grid officer's inspection found the problems below: put each right by its date and "
            "say so here; the officer closes it on the next visit.",
        )
    )
    if message := st.session_state.pop(FLASH, None):
        st.success(message)
    for item in items:
        _show(item)


def _show(item: RectificationView) -> None:
    with st.container(border=True, key=f"landlord-rect-{item.id}"):
        status = t(*STATUS_LABELS[item.status])
        overdue = t(" · ⚠️ 已逾期", " · ⚠️ overdue") if item.is_overdue else ""
        st.markdown(f"**{t(item.item_zh, item.item_en)}** · {status}{overdue}")
        if item.status is RectificationStatus.CLOSED:
            return
        st.caption(f"{t('整改期限', 'Put right by')} {item.due_on}")
        if item.note:
            st.caption(f"{t('检查发现', 'Found')}: {escape_markdown(item.note)}")
        if item.status is RectificationStatus.DONE:
            st.caption(f"{t('您的反馈', 'You said')}: {escape_markdown(item.landlord_note)}")
        with st.expander(t("反馈已整改", "Report it done"), expanded=item.status is RectificationStatus.OPEN):
            _done_form(item)


def _done_form(item: RectificationView) -> None:
    with st.form(f"receipt.rect.{item.id}", clear_on_submit=True):
        note = st.text_area(t("整改情况", "What was done"), key=f"receipt.rect.note.{item.id}", max_chars=300)
        photo = st.file_uploader(
            t("照片（可选，JPG/PNG，不超过5MB）", "Photo (optional, JPG/PNG, at most 5 MB)"),
            type=list(PHOTO_TYPES),
            key=f"receipt.rect.photo.{item.id}",
        )
        if not st.form_submit_button(t("已整改", "Done"), type="primary", width="stretch"):
            return
    opened = opened_receipt()
    assert opened is not None  # the receipt page shows this only once a receipt is open
    try:
        with session_scope() as session:
            report_done(
                session,
                receipt_code=opened.code,
                doc_tail=opened.tail,
                client_key=client_key(),
                rectification_id=item.id,
                note=note,
                photo=photo.getvalue() if photo is not None else None,
                now=utcnow(),
            )
    except DomainError as error:
        st.error(error.message(current_lang()))
        return
    st.session_state[FLASH] = t("已反馈，等待网格员复查", "Reported: the officer will check it")
    st.rerun()
