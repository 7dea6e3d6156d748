"""Gate pieces of the portal: a resident's pass and a landlord's visitors on the receipt page,
and the passage log's export for supervisors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import streamlit as st

from portal.ui.i18n import t
from portal.ui.qr import show_qr
from portal.ui.text import escape_markdown
from shared.core.clock import CHINA_TZ
from shared.core.db import session_scope
from shared.gate.passages import ExportFormat, PassageFilters, export_passages
from shared.gate.passes import PassView, pass_qr_png, pass_views_for_receipt
from shared.gate.visitors import visitors_for_rooms
from shared.models import DeclarationKind, DeclarationStatus, utcnow
from shared.self_service.receipt_people import room_ids_of
from shared.self_service.receipt_view import ReceiptView

VISITORS_SINCE = timedelta(days=30)


def local_time(at: datetime) -> str:
    return at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def show_resident_pass(receipt: ReceiptView) -> None:
    """住户通行码: for an approved residence receipt, each person's pass QR and its validity; for
    an approved rental, each tenant's, for the tenant to scan from the landlord's screen; for a
    tenant's own view, theirs (issued on first view, renewed here once expired); nothing else."""
    if receipt.kind is DeclarationKind.ORGANISATION or receipt.status is not DeclarationStatus.APPROVED:
        return
    with session_scope() as session:
        passes = pass_views_for_receipt(
            session, declaration_id=receipt.declaration_id, now=utcnow(), holder=receipt.tenant_key
        )
    if not passes:
        return
    is_landlord = receipt.kind is DeclarationKind.RENTAL and receipt.tenant_key is None
    if is_landlord:
        st.subheader(t("租客通行码", "Tenants' passes"))
        st.caption(
            t(
                "请每位租客用手机扫描或拍下自己的二维码保存；租客也可用本回执码和本人证件号码后6位自行查看。",
                "Let each tenant scan or photograph their own code; tenants can also open this receipt "
                "with its code and the last 6 characters of their own document number.",
            )
        )
    else:
        st.subheader(t("住户通行码", "Resident pass"))
    st.caption(
        t(
            "在村（社区）门禁处出示此二维码即可通行。请勿转给他人；手机遗失请联系网格员注销。",
            "Show this QR code at the village gate. Do not pass it on; if your phone is lost, ask the "
            "grid officer to revoke it.",
        )
    )
    if len(passes) <= 3:
        for view in passes:
            _show_pass(view)
        return
    with st.expander(t(f"共 {len(passes)} 张通行码", f"{len(passes)} passes")):  # a long tenant list
        for view in passes:
            _show_pass(view)


def _show_pass(view: PassView) -> None:
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(view.name)}**")
        if view.is_revoked:
            st.error(t("此通行码已注销，请联系网格员。", "This pass was revoked: ask the grid officer."))
            return
        if view.is_visa_expired:
            st.error(
                t(
                    "签证或居留许可已到期，通行码已失效；续签后请更新登记。",
                    "The visa has expired, and the pass with it: update the registration once it is renewed.",
                )
            )
            return
        show_qr(pass_qr_png(view.token), alt=t("通行二维码", "Pass QR code"), width=220)
        until = local_time(view.valid_until)
        st.caption(t(f"有效至 {until}", f"Valid until {until}"))


def show_visitors(receipt: ReceiptView) -> None:
    """近期访客: for an approved rental receipt (a landlord's), the visitors registered at a gate
    for his rooms in the last 30 days, masked; nothing for any other receipt."""
    is_landlord = receipt.kind is DeclarationKind.RENTAL and receipt.tenant_key is None
    if not is_landlord or receipt.status is not DeclarationStatus.APPROVED:
        return
    now = utcnow()
    with session_scope() as session:
        seen = visitors_for_rooms(
            session, room_ids=room_ids_of(receipt.kind, receipt.payload), since=now - VISITORS_SINCE
        )
    st.subheader(t("近期访客", "Recent visitors"))
    if not seen:
        st.caption(t("近30天没有访客登记。", "No visitors registered in the last 30 days."))
        return
    st.dataframe(
        [
            {
                t("时间", "Time"): local_time(v.valid_from),
                t("访客", "Visitor"): v.masked_name,
                t("电话", "Phone"): v.masked_phone,
                t("房间", "Room"): v.room_label,
                t("事由", "Purpose"): v.purpose,
                t("门岗", "Gate"): v.gate_name,
            }
            for v in seen
        ],
        hide_index=True,
        width="stretch",
    )


def passage_export(filters: PassageFilters, fmt: ExportFormat, actor: str) -> Callable[[], bytes]:
    """The file of a download button, made when it is clicked (so the export, and its audit
    entry, happen only when someone downloads), honouring the page's filters."""

    def build() -> bytes:
        with session_scope() as session:
            content, _ = export_passages(session, fmt=fmt, actor=actor, filters=filters, now=utcnow())
        return content

    return build
