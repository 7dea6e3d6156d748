"""居住证 on the receipt page: for each migrant resident it lists, whether they may apply for a
residence permit yet, and what to bring (shared.self_service.permit)."""

from __future__ import annotations

import streamlit as st

from portal.ui.i18n import current_lang, t
from portal.ui.text import escape_markdown
from shared.core.db import session_scope
from shared.models import utcnow
from shared.self_service.permit import permit_documents, permit_notices, permit_text
from shared.self_service.receipt_view import ReceiptView


def show_permit(view: ReceiptView) -> None:
    """Nothing unless the receipt lists a migrant who lives where it says."""
    with session_scope() as session:
        notices = permit_notices(session, view=view, now=utcnow())
    if not notices:
        return
    lang = current_lang()
    st.subheader(t("居住证", "Residence permit"))
    documents = "\n".join(f"- {escape_markdown(code.label(lang))}" for code in permit_documents())
    for notice in notices:
        text = escape_markdown(t(*permit_text(notice)))
        if notice.is_eligible:
            st.success(f"{text}\n\n{documents}")
        else:
            st.info(text)
